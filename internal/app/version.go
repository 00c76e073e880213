package app

import (
	"runtime/debug"
	"strings"
)

// Set by the release build (scripts/release) with -ldflags "-X
// github.com/leeloo-mcp/leeloo-mcp/internal/app.releaseVersion=0.2.0" and
// likewise releaseCommit (the full commit hash) and releaseModified ("true"
// for a tree with changes). The commit is only used where the toolchain
// recorded none (a git worktree, -buildvcs=false, a source archive).
var releaseVersion, releaseCommit, releaseModified string

// Version is what --version prints and what initialize reports as
// serverInfo.version: the release number with the commit as semver build
// metadata ("0.2.0+3e4da4e1b2c3", ".dirty" when the tree had changes).
// Without a release number it is the module version that go install and go
// build record (a tag, or a pseudo-version naming the commit), else "devel".
var Version = versionString(releaseVersion, vcsFallback(releaseCommit, releaseModified, readBuildInfo()))

func readBuildInfo() *debug.BuildInfo {
	info, _ := debug.ReadBuildInfo()
	return info
}

// vcsFallback adds the -ldflags commit to info when the toolchain recorded
// none.
func vcsFallback(commit, modified string, info *debug.BuildInfo) *debug.BuildInfo {
	if commit == "" {
		return info
	}
	if info == nil {
		info = &debug.BuildInfo{}
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			return info
		}
	}
	out := *info
	out.Settings = append(append([]debug.BuildSetting{}, info.Settings...),
		debug.BuildSetting{Key: "vcs.revision", Value: commit}, debug.BuildSetting{Key: "vcs.modified", Value: modified})
	return &out
}

// versionString builds Version from the -ldflags release number and the
// build info the Go toolchain embeds (vcs.revision, vcs.modified).
func versionString(release string, info *debug.BuildInfo) string {
	var rev string
	var modified bool
	module := ""
	if info != nil {
		module = info.Main.Version
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if release == "" && module != "" && module != "(devel)" {
		// A tag (v0.2.0) or a pseudo-version that already names the commit
		// (v0.0.0-20261201085721-3e4da4e1b2c3+dirty).
		return strings.TrimPrefix(module, "v")
	}
	v := strings.TrimPrefix(release, "v")
	if v == "" {
		v = "devel"
	}
	if rev == "" {
		return v
	}
	v += "+" + rev[:min(len(rev), 12)]
	if modified {
		v += ".dirty"
	}
	return v
}
