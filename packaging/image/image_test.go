package main

import (
	"archive/tar"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeImage builds an image of a stand-in binary into a tarball and reads
// it back, as docker load or crane would.
func writeImage(t *testing.T, o Options) v1.Image {
	t.Helper()
	img, err := Build(o)
	require.NoError(t, err)
	tag, err := Tag(o.Version)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "image.tar")
	require.NoError(t, tarball.WriteToFile(path, tag, img))
	back, err := tarball.ImageFromPath(path, &tag)
	require.NoError(t, err)
	return back
}

// layerFiles lists the regular files of every layer with mode, owner and body.
func layerFiles(t *testing.T, img v1.Image) map[string]*tar.Header {
	t.Helper()
	layers, err := img.Layers()
	require.NoError(t, err)
	out := map[string]*tar.Header{}
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
			out["/"+h.Name] = h
		}
		require.NoError(t, rc.Close())
	}
	return out
}

func TestImageConfig(t *testing.T) {
	created := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	img := writeImage(t, Options{
		Binary: []byte("\x7fELF stand-in"), Certs: []byte("-----BEGIN CERTIFICATE-----\n"),
		Arch: "arm64", Version: "9.8.7", Revision: "3e4da4e1", Created: created,
	})
	cf, err := img.ConfigFile()
	require.NoError(t, err)
	assert.Equal(t, "linux", cf.OS)
	assert.Equal(t, "arm64", cf.Architecture)
	assert.True(t, cf.Created.Time.Equal(created))
	c := cf.Config
	assert.Equal(t, []string{"/leeloo-mcp"}, c.Entrypoint)
	assert.Empty(t, c.Cmd)
	assert.Equal(t, "65532:65532", c.User, "never root")
	assert.Equal(t, map[string]struct{}{"8080/tcp": {}}, c.ExposedPorts)
	assert.Equal(t, []string{"LEELOO_TRANSPORT=http", "LEELOO_LISTEN=0.0.0.0:8080"}, c.Env)
	assert.Equal(t, "9.8.7", c.Labels["org.opencontainers.image.version"])
	assert.Equal(t, "3e4da4e1", c.Labels["org.opencontainers.image.revision"])
	assert.Equal(t, "https://github.com/leeloo-mcp/leeloo-mcp", c.Labels["org.opencontainers.image.source"])
	assert.Equal(t, "MIT", c.Labels["org.opencontainers.image.licenses"])
	assert.Equal(t, "io.github.leeloo-mcp/leeloo-mcp", c.Labels["io.modelcontextprotocol.server.name"])

	files := layerFiles(t, img)
	require.Contains(t, files, "/leeloo-mcp")
	require.Contains(t, files, "/etc/ssl/certs/ca-certificates.crt")
	assert.Equal(t, int64(0o755), files["/leeloo-mcp"].Mode)
	assert.Equal(t, int64(0o644), files["/etc/ssl/certs/ca-certificates.crt"].Mode)
	for p, h := range files {
		assert.Equal(t, 0, h.Uid, p)
		assert.True(t, h.ModTime.Equal(created), p)
	}
	layers, err := img.Layers()
	require.NoError(t, err)
	assert.Len(t, layers, 2, "an empty base: certificates and the binary only")
}

// TestImageReproducible: the same inputs give the same digest.
func TestImageReproducible(t *testing.T) {
	o := Options{Binary: []byte("bin"), Certs: []byte("certs"), Arch: "amd64", Version: "1.0.0", Created: time.Unix(0, 0).UTC()}
	a, err := Build(o)
	require.NoError(t, err)
	b, err := Build(o)
	require.NoError(t, err)
	da, err := a.Digest()
	require.NoError(t, err)
	db, err := b.Digest()
	require.NoError(t, err)
	assert.Equal(t, da, db)
}

// dockerfile is the final stage of the Dockerfile, reduced to what the
// image's config holds.
type dockerfile struct {
	from, user, workdir string
	entrypoint          []string
	expose              []string
	env                 []string
	labels              map[string]string
	copies              []string // destinations
	build               string   // the build stage's RUN go build line
}

// words splits a Dockerfile argument list at spaces outside double quotes,
// dropping the quotes.
func words(s string) []string {
	var out []string
	var cur strings.Builder
	quoted, has := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted, has = !quoted, true
		case (r == ' ' || r == '\t') && !quoted:
			if has {
				out = append(out, cur.String())
				cur.Reset()
				has = false
			}
		default:
			cur.WriteRune(r)
			has = true
		}
	}
	if has {
		out = append(out, cur.String())
	}
	return out
}

func parseDockerfile(t *testing.T, path string, args map[string]string) dockerfile {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	text := regexp.MustCompile(`\\\n\s*`).ReplaceAllString(string(raw), " ")
	var d dockerfile
	stages := 0
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		inst, rest, _ := strings.Cut(line, " ")
		rest = os.Expand(strings.TrimSpace(rest), func(k string) string { return args[k] })
		if strings.EqualFold(inst, "FROM") {
			stages++
			final := d.build
			d = dockerfile{from: rest, labels: map[string]string{}, build: final}
			continue
		}
		switch strings.ToUpper(inst) {
		case "RUN":
			if strings.Contains(rest, "go build") {
				d.build = rest
			}
		case "USER":
			d.user = rest
		case "WORKDIR":
			d.workdir = rest
		case "EXPOSE":
			d.expose = words(rest)
		case "ENV":
			d.env = words(rest)
		case "LABEL":
			for _, kv := range words(rest) {
				k, v, ok := strings.Cut(kv, "=")
				require.True(t, ok, kv)
				d.labels[k] = v
			}
		case "ENTRYPOINT":
			require.NoError(t, json.Unmarshal([]byte(rest), &d.entrypoint), "ENTRYPOINT in exec form")
		case "COPY":
			w := words(rest)
			d.copies = append(d.copies, w[len(w)-1])
		}
	}
	require.Equal(t, 2, stages, "a build stage and the final stage")
	return d
}

// TestDockerfileMatchesImage: the Dockerfile builds the image the Go builder
// writes: same base, files, user, port, environment, labels and entrypoint.
func TestDockerfileMatchesImage(t *testing.T) {
	const version, revision = "9.8.7", "3e4da4e1"
	d := parseDockerfile(t, "../../Dockerfile", map[string]string{"VERSION": version, "REVISION": revision})
	c := Config(version, revision)
	assert.Equal(t, "scratch", d.from)
	assert.Equal(t, c.User, d.user)
	assert.Equal(t, c.WorkingDir, d.workdir)
	assert.Equal(t, c.Entrypoint, d.entrypoint)
	var ports []string
	for p := range c.ExposedPorts {
		ports = append(ports, p)
	}
	assert.Equal(t, ports, d.expose)
	assert.Equal(t, c.Env, d.env)
	assert.Equal(t, c.Labels, d.labels)
	assert.ElementsMatch(t, []string{CertsPath, BinaryPath}, d.copies)
	assert.Contains(t, d.copies, c.Entrypoint[0])

	// The binary is built as the release builds it.
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "internal/app.releaseVersion=" + version, "internal/app.releaseCommit=" + revision} {
		assert.Contains(t, d.build, want)
	}
	src, err := os.ReadFile("../../internal/app/version.go")
	require.NoError(t, err)
	assert.Contains(t, string(src), "var releaseVersion, releaseCommit, releaseModified string", "the -X targets exist")
}
