package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// update routes a message: frame-wide messages first, then keys by focus
// (a capturing prompt, form or filter gets every key but ctrl+c), then the
// global keys, then the current page.
func (a *app) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.width, a.height = msg.Width, msg.Height
		if a.s != nil {
			a.s.width, a.s.height = msg.Width, msg.Height
			// Pages that lay out off-screen work (the report preview's
			// wrap width) need to hear about the new size.
			if p := a.page(); p != nil {
				return a, p.Update(msg)
			}
		}
		return a, nil
	case tea.BackgroundColorMsg:
		a.dark = msg.IsDark()
		a.restyle()
		return a, nil
	case statusMsg:
		a.setStatus(msg.Text, !msg.Err)
		return a, nil
	case tea.MouseClickMsg:
		if a.preview != nil {
			// The preview is only drawn: the click acts once it is real.
			a.preview.clicks = append(a.preview.clicks, msg)
			return a, nil
		}
		return a, a.click(msg)
	case previewedMsg:
		a.showPreview(msg)
		if a.preview == nil && a.previewDrawn != nil {
			a.previewDrawn() // not shown: nothing to wait for
		}
		return a, nil
	case timerTickMsg:
		return a, a.timer.tick(msg)
	case homeMsg:
		a.preview = nil // the model did not open; clicks on it are moot
		cmd := a.home.handle(msg)
		if a.opening > 0 {
			a.opening--
			// Nothing opened: the held keys act on the home screen.
			cmd = tea.Batch(cmd, a.replay())
		}
		return a, cmd
	case openedMsg:
		a.opening = max(0, a.opening-1)
		cmd := a.open(msg.m, msg.pos)
		if msg.warn != "" {
			a.setStatus(msg.warn, false)
		}
		return a, tea.Batch(cmd, a.dropPreview())
	case savedMsg:
		return a, a.saved(msg)
	case saveFailedMsg:
		return a, a.saveFailed(msg)
	case jumpMsg:
		if a.s == nil {
			return a, nil
		}
		a.lot = nil
		return a, a.show(msg.Step, msg.ID)
	case editMsg:
		if p, ok := a.page().(editorPage); ok {
			return a, p.Edit(msg.ID)
		}
		return a, nil
	case parkDoneMsg:
		a.park = nil
		return a, nil
	case lotDoneMsg:
		a.lot = nil
		return a, a.refreshPage()
	case quitMsg:
		return a, tea.Quit
	case liveMsg:
		return a, a.handleLive(msg)
	case reloadedMsg:
		return a, a.reloaded(msg)
	case pokerOpenMsg:
		if a.s == nil {
			return a, nil
		}
		return a, a.openPoker(msg.ID)
	case tea.KeyPressMsg:
		wasCapturing := a.isLive() && a.capturing()
		cmd := a.key(msg)
		if a.s != nil {
			// A submit no save picked up (a form that closed without
			// saving) must not hold keys.
			a.s.submitting = false
		}
		a.home.s.submitting = false
		a.settleConflict()
		if wasCapturing && !a.capturing() {
			// Following waited while this person typed; catch up with
			// the facilitator now rather than at their next move.
			cmd = tea.Batch(cmd, a.follow())
		}
		return a, cmd
	}
	return a, a.forward(msg)
}

// forward sends a message to whatever has focus.
func (a *app) forward(msg tea.Msg) tea.Cmd {
	switch {
	case a.s == nil:
		return a.home.Update(msg)
	case a.park != nil:
		return a.park.Update(msg)
	case a.poker != nil:
		return a.poker.Update(msg)
	case a.lot != nil:
		return a.lot.Update(msg)
	}
	p := a.page()
	if p == nil {
		return nil
	}
	cmd := p.Update(msg)
	return tea.Batch(cmd, a.remember())
}

// capturing reports whether a text input has focus, so every key is text.
func (a *app) capturing() bool {
	switch {
	case a.s == nil:
		return a.home.Capturing()
	case a.park != nil, a.poker != nil:
		return true
	case a.lot != nil:
		return a.lot.Capturing()
	}
	p := a.page()
	return p != nil && p.Capturing()
}

