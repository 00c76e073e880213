package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Helper servers for the stdio decomposition in TestReport: the bench test
// binary re-runs itself with LEELOO_BENCH_HELPER set and serves stdio as
//
//   - echo: a Go process answering each line with a canned reply of the same
//     size as list_tags' (the floor: two pipe hops and two wake-ups);
//   - echo-http: the same, after a plain net/http GET /tags to the API at
//     LEELOO_BENCH_API (the floor of any stdio server that calls the API);
//   - mcp-noop: mcp-go's stdio server with one tool, list_tags, answering the
//     same canned result without doing anything (mcp-go's transport and
//     protocol work, none of leeloo-mcp's); LEELOO_BENCH_HELPER_CPUPROFILE
//     names a file for its CPU profile.
const helperEnv = "LEELOO_BENCH_HELPER"

// cannedTags is list_tags' result as the sandbox's 9 tags give it.
var cannedTags = func() *mcp.CallToolResult {
	type tag struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	out := struct {
		Tags []tag `json:"tags"`
	}{}
	for i, n := range []string{"VIP", "Lead", "Customer", "Cold", "Webinar", "Wholesale", "Newsletter", "Returning", "Знижка 10%"} {
		out.Tags = append(out.Tags, tag{ID: fmt.Sprintf("65d1c0a8e4b0a1000c%06d", i), Name: n})
	}
	b, _ := json.Marshal(out)
	return &mcp.CallToolResult{Content: []mcp.Content{mcp.NewTextContent(fmt.Sprintf("%d tags.\n%s", len(out.Tags), b))}}
}()

// runHelper serves stdio as the helper named by LEELOO_BENCH_HELPER, if set,
// and exits.
func runHelper() {
	switch os.Getenv(helperEnv) {
	case "":
		return
	case "echo":
		reply, _ := json.Marshal(mcp.JSONRPCResponse{JSONRPC: "2.0", ID: mcp.NewRequestId(1), Result: cannedTags})
		reply = append(reply, '\n')
		in := bufio.NewReader(os.Stdin)
		for {
			if _, err := in.ReadSlice('\n'); err != nil {
				os.Exit(0)
			}
			if _, err := os.Stdout.Write(reply); err != nil {
				os.Exit(1)
			}
		}
	case "echo-http":
		reply, _ := json.Marshal(mcp.JSONRPCResponse{JSONRPC: "2.0", ID: mcp.NewRequestId(1), Result: cannedTags})
		reply = append(reply, '\n')
		url, c := os.Getenv("LEELOO_BENCH_API")+"/tags", directClient()
		in := bufio.NewReader(os.Stdin)
		for {
			if _, err := in.ReadSlice('\n'); err != nil {
				os.Exit(0)
			}
			if err := directGet(c, url); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			if _, err := os.Stdout.Write(reply); err != nil {
				os.Exit(1)
			}
		}
	case "mcp-noop":
		if p := os.Getenv("LEELOO_BENCH_HELPER_CPUPROFILE"); p != "" {
			f, err := os.Create(p)
			if err == nil && pprof.StartCPUProfile(f) == nil {
				defer func() { pprof.StopCPUProfile(); f.Close() }()
			}
		}
		s := server.NewMCPServer("noop", "0", server.WithToolCapabilities(false))
		s.AddTool(mcp.NewTool("list_tags", mcp.WithDescription("List tags.")),
			func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) { return cannedTags, nil })
		err := server.NewStdioServer(s).Listen(context.Background(), os.Stdin, os.Stdout)
		pprof.StopCPUProfile()
		if err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	default:
		fmt.Fprintln(os.Stderr, "unknown", helperEnv)
		os.Exit(2)
	}
}

// startHelper spawns this test binary as the named helper.
func startHelper(name string) (*child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	env := []string{helperEnv + "=" + name, "LEELOO_BENCH_API=" + api()}
	if p := os.Getenv("LEELOO_BENCH_HELPER_CPUPROFILE"); p != "" {
		env = append(env, "LEELOO_BENCH_HELPER_CPUPROFILE="+p)
	}
	return startChildEnv(exe, env, "-test.run", "^$")
}
