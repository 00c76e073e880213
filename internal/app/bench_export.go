package app

import (
	"io"
	"log/slog"
	"net/http"

	"github.com/mark3labs/mcp-go/server"
)

// BenchServer is the server the bench package measures, built by the same
// code as Run: parseConfig, then newEnv (client, guard, buildServer).
type BenchServer struct {
	// MCP is the MCP server the transports serve.
	MCP *server.MCPServer
	e   *env
}

// NewServerForBench builds the server from command-line args and an
// environment, exactly as Run would before serving. It is for ./bench only.
func NewServerForBench(args []string, getenv func(string) string) (*BenchServer, error) {
	cfg, _, err := parseConfig(args, getenv, io.Discard)
	if err != nil {
		return nil, err
	}
	e, err := newEnv(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), io.Discard)
	if err != nil {
		return nil, err
	}
	return &BenchServer{MCP: e.srv, e: e}, nil
}

// HTTPHandler is the HTTP transport's routes behind the HTTP guards, as
// served on addr (Streamable HTTP at /mcp when built with --transport http).
func (b *BenchServer) HTTPHandler(addr string) http.Handler {
	return httpHandler(b.e.cfg, b.e, addr)
}

// Close releases what the server holds (the audit log).
func (b *BenchServer) Close() { b.e.close() }
