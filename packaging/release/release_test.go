package release

import (
	"archive/tar"
	"bufio"
	"crypto/sha256"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// distDir is the release folder from LEELOO_DIST; without it the tests are
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

// targets are the release binaries with the machine each must be for.
var targets = []struct{ file, goos, goarch string }{
	{"leeloo-mcp-linux-amd64", "linux", "amd64"},
	{"leeloo-mcp-linux-arm64", "linux", "arm64"},
	{"leeloo-mcp-darwin-amd64", "darwin", "amd64"},
	{"leeloo-mcp-darwin-arm64", "darwin", "arm64"},
	{"leeloo-mcp-windows-amd64.exe", "windows", "amd64"},
	{"leeloo-mcp-windows-arm64.exe", "windows", "arm64"},
}

// TestBinaryFormats opens each binary with the standard library's ELF,
// Mach-O and PE readers: the right format, CPU and a static executable.
func TestBinaryFormats(t *testing.T) {
	dist := distDir(t)
	for _, tg := range targets {
		t.Run(tg.file, func(t *testing.T) {
			path := filepath.Join(dist, tg.file)
			switch tg.goos {
			case "linux":
				f, err := elf.Open(path)
				require.NoError(t, err)
				defer f.Close()
				assert.Equal(t, map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}[tg.goarch], f.Machine)
				assert.Equal(t, elf.ET_EXEC, f.Type, "a static executable, not PIE or a shared object")
				for _, p := range f.Progs {
					assert.NotEqual(t, elf.PT_INTERP, p.Type, "static: no dynamic loader (CGO_ENABLED=0)")
				}
			case "darwin":
				f, err := macho.Open(path)
				require.NoError(t, err)
				defer f.Close()
				assert.Equal(t, map[string]macho.Cpu{"amd64": macho.CpuAmd64, "arm64": macho.CpuArm64}[tg.goarch], f.Cpu)
				assert.Equal(t, macho.TypeExec, f.Type)
				if tg.goarch == "arm64" {
					// Apple silicon runs no unsigned code; Go's linker signs
					// ad hoc (LC_CODE_SIGNATURE).
					signed := false
					for _, l := range f.Loads {
						raw := l.Raw()
						signed = signed || (len(raw) >= 4 && f.ByteOrder.Uint32(raw) == 0x1d)
					}
					assert.True(t, signed, "an ad-hoc code signature")
				}
			case "windows":
				f, err := pe.Open(path)
				require.NoError(t, err)
				defer f.Close()
				assert.Equal(t, map[string]uint16{"amd64": pe.IMAGE_FILE_MACHINE_AMD64, "arm64": pe.IMAGE_FILE_MACHINE_ARM64}[tg.goarch], f.Machine)
				assert.NotZero(t, f.Characteristics&pe.IMAGE_FILE_EXECUTABLE_IMAGE)
			}
		})
	}
}

// TestChecksums: SHA256SUMS lists every artifact with its real digest.
func TestChecksums(t *testing.T) {
	dist := distDir(t)
	f, err := os.Open(filepath.Join(dist, "SHA256SUMS"))
	require.NoError(t, err)
	defer f.Close()
	listed := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		require.True(t, ok, sc.Text())
		listed[name] = sum
	}
	want := []string{"leeloo-mcp.mcpb", "leeloo-mcp-image.tar", "leeloo-mcp-image-arm64.tar"}
	for _, tg := range targets {
		want = append(want, tg.file)
	}
	assert.ElementsMatch(t, want, keys(listed))
	for name, sum := range listed {
		b, err := os.ReadFile(filepath.Join(dist, name))
		require.NoError(t, err)
		got := sha256.Sum256(b)
		assert.Equal(t, sum, hex.EncodeToString(got[:]), name)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

var versionRE = regexp.MustCompile(`^leeloo-mcp (\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\+([0-9a-f]{12})(\.dirty)?\n$`)

// TestLinuxBinaryVersion runs the linux/amd64 binary: --version names the
// release and the commit it was built from.
func TestLinuxBinaryVersion(t *testing.T) {
	dist := distDir(t)
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("runs the linux/amd64 binary")
	}
	out, err := exec.Command(filepath.Join(dist, "leeloo-mcp-linux-amd64"), "--version").Output()
	require.NoError(t, err)
	m := versionRE.FindStringSubmatch(string(out))
	require.NotNil(t, m, "--version: %q", out)
	if head, err := exec.Command("git", "rev-parse", "HEAD").Output(); err == nil {
		assert.Equal(t, string(head[:12]), m[2], "the commit of this checkout")
	}
}

