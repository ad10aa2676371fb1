package tui

import "charm.land/bubbles/v2/key"

// ScreenKeys are the bindings only the analysis screens (STRIDE, Threats,
// OWASP, Controls, Review) answer to. They sit beside KeyMap rather than
// in it so each screen's keys live next to the screens; the shared list
// keys (↑/↓, a/e/d, /, space, enter, esc) still come from KeyMap.List.
// None of them collides with a global key (tab, 1–9, u, p, L, t, T, q, ?).
type ScreenKeys struct {
	// STRIDE.
	PrevCategory, NextCategory key.Binding
	Accept, Dismiss, Review    key.Binding
	Questions                  key.Binding
	AllSuggestions             key.Binding
	// Threats table.
	Sort, Reverse                             key.Binding
	FilterCategory, FilterStatus, FilterAsset key.Binding
	ClearFilters                              key.Binding
	EditThreat                                key.Binding
	// FilterOwner cycles through mitigation owners; Overdue shows only
	// threats with an open mitigation past its due date.
	FilterOwner, Overdue key.Binding
	// Dismissed lists the STRIDE step's dismissed suggestions; Restore
	// brings one back.
	Dismissed, Restore key.Binding
	// OWASP and checklists.
	Edition, Note, Link key.Binding
	PrevList, NextList  key.Binding
	// PrevState cycles an item's state backward (space cycles forward).
	// backspace too: many terminals send shift+space as a plain space.
	PrevState key.Binding
	// Review.
	Preview, Export     key.Binding
	ScrollUp            key.Binding
	ScrollDown          key.Binding
	RiskMap, Sections   key.Binding
	CellLeft, CellRight key.Binding
	// PreviewPage pages the full-screen preview down, like pgdn.
	PreviewPage key.Binding
}

// DefaultScreenKeys is the screens' key map.
func DefaultScreenKeys() ScreenKeys {
	var k ScreenKeys
	k.PrevCategory = bind([]string{"left", "h"}, "←/h", "prev category")
	k.NextCategory = bind([]string{"right", "l"}, "→/l", "next category")
	k.Accept = bind([]string{"enter", "y"}, "enter/y", "accept suggestion")
	k.Dismiss = bind([]string{"x"}, "x", "dismiss suggestion")
	k.Review = bind([]string{"r"}, "r", "mark reviewed")
	k.Questions = bind([]string{"i"}, "i", "all questions")
	k.AllSuggestions = bind([]string{"m"}, "m", "all suggestions")

	k.Sort = bind([]string{"o"}, "o", "sort")
	k.Reverse = bind([]string{"O"}, "O", "reverse order")
	k.FilterCategory = bind([]string{"c"}, "c", "filter category")
	k.FilterStatus = bind([]string{"s"}, "s", "filter status")
	k.FilterAsset = bind([]string{"A"}, "A", "filter asset")
	k.ClearFilters = bind([]string{"esc"}, "esc", "clear filters")
	k.EditThreat = bind([]string{"E"}, "E", "edit threat")
	k.FilterOwner = bind([]string{"w"}, "w", "filter owner")
	k.Overdue = bind([]string{"!"}, "!", "overdue only")
	k.Dismissed = bind([]string{"X"}, "X", "dismissed suggestions")
	k.Restore = bind([]string{"r"}, "r", "restore suggestion")

	k.Edition = bind([]string{"E"}, "E", "switch edition")
	k.Note = bind([]string{"n"}, "n", "note")
	k.Link = bind([]string{"l"}, "l", "link threats")
	k.PrevList = bind([]string{"left", "["}, "←/[", "prev list")
	k.NextList = bind([]string{"right", "]"}, "→/]", "next list")
	k.PrevState = bind([]string{"shift+space", "backspace"}, "shift+space/backspace", "state back")

	k.Preview = bind([]string{"v"}, "v", "preview report")
	k.Export = bind([]string{"x"}, "x", "export")
	k.ScrollUp = bind([]string{"up", "k"}, "↑/k", "scroll up")
	k.ScrollDown = bind([]string{"down", "j"}, "↓/j", "scroll down")
	k.PreviewPage = bind([]string{"space"}, "space", "page down")
	k.RiskMap = bind([]string{"m"}, "m", "risk map")
	k.Sections = bind([]string{"w"}, "w", "write report sections")
	k.CellLeft = bind([]string{"left", "h"}, "←/h", "lower impact")
	k.CellRight = bind([]string{"right", "l"}, "→/l", "higher impact")
	return k
}
