package leeloo

import (
	"context"
	"encoding/json"
)

// listCall sends req and decodes data as a list (wrapped under key or bare).
func listCall[T any](ctx context.Context, c *Client, req *request, key string) ([]T, *Response, error) {
	env, resp, err := c.call(ctx, req)
	if err != nil {
		return nil, resp, err
	}
	out, err := decodeList[T](env.Data, key)
	if err != nil {
		return nil, resp, c.shapeError(req, resp, err)
	}
	return out, resp, nil
}

// oneCall sends req and decodes data as one object.
func oneCall[T any](ctx context.Context, c *Client, req *request) (*T, *Response, error) {
	env, resp, err := c.call(ctx, req)
	if err != nil {
		return nil, resp, err
	}
	out, err := decodeOne[T](env.Data)
	if err != nil {
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
