// Package sandbox is an in-memory fake of the Leeloo.ai REST API v2.
//
// A Server serves the 30 endpoints of the API under the prefix /api/v2 with a
// deterministic, realistic seed (people, chats, tags, orders, tunnels,
// templates, users, connections) and real state changes for every mutation.
// It is used by the project's tests and by the MCP server's --sandbox mode:
//
//	srv := httptest.NewServer(sandbox.New(sandbox.Options{}))
//	// base URL: srv.URL + "/api/v2", token: sandbox.DefaultToken
//
// Every request that reaches the handler is recorded (Requests, Writes) and
// faults can be injected (Inject, RateLimited, ServerError, FormatError) to
// test a client's reliability.
//
// Where the vendor's documentation is silent the sandbox makes a documented
// choice; see the comments on the handlers.
package sandbox
