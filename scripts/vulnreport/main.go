// Command vulnreport reads `govulncheck -format json` on stdin and decides
// whether CI passes: every vulnerability our code calls fails the run unless
// it is in the accepted file, one line per id with the reason it cannot be
// fixed here. scripts/vulncheck runs it:
//
//	go run ./scripts/vulnreport -accepted scripts/vulncheck-accepted.txt SCAN.json...
//
// Each SCAN.json is the output of `govulncheck -format json ./...` for one
// module.
// The accepted file holds lines "ID MODULE REASON"; # starts a comment. An
// accepted id that no longer turns up is reported, so the list can shrink
// when the cause goes (a newer Go on the machines, say). Vulnerabilities in
// imported code that is never called are listed and do not fail. Standard
// library only.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// frame is one step of a finding's trace; the first is the vulnerable
// symbol (or only its package or module, when our code does not call it).
type frame struct {
	Module   string `json:"module"`
	Version  string `json:"version"`
	Package  string `json:"package"`
	Function string `json:"function"`
	Receiver string `json:"receiver"`
	Position *struct {
		Filename string `json:"filename"`
		Line     int    `json:"line"`
	} `json:"position"`
}

type message struct {
	Finding *struct {
		OSV          string  `json:"osv"`
		FixedVersion string  `json:"fixed_version"`
		Trace        []frame `json:"trace"`
	} `json:"finding"`
}

// vuln is one vulnerability as found in this scan.
type vuln struct {
	id, module, version, fixed string
	called                     bool
	// via is where our code reaches it: the last frame of a call trace.
	via string
}

// accepted maps an id to its module and reason.
type accepted map[string][2]string

func readAccepted(r io.Reader) (accepted, error) {
	a := accepted{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 3 || !strings.HasPrefix(f[0], "GO-") {
			return nil, fmt.Errorf("line %d: want \"ID MODULE REASON\", got %q", n, line)
		}
		a[f[0]] = [2]string{f[1], strings.Join(f[2:], " ")}
	}
	return a, sc.Err()
}

func scan(r io.Reader) (map[string]*vuln, error) {
	out := map[string]*vuln{}
	dec := json.NewDecoder(r)
	for {
		var m message
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading govulncheck's JSON: %w", err)
		}
		f := m.Finding
		if f == nil || len(f.Trace) == 0 {
			continue
		}
		top := f.Trace[0]
		v := out[f.OSV]
		if v == nil {
			v = &vuln{id: f.OSV, module: top.Module, version: top.Version, fixed: f.FixedVersion}
			out[f.OSV] = v
		}
		if top.Function != "" {
			v.called = true
			if v.via == "" {
				last := f.Trace[len(f.Trace)-1]
				sym := top.Package + "." + top.Function
				if top.Receiver != "" {
					sym = top.Package + "." + strings.TrimPrefix(top.Receiver, "*") + "." + top.Function
				}
				v.via = sym + " from " + last.Package + "." + last.Function
				if last.Position != nil {
					v.via += fmt.Sprintf(" (%s:%d)", last.Position.Filename, last.Position.Line)
				}
			}
		}
	}
}

// report writes one scan's findings to w and returns how many fail the run;
// used collects the accepted ids it met.
func report(w io.Writer, found map[string]*vuln, ok accepted, used map[string]bool) int {
	ids := make([]string, 0, len(found))
	for id := range found {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	failing := 0
	for _, id := range ids {
		v := found[id]
		fixed := v.fixed
		if fixed == "" {
			fixed = "no fixed version"
		} else {
			fixed = "fixed in " + fixed
		}
		switch a, isOK := ok[id]; {
		case !v.called:
			fmt.Fprintf(w, "imported, not called: %s in %s@%s (%s)\n", id, v.module, v.version, fixed)
		case isOK && a[0] == v.module:
			used[id] = true
			fmt.Fprintf(w, "ACCEPTED: %s in %s@%s (%s), called: %s. Why: %s\n", id, v.module, v.version, fixed, v.via, a[1])
		default:
			failing++
			fmt.Fprintf(w, "VULNERABLE: %s in %s@%s (%s), called: %s. See https://pkg.go.dev/vuln/%s\n", id, v.module, v.version, fixed, v.via, id)
		}
	}
	return failing
}

// stale lists the accepted ids no scan met.
func stale(w io.Writer, ok accepted, used map[string]bool) {
	ids := make([]string, 0, len(ok))
	for id := range ok {
		if !used[id] {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		fmt.Fprintf(w, "no longer found: accepted %s (%s); remove it from the accepted file\n", id, ok[id][0])
	}
}

func main() {
	path := flag.String("accepted", "", "file of accepted vulnerabilities (ID MODULE REASON per line)")
	flag.Parse()
	ok := accepted{}
	if *path != "" {
		f, err := os.Open(*path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "vulnreport:", err)
			os.Exit(2)
		}
		ok, err = readAccepted(f)
		f.Close()
		if err != nil {
			fmt.Fprintf(os.Stderr, "vulnreport: %s: %v\n", *path, err)
			os.Exit(2)
		}
	}
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: vulnreport [-accepted FILE] SCAN.json...")
		os.Exit(2)
	}
	failing, used := 0, map[string]bool{}
	for _, p := range flag.Args() {
		f, err := os.Open(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, "vulnreport:", err)
			os.Exit(2)
		}
		found, err := scan(f)
		f.Close()
		if err != nil {
			fmt.Fprintf(os.Stderr, "vulnreport: %s: %v\n", p, err)
			os.Exit(2)
		}
		fmt.Printf("vulnreport: %s\n", p)
		failing += report(os.Stdout, found, ok, used)
	}
	stale(os.Stdout, ok, used)
	if failing > 0 {
		fmt.Fprintf(os.Stderr, "vulnreport: %d vulnerabilities our code calls, not accepted\n", failing)
		os.Exit(1)
	}
	fmt.Println("vulnreport: our code calls no vulnerable code but what the accepted file lists")
}