// TestImageRuns unpacks the linux/amd64 image's layers and starts its
// entrypoint with the image's own environment: without LEELOO_HTTP_TOKEN it
// refuses to listen on all interfaces; with one it serves /healthz and
// answers MCP at /mcp only with the bearer token.
func TestImageRuns(t *testing.T) {
	dist := distDir(t)
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("runs the linux/amd64 image's binary")
	}
	img, err := tarball.ImageFromPath(filepath.Join(dist, "leeloo-mcp-image.tar"), nil)
	require.NoError(t, err)
	cf, err := img.ConfigFile()
	require.NoError(t, err)
	assert.Equal(t, "amd64", cf.Architecture)
	root := t.TempDir()
	layers, err := img.Layers()
	require.NoError(t, err)
	for _, l := range layers {
		rc, err := l.Uncompressed()
		require.NoError(t, err)
		tr := tar.NewReader(rc)
		for {
			h, err := tr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(t, err)
			dst := filepath.Join(root, h.Name)
			if h.Typeflag == tar.TypeDir {
				require.NoError(t, os.MkdirAll(dst, 0o755))
				continue
			}
			w, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, os.FileMode(h.Mode))
			require.NoError(t, err)
			_, err = io.Copy(w, tr)
			require.NoError(t, err)
			require.NoError(t, w.Close())
		}
		require.NoError(t, rc.Close())
	}
	require.FileExists(t, filepath.Join(root, "etc/ssl/certs/ca-certificates.crt"))
	entry := filepath.Join(root, cf.Config.Entrypoint[0])

	// The image's defaults alone: refused, since nothing guards the port.
	cmd := exec.Command(entry)
	cmd.Env = cf.Config.Env
	out, err := cmd.CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), "set --http-token (or LEELOO_HTTP_TOKEN)")

	// With a token, on an ephemeral port of all interfaces (the image's
	// 8080 may be taken on a build machine). Requests go to loopback only.
	env := []string{"LEELOO_HTTP_TOKEN=image-test-token"}
	for _, kv := range cf.Config.Env {
		if strings.HasPrefix(kv, "LEELOO_LISTEN=") {
			kv = "LEELOO_LISTEN=0.0.0.0:0"
		}
		env = append(env, kv)
	}
	cmd = exec.Command(entry)
	cmd.Env = env
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	port := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`listening on http://[^ ]*:(\d+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				port <- m[1]
			}
		}
	}()
	var base string
	select {
	case p := <-port:
		base = "http://127.0.0.1:" + p
	case <-time.After(20 * time.Second):
		t.Fatal("the image's binary never listened")
	}
	res, err := http.Get(base + "/healthz")
	require.NoError(t, err)
	_ = res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)

	initBody := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"image-test","version":"1"}}}`
	post := func(token string) *http.Response {
		req, err := http.NewRequest(http.MethodPost, base+"/mcp", strings.NewReader(initBody))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		return res
	}
	res = post("")
	_ = res.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "no token, no MCP")
	res = post("image-test-token")
	body, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode, string(body))
	assert.Contains(t, string(body), `"serverInfo"`)
	assert.Contains(t, string(body), cf.Config.Labels["org.opencontainers.image.version"]+"+")
}
