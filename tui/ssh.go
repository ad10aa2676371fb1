package tui

import (
	"errors"

	tea "charm.land/bubbletea/v2"
)

// NewProgramModel prepares a TUI for a program that its caller creates and
// runs over input and output of its own: the SSH server's, whose middleware
// adds the session's input, output, window size and colour profile. It is
// Run's set-up without the terminal: opts.Input and opts.Output are not used.
//
// Call wait once the program has ended: it returns when every edit the
// session queued is written, as Run does before returning.
func NewProgramModel(opts Options) (m tea.Model, progOpts []tea.ProgramOption, wait func(), err error) {
	if opts.Workbook == nil {
		return nil, nil, nil, errors.New("tui: no workbook")
	}
	a := newApp(opts)
	// Run's frame rate, for the same reason: a change waits for the next
	// frame tick.
	progOpts = []tea.ProgramOption{tea.WithFPS(120)}
	wait = func() {
		// The root model is a pointer that Update always returns, so a is
		// the program's final model.
		if a.s != nil {
			a.s.writes.wait()
		}
	}
	return a, progOpts, wait, nil
}
