package tools_test

import (
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/tools"
)

// guardModes are the confirmation modes.
var guardModes = []guard.Mode{guard.ModeAuto, guard.ModeElicit, guard.ModePreview, guard.ModeOff}

// TestGuardMutatingToolsCatalog pins the mutating tools the guard tests
// cover, so a new mutating tool cannot slip past them.
func TestGuardMutatingToolsCatalog(t *testing.T) {
	var got []string
	for _, tl := range tools.All(&tools.Deps{}) {
		if tl.Mutating {
			got = append(got, tl.Tool.Name)
		}
	}
	var want []string
	for n := range guardMutatingArgs() {
		want = append(want, n)
	}
	sort.Strings(got)
	sort.Strings(want)
	assert.Equal(t, want, got)
	assert.Len(t, got, countCatalogue(t, isMutating))
}

// TestGuardEveryMutatingToolExecutesOnce checks that the seed arguments are
// real: with the guard off each tool reaches Leeloo with exactly one write.
func TestGuardEveryMutatingToolExecutesOnce(t *testing.T) {
	for name, args := range guardMutatingArgs() {
		t.Run(name, func(t *testing.T) {
			e := newHarness(t, harnessOpts{Mode: guard.ModeOff})
			c := e.client(t, guardModern, nil)
			res := guardCall(t, c, name, args)
			require.False(t, res.IsError, guardText(res))
			assert.Len(t, e.sb.Writes(), 1, "writes: %v", e.writesTo())
			assert.Equal(t, []string{guard.OutcomeExecuted}, e.auditOutcomes(t))
		})
	}
}

// TestGuardDryRunNeverWrites: dry_run previews without writing, for every
// mutating tool, in every mode, with and without an elicitation-capable client.
func TestGuardDryRunNeverWrites(t *testing.T) {
	for _, mode := range guardModes {
		for _, elicits := range []bool{false, true} {
			e := newHarness(t, harnessOpts{Mode: mode})
			el := guardAccepting()
			c := e.client(t, guardModern, el)
			if !elicits {
				c = e.client(t, guardModern, nil)
			}
			for name, args := range guardMutatingArgs() {
				res := guardCall(t, c, name, guardWith(args, "dry_run", true))
				label := string(mode) + "/" + name
				assert.False(t, res.IsError, "%s: %s", label, guardText(res))
				assert.Contains(t, guardText(res), "DRY RUN: nothing was sent or changed.", label)
				sc, _ := res.StructuredContent.(map[string]any)
				assert.Equal(t, false, sc["executed"], label)
				assert.NotContains(t, sc, "confirm_token", label)
			}
			assert.Empty(t, e.writesTo(), "mode %s", mode)
			assert.Empty(t, el.Messages(), "a dry run must not ask the user")
			for _, l := range e.auditLines(t) {
				assert.Equal(t, guard.OutcomeDryRun, l["outcome"])
			}
			assert.Len(t, e.auditLines(t), countCatalogue(t, isMutating))
		}
	}
}

// TestGuardReadOnlyRefuses: a guard configured read-only refuses every
// mutation, confirmed or dry, and nothing reaches Leeloo.
func TestGuardReadOnlyRefuses(t *testing.T) {
	e := newHarness(t, harnessOpts{Mode: guard.ModeOff, ReadOnly: true})
	c := e.client(t, guardModern, guardAccepting())
	for name, args := range guardMutatingArgs() {
		for _, a := range []map[string]any{args, guardWith(args, "dry_run", true)} {
			res := guardCall(t, c, name, a)
			assert.True(t, res.IsError, name)
			assert.Contains(t, guardText(res), "read-only", name)
		}
	}
	assert.Empty(t, e.writesTo())
	for _, l := range e.auditLines(t) {
		assert.Equal(t, guard.OutcomeRefused, l["outcome"])
	}
}
