package tui

import "charm.land/bubbles/v2/key"

// cycleState is the list's toggle as the OWASP and checklist steps use
// it, relabelled: the help shows the very binding the handler matches.
func cycleState(l ListKeys) key.Binding {
	b := l.Toggle
	b.SetHelp("space", "cycle state")
	return b
}
