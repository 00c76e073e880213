package web

import _ "embed"

// The MCP App cards, each one self-contained HTML file built from
// web/cards/src by web/cards/build.mjs (`npm ci && node build.mjs` in
// web/cards). They are committed, so `go build` needs no Node;
// TestCardsBuiltFromSources fails when a source changed since the build.
var (
	//go:embed cards/built/approval.html
	ApprovalCard string
	//go:embed cards/built/funnel.html
	FunnelCard string
)
