package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/threatdeck/threatdeck/model"
)

// viewKeeper is a page whose view is worth keeping across a quit: its
// order, filters, tab or open detail (model.PageView). restoreView applies
// a saved view; keep, when not "", is the record the page was just shown
// for (the resume position, a jump): it stays selected, and saved filters
// that would hide it give way, as they do for Select.
type viewKeeper interface {
	viewState() model.PageView
	restoreView(v model.PageView, keep string)
}

// remember stores where the user is (model, step, selected record, each
// page's view, the timer, presenter mode) when it changed, so the next
// start resumes there. Writes go through the session's write queue; when
// the user moves faster than the disk, only the newest position is
// written.
func (a *app) remember() tea.Cmd {
	if a.s == nil {
		return nil
	}
	return tea.Batch(a.announce(), a.rememberPosition())
}

// position is the resume position of the open model as it is now.
func (a *app) position() model.Position {
	pos := model.Position{ModelID: a.s.m.ID, Step: a.step.Name(), Presenter: a.s.presenter, Timer: a.timer.state()}
	if p := a.page(); p != nil {
		pos.Item = p.Selected()
	}
	views := map[string]model.PageView{}
	for st, v := range a.views {
		views[st.Name()] = v // a page not shown yet keeps its saved view
	}
	for st, p := range a.pages {
		if vk, ok := p.(viewKeeper); ok {
			if v := vk.viewState(); !v.IsZero() {
				views[st.Name()] = v
			}
		}
	}
	if len(views) > 0 {
		pos.Views = views
	}
	return pos
}

func (a *app) rememberPosition() tea.Cmd {
	pos := a.position()
	if pos.Equal(a.lastPos) {
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

// savePosition queues the position with the timer counted up to now, as
// the model is closed or the program quits (the write starts when queued;
// waiting on the queue lands it).
func (a *app) savePosition() {
	if a.s == nil {
		return
	}
	a.timer.account(a.opts.now())
	_ = a.rememberPosition()
}

// restoreViews takes the saved views of a position being opened; each is
// applied when its page is first shown (pages are built on demand).
func (a *app) restoreViews(pos model.Position) {
	a.views = map[Step]model.PageView{}
	for name, v := range pos.Views {
		if st, ok := ParseStep(name); ok {
			a.views[st] = v
		}
	}
}

// restoreView applies page p's saved view, once; item is what show
// selected there.
func (a *app) restoreView(st Step, p page, item string) {
	v, ok := a.views[st]
	if !ok {
		return
	}
	delete(a.views, st)
	if vk, ok := p.(viewKeeper); ok {
		vk.restoreView(v, item)
	}
}
