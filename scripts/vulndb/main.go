// Command vulndb turns the OSV entries of the golang.org/x/vulndb module
// (data/osv/GO-*.json) into a Go vulnerability database in the v1 layout of
// https://go.dev/security/vuln/database, for `govulncheck -db file://DIR` on a
// machine that cannot reach vuln.go.dev. scripts/vulncheck runs it:
//
//	go mod download -json golang.org/x/vulndb@VERSION | go run ./scripts/vulndb -out DIR
//
// It reads that JSON on stdin (the module's Dir, and its Info file for the
// commit time) and writes
//
//	DIR/index/db.json       {"modified": the module's commit time}
//	DIR/index/modules.json  each module path with the ids of its entries
//	DIR/index/vulns.json    each id with its aliases
//	DIR/ID/GO-....json      each entry as the module has it
//
// The .json.gz forms are not written: govulncheck reads a file:// database's
// .json files. Standard library only.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// download is what `go mod download -json` prints for one module.
type download struct {
	Path    string
	Version string
	Info    string // the .info file: {"Version": ..., "Time": ...}
	Dir     string
	Error   string
}

// entry is the part of an OSV entry the index needs.
type entry struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Aliases  []string  `json:"aliases"`
	Affected []struct {
		Package struct {
			Name string `json:"name"` // the module path; "stdlib", "toolchain" for Go itself
		} `json:"package"`
	} `json:"affected"`
}

type dbMeta struct {
	Modified time.Time `json:"modified"`
}

// moduleVuln leaves out the index's optional "fixed" version: with it a client
// skips the entries already fixed at the version it asks about. Without it
// govulncheck reads each entry of the module and decides from the entry's own
// ranges, which costs a few file reads and cannot hide a vulnerability, as a
// semver mistake here could.
type moduleVuln struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
}

type moduleMeta struct {
	Path  string       `json:"path"`
	Vulns []moduleVuln `json:"vulns"`
}

type vulnMeta struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Aliases  []string  `json:"aliases,omitempty"`
}

var idPattern = regexp.MustCompile(`^GO-[0-9]{4}-[0-9]{4,}$`)

// summary is what build reports.
type summary struct {
	Entries, Modules int
	Modified         time.Time // db.json's
}

// build writes the database for the OSV entries in osvDir into out. asOf is
// the time the entries were taken (the module's commit time); db.json says
// the later of it and the newest entry's modified.
func build(osvDir, out string, asOf time.Time) (summary, error) {
	files, err := filepath.Glob(filepath.Join(osvDir, "*.json"))
	if err != nil {
		return summary{}, err
	}
	if len(files) == 0 {
		return summary{}, fmt.Errorf("no OSV entries (*.json) in %s", osvDir)
	}
	for _, d := range []string{"index", "ID"} {
		if err := os.MkdirAll(filepath.Join(out, d), 0o755); err != nil {
			return summary{}, err
		}
	}
	db := dbMeta{Modified: asOf.UTC()}
	modules := map[string]*moduleMeta{}
	vulns := make([]vulnMeta, 0, len(files))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return summary{}, err
		}
		var e entry
		if err := json.Unmarshal(raw, &e); err != nil {
			return summary{}, fmt.Errorf("%s: %w", f, err)
		}
		if !idPattern.MatchString(e.ID) || filepath.Base(f) != e.ID+".json" {
			return summary{}, fmt.Errorf("%s: id %q: want a file named GO-YYYY-NNNN.json after its id", f, e.ID)
		}
		if len(e.Affected) == 0 {
			return summary{}, fmt.Errorf("%s: no affected module", f)
		}
		modified := e.Modified.UTC()
		if modified.After(db.Modified) {
			db.Modified = modified
		}
		vulns = append(vulns, vulnMeta{ID: e.ID, Modified: modified, Aliases: e.Aliases})
		for _, a := range e.Affected {
			path := a.Package.Name
			if path == "" {
				return summary{}, fmt.Errorf("%s: an affected package without a name", f)
			}
			m := modules[path]
			if m == nil {
				m = &moduleMeta{Path: path}
				modules[path] = m
			}
			// An entry lists a module once per range set; the index once.
			if n := len(m.Vulns); n == 0 || m.Vulns[n-1].ID != e.ID {
				m.Vulns = append(m.Vulns, moduleVuln{ID: e.ID, Modified: modified})
			}
		}
		if err := os.WriteFile(filepath.Join(out, "ID", e.ID+".json"), raw, 0o644); err != nil {
			return summary{}, err
		}
	}
	sort.Slice(vulns, func(i, j int) bool { return vulns[i].ID < vulns[j].ID })
	mods := make([]*moduleMeta, 0, len(modules))
	for _, m := range modules {
		sort.Slice(m.Vulns, func(i, j int) bool { return m.Vulns[i].ID < m.Vulns[j].ID })
		mods = append(mods, m)
	}
	sort.Slice(mods, func(i, j int) bool { return mods[i].Path < mods[j].Path })
	for name, v := range map[string]any{"db": db, "modules": mods, "vulns": vulns} {
		b, err := json.Marshal(v)
		if err != nil {
			return summary{}, err
		}
		if err := os.WriteFile(filepath.Join(out, "index", name+".json"), b, 0o644); err != nil {
			return summary{}, err
		}
	}
	return summary{Entries: len(vulns), Modules: len(mods), Modified: db.Modified}, nil
}

// readDownload reads `go mod download -json` output: the module's directory
// and its commit time.
func readDownload(r io.Reader) (download, time.Time, error) {
	var d download
	if err := json.NewDecoder(r).Decode(&d); err != nil {
		return d, time.Time{}, fmt.Errorf("reading go mod download -json output: %w", err)
	}
	if d.Error != "" {
		return d, time.Time{}, fmt.Errorf("go mod download %s@%s: %s", d.Path, d.Version, d.Error)
	}
	if d.Dir == "" || d.Info == "" {
		return d, time.Time{}, errors.New("go mod download -json output names no Dir or Info")
	}
	raw, err := os.ReadFile(d.Info)
	if err != nil {
		return d, time.Time{}, err
	}
	var info struct{ Time time.Time }
	if err := json.Unmarshal(raw, &info); err != nil {
		return d, time.Time{}, fmt.Errorf("%s: %w", d.Info, err)
	}
	if info.Time.IsZero() {
		return d, time.Time{}, fmt.Errorf("%s: no Time", d.Info)
	}
	return d, info.Time, nil
}

func run(args []string, stdin io.Reader, stdout io.Writer, now time.Time) error {
	fs := flag.NewFlagSet("vulndb", flag.ContinueOnError)
	out := fs.String("out", "", "directory to write the database into")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		return errors.New("usage: go mod download -json golang.org/x/vulndb@VERSION | vulndb -out DIR")
	}
	d, asOf, err := readDownload(stdin)
	if err != nil {
		return err
	}
	s, err := build(filepath.Join(d.Dir, "data", "osv"), *out, asOf)
	if err != nil {
		return err
	}
	days := int(now.Sub(s.Modified).Hours() / 24)
	fmt.Fprintf(stdout, "vulndb: %s@%s, as of %s (%d days ago): %d entries, %d modules\n",
		d.Path, d.Version, s.Modified.Format(time.RFC3339), days, s.Entries, s.Modules)
	return nil
}

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout, time.Now()); err != nil {
		fmt.Fprintln(os.Stderr, "vulndb:", strings.TrimSpace(err.Error()))
		os.Exit(1)
	}
}
