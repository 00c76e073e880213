// Command image writes the leeloo-mcp container image as a tarball that
// `docker load` and `crane push` take, without a Docker daemon: the static
// binary and Debian's CA bundle on an empty base, run as a non-root user.
// scripts/release runs
//
//	go run ./image -binary ../dist/leeloo-mcp-linux-amd64 -arch amd64 -version 0.2.0 \
//	    -revision "$(git rev-parse HEAD)" -out ../dist/leeloo-mcp-image.tar
//
// The Dockerfile at the repository root builds the same image with Docker;
// a test keeps the two equal.
package main

import (
	"archive/tar"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Paths inside the image.
const (
	BinaryPath = "/leeloo-mcp"
	CertsPath  = "/etc/ssl/certs/ca-certificates.crt"
	// User is distroless's "nonroot": no root inside the container.
	User = "65532:65532"
	// Repository is where releases push the image.
	Repository = "ghcr.io/leeloo-mcp/leeloo-mcp"
	// ServerName is the MCP registry name; the registry checks it against
	// the image's io.modelcontextprotocol.server.name label.
	ServerName = "io.github.leeloo-mcp/leeloo-mcp"
)

// Config is the image's run configuration. The defaults serve Streamable
// HTTP on all interfaces of the container; the server refuses to start that
// way without LEELOO_HTTP_TOKEN, so a published port is never open to
// everyone by accident. LEELOO_TRANSPORT=stdio (with docker run -i) serves
// one local client instead.
func Config(version, revision string) v1.Config {
	return v1.Config{
		Entrypoint:   []string{BinaryPath},
		User:         User,
		WorkingDir:   "/",
		ExposedPorts: map[string]struct{}{"8080/tcp": {}},
		Env:          []string{"LEELOO_TRANSPORT=http", "LEELOO_LISTEN=0.0.0.0:8080"},
		Labels: map[string]string{
			"org.opencontainers.image.title":       "leeloo-mcp",
			"org.opencontainers.image.description": "MCP server for a Leeloo.ai account: every REST API v2 endpoint as a tool, guarded sends",
			"org.opencontainers.image.source":      "https://github.com/leeloo-mcp/leeloo-mcp",
			"org.opencontainers.image.url":         "https://github.com/leeloo-mcp/leeloo-mcp",
			"org.opencontainers.image.licenses":    "MIT",
			"org.opencontainers.image.version":     version,
			"org.opencontainers.image.revision":    revision,
			"io.modelcontextprotocol.server.name":  ServerName,
		},
	}
}

// file is one file of a layer.
type file struct {
	path string
	mode int64
	body []byte
}

// layer is a tar layer holding files and their parent folders, owned by
// root and dated at created so that the same inputs give the same digest.
func layer(created time.Time, files ...file) (v1.Layer, error) {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	seen := map[string]bool{}
	for _, f := range files {
		rel := f.path[1:]
		for i := range rel {
			if rel[i] == '/' && !seen[rel[:i+1]] {
				seen[rel[:i+1]] = true
				if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: rel[:i+1], Mode: 0o755, ModTime: created, Format: tar.FormatPAX}); err != nil {
					return nil, err
				}
			}
		}
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: rel, Mode: f.mode, Size: int64(len(f.body)), ModTime: created, Format: tar.FormatPAX}); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.body); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	raw := b.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil })
}

// Options are the inputs of an image.
type Options struct {
	Binary, Certs     []byte
	Arch              string // GOARCH of the binary: amd64 or arm64
	Version, Revision string
	Created           time.Time
}

// Build assembles the image: one layer of CA certificates, one with the
// binary, on an empty base.
func Build(o Options) (v1.Image, error) {
	certs, err := layer(o.Created, file{CertsPath, 0o644, o.Certs})
	if err != nil {
		return nil, err
	}
	bin, err := layer(o.Created, file{BinaryPath, 0o755, o.Binary})
	if err != nil {
		return nil, err
	}
	img, err := mutate.AppendLayers(empty.Image, certs, bin)
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.Architecture, cf.OS = o.Arch, "linux"
	cf.Created = v1.Time{Time: o.Created}
	cf.Config = Config(o.Version, o.Revision)
	return mutate.ConfigFile(img, cf)
}

// Tag is the image's reference for a version.
func Tag(version string) (name.Tag, error) {
	return name.NewTag(Repository + ":" + version)
}

func run(args []string) error {
	fs := flag.NewFlagSet("image", flag.ContinueOnError)
	binary := fs.String("binary", "", "static linux binary of leeloo-mcp (CGO_ENABLED=0)")
	arch := fs.String("arch", "amd64", "GOARCH of -binary")
	certs := fs.String("certs", "/etc/ssl/certs/ca-certificates.crt", "CA bundle (Debian's ca-certificates)")
	version := fs.String("version", "", "release version")
	revision := fs.String("revision", "", "commit of the build")
	created := fs.String("created", "", "creation time, RFC 3339 (the commit's time keeps the image reproducible)")
	out := fs.String("out", "", "tarball to write")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *binary == "" || *version == "" || *out == "" {
		return errors.New("-binary, -version and -out are required")
	}
	o := Options{Arch: *arch, Version: *version, Revision: *revision, Created: time.Unix(0, 0).UTC()}
	if *created != "" {
		t, err := time.Parse(time.RFC3339, *created)
		if err != nil {
			return fmt.Errorf("-created: %w", err)
		}
		o.Created = t.UTC()
	}
	var err error
	if o.Binary, err = os.ReadFile(*binary); err != nil {
		return err
	}
	if o.Certs, err = os.ReadFile(*certs); err != nil {
		return fmt.Errorf("%w (apt-get install ca-certificates)", err)
	}
	img, err := Build(o)
	if err != nil {
		return err
	}
	tag, err := Tag(*version)
	if err != nil {
		return err
	}
	return tarball.WriteToFile(*out, tag, img)
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		os.Exit(1)
	}
}
