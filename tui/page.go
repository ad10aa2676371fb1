package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// page is one step's screen. The root model owns the frame (header, tabs,
// status line, help bar, overlays) and routes to the current page:
//
//   - Update is only called while the page is shown. Keys arrive after the
//     root has taken its global keys, unless Capturing is true, in which
//     case EVERY key but ctrl+c reaches the page (so "q" types a q).
//   - View draws the body only, in exactly width×height cells at most.
//   - ShortHelp/FullHelp list the bindings the page handles right now (list
//     keys, or form keys while a form is open); the root appends the
//     global keys. Build them from session.keys so the help cannot lie.
//   - Selected is the id of the record under the cursor ("" for none); the
//     root stores it as the resume position whenever it changes. Select
//     moves the cursor to a record (resume, or a jump from Review's
//     missing list); an unknown id leaves the cursor where it is.
//
// Besides keys and mouse messages, a page receives:
//
//   - shownMsg when it becomes the current page (refresh derived data from
//     session.m: another page or an undo may have changed the model);
//   - modelChangedMsg when the model changed under it while shown (undo,
//     a failed save reverted, the parking lot added a threat);
//   - savedMsg / saveFailedMsg for edits it started through session.apply
//     (Origin is its step): close the form on savedMsg; on saveFailedMsg
//     keep the form open with its text and show Err (use fieldErrors to
//     spread a model.ValidationError over the fields).
type page interface {
	Update(msg tea.Msg) tea.Cmd
	View(width, height int) string
	Capturing() bool
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
	Selected() string
	Select(id string)
}

// editorPage is implemented by pages that can open the edit form of one of
// their records directly; the root uses it after a jump, e.g. to open a
// threat made from a parking-lot item so the team can complete it.
type editorPage interface {
	Edit(id string) tea.Cmd
}

// pageFactory builds a step's page for an opened model; each step names
// its own in walk (step.go).
type pageFactory func(s *session) page

// Messages the root sends to pages.
type (
	// shownMsg tells a page it has become the current page.
	shownMsg struct{}
	// modelChangedMsg tells the current page the model changed under it.
	modelChangedMsg struct{}
)
