// Command registry writes the release's server.json, the MCP registry
// entry: the committed server.json with the release version in every
// version and package identifier, and the SHA-256 of the .mcpb the registry
// requires. scripts/release runs
//
//	go run ./registry -version 0.2.0 -mcpb ../dist/leeloo-mcp.mcpb -out ../dist/server.json
//
// The committed server.json and the written one are validated against the
// registry's schema (testdata/registry/server.schema.json) by the tests.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
)

// Render rewrites the committed entry for version; mcpbSum is the .mcpb's
// SHA-256 in hex.
func Render(committed []byte, version, mcpbSum string) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(committed, &doc); err != nil {
		return nil, err
	}
	old, _ := doc["version"].(string)
	if old == "" {
		return nil, errors.New("server.json has no version")
	}
	doc["version"] = version
	pkgs, _ := doc["packages"].([]any)
	for _, p := range pkgs {
		pkg, _ := p.(map[string]any)
		if pkg == nil {
			continue
		}
		if id, ok := pkg["identifier"].(string); ok {
			pkg["identifier"] = strings.ReplaceAll(id, old, version)
		}
		if _, ok := pkg["version"]; ok {
			pkg["version"] = version
		}
		if pkg["registryType"] == "mcpb" {
			pkg["fileSha256"] = mcpbSum
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err := enc.Encode(doc)
	return b.Bytes(), err
}

func run(args []string) error {
	fs := flag.NewFlagSet("registry", flag.ContinueOnError)
	in := fs.String("in", "../server.json", "the committed server.json")
	version := fs.String("version", "", "release version")
	mcpb := fs.String("mcpb", "", "the packed .mcpb")
	out := fs.String("out", "", "server.json to write")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *version == "" || *mcpb == "" || *out == "" {
		return errors.New("-version, -mcpb and -out are required")
	}
	committed, err := os.ReadFile(*in)
	if err != nil {
		return err
	}
	bundle, err := os.ReadFile(*mcpb)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(bundle)
	b, err := Render(committed, *version, hex.EncodeToString(sum[:]))
	if err != nil {
		return err
	}
	return os.WriteFile(*out, b, 0o644)
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "registry:", err)
		os.Exit(1)
	}
}
