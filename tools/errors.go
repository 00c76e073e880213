package tools

import (
	"errors"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/leeloo-mcp/leeloo-mcp/internal/render"
)

// argError is a problem with the arguments the model can fix.
type argError struct{ msg string }

func (e *argError) Error() string { return e.msg }

func argErrorf(format string, a ...any) error { return &argError{fmt.Sprintf(format, a...)} }

// ErrorResult maps any error to the tool result the model sees: what went
// wrong and what to do next (render.ErrorText is the one mapping of client
// errors). Argument errors quote upstream names and the model's own input,
// so the whole text is cleaned like any upstream string.
func ErrorResult(err error) *mcp.CallToolResult {
	return mcp.NewToolResultError(render.Clean(describeError(err)))
}

func errorResult(err error) *mcp.CallToolResult { return ErrorResult(err) }

func describeError(err error) string {
	var ae *argError
	if errors.As(err, &ae) {
		return "Invalid arguments: " + ae.msg
	}
	return render.ErrorText(err)
}
