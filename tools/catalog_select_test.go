package tools_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leeloo-mcp/leeloo-mcp/tools"
)

func TestSelect(t *testing.T) {
	all := tools.All(&tools.Deps{})
	require.Len(t, all, len(committedCatalogue(t)))
	var reads, writes []string
	for _, tl := range all {
		if tl.Mutating {
			writes = append(writes, tl.Tool.Name)
		} else {
			reads = append(reads, tl.Tool.Name)
		}
	}
	require.Len(t, writes, countCatalogue(t, isMutating))

	cases := []struct {
		name string
		sel  tools.Selection
		want []string // in catalog order
	}{
		{"nothing asked is everything", tools.Selection{}, toolNames(all)},
		{"all", tools.Selection{Toolsets: []string{"all"}}, toolNames(all)},
		{"one toolset", tools.Selection{Toolsets: []string{"tags"}}, []string{"list_tags", "add_tag", "remove_tag"}},
		{"two toolsets keep catalog order", tools.Selection{Toolsets: []string{"users", "orders"}},
			[]string{"list_orders", "get_order", "create_order", "update_manual_order", "list_users", "get_user"}},
		{"tools alone", tools.Selection{Tools: []string{"get_user", "list_tags"}}, []string{"list_tags", "get_user"}},
		{"toolsets plus tools", tools.Selection{Toolsets: []string{"users"}, Tools: []string{"log_call"}},
			[]string{"list_users", "get_user", "log_call"}},
		{"exclude", tools.Selection{Toolsets: []string{"chats"}, Exclude: []string{"send_message"}},
			[]string{"list_communication_channels", "get_chat_messages"}},
		{"exclude beats tools", tools.Selection{Tools: []string{"get_user", "list_users"}, Exclude: []string{"get_user"}},
			[]string{"list_users"}},
		{"read-only", tools.Selection{ReadOnly: true}, reads},
		{"read-only with all", tools.Selection{Toolsets: []string{"all"}, ReadOnly: true}, reads},
		{"read-only beats toolsets", tools.Selection{Toolsets: []string{"chats", "leadgen", "calls"}, ReadOnly: true},
			[]string{"list_communication_channels", "get_chat_messages"}},
		{"read-only beats tools", tools.Selection{Tools: append([]string{"get_order"}, writes...), ReadOnly: true},
			[]string{"get_order"}},
		{"read-only of a write-only ask is empty", tools.Selection{Tools: writes, ReadOnly: true}, []string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := tools.Select(all, c.sel)
			require.NoError(t, err)
			assert.Equal(t, c.want, toolNames(got))
			if c.sel.ReadOnly {
				for _, tl := range got {
					assert.False(t, tl.Mutating, "%s survived --read-only", tl.Tool.Name)
				}
			}
		})
	}

	t.Run("default toolsets", func(t *testing.T) {
		got, err := tools.Select(all, tools.Selection{Toolsets: tools.DefaultToolsets()})
		require.NoError(t, err)
		assert.Len(t, got, countCatalogue(t, func(r tools.CatalogEntry) bool { return r.Default }))
		assert.NotContains(t, toolNames(got), "log_call")
		ro, err := tools.Select(all, tools.Selection{Toolsets: tools.DefaultToolsets(), ReadOnly: true})
		require.NoError(t, err)
		assert.Len(t, ro, countCatalogue(t, func(r tools.CatalogEntry) bool { return r.Default && !isMutating(r) }), "the default set minus its mutating tools")
	})

	for _, c := range []struct {
		name, want string
		sel        tools.Selection
	}{
		{"unknown toolset", `unknown toolset "crm"`, tools.Selection{Toolsets: []string{"people", "crm"}}},
		{"unknown tool", `unknown tool "send_email"`, tools.Selection{Tools: []string{"send_email"}}},
		{"unknown excluded tool", `unknown tool "sendmessage"`, tools.Selection{Exclude: []string{"sendmessage"}}},
		{"unknown tool under read-only", `unknown tool "nope"`, tools.Selection{Tools: []string{"nope"}, ReadOnly: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := tools.Select(all, c.sel)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Nil(t, got)
		})
	}
}
