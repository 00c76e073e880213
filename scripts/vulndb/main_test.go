package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Three entries as data/osv has them (modified is the zero time there): one
// module with two entries, one entry naming a module twice and another
// module, the standard library.
var entries = map[string]string{
	"GO-2022-0001.json": `{"schema_version":"1.3.1","id":"GO-2022-0001","modified":"0001-01-01T00:00:00Z",
		"aliases":["CVE-2022-1","GHSA-aaaa-bbbb-cccc"],
		"affected":[{"package":{"name":"example.com/a","ecosystem":"Go"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.2.0"}]}]}]}`,
	"GO-2023-0002.json": `{"schema_version":"1.3.1","id":"GO-2023-0002","modified":"0001-01-01T00:00:00Z",
		"affected":[
			{"package":{"name":"example.com/b","ecosystem":"Go"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.0.1"}]}]},
			{"package":{"name":"example.com/b","ecosystem":"Go"},"ranges":[{"type":"SEMVER","events":[{"introduced":"2.0.0"},{"fixed":"2.0.3"}]}]},
			{"package":{"name":"example.com/a","ecosystem":"Go"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]}]}]}`,
	"GO-2024-0003.json": `{"schema_version":"1.3.1","id":"GO-2024-0003","modified":"2024-05-01T10:00:00Z","aliases":["CVE-2024-3"],
		"affected":[{"package":{"name":"stdlib","ecosystem":"Go"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.22.3"}]}]}]}`,
}

func writeEntries(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestBuildWritesTheV1Layout(t *testing.T) {
	osv := writeEntries(t, entries)
	if err := os.WriteFile(filepath.Join(osv, "README"), []byte("not an entry"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	asOf := time.Date(2026, 11, 5, 23, 49, 57, 0, time.UTC)
	s, err := build(osv, out, asOf)
	if err != nil {
		t.Fatal(err)
	}
	if s.Entries != 3 || s.Modules != 3 || !s.Modified.Equal(asOf) {
		t.Errorf("summary %+v, want 3 entries, 3 modules, modified %s", s, asOf)
	}
	zero := `"modified":"0001-01-01T00:00:00Z"`
	want := map[string]string{
		"index/db.json": `{"modified":"2026-11-05T23:49:57Z"}`,
		"index/modules.json": `[` +
			`{"path":"example.com/a","vulns":[{"id":"GO-2022-0001",` + zero + `},{"id":"GO-2023-0002",` + zero + `}]},` +
			`{"path":"example.com/b","vulns":[{"id":"GO-2023-0002",` + zero + `}]},` +
			`{"path":"stdlib","vulns":[{"id":"GO-2024-0003","modified":"2024-05-01T10:00:00Z"}]}]`,
		"index/vulns.json": `[` +
			`{"id":"GO-2022-0001",` + zero + `,"aliases":["CVE-2022-1","GHSA-aaaa-bbbb-cccc"]},` +
			`{"id":"GO-2023-0002",` + zero + `},` +
			`{"id":"GO-2024-0003","modified":"2024-05-01T10:00:00Z","aliases":["CVE-2024-3"]}]`,
	}
	for name, body := range entries {
		want["ID/"+name] = body // as the module has it, byte for byte
	}
	for name, body := range want {
		if got := readFile(t, filepath.Join(out, name)); got != body {
			t.Errorf("%s:\n got %s\nwant %s", name, got, body)
		}
	}
	ids, err := os.ReadDir(filepath.Join(out, "ID"))
	if err != nil || len(ids) != 3 {
		t.Errorf("ID/ has %d files (%v), want the 3 entries", len(ids), err)
	}
}

// db.json says the newest entry's time when it is later than the module's.
func TestBuildModifiedIsTheNewestTime(t *testing.T) {
	s, err := build(writeEntries(t, entries), t.TempDir(), time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC); !s.Modified.Equal(want) {
		t.Errorf("modified %s, want %s", s.Modified, want)
	}
}

// Anything that would make a database that silently finds less fails.
func TestBuildRefuses(t *testing.T) {
	for _, c := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"no entries", map[string]string{"README.md": "x"}, "no OSV entries"},
		{"not JSON", map[string]string{"GO-2022-0001.json": `{"id":`}, "GO-2022-0001.json"},
		{"file not named after its id", map[string]string{"GO-2022-0009.json": entries["GO-2022-0001.json"]}, `id "GO-2022-0001"`},
		{"no id", map[string]string{"GO-2022-0001.json": `{"affected":[{"package":{"name":"m"}}]}`}, `id ""`},
		{"no affected module", map[string]string{"GO-2022-0001.json": `{"id":"GO-2022-0001"}`}, "no affected module"},
		{"a package without a name", map[string]string{"GO-2022-0001.json": `{"id":"GO-2022-0001","affected":[{"package":{}}]}`}, "without a name"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := build(writeEntries(t, c.files), t.TempDir(), time.Now())
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err %v, want one saying %q", err, c.want)
			}
		})
	}
}

// run reads what `go mod download -json` prints: the module's directory, its
// .info file for the date, and says what it built.
func TestRun(t *testing.T) {
	mod := t.TempDir()
	osv := filepath.Join(mod, "data", "osv")
	if err := os.MkdirAll(osv, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range entries {
		if err := os.WriteFile(filepath.Join(osv, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	info := filepath.Join(t.TempDir(), "v.info")
	if err := os.WriteFile(info, []byte(`{"Version":"v0.0.0-20261105234957-e22db6528018","Time":"2026-11-05T23:49:57Z"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	dl := `{
	"Path": "golang.org/x/vulndb",
	"Version": "v0.0.0-20261105234957-e22db6528018",
	"Info": ` + quote(info) + `,
	"Dir": ` + quote(mod) + `
}`
	out := t.TempDir()
	var stdout bytes.Buffer
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	if err := run([]string{"-out", out}, strings.NewReader(dl), &stdout, now); err != nil {
		t.Fatal(err)
	}
	want := "vulndb: golang.org/x/vulndb@v0.0.0-20261105234957-e22db6528018, as of 2026-11-05T23:49:57Z (25 days ago): 3 entries, 3 modules\n"
	if stdout.String() != want {
		t.Errorf("run printed %q, want %q", stdout.String(), want)
	}
	if got := readFile(t, filepath.Join(out, "index", "db.json")); got != `{"modified":"2026-11-05T23:49:57Z"}` {
		t.Errorf("db.json %s", got)
	}

	for _, c := range []struct{ name, stdin, want string }{
		{"download failed", `{"Path":"golang.org/x/vulndb","Version":"v9","Error":"unknown revision v9"}`, "unknown revision v9"},
		{"no Dir", `{"Path":"golang.org/x/vulndb","Info":` + quote(info) + `}`, "no Dir"},
		{"not JSON", `go: downloading`, "go mod download -json output"},
		{"info without a time", `{"Dir":` + quote(mod) + `,"Info":` + quote(filepath.Join(mod, "data", "osv", "GO-2022-0001.json")) + `}`, "no Time"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := run([]string{"-out", t.TempDir()}, strings.NewReader(c.stdin), &stdout, now)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err %v, want one saying %q", err, c.want)
			}
		})
	}
	if err := run(nil, strings.NewReader(dl), &stdout, now); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Errorf("run without -out: %v, want the usage", err)
	}
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `\`, `\\`) + `"` }
