package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// confirm is a yes/no question, e.g. before a delete. The page shows it
// (usually instead of its footer), reports Capturing while it is open so
// no other key fires, and acts on the answer:
//
//	p.confirm = newConfirm(p.s, "Delete asset AS-001 “Customer data”?", id)
//	…
//	if id, yes, done := answer(&p.confirm, msg); done && yes {
//		return p.s.apply(p.s.m.DeleteAsset(id, p.s.now()))
//	}
type confirm struct {
	s      *session
	prompt string
	// id is the record the question is about.
	id string
}

func newConfirm(s *session, prompt, id string) *confirm {
	return &confirm{s: s, prompt: prompt, id: id}
}

// Update reports whether the question was answered, and the answer. Keys
// other than yes and no are swallowed.
func (c *confirm) Update(msg tea.Msg) (done, yes bool) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return false, false
	}
	switch {
	case key.Matches(k, c.s.keys.Confirm.Yes):
		return true, true
	case key.Matches(k, c.s.keys.Confirm.No):
		return true, false
	}
	return false, false
}

// answer feeds msg to the open question *c. Once it is answered the
// question is closed, and answer reports the record it was about and
// whether the answer was yes; until then done is false.
func answer(c **confirm, msg tea.Msg) (id string, yes, done bool) {
	if done, yes = (*c).Update(msg); done {
		id = (*c).id
		*c = nil
	}
	return id, yes, done
}

// View draws the question on one line (wrapped when narrow).
func (c *confirm) View(width int) string {
	st := c.s.styles
	return st.Warning.Render(wrap(safeLine(c.prompt), width-8)) + "  " + st.Key.Render("y") + st.Muted.Render("/") + st.Key.Render("n")
}

func (c *confirm) help() []key.Binding { return c.s.keys.ConfirmHelp() }
