package main

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReleaseBuildVersion builds the binary the way scripts/release does
// (-ldflags -X for the release number and commit) and checks that --version
// and initialize's serverInfo.version report that number and the commit.
func TestReleaseBuildVersion(t *testing.T) {
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skip("not a git checkout:", err)
	}
	commit := strings.TrimSpace(string(head))
	status, err := exec.Command("git", "status", "--porcelain").Output()
	require.NoError(t, err)
	modified := len(bytes.TrimSpace(status)) > 0

	bin := filepath.Join(t.TempDir(), "leeloo-mcp")
	const pkg = "github.com/leeloo-mcp/leeloo-mcp/internal/app"
	ldflags := "-X " + pkg + ".releaseVersion=9.8.7 -X " + pkg + ".releaseCommit=" + commit
	if modified {
		ldflags += " -X " + pkg + ".releaseModified=true"
	}
	build := exec.Command("go", "build", "-trimpath", "-buildvcs=auto", "-ldflags", ldflags, "-o", bin, ".")
	build.Env = append(cleanEnv(), "CGO_ENABLED=0")
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))

	want := "9.8.7+" + commit[:12]
	if modified {
		want += ".dirty"
	}
	out, err = exec.Command(bin, "--version").Output()
	require.NoError(t, err)
	assert.Equal(t, "leeloo-mcp "+want+"\n", string(out))

	cmd := exec.Command(bin)
	cmd.Env = cleanEnv()
	cmd.Stdin = strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"version-test","version":"1"}}}` + "\n")
	out, err = cmd.Output()
	require.NoError(t, err)
	var reply struct {
		Result struct {
			ServerInfo struct{ Name, Version string } `json:"serverInfo"`
		} `json:"result"`
	}
	require.NoError(t, json.Unmarshal(bytes.SplitN(out, []byte("\n"), 2)[0], &reply), string(out))
	assert.Equal(t, "leeloo-mcp", reply.Result.ServerInfo.Name)
	assert.Equal(t, want, reply.Result.ServerInfo.Version)
}
