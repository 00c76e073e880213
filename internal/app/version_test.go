package app

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestVersionString(t *testing.T) {
	vcs := func(main, rev, modified string) *debug.BuildInfo {
		info := &debug.BuildInfo{Main: debug.Module{Path: "github.com/leeloo-mcp/leeloo-mcp", Version: main}}
		if rev != "" {
			info.Settings = append(info.Settings, debug.BuildSetting{Key: "vcs.revision", Value: rev})
		}
		if modified != "" {
			info.Settings = append(info.Settings, debug.BuildSetting{Key: "vcs.modified", Value: modified})
		}
		return info
	}
	const rev = "3e4da4e1b2c3d4e5f60718293a4b5c6d7e8f9012"
	for _, c := range []struct {
		name, release string
		info          *debug.BuildInfo
		want          string
	}{
		{"release build", "0.2.0", vcs("(devel)", rev, "false"), "0.2.0+3e4da4e1b2c3"},
		{"release build, v prefix", "v0.2.0", vcs("(devel)", rev, "false"), "0.2.0+3e4da4e1b2c3"},
		{"release build from a changed tree", "0.2.0", vcs("(devel)", rev, "true"), "0.2.0+3e4da4e1b2c3.dirty"},
		{"release number wins over the module version", "0.2.0", vcs("v0.0.0-20261201085721-3e4da4e1b2c3", rev, "false"), "0.2.0+3e4da4e1b2c3"},
		{"go install module@v0.2.0", "", vcs("v0.2.0", "", ""), "0.2.0"},
		{"go build: pseudo-version", "", vcs("v0.0.0-20261201085721-3e4da4e1b2c3+dirty", rev, "true"), "0.0.0-20261201085721-3e4da4e1b2c3+dirty"},
		{"no module version, commit known", "", vcs("(devel)", rev, "false"), "devel+3e4da4e1b2c3"},
		{"go test: nothing known", "", vcs("(devel)", "", ""), "devel"},
		{"no build info", "", nil, "devel"},
	} {
		assert.Equal(t, c.want, versionString(c.release, c.info), c.name)
	}
}

func TestVCSFallback(t *testing.T) {
	const rev = "3e4da4e1b2c3d4e5f60718293a4b5c6d7e8f9012"
	assert.Equal(t, "0.2.0+3e4da4e1b2c3.dirty", versionString("0.2.0", vcsFallback(rev, "true", nil)))
	assert.Equal(t, "0.2.0+3e4da4e1b2c3", versionString("0.2.0", vcsFallback(rev, "", &debug.BuildInfo{})))
	recorded := &debug.BuildInfo{Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "aaaaaaaaaaaaaaaa"}}}
	assert.Equal(t, "0.2.0+aaaaaaaaaaaa", versionString("0.2.0", vcsFallback(rev, "true", recorded)), "the toolchain's record wins")
	assert.Equal(t, "devel", versionString("", vcsFallback("", "", nil)))
}
