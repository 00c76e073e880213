// Package floor is the benchmarks' floor: a bare mcp-go v1.2.1 server with
// one tool, list_tags, that does the same GET /tags leeloo-mcp's does and
// returns the tags as JSON text, with nothing else (no guard, limits,
// validation, rendering or structured content). bench/run builds it as a
// binary (cmd/floor) and every figure of its table is a ratio to it.
package floor

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// New is the floor server calling the Leeloo API at baseURL with token.
func New(baseURL, token string) *server.MCPServer {
	c := &http.Client{Timeout: 30 * time.Second}
	s := server.NewMCPServer("floor", "0", server.WithToolCapabilities(false), server.WithRecovery())
	s.AddTool(mcp.NewTool("list_tags", mcp.WithDescription("List every tag of the account."),
		mcp.WithReadOnlyHintAnnotation(true), mcp.WithDestructiveHintAnnotation(false),
		mcp.WithIdempotentHintAnnotation(true), mcp.WithOpenWorldHintAnnotation(true)),
		func(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+"/tags", nil)
			if err != nil {
				return nil, err
			}
			req.Header.Set("X-Leeloo-AuthToken", token)
			req.Header.Set("Accept", "application/json")
			res, err := c.Do(req)
			if err != nil {
				return mcp.NewToolResultError(err.Error()), nil
			}
			defer res.Body.Close()
			body, err := io.ReadAll(res.Body)
			if err != nil || res.StatusCode != http.StatusOK {
				return mcp.NewToolResultError(fmt.Sprintf("GET /tags: HTTP %d", res.StatusCode)), nil
			}
			var env struct {
				Data []struct {
					ID   string `json:"id"`
					Name string `json:"name"`
				} `json:"data"`
			}
			if err := json.Unmarshal(body, &env); err != nil {
				return mcp.NewToolResultError(err.Error()), nil
			}
			out, _ := json.Marshal(map[string]any{"tags": env.Data})
			return mcp.NewToolResultText(string(out)), nil
		})
	return s
}
