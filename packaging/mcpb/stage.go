package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// launcher is server/leeloo-mcp on darwin and linux: it runs the binary
// for this OS and CPU.
const launcher = `#!/bin/sh
# Starts the leeloo-mcp binary for this OS and CPU; the bundle carries one each.
dir=$(dirname "$0")
case "$(uname -s)" in
Darwin) os=darwin ;;
Linux) os=linux ;;
*) echo "leeloo-mcp: no binary in this bundle for $(uname -s)" >&2; exit 1 ;;
esac
case "$(uname -m)" in
x86_64 | amd64) arch=amd64 ;;
arm64 | aarch64) arch=arm64 ;;
*) echo "leeloo-mcp: no binary in this bundle for $(uname -m)" >&2; exit 1 ;;
esac
exec "$dir/leeloo-mcp-$os-$arch" "$@"
`

// MarshalManifest is manifest.json's exact bytes.
func MarshalManifest(m Manifest) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err := enc.Encode(m)
	return b.Bytes(), err
}

// Stage writes the bundle folder out: manifest.json, icon.png and server/
// with the launcher and the binaries copied from dist.
func Stage(out, dist, version string) error {
	m, err := NewManifest(version)
	if err != nil {
		return err
	}
	raw, err := MarshalManifest(m)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(out, "server"), 0o755); err != nil {
		return err
	}
	files := map[string][]byte{"manifest.json": raw, "icon.png": Icon()}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(out, name), b, 0o644); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(out, m.Server.EntryPoint), []byte(launcher), 0o755); err != nil {
		return err
	}
	for _, t := range Targets {
		if err := copyFile(filepath.Join(dist, BinaryName(t)), filepath.Join(out, "server", BinaryName(t))); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}

func main() {
	fs := flag.NewFlagSet("mcpb", flag.ContinueOnError)
	version := fs.String("version", "", "the release version (required)")
	dist := fs.String("dist", "dist", "folder with the release binaries")
	out := fs.String("out", "dist/bundle", "bundle folder to write (replaced)")
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	err := errors.New("-version is required")
	if *version != "" {
		err = Stage(*out, *dist, *version)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "mcpb:", err)
		os.Exit(1)
	}
}
