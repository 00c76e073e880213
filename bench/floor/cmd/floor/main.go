// Command floor serves the benchmark floor (package floor) over stdio, or
// Streamable HTTP with -listen. LEELOO_API_TOKEN is the token.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/mark3labs/mcp-go/server"

	"github.com/leeloo-mcp/leeloo-mcp/bench/floor"
)

func main() {
	base := flag.String("base-url", "", "Leeloo API root")
	listen := flag.String("listen", "", "serve Streamable HTTP at this address instead of stdio")
	flag.Parse()
	s := floor.New(*base, os.Getenv("LEELOO_API_TOKEN"))
	linkDeps()
	var err error
	if *listen != "" {
		err = server.NewStreamableHTTPServer(s).Start(*listen)
	} else {
		err = server.NewStdioServer(s).Listen(context.Background(), os.Stdin, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}
