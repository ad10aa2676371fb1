package tui

import (
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// click handles a mouse click. On the tabs line a left click shows that
// step (unless a form or prompt has the keys: a click must not lose what
// is typed, just as the number keys do not); in the body the click goes
// to what has focus, in coordinates relative to the page body, so a list
// can select the row under it.
func (a *app) click(msg tea.MouseClickMsg) tea.Cmd {
	if a.tooSmall() || msg.Button != tea.MouseLeft {
		return nil
	}
	if msg.Y == 1 && a.s != nil {
		if a.capturing() || a.lot != nil {
			return nil
		}
		parts, _ := a.tabParts()
		x := 0
		for i, p := range parts {
			x += lipgloss.Width(p)
			if msg.X < x {
				if Steps[i] == a.step {
					return nil
				}
				return a.show(Steps[i], "")
			}
		}
		return nil
	}
	m := msg.Mouse()
	m.X -= a.margin()
	m.Y -= a.bodyTop()
	if m.X < 0 || m.Y < 0 {
		return nil
	}
	return a.forward(tea.MouseClickMsg(m))
}

// bodyTop is the screen line the page body starts at: after the header,
// the tabs and a blank line (two in presenter mode), as render draws them.
func (a *app) bodyTop() int {
	if a.presenter() {
		return 4
	}
	return 3
}
