package app

import (
	"bytes"
	"net/http"
)

// mcp-go v1.2.1 answers every error a resource or prompt handler returns
// with -32603 (internal error), whatever the error wraps. The handlers here
// wrap mcp.ErrInvalidParams for bad arguments and mcp.ErrResourceNotFound for
// a record Leeloo does not have, so their messages start with those errors'
// texts; fixRPCCodes gives such replies the codes the MCP specification
// names: -32602 (invalid params) and -32002 (resource not found). The codes
// have the same length as -32603, so a message's length never changes.
var rpcCodeFixes = []struct{ from, to []byte }{
	{[]byte(`"code":-32603,"message":"invalid params: `), []byte(`"code":-32602,"message":"invalid params: `)},
	{[]byte(`"code":-32603,"message":"resource not found: `), []byte(`"code":-32002,"message":"resource not found: `)},
}

// fixRPCCodes rewrites the codes of the errors above in one written message
// (a stdio line, a JSON body or an SSE event).
func fixRPCCodes(p []byte) []byte {
	if !bytes.Contains(p, []byte(`"code":-32603`)) {
		return p
	}
	for _, f := range rpcCodeFixes {
		if bytes.Contains(p, f.from) {
			p = bytes.ReplaceAll(p, f.from, f.to)
		}
	}
	return p
}

// rpcCodeWriter applies fixRPCCodes to what an HTTP handler writes.
type rpcCodeWriter struct{ http.ResponseWriter }

func (w rpcCodeWriter) Write(p []byte) (int, error) {
	// fixRPCCodes copies before changing, so p (the caller's) stays as it was.
	return w.ResponseWriter.Write(fixRPCCodes(p))
}

// Flush keeps SSE streams flowing.
func (w rpcCodeWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (w rpcCodeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// withRPCCodes wraps next so that its JSON-RPC errors carry the spec's codes.
func withRPCCodes(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(rpcCodeWriter{w}, r)
	})
}
