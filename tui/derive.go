package tui

import tea "charm.land/bubbletea/v2"

// Update handles one message, then brings what derives from the model up
// to date with it, so that View only reads: the completion figures (tabs,
// Overview, status line) are worked out here when the model has changed,
// never while a frame is drawn.
func (a *app) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := a.update(msg)
	if a.s != nil {
		a.s.completion()
	}
	return m, cmd
}
