package resources

import (
	"errors"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/leeloo-mcp/leeloo-mcp/internal/render"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// Where each kind of id comes from (render.IDsFrom), for error messages;
// tunnel ids are also in a resource of this package.
var (
	findAccount = render.IDsFrom(render.AccountIDs)
	findPerson  = render.IDsFrom(render.PersonIDs)
	findTunnel  = render.IDsFrom(render.TunnelIDs) + " or leeloo://tunnels/stats"
)

// upstream turns a client error into one that says what failed and what to
// do (render.ErrorText); a missing record is mcp.ErrResourceNotFound.
func upstream(what string, err error, finder string) error {
	msg := render.Clean(what + ": " + render.ErrorText(err))
	var ae *leeloo.APIError
	if errors.As(err, &ae) && ae.NotFound() {
		// ErrorText's own hint is for the API path; the resource's finder
		// replaces it, so the hint is said once.
		if finder != "" {
			msg = render.Clean(fmt.Sprintf("%s: not found in Leeloo (%s %s). Check the id: %s.", what, ae.Method, ae.Path, finder))
		}
		return fmt.Errorf("%w: %s", mcp.ErrResourceNotFound, msg)
	}
	return errors.New(msg)
}