func (a *app) key(msg tea.KeyPressMsg) tea.Cmd {
	g := a.keys.Global
	if key.Matches(msg, g.ForceQuit) {
		return a.quit()
	}
	if a.tooSmall() {
		if key.Matches(msg, g.Quit) {
			return a.quit()
		}
		return nil
	}
	if !a.keysFlow() {
		// A form's save is on its way and the page is not ready for the
		// next key yet: keep it until the save settles.
		a.held = append(a.held, msg)
		return nil
	}
	if cmd, ok := a.conflictKey(msg); ok {
		return cmd
	}
	if a.quitAsk != nil {
		if _, yes, done := answer(&a.quitAsk, msg); done && yes {
			return a.quit()
		}
		return nil
	}
	if a.capturing() {
		return a.forward(msg)
	}
	switch {
	case key.Matches(msg, g.Quit):
		if n := a.othersHere(); n > 0 && a.opts.Hosting && a.s != nil {
			a.quitAsk = newConfirm(a.s, "Quitting ends the live session for "+pluralWord(n, "the other person", itoa(n)+" others")+" here. Quit?", "")
			return nil
		}
		return a.quit()
	case key.Matches(msg, g.Help):
		a.showHelp = !a.showHelp
		return nil
	case key.Matches(msg, g.Presenter):
		return a.togglePresenter()
	}
	if a.s == nil {
		return a.home.Update(msg)
	}
	if a.lot != nil {
		// The parking lot is a modal list: only quit, help and presenter
		// reach past it.
		return a.lot.Update(msg)
	}
	if cmd, refused := a.refuseEdit(msg); refused {
		return cmd
	}
	switch {
	case key.Matches(msg, g.Follow):
		return a.toggleFollow()
	case key.Matches(msg, a.keys.Poker.Open) && a.step == StepThreats:
		if p := a.page(); p != nil {
			return a.openPoker(p.Selected())
		}
	case key.Matches(msg, g.NextStep):
		return a.show(a.step.next(), "")
	case key.Matches(msg, g.PrevStep):
		return a.show(a.step.prev(), "")
	case key.Matches(msg, g.StepKeys):
		for i, b := range g.Steps {
			if key.Matches(msg, b) {
				return a.show(Steps[i], "")
			}
		}
	case key.Matches(msg, g.Undo):
		return a.undoLast()
	case key.Matches(msg, g.Park):
		a.park = newParkPrompt(a.s)
		return nil
	case key.Matches(msg, g.ParkingLot):
		a.lot = newParkingLot(a.s)
		return nil
	case key.Matches(msg, g.History):
		h, cmd := newHistoryView(a.s)
		a.lot = h
		return cmd
	case key.Matches(msg, g.Timer):
		a.startRecord() // a timed session is worth a session record
		return tea.Batch(a.timer.toggle(a.opts.now()), a.remember())
	case key.Matches(msg, g.TimerReset):
		a.timer.resetStep(a.opts.now())
		a.setStatus("Timer for "+a.step.String()+" reset", true)
		return a.remember()
	case key.Matches(msg, g.Timebox):
		if box := a.timer.cycleBox(); box > 0 {
			a.setStatus("Timebox for "+a.step.String()+": "+clock(box), true)
		} else {
			a.setStatus("No timebox for "+a.step.String(), true)
		}
		return a.remember()
	case key.Matches(msg, g.Models):
		return a.closeModel()
	}
	return a.forward(msg)
}

// refreshPage tells the current page the model may have changed.
func (a *app) refreshPage() tea.Cmd {
	if p := a.page(); p != nil {
		return p.Update(modelChangedMsg{})
	}
	return nil
}

func (a *app) quit() tea.Cmd {
	a.quitting = true
	if a.s == nil {
		return tea.Quit
	}
	_ = a.saveRecord(true) // queued; the wait below lands it
	a.savePosition()
	w := a.s.writes
	// Quit only once every queued edit has reached the workbook.
	return func() tea.Msg {
		w.wait()
		return quitMsg{}
	}
}

type quitMsg struct{}

// editMsg asks the current page to open the form of record ID (after a
// jump), when it can.
type editMsg struct{ ID string }

func (a *app) setStatus(text string, ok bool) {
	a.status, a.statusOK = text, ok
}

func (a *app) togglePresenter() tea.Cmd {
	if a.s != nil {
		a.s.presenter = !a.s.presenter
	} else {
		a.opts.Presenter = !a.opts.Presenter
	}
	a.restyle()
	if a.presenter() {
		a.setStatus("Presenter mode on (F5 to leave)", true)
	} else {
		a.setStatus("Presenter mode off", true)
	}
	return a.remember()
}

func (a *app) presenter() bool {
	if a.s != nil {
		return a.s.presenter
	}
	return a.opts.Presenter
}
