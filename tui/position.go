package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/threatdeck/threatdeck/model"
)

// remember stores where the user is (model, step, selected record) when it
// changed, so the next start resumes there. Writes go through the session's
// write queue; when the user moves faster than the disk, only the newest
// position is written.
func (a *app) remember() tea.Cmd {
	if a.s == nil {
		return nil
	}
	return tea.Batch(a.announce(), a.rememberPosition())
}

func (a *app) rememberPosition() tea.Cmd {
	pos := model.Position{ModelID: a.s.m.ID, Step: a.step.Name()}
	if p := a.page(); p != nil {
		pos.Item = p.Selected()
	}
	if pos == a.lastPos {
		return nil
	}
	a.lastPos = pos
	gen := a.posGen.Add(1)
	wb, latest := a.s.wb, a.posGen
	return a.s.writes.run(func() tea.Msg {
		if latest.Load() != gen {
			return nil // a newer position is queued behind us
		}
		if err := wb.SetPosition(pos); err != nil {
			return statusMsg{Text: "Could not remember the position: " + err.Error(), Err: true}
		}
		return nil
	})
}
