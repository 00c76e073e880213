package app

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// flagValue is a typed flag. Set only keeps the text: the flag, its
// variable and its default are parsed alike, once the source is known, so a
// bad value reads the same from either ("--timeout \"soon\": want ...").
type flagValue interface {
	flag.Value
	// kind names the type in --help.
	kind() string
	// parse converts text into the destination; the error names the flag.
	parse(name, text string) error
}

// flagText is what every flagValue keeps: the text it was given.
type flagText struct{ s string }

func (t *flagText) Set(s string) error { t.s = s; return nil }

func (t *flagText) String() string {
	if t == nil {
		return ""
	}
	return t.s
}

type boolFlag struct {
	flagText
	dst *bool
}

func boolean(dst *bool) *boolFlag { return &boolFlag{dst: dst} }

// IsBoolFlag tells the flag package (and splitSubcommand) that the flag
// takes no value: --sandbox alone means true.
func (*boolFlag) IsBoolFlag() bool { return true }
func (*boolFlag) kind() string     { return "" }
func (f *boolFlag) parse(name, s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("--%s %q: want true or false", name, s)
	}
	if f.dst != nil {
		*f.dst = b
	}
	return nil
}

type intFlag struct {
	flagText
	dst *int
	// positive refuses 0 and below.
	positive bool
}

func integer(dst *int) *intFlag  { return &intFlag{dst: dst} }
func positive(dst *int) *intFlag { return &intFlag{dst: dst, positive: true} }

func (*intFlag) kind() string { return "int" }
func (f *intFlag) parse(name, s string) error {
	if f.dst == nil {
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	switch {
	case f.positive && (err != nil || n <= 0):
		return fmt.Errorf("--%s %q: want a positive whole number", name, s)
	case err != nil:
		return fmt.Errorf("--%s %q: want a whole number", name, s)
	}
	*f.dst = n
	return nil
}

// durationFlag is a positive duration.
type durationFlag struct {
	flagText
	dst *time.Duration
}

func duration(dst *time.Duration) *durationFlag { return &durationFlag{dst: dst} }

func (*durationFlag) kind() string { return "duration" }
func (f *durationFlag) parse(name, s string) error {
	if f.dst == nil {
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return fmt.Errorf("--%s %q: want a positive duration like 30s", name, s)
	}
	*f.dst = d
	return nil
}

type stringFlag struct {
	flagText
	dst *string
}

func str(dst *string) *stringFlag { return &stringFlag{dst: dst} }

func (*stringFlag) kind() string { return "string" }
func (f *stringFlag) parse(_, s string) error {
	if f.dst != nil {
		*f.dst = s
	}
	return nil
}

// listFlag is comma-separated; blanks are dropped.
type listFlag struct {
	flagText
	dst *[]string
}

func list(dst *[]string) *listFlag { return &listFlag{dst: dst} }

func (*listFlag) kind() string { return "list" }
func (f *listFlag) parse(_, s string) error {
	if f.dst != nil {
		*f.dst = splitList(s)
	}
	return nil
}

// newFlagSet declares opts (and --version) on a new flag set.
func newFlagSet(opts []option, stderr io.Writer) (*flag.FlagSet, *bool) {
	fs := flag.NewFlagSet("leeloo-mcp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	for _, o := range opts {
		fs.Var(o.value, o.name, o.usage+" (env "+o.env+")")
		fs.Lookup(o.name).DefValue = o.def
	}
	version := fs.Bool("version", false, "print the version and exit")
	fs.Usage = func() { usage(fs, stderr) }
	return fs, version
}

// resolve parses every option from its flag if given, else its variable if
// set, else its default, and returns the texts by name for the parsers that
// read their own (parseTeam, parseLive) and whether each came from the
// command line or the environment.
func resolve(fs *flag.FlagSet, opts []option, getenv func(string) string) (texts map[string]string, given map[string]bool, err error) {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	texts, given = make(map[string]string, len(opts)), make(map[string]bool, len(opts))
	for _, o := range opts {
		t := o.def
		switch v := strings.TrimSpace(getenv(o.env)); {
		case set[o.name]:
			t = o.value.String()
		case v != "":
			t = v
		}
		texts[o.name], given[o.name] = t, set[o.name] || strings.TrimSpace(getenv(o.env)) != ""
		if err := o.value.parse(o.name, t); err != nil {
			return nil, nil, err
		}
	}
	return texts, given, nil
}

// takesValue reports whether a command-line word is a flag whose value is
// the next word: not when it has "=value", nor for a boolean flag, --help
// or -h (the flag package's own).
func takesValue(fs *flag.FlagSet, a string) bool {
	name := strings.TrimLeft(a, "-")
	if strings.Contains(name, "=") || name == "help" || name == "h" {
		return false
	}
	if f := fs.Lookup(name); f != nil {
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			return false
		}
	}
	return true
}

// printFlags writes the flags as flag.PrintDefaults does, naming each
// flag's type (the flag package calls every flag.Value "value").
func printFlags(fs *flag.FlagSet, w io.Writer) {
	fs.VisitAll(func(f *flag.Flag) {
		line := "  -" + f.Name
		kind := ""
		if v, ok := f.Value.(flagValue); ok {
			kind = v.kind()
		}
		if kind != "" {
			line += " " + kind
		}
		line += "\n    \t" + strings.ReplaceAll(f.Usage, "\n", "\n    \t")
		switch {
		case kind == "string" && f.DefValue != "":
			line += fmt.Sprintf(" (default %q)", f.DefValue)
		case kind != "" && f.DefValue != "":
			line += " (default " + f.DefValue + ")"
		}
		fmt.Fprintln(w, line)
	})
}
