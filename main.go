// Command leeloo-mcp is an MCP server for a Leeloo.ai account: every REST API
// v2 endpoint as a tool, chats, people and tunnel statistics as resources,
// and workflow prompts, with a guard on everything that changes data or
// reaches a customer. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/leeloo-mcp/leeloo-mcp/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
