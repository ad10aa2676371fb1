package tui

import (
	"testing"

	"charm.land/bubbles/v2/key"
)

// The help bar is drawn again whenever what it shows changes: the width,
// short or full, a key, a label, a binding turned on or off, or how the
// bindings fall into columns.
func TestHelpSignatureSeesEveryChange(t *testing.T) {
	add := key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "add"))
	del := key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "delete"))
	off := del
	off.SetEnabled(false)
	relabel := add
	relabel.SetHelp("a", "add threat")
	rekey := add
	rekey.SetHelp("n", "add")
	base := helpSignature(80, false, [][]key.Binding{{add, del}})
	for _, tc := range []struct {
		name string
		sig  string
	}{
		{"width", helpSignature(100, false, [][]key.Binding{{add, del}})},
		{"full help", helpSignature(80, true, [][]key.Binding{{add, del}})},
		{"disabled", helpSignature(80, false, [][]key.Binding{{add, off}})},
		{"label", helpSignature(80, false, [][]key.Binding{{relabel, del}})},
		{"key", helpSignature(80, false, [][]key.Binding{{rekey, del}})},
		{"columns", helpSignature(80, false, [][]key.Binding{{add}, {del}})},
		{"one fewer", helpSignature(80, false, [][]key.Binding{{add}})},
	} {
		if tc.sig == base {
			t.Errorf("%s: same signature, so the old help bar would be shown", tc.name)
		}
	}
	if helpSignature(80, false, [][]key.Binding{{add, del}}) != base {
		t.Error("the same help bar has two signatures: it is never reused")
	}
}
