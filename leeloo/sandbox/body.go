package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// body is a decoded request body: a JSON object, or form values for the
// endpoints the doc marks form-data.
type body struct {
	json map[string]json.RawMessage
	form url.Values
}

// jsonBody decodes the body as a JSON object whatever the Content-Type says;
// an empty body is an empty object.
func jsonBody(r *http.Request) (body, *apiError) {
	raw, _ := io.ReadAll(r.Body)
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return body{}, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return body{}, errBadJSON
	}
	return body{json: m}, nil
}

// formOrJSONBody decodes application/x-www-form-urlencoded and
// multipart/form-data bodies as forms and anything else as JSON.
func formOrJSONBody(r *http.Request) (body, *apiError) {
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/x-www-form-urlencoded":
		raw, _ := io.ReadAll(r.Body)
		vals, err := url.ParseQuery(string(raw))
		if err != nil {
			return body{}, fieldError("body", valueNotValid)
		}
		return body{form: vals}, nil
	case "multipart/form-data":
		form, err := multipart.NewReader(r.Body, params["boundary"]).ReadForm(maxBody)
		if err != nil {
			return body{}, fieldError("body", valueNotValid)
		}
		defer func() { _ = form.RemoveAll() }()
		return body{form: url.Values(form.Value)}, nil
	}
	return jsonBody(r)
}

// str returns the field as a string: a JSON string, or the text of a JSON
// number or boolean, or the first form value. ok is false for objects and arrays.
func (b body) str(key string) (val string, present, ok bool) {
	if b.form != nil {
		vs, found := b.form[key]
		if !found || len(vs) == 0 {
			return "", false, true
		}
		return vs[0], true, true
	}
	raw, found := b.json[key]
	if !found {
		return "", false, true
	}
	return scalar(raw)
}

// scalar turns a JSON scalar into its string form; null is absent.
func scalar(raw json.RawMessage) (val string, present, ok bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", false, true
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", true, false
		}
		return s, true, true
	case '{', '[':
		return "", true, false
	}
	return string(raw), true, true
}

// raw returns the JSON value of a key (nil for forms or when absent or null).
func (b body) raw(key string) json.RawMessage {
	v := b.json[key]
	if string(bytes.TrimSpace(v)) == "null" {
		return nil
	}
	return v
}

// requiredString reads a non-blank string field.
func (b body) requiredString(fe fieldErrors, key string) string {
	v, present, ok := b.str(key)
	switch {
	case !ok:
		fe.add(key, valueNotValid)
	case !present || strings.TrimSpace(v) == "":
		fe.add(key, valueRequired)
	}
	return v
}

// optionalString reads a string field that may be absent.
func (b body) optionalString(fe fieldErrors, key string) (string, bool) {
	v, present, ok := b.str(key)
	if !ok {
		fe.add(key, valueNotValid)
		return "", false
	}
	return v, present && v != ""
}

// requiredID reads an id field: REQUIRED when absent, NOT_VALID_ID when not 24 hex chars.
func (b body) requiredID(fe fieldErrors, key string) string {
	v, present, ok := b.str(key)
	switch {
	case !ok:
		fe.add(key, valueNotValidID)
	case !present || v == "":
		fe.add(key, valueRequired)
	case !validID(v):
		fe.add(key, valueNotValidID)
	}
	return strings.ToLower(v)
}

// optionalID reads an id field that may be absent.
func (b body) optionalID(fe fieldErrors, key string) (string, bool) {
	v, present, ok := b.str(key)
	switch {
	case !ok:
		fe.add(key, valueNotValidID)
		return "", false
	case !present || v == "":
		return "", false
	case !validID(v):
		fe.add(key, valueNotValidID)
		return "", false
	}
	return strings.ToLower(v), true
}

// optionalBool reads true/false given as a JSON boolean or a string.
func (b body) optionalBool(fe fieldErrors, key string) bool {
	v, present, ok := b.str(key)
	if !ok {
		fe.add(key, valueNotValid)
		return false
	}
	if !present || v == "" {
		return false
	}
	t, err := strconv.ParseBool(v)
	if err != nil {
		fe.add(key, valueNotValid)
	}
	return t
}

// pathID reads an id path parameter.
func pathID(r *http.Request, name string) (string, *apiError) {
	v := r.PathValue(name)
	if !validID(v) {
		return "", fieldError(name, valueNotValidID)
	}
	return strings.ToLower(v), nil
}
