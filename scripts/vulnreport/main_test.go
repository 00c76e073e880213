package main

import (
	"bytes"
	"strings"
	"testing"
)

// A govulncheck JSON stream: GO-1 called in a dependency, GO-2 called in the
// standard library, GO-3 imported and never called.
const scanJSON = `{"config":{"scanner_name":"govulncheck"}}
{"osv":{"id":"GO-1"}}
{"finding":{"osv":"GO-1","fixed_version":"v1.2.3","trace":[{"module":"example.com/dep","version":"v1.2.0"}]}}
{"finding":{"osv":"GO-1","fixed_version":"v1.2.3","trace":[{"module":"example.com/dep","version":"v1.2.0","package":"example.com/dep/x","function":"Parse"},{"module":"example.com/us","package":"example.com/us/app","function":"Run","position":{"filename":"app/run.go","line":7}}]}}
{"finding":{"osv":"GO-2","fixed_version":"v1.26.9","trace":[{"module":"stdlib","version":"v1.26.8","package":"net/http","function":"Do","receiver":"*Client"},{"module":"example.com/us","package":"example.com/us/leeloo","function":"call"}]}}
{"finding":{"osv":"GO-3","trace":[{"module":"example.com/other","version":"v0.1.0","package":"example.com/other/y"}]}}
`

func run(t *testing.T, acceptedText string) (string, int) {
	t.Helper()
	ok, err := readAccepted(strings.NewReader(acceptedText))
	if err != nil {
		t.Fatal(err)
	}
	found, err := scan(strings.NewReader(scanJSON))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	used := map[string]bool{}
	n := report(&out, found, ok, used)
	stale(&out, ok, used)
	return out.String(), n
}

func TestCalledVulnerabilitiesFail(t *testing.T) {
	out, n := run(t, "")
	if n != 2 {
		t.Fatalf("%d failing, want 2:\n%s", n, out)
	}
	for _, want := range []string{
		"VULNERABLE: GO-1 in example.com/dep@v1.2.0 (fixed in v1.2.3), called: example.com/dep/x.Parse from example.com/us/app.Run (app/run.go:7)",
		"VULNERABLE: GO-2 in stdlib@v1.26.8 (fixed in v1.26.9), called: net/http.Client.Do from example.com/us/leeloo.call",
		"imported, not called: GO-3 in example.com/other@v0.1.0 (no fixed version)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}

func TestAcceptedOnlyForItsModule(t *testing.T) {
	out, n := run(t, "# the machines' Go\nGO-2 stdlib fixed in go1.26.9\nGO-1 stdlib wrong module\nGO-9 stdlib gone since\n")
	if n != 1 || !strings.Contains(out, "VULNERABLE: GO-1") {
		t.Fatalf("GO-1 is accepted for stdlib only, so it still fails (%d failing):\n%s", n, out)
	}
	if !strings.Contains(out, "ACCEPTED: GO-2 in stdlib@v1.26.8") || !strings.Contains(out, "Why: fixed in go1.26.9") {
		t.Errorf("GO-2 is accepted with its reason:\n%s", out)
	}
	if !strings.Contains(out, "no longer found: accepted GO-9 (stdlib)") {
		t.Errorf("a stale entry is reported:\n%s", out)
	}
}

func TestAcceptedFileMustGiveAReason(t *testing.T) {
	for _, bad := range []string{"GO-1 stdlib\n", "CVE-1 stdlib why\n"} {
		if _, err := readAccepted(strings.NewReader(bad)); err == nil {
			t.Errorf("%q was read", bad)
		}
	}
}

func TestUnreadableScanIsAnError(t *testing.T) {
	if _, err := scan(strings.NewReader(`{"finding":`)); err == nil {
		t.Fatal("a cut-off scan was read")
	}
}
