package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/internal/app"
)

// schemaURL is the registry schema server.json declares. Its copy in
// testdata/registry was taken from modelcontextprotocol/static
// (schemas/2025-12-11/server.schema.json, commit a9ba437); see
// testdata/registry/README.md.
const schemaURL = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("../../testdata/registry/server.schema.json")
	require.NoError(t, err)
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	require.NoError(t, c.AddResource(schemaURL, doc))
	s, err := c.Compile(schemaURL)
	require.NoError(t, err)
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, raw []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	require.NoError(t, err)
	assert.NoError(t, s.Validate(inst))
}

func readServerJSON(t *testing.T) []byte {
	t.Helper()
	raw, err := os.ReadFile("../../server.json")
	require.NoError(t, err)
	return raw
}

// entry is the part of server.json the checks below read.
type entry struct {
	Schema   string `json:"$schema"`
	Name     string `json:"name"`
	Version  string `json:"version"`
	Packages []struct {
		RegistryType string `json:"registryType"`
		Identifier   string `json:"identifier"`
		Version      string `json:"version"`
		FileSha256   string `json:"fileSha256"`
		Env          []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"environmentVariables"`
	} `json:"packages"`
	Remotes []struct {
		Type string `json:"type"`
		URL  string `json:"url"`
	} `json:"remotes"`
}

func TestServerJSONValid(t *testing.T) {
	validate(t, compileSchema(t), readServerJSON(t))
}

// TestSchemaRejectsBadEntries: the validator really applies the schema.
func TestSchemaRejectsBadEntries(t *testing.T) {
	s := compileSchema(t)
	for name, doc := range map[string]string{
		"no slash in the name":   `{"name":"leeloo","description":"d","version":"1.0.0"}`,
		"description too long":   `{"name":"a/b","description":"` + strings.Repeat("x", 101) + `","version":"1.0.0"}`,
		"package version latest": `{"name":"a/b","description":"d","version":"1.0.0","packages":[{"registryType":"oci","identifier":"x:1","version":"latest","transport":{"type":"stdio"}}]}`,
		"remote without a url":   `{"name":"a/b","description":"d","version":"1.0.0","remotes":[{"type":"streamable-http"}]}`,
	} {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
		require.NoError(t, err)
		assert.Error(t, s.Validate(inst), name)
	}
}

// TestServerJSONMatchesTheProject: the entry names what the release ships.
func TestServerJSONMatchesTheProject(t *testing.T) {
	var e entry
	require.NoError(t, json.Unmarshal(readServerJSON(t), &e))
	assert.Equal(t, schemaURL, e.Schema)

	dockerfile, err := os.ReadFile("../../Dockerfile")
	require.NoError(t, err)
	m := regexp.MustCompile(`io\.modelcontextprotocol\.server\.name="([^"]+)"`).FindSubmatch(dockerfile)
	require.NotNil(t, m, "the image carries the registry's ownership label")
	assert.Equal(t, string(m[1]), e.Name, "the registry checks the image label against the name")

	changelog, err := os.ReadFile("../../CHANGELOG.md")
	require.NoError(t, err)
	released := regexp.MustCompile(`(?m)^## \[(\d+\.\d+\.\d+)\]`).FindSubmatch(changelog)
	require.NotNil(t, released, "CHANGELOG.md names a release")
	assert.Equal(t, string(released[1]), e.Version, "server.json describes the latest release in CHANGELOG.md")

	known := map[string]bool{"LEELOO_API_TOKEN": true, "LEELOO_CONFIRM_KEY": true}
	for _, fe := range app.FlagEnv() {
		known[fe[1]] = true
	}
	types := map[string]string{}
	for _, p := range e.Packages {
		types[p.RegistryType] = p.Identifier
		assert.Contains(t, p.Identifier, e.Version, p.RegistryType)
		for _, v := range p.Env {
			assert.True(t, known[v.Name], "%s: %s is not a variable leeloo-mcp reads", p.RegistryType, v.Name)
		}
	}
	assert.Equal(t, "https://github.com/leeloo-mcp/leeloo-mcp/releases/download/v"+e.Version+"/leeloo-mcp.mcpb", types["mcpb"])
	assert.Equal(t, "ghcr.io/leeloo-mcp/leeloo-mcp:"+e.Version, types["oci"])
	require.Len(t, e.Remotes, 1)
	assert.Equal(t, "streamable-http", e.Remotes[0].Type)
	assert.True(t, strings.HasSuffix(e.Remotes[0].URL, "/mcp"), "the Streamable HTTP endpoint")
}

func TestRenderRelease(t *testing.T) {
	sum := sha256.Sum256([]byte("bundle"))
	out, err := Render(readServerJSON(t), "9.8.7", hex.EncodeToString(sum[:]))
	require.NoError(t, err)
	validate(t, compileSchema(t), out)
	var e entry
	require.NoError(t, json.Unmarshal(out, &e))
	assert.Equal(t, "9.8.7", e.Version)
	for _, p := range e.Packages {
		assert.Contains(t, p.Identifier, "9.8.7")
		assert.NotContains(t, p.Identifier, "0.1.0")
		if p.RegistryType == "mcpb" {
			assert.Equal(t, "9.8.7", p.Version)
			assert.Equal(t, hex.EncodeToString(sum[:]), p.FileSha256)
		}
	}
}

// TestReleasedServerJSON checks the server.json scripts/release wrote:
// valid, and the .mcpb's checksum is the file's. LEELOO_DIST names the
// release folder; CI sets it.
func TestReleasedServerJSON(t *testing.T) {
	dist := distDir(t)
	raw, err := os.ReadFile(filepath.Join(dist, "server.json"))
	require.NoError(t, err)
	validate(t, compileSchema(t), raw)
	var e entry
	require.NoError(t, json.Unmarshal(raw, &e))
	bundle, err := os.ReadFile(filepath.Join(dist, "leeloo-mcp.mcpb"))
	require.NoError(t, err)
	sum := sha256.Sum256(bundle)
	for _, p := range e.Packages {
		if p.RegistryType == "mcpb" {
			assert.Equal(t, hex.EncodeToString(sum[:]), p.FileSha256)
		}
	}
}

// distDir is the release folder from LEELOO_DIST; without it the test is
// skipped, except in CI where the release step must have run.
func distDir(t *testing.T) string {
	t.Helper()
	dist := os.Getenv("LEELOO_DIST")
	if dist == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("LEELOO_DIST is not set: run scripts/release first (.ci/run does)")
		}
		t.Skip("LEELOO_DIST is not set: run scripts/release, then LEELOO_DIST=$PWD/dist")
	}
	return dist
}
