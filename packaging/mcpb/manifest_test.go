package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/json"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/internal/app"
	"github.com/leeloo-mcp/leeloo-mcp/internal/testutil"
	"github.com/leeloo-mcp/leeloo-mcp/prompts"
)

// defaultCatalogueTools counts the tools the committed catalogue
// (testdata/catalog.json) marks as served by default.
func defaultCatalogueTools(t *testing.T) int {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "catalog.json"))
	require.NoError(t, err)
	var rows []struct{ Default bool }
	require.NoError(t, json.Unmarshal(raw, &rows))
	n := 0
	for _, r := range rows {
		if r.Default {
			n++
		}
	}
	return n
}

// committedVersion is the version server.json describes; the committed
// manifest carries the same.
func committedVersion(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile("../../server.json")
	require.NoError(t, err)
	var e struct{ Version string }
	require.NoError(t, json.Unmarshal(raw, &e))
	require.NotEmpty(t, e.Version)
	return e.Version
}

// golden compares a committed file with what the code generates;
// UPDATE_GOLDEN=1 rewrites it.
func golden(t *testing.T, path string, want []byte) {
	t.Helper()
	if os.Getenv("UPDATE_GOLDEN") == "1" {
		require.NoError(t, os.WriteFile(path, want, 0o644))
		return
	}
	got, err := os.ReadFile(path)
	require.NoError(t, err, "run UPDATE_GOLDEN=1 go test ./mcpb in packaging/")
	assert.Equal(t, string(want), string(got), "%s is stale: run UPDATE_GOLDEN=1 go test ./mcpb in packaging/", path)
}

// TestManifestFresh fails when the committed manifest.json or icon.png
// differs from what the code generates (tools, prompts, settings).
func TestManifestFresh(t *testing.T) {
	m, err := NewManifest(committedVersion(t))
	require.NoError(t, err)
	raw, err := MarshalManifest(m)
	require.NoError(t, err)
	golden(t, "manifest.json", raw)
	golden(t, "icon.png", Icon())
}

func TestManifestFromTheCode(t *testing.T) {
	m, err := NewManifest("1.2.3")
	require.NoError(t, err)
	assert.Equal(t, "1.2.3", m.Version)
	assert.Equal(t, "binary", m.Server.Type)
	assert.Len(t, m.Tools, defaultCatalogueTools(t), "the tools served by default (testdata/catalog.json)")
	names := map[string]bool{}
	for _, tl := range m.Tools {
		names[tl.Name] = true
		assert.NotEmpty(t, tl.Description, tl.Name)
	}
	assert.True(t, names["send_message"])
	assert.False(t, names["log_call"], "calls is opt-in")
	require.Len(t, m.Prompts, len(prompts.All()))
	for i, p := range prompts.All() {
		assert.Equal(t, p.Prompt.Name, m.Prompts[i].Name)
		for _, a := range p.Prompt.Arguments {
			assert.Contains(t, m.Prompts[i].Text, "${arguments."+a.Name+"}")
		}
	}

	// Every variable the bundle sets is one leeloo-mcp reads, and every
	// ${user_config.X} it uses is declared with a default.
	known := map[string]bool{"LEELOO_API_TOKEN": true}
	for _, fe := range app.FlagEnv() {
		known[fe[1]] = true
	}
	for k, v := range m.Server.MCPConfig.Env {
		assert.True(t, known[k], k)
		key := strings.TrimSuffix(strings.TrimPrefix(v, "${user_config."), "}")
		require.Contains(t, m.UserConfig, key, v)
		assert.NotNil(t, m.UserConfig[key].Default, key)
	}
	assert.True(t, m.UserConfig["api_token"].Sensitive)
	assert.False(t, m.UserConfig["api_token"].Required, "no token: the sandbox")

	img, err := png.Decode(bytes.NewReader(Icon()))
	require.NoError(t, err)
	assert.Equal(t, 512, img.Bounds().Dx())
}

// TestStage writes a bundle folder from stand-in binaries.
func TestStage(t *testing.T) {
	dist, out := t.TempDir(), filepath.Join(t.TempDir(), "bundle")
	for _, target := range Targets {
		require.NoError(t, os.WriteFile(filepath.Join(dist, BinaryName(target)), []byte(target), 0o755))
	}
	require.NoError(t, Stage(out, dist, "1.2.3"))
	st, err := os.Stat(filepath.Join(out, "server", "leeloo-mcp"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o755), st.Mode().Perm(), "the launcher is executable")
	b, err := os.ReadFile(filepath.Join(out, "server", "leeloo-mcp-windows-amd64.exe"))
	require.NoError(t, err)
	assert.Equal(t, "windows/amd64", string(b))
	require.FileExists(t, filepath.Join(out, "icon.png"))

	require.Error(t, Stage(filepath.Join(t.TempDir(), "b"), t.TempDir(), "1.2.3"), "a missing binary fails")
}

// unzip extracts a bundle keeping the file modes its zip records.
func unzip(t *testing.T, path, dir string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	require.NoError(t, err)
	defer zr.Close()
	for _, f := range zr.File {
		dst := filepath.Join(dir, filepath.FromSlash(f.Name))
		require.True(t, strings.HasPrefix(dst, dir+string(filepath.Separator)), f.Name)
		if f.FileInfo().IsDir() {
			require.NoError(t, os.MkdirAll(dst, 0o755))
			continue
		}
		require.NoError(t, os.MkdirAll(filepath.Dir(dst), 0o755))
		rc, err := f.Open()
		require.NoError(t, err)
		w, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, f.Mode().Perm())
		require.NoError(t, err)
		_, err = io.Copy(w, rc)
		require.NoError(t, err)
		require.NoError(t, w.Close())
		require.NoError(t, rc.Close())
	}
}

