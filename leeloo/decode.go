package leeloo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
)

// typed is a reply decoded with its data in a single pass: the common case
// of a success whose data is already in the expected shape.
type typed[T any] struct {
	Status json.RawMessage `json:"status"`
	Data   T               `json:"data"`
	Meta   *Meta           `json:"meta"`
	Error  json.RawMessage `json:"error"`
}

// fastDecode tries the single pass and reports whether it settled the reply;
// anything else (errors, wrapped or odd shapes) takes the general path.
func fastDecode[T any](dst *T) func(raw []byte) (*Meta, bool) {
	return func(raw []byte) (*Meta, bool) {
		var env typed[T]
		if json.Unmarshal(raw, &env) != nil || len(env.Error) > 0 || string(env.Status) != "1" {
			return nil, false
		}
		*dst = env.Data
		return env.Meta, true
	}
}

// listData decodes a list's data in the single pass, bare ([...]) or
// wrapped under its key ({"connections": [...]}); any other shape is an
// error, which sends the reply down the general path (decodeList).
type listData[T any] struct {
	key string
	out *[]T
}

// UnmarshalJSON implements json.Unmarshaler.
func (l listData[T]) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		return nil
	case b[0] == '[':
		return json.Unmarshal(b, l.out)
	case b[0] == '{':
		var wrapped map[string]json.RawMessage
		if err := json.Unmarshal(b, &wrapped); err != nil {
			return err
		}
		inner, ok := wrapped[l.key]
		if !ok {
			return errNotFast
		}
		return json.Unmarshal(inner, l.out)
	}
	return errNotFast
}

var errNotFast = errors.New("not the common shape")

// fastList is fastDecode for a list wrapped under key or bare.
func fastList[T any](dst *[]T, key string) func(raw []byte) (*Meta, bool) {
	return func(raw []byte) (*Meta, bool) {
		env := typed[listData[T]]{Data: listData[T]{key: key, out: dst}}
		if json.Unmarshal(raw, &env) != nil || len(env.Error) > 0 || string(env.Status) != "1" {
			*dst = nil
			return nil, false
		}
		return env.Meta, true
	}
}

// listCall sends req and decodes data as a list (wrapped under key or bare).
func listCall[T any](ctx context.Context, c *Client, req *request, key string) ([]T, *Response, error) {
	var out []T
	if req.wrapped {
		req.fast = fastList(&out, key)
	} else {
		req.fast = fastDecode(&out)
	}
	env, resp, err := c.call(ctx, req)
	if err != nil {
		return nil, resp, err
	}
	if env.fast {
		if out == nil {
			out = []T{}
		}
		return out, resp, nil
	}
	if out, err = decodeList[T](env.Data, key); err != nil {
		return nil, resp, c.shapeError(req, resp, err)
	}
	return out, resp, nil
}

// oneCall sends req and decodes data as one object.
func oneCall[T any](ctx context.Context, c *Client, req *request) (*T, *Response, error) {
	out := new(T)
	if !req.bare {
		req.fast = fastDecode(out)
	}
	env, resp, err := c.call(ctx, req)
	if err != nil {
		return nil, resp, err
	}
	if env.fast {
		return out, resp, nil
	}
	if out, err = decodeOne[T](env.Data); err != nil {
		return nil, resp, c.shapeError(req, resp, err)
	}
	return out, resp, nil
}

// shapeError reports a successful reply whose data is not the documented
// shape.
func (c *Client) shapeError(req *request, resp *Response, err error) error {
	return c.apiError(req, resp.StatusCode, "", nil, c.redact("reply is not in the documented shape: "+err.Error()))
}

// decodeExtra decodes an optional side object (included, linked).
func decodeExtra(raw json.RawMessage, v any) error {
	if len(raw) == 0 || string(raw) == "null" || string(raw) == "[]" {
		return nil
	}
	return json.Unmarshal(raw, v)
}
