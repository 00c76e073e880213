// Command mcpb writes the MCP Bundle (.mcpb) of leeloo-mcp: manifest.json,
// whose tools and prompts come from the code, the icon, and a server/
// folder with the release binaries and a launcher. scripts/release runs
//
//	go run ./mcpb -version 0.2.0 -dist ../dist -out ../dist/bundle
//
// then validates and packs the folder with the official mcpb CLI.
package main

import (
	"fmt"
	"strings"

	"github.com/leeloo-mcp/leeloo-mcp/prompts"
	"github.com/leeloo-mcp/leeloo-mcp/tools"
)

// Manifest is an MCP Bundle manifest, spec version 0.3 (the mcpb CLI's
// "latest"): https://github.com/modelcontextprotocol/mcpb/blob/main/MANIFEST.md
type Manifest struct {
	ManifestVersion string                `json:"manifest_version"`
	Name            string                `json:"name"`
	DisplayName     string                `json:"display_name"`
	Version         string                `json:"version"`
	Description     string                `json:"description"`
	LongDescription string                `json:"long_description"`
	Author          Author                `json:"author"`
	Repository      Repository            `json:"repository"`
	Homepage        string                `json:"homepage"`
	Support         string                `json:"support"`
	Icon            string                `json:"icon"`
	Server          Server                `json:"server"`
	Tools           []Tool                `json:"tools"`
	Prompts         []Prompt              `json:"prompts"`
	Keywords        []string              `json:"keywords"`
	License         string                `json:"license"`
	Compatibility   Compatibility         `json:"compatibility"`
	UserConfig      map[string]UserOption `json:"user_config"`
}

// Author is the manifest's author.
type Author struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

// Repository is where the source lives.
type Repository struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

// Server says how the client starts the bundled server.
type Server struct {
	Type       string    `json:"type"`
	EntryPoint string    `json:"entry_point"`
	MCPConfig  MCPConfig `json:"mcp_config"`
}

// MCPConfig is the command line and environment, with per-OS overrides.
type MCPConfig struct {
	Command           string                 `json:"command"`
	Args              []string               `json:"args"`
	Env               map[string]string      `json:"env,omitempty"`
	PlatformOverrides map[string]MCPOverride `json:"platform_overrides,omitempty"`
}

// MCPOverride replaces parts of MCPConfig on one platform.
type MCPOverride struct {
	Command string   `json:"command,omitempty"`
	Args    []string `json:"args,omitempty"`
}

// Tool is a tool the bundle declares.
type Tool struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Prompt is a prompt the bundle declares.
type Prompt struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Arguments   []string `json:"arguments,omitempty"`
	Text        string   `json:"text"`
}

// Compatibility lists the platforms the bundle has binaries for.
type Compatibility struct {
	Platforms []string `json:"platforms"`
}