// expand substitutes the client-side variables of mcp_config: ${__dirname}
// and each ${user_config.X} (its default: what a user who changed nothing
// gets).
func expand(s, dir string, m Manifest) string {
	s = strings.ReplaceAll(s, "${__dirname}", dir)
	for k, o := range m.UserConfig {
		v := ""
		switch d := o.Default.(type) {
		case string:
			v = d
		case bool:
			v = map[bool]string{true: "true", false: "false"}[d]
		}
		s = strings.ReplaceAll(s, "${user_config."+k+"}", v)
	}
	return s
}

// TestPackedBundleServes unpacks the .mcpb that scripts/release packed with
// the mcpb CLI, starts the server the way a client would from its
// mcp_config for this OS (launcher, environment, no token: the sandbox),
// and checks that tools/list and prompts/list are what the manifest says.
func TestPackedBundleServes(t *testing.T) {
	dist := os.Getenv("LEELOO_DIST")
	if dist == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("LEELOO_DIST is not set: run scripts/release first (.ci/run does)")
		}
		t.Skip("LEELOO_DIST is not set: run scripts/release, then LEELOO_DIST=$PWD/dist")
	}
	if runtime.GOOS == "windows" {
		t.Skip("the test drives the sh launcher")
	}
	dir := t.TempDir()
	unzip(t, filepath.Join(dist, "leeloo-mcp.mcpb"), dir)

	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	require.NoError(t, err)
	var m Manifest
	require.NoError(t, json.Unmarshal(raw, &m))
	want, err := NewManifest(m.Version)
	require.NoError(t, err)
	assert.Equal(t, want.Tools, m.Tools, "the packed manifest is the generated one")
	require.FileExists(t, filepath.Join(dir, m.Icon))
	for _, target := range Targets {
		st, err := os.Stat(filepath.Join(dir, "server", BinaryName(target)))
		require.NoError(t, err, target)
		assert.NotZero(t, st.Mode().Perm()&0o111, "%s is executable after unpacking", target)
	}

	cfg := m.Server.MCPConfig
	command, args := cfg.Command, cfg.Args
	if o, ok := cfg.PlatformOverrides[map[string]string{"darwin": "darwin", "linux": "linux", "windows": "win32"}[runtime.GOOS]]; ok && o.Command != "" {
		command = o.Command
	}
	cmd := exec.Command(expand(command, dir, m))
	for _, a := range args {
		cmd.Args = append(cmd.Args, expand(a, dir, m))
	}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LEELOO_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	for k, v := range cfg.Env {
		cmd.Env = append(cmd.Env, k+"="+expand(v, dir, m))
	}
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	stderr := &testutil.Buffer{}
	cmd.Stderr = stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	replies := make(chan map[string]any, 8)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<22)
		for sc.Scan() {
			var r map[string]any
			if json.Unmarshal(sc.Bytes(), &r) == nil && r["id"] != nil {
				replies <- r
			}
		}
		close(replies)
	}()
	call := func(id int, method, params string) map[string]any {
		t.Helper()
		msg := `{"jsonrpc":"2.0","id":` + strconv.Itoa(id) + `,"method":"` + method + `","params":` + params + "}\n"
		_, err := io.WriteString(stdin, msg)
		require.NoError(t, err)
		select {
		case r, ok := <-replies:
			require.True(t, ok, "the server exited; stderr:\n%s", stderr.String())
			require.Nil(t, r["error"], "%v", r)
			return r["result"].(map[string]any)
		case <-time.After(20 * time.Second):
			t.Fatalf("no reply to %s; stderr:\n%s", method, stderr.String())
			return nil
		}
	}
	init := call(1, "initialize", `{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bundle-test","version":"1"}}`)
	info := init["serverInfo"].(map[string]any)
	assert.Equal(t, "leeloo-mcp", info["name"])
	assert.True(t, strings.HasPrefix(info["version"].(string), m.Version+"+"), "serverInfo.version %v is the release's", info["version"])
	_, err = io.WriteString(stdin, `{"jsonrpc":"2.0","method":"notifications/initialized"}`+"\n")
	require.NoError(t, err)

	var served []string
	for _, tl := range call(2, "tools/list", `{}`)["tools"].([]any) {
		served = append(served, tl.(map[string]any)["name"].(string))
	}
	var declared []string
	for _, tl := range m.Tools {
		declared = append(declared, tl.Name)
	}
	assert.ElementsMatch(t, declared, served, "tools/list is the manifest's tools")
	var servedPrompts, declaredPrompts []string
	for _, p := range call(3, "prompts/list", `{}`)["prompts"].([]any) {
		servedPrompts = append(servedPrompts, p.(map[string]any)["name"].(string))
	}
	for _, p := range m.Prompts {
		declaredPrompts = append(declaredPrompts, p.Name)
	}
	assert.ElementsMatch(t, declaredPrompts, servedPrompts)
	assert.Contains(t, stderr.String(), "serving the SANDBOX (LEELOO_API_TOKEN is not set)")
}
