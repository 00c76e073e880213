package tools

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// validator checks a call's arguments against the tool's published input
// schema before the handler runs. It replaces mcp-go's
// WithInputSchemaValidation, whose v1.2.1 messages print Go structs
// ("&{Missing:[account_id]}"); these name the field and the fix. Same
// library, same schema, compiled once on first use.
type validator struct {
	name   string
	schema json.RawMessage
	once   sync.Once
	sch    *jsonschema.Schema
	err    error
	// emptyOK: the schema requires nothing, so {} is valid without a look.
	// Read on the first call, not for every tool at start-up.
	emptyOK func() bool
}

func newValidator(name string, schema json.RawMessage) *validator {
	return &validator{name: name, schema: schema, emptyOK: sync.OnceValue(func() bool {
		var s struct {
			Required []string `json:"required"`
		}
		_ = json.Unmarshal(schema, &s)
		return len(s.Required) == 0
	})}
}

// isEmpty reports whether decoded or raw arguments are absent or {}.
func isEmpty(args any) bool {
	switch a := args.(type) {
	case nil:
		return true
	case map[string]any:
		return len(a) == 0
	case json.RawMessage:
		t := bytes.TrimSpace(a)
		if len(t) == 0 || string(t) == "null" {
			return true
		}
		if len(t) >= 2 && t[0] == '{' && t[len(t)-1] == '}' {
			return len(bytes.TrimSpace(t[1:len(t)-1])) == 0
		}
	}
	return false
}

func (v *validator) compiled() (*jsonschema.Schema, error) {
	v.once.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(v.schema))
		if err != nil {
			v.err = err
			return
		}
		c := jsonschema.NewCompiler()
		url := "mem:///tools/" + v.name + ".json"
		if v.err = c.AddResource(url, doc); v.err == nil {
			v.sch, v.err = c.Compile(url)
		}
	})
	return v.sch, v.err
}

// check validates the raw arguments (nil means {}).
func (v *validator) check(args any) error {
	if isEmpty(args) && v.emptyOK() {
		return nil
	}
	sch, err := v.compiled()
	if err != nil {
		return fmt.Errorf("tools: %s input schema: %w", v.name, err)
	}
	var inst any
	switch a := args.(type) {
	case map[string]any: // decoded by encoding/json: already the validator's representation
		inst = a
	default:
		if inst, err = normalize(args); err != nil {
			return argErrorf("arguments are not a JSON object: %v", err)
		}
	}
	var verr *jsonschema.ValidationError
	if err := sch.Validate(inst); errors.As(err, &verr) {
		var msgs []string
		collect(verr, &msgs)
		sort.Strings(msgs)
		return argErrorf("%s", strings.Join(msgs, "; "))
	} else if err != nil {
		return argErrorf("%v", err)
	}
	return nil
}

// normalize turns decoded arguments into the validator's representation.
func normalize(args any) (any, error) {
	switch a := args.(type) {
	case nil:
		return map[string]any{}, nil
	case json.RawMessage:
		// "arguments": null arrives as the raw bytes null: no arguments, as before.
		if t := bytes.TrimSpace(a); len(t) == 0 || bytes.Equal(t, []byte("null")) {
			return map[string]any{}, nil
		}
		return jsonschema.UnmarshalJSON(bytes.NewReader(a))
	}
	b, err := json.Marshal(args)
	if err != nil {
		return nil, err
	}
	return jsonschema.UnmarshalJSON(bytes.NewReader(b))
}

var printer = message.NewPrinter(language.English)

func collect(e *jsonschema.ValidationError, out *[]string) {
	if len(e.Causes) > 0 {
		for _, c := range e.Causes {
			collect(c, out)
		}
		return
	}
	field := strings.Join(e.InstanceLocation, ".")
	subject := field
	if field == "" {
		subject = "the arguments"
	}
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		for _, m := range k.Missing {
			if field == "" {
				*out = append(*out, m+" is required")
			} else {
				*out = append(*out, field+"."+m+" is required")
			}
		}
	case *kind.AdditionalProperties:
		where := ""
		if field != "" {
			where = " in " + field
		}
		*out = append(*out, fmt.Sprintf("unknown argument %s%s (see the tool's input schema)", strings.Join(k.Properties, ", "), where))
	case *kind.Enum:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = fmt.Sprint(w)
		}
		*out = append(*out, fmt.Sprintf("%s must be one of %s, not %v", field, strings.Join(want, ", "), k.Got))
	case *kind.Type:
		*out = append(*out, fmt.Sprintf("%s must be %s, not %s", subject, strings.Join(k.Want, " or "), k.Got))
	case *kind.Minimum:
		want, _ := k.Want.Float64()
		*out = append(*out, fmt.Sprintf("%s must be at least %v", field, want))
	case *kind.Maximum:
		want, _ := k.Want.Float64()
		*out = append(*out, fmt.Sprintf("%s must be at most %v", field, want))
	case *kind.MaxLength:
		*out = append(*out, fmt.Sprintf("%s is %d characters; the limit is %d", field, k.Got, k.Want))
	case *kind.Pattern:
		*out = append(*out, fmt.Sprintf("%s %q does not match the pattern %s", field, k.Got, k.Want))
	case *kind.MinItems:
		*out = append(*out, fmt.Sprintf("%s needs at least %d items", field, k.Want))
	case *kind.MaxItems:
		*out = append(*out, fmt.Sprintf("%s takes at most %d items, not %d", field, k.Want, k.Got))
	default:
		*out = append(*out, subject+": "+e.ErrorKind.LocalizedString(printer))
	}
}