// UserOption is one setting the client asks the user for at install.
type UserOption struct {
	Type        string `json:"type"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Required    bool   `json:"required"`
	Default     any    `json:"default,omitempty"`
	Sensitive   bool   `json:"sensitive,omitempty"`
}

// Targets are the release binaries the bundle carries, as GOOS/GOARCH.
var Targets = []string{"darwin/amd64", "darwin/arm64", "linux/amd64", "linux/arm64", "windows/amd64"}

// BinaryName is a release binary's file name in dist/ and in the bundle.
func BinaryName(target string) string {
	goos, goarch, _ := strings.Cut(target, "/")
	name := "leeloo-mcp-" + goos + "-" + goarch
	if goos == "windows" {
		name += ".exe"
	}
	return name
}

const repoURL = "https://github.com/leeloo-mcp/leeloo-mcp"

// NewManifest builds the manifest for version from the code: the tools
// served by default (tools.DefaultToolsets) and every prompt.
func NewManifest(version string) (Manifest, error) {
	served, err := tools.Select(tools.All(&tools.Deps{}), tools.Selection{Toolsets: tools.DefaultToolsets()})
	if err != nil {
		return Manifest{}, err
	}
	m := Manifest{
		ManifestVersion: "0.3",
		Name:            "leeloo-mcp",
		DisplayName:     "Leeloo.ai CRM",
		Version:         version,
		Description:     "Work in a Leeloo.ai account: people, chats, templates, orders, tags and sales funnels, with every send confirmed.",
		LongDescription: "Every Leeloo REST API v2 endpoint as a tool, chats and person cards as resources, and workflow prompts " +
			"(chat summaries, lead follow-ups, funnel reports, re-engagement). Nothing that changes data or reaches a customer " +
			"runs without a human's yes: the client's own dialog where it has one (MCP elicitation), else a link to a local approval " +
			"page where one click sends it once; the model cannot approve. Leave the API token empty to explore an embedded sandbox with demo data.",
		Author:     Author{Name: "the leeloo-mcp authors", URL: repoURL},
		Repository: Repository{Type: "git", URL: repoURL + ".git"},
		Homepage:   repoURL,
		Support:    repoURL + "/issues",
		Icon:       "icon.png",
		Server: Server{
			Type: "binary",
			// A POSIX sh launcher picks the darwin or linux binary for the
			// CPU (platform_overrides only know the OS); Windows runs its
			// binary directly (amd64; arm64 Windows emulates it).
			EntryPoint: "server/leeloo-mcp",
			MCPConfig: MCPConfig{
				Command: "${__dirname}/server/leeloo-mcp",
				Args:    []string{},
				Env: map[string]string{
					"LEELOO_API_TOKEN": "${user_config.api_token}",
					"LEELOO_CONFIRM":   "${user_config.confirm}",
					"LEELOO_READ_ONLY": "${user_config.read_only}",
				},
				PlatformOverrides: map[string]MCPOverride{
					"win32": {Command: "${__dirname}/server/" + BinaryName("windows/amd64")},
				},
			},
		},
		Keywords:      []string{"leeloo", "crm", "messenger", "sales", "chat"},
		License:       "MIT",
		Compatibility: Compatibility{Platforms: []string{"darwin", "win32", "linux"}},
		UserConfig: map[string]UserOption{
			"api_token": {
				Type: "string", Title: "Leeloo API token", Sensitive: true, Default: "",
				Description: "Leeloo → settings → API. Sent only in the X-Leeloo-AuthToken header, never shown or logged. Leave empty for the demo sandbox.",
			},
			// Claude Desktop does not render MCP elicitation: auto gives it the
			// approval page (and a cancelled elicitation carries its link).
			"confirm": {
				Type: "string", Title: "Confirmation mode", Default: "auto",
				Description: "How sends and changes are confirmed: auto (the client's own dialog where it supports MCP elicitation, else a link to a local approval page where you approve or reject; the assistant cannot approve), page (always the approval page), preview (the assistant confirms with a token after showing you the preview: for trusted automations only), or off (no confirmation; still audited).",
			},
			"read_only": {
				Type: "boolean", Title: "Read only", Default: false,
				Description: "Serve no tool that changes data or reaches a customer.",
			},
		},
	}
	for _, t := range served {
		m.Tools = append(m.Tools, Tool{Name: t.Tool.Name, Description: t.Tool.Description})
	}
	for _, p := range prompts.All() {
		mp := Prompt{Name: p.Prompt.Name, Description: p.Prompt.Description}
		text := []string{p.Prompt.Description}
		for _, a := range p.Prompt.Arguments {
			mp.Arguments = append(mp.Arguments, a.Name)
			text = append(text, fmt.Sprintf("%s: ${arguments.%s}", a.Name, a.Name))
		}
		// The server renders the full prompt (prompts/get); this text is the
		// manifest's declaration of it.
		mp.Text = strings.Join(text, "\n")
		m.Prompts = append(m.Prompts, mp)
	}
	return m, nil
}
