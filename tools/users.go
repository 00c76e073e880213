package tools

import (
	"context"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/leeloo-mcp/leeloo-mcp/internal/render"
)

type userOut struct {
	ID      string `json:"user_id"`
	Name    string `json:"name"`
	Created string `json:"created,omitempty"`
}

type listUsersArgs struct{ Page }

// ListUsers is list_users: GET /users.
func ListUsers(d *Deps) Tool {
	return readTool(meta{
		name: "list_users", title: "List managers", toolset: "users", endpoint: "GET /users",
		desc: "List platform users (managers).",
	}, func(ctx context.Context, a *listUsersArgs) (*mcp.CallToolResult, error) {
		lo := a.options()
		us, resp, err := d.Client.Users.List(ctx, lo)
		if err != nil {
			return nil, err
		}
		out := struct {
			Users []userOut `json:"users"`
			pageInfo
		}{Users: make([]userOut, 0, len(us)), pageInfo: paging(lo, len(us), resp)}
		for _, u := range us {
			out.Users = append(out.Users, userOut{u.ID, u.Name, fmtTime(u.CreatedAt)})
		}
		return jsonResult(fmt.Sprintf("%d users. %s", len(us), out.line()), out), nil
	})
}

type userArgs struct {
	UserID string `json:"user_id"`
}

// GetUser is get_user: GET /users/{user_id}.
func GetUser(d *Deps) Tool {
	return readTool(meta{
		name: "get_user", title: "Get manager", toolset: "users", endpoint: "GET /users/{user_id}",
		desc: "One platform user (manager).",
	}, func(ctx context.Context, a *userArgs) (*mcp.CallToolResult, error) {
		if err := checkID("user_id", a.UserID, render.UserIDs); err != nil {
			return nil, err
		}
		u, _, err := d.Client.Users.Get(ctx, a.UserID)
		if err != nil {
			return nil, err
		}
		out := userOut{u.ID, u.Name, fmtTime(u.CreatedAt)}
		return jsonResult("User.", out), nil
	})
}
