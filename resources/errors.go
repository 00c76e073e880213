package resources

import (
	"errors"
	"fmt"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// Where each kind of id comes from, for error messages.
const (
	findAccount = "account ids come from get_person (accounts), search_people or list_communication_channels"
	findPerson  = "person ids come from search_people or get_person_by_account"
	findTunnel  = "tunnel ids come from list_tunnels or leeloo://tunnels/stats"
)

// upstream turns a client error into one that says what failed and what to
// do. The client's errors never carry the token, so wrapping them is safe.
func upstream(what string, err error, finder string) error {
	var rl *leeloo.RateLimitError
	if errors.As(err, &rl) {
		return fmt.Errorf("%s: Leeloo is rate-limiting this account (HTTP 429); retry after %s: %w", what, rl.RetryAfter.Round(time.Second), err)
	}
	var ne *leeloo.NetworkError
	if errors.As(err, &ne) {
		if ne.Timeout() {
			return fmt.Errorf("%s: Leeloo did not answer in time; try again: %w", what, err)
		}
		return fmt.Errorf("%s: could not reach Leeloo (check the network or LEELOO_BASE_URL): %w", what, err)
	}
	var ae *leeloo.APIError
	if errors.As(err, &ae) {
		switch {
		case ae.Unauthorized():
			return fmt.Errorf("%s: Leeloo rejected the API token (check LEELOO_API_TOKEN): %w", what, err)
		case ae.NotFound():
			msg := what + ": not found in Leeloo"
			if finder != "" {
				msg += "; " + finder
			}
			return fmt.Errorf("%w: %s (%w)", mcp.ErrResourceNotFound, msg, err)
		case ae.HTTPStatus >= 500:
			return fmt.Errorf("%s: Leeloo had an internal error; try again later: %w", what, err)
		}
	}
	return fmt.Errorf("%s: %w", what, err)
}
