package tui

import (
	"charm.land/lipgloss/v2"

	"github.com/threatdeck/threatdeck/model"
)

// The analysis screens colour states by meaning, from the shared Styles:
// what is in place is Success, what is half done Warning, what is missing
// Error, what is only intended Info, and what was ruled out Muted. The
// label always stays in the text, so nothing depends on colour alone.

// stateStyle is the style of a checklist or OWASP item's state.
func (s Styles) stateStyle(st model.ItemState) lipgloss.Style {
	switch st {
	case model.StateDone:
		return s.Success
	case model.StatePartial:
		return s.Warning
	case model.StateGap:
		return s.Error
	case model.StatePlanned, model.StateFuture:
		return s.Info
	case model.StateNA:
		return s.Muted
	}
	return s.Placeholder
}

// mitigationStyle is the style of a mitigation's status.
func (s Styles) mitigationStyle(st model.MitigationStatus) lipgloss.Style {
	switch st {
	case model.MitigationVerified, model.MitigationImplemented:
		return s.Success
	case model.MitigationInProgress:
		return s.Warning
	}
	return s.Info
}

// threatStatusStyle is the style of a threat's status.
func (s Styles) threatStatusStyle(st model.ThreatStatus) lipgloss.Style {
	switch st {
	case model.StatusMitigated:
		return s.Success
	case model.StatusAccepted, model.StatusTransferred:
		return s.Info
	case model.StatusNotApplicable:
		return s.Muted
	}
	return s.Warning
}

// stateColumn colours column col of a list of checklist items by each
// item's state (stateStyle); the lists' rows are keyed by item id.
func stateColumn(s *session, col int) func(listItem, int) (lipgloss.Style, bool) {
	return func(it listItem, c int) (lipgloss.Style, bool) {
		if c != col {
			return lipgloss.Style{}, false
		}
		item, ok := s.m.Check(it.ID)
		return s.styles.stateStyle(item.State), ok
	}
}

// stateMark is a checkbox-like mark for a state: [x] done, [~] partial,
// [!] gap, [>] planned or future, [-] not applicable, [ ] not assessed.
// ASCII in every mode so it reads the same to a screen reader.
func stateMark(st model.ItemState) string {
	switch st {
	case model.StateDone:
		return "[x]"
	case model.StatePartial:
		return "[~]"
	case model.StateGap:
		return "[!]"
	case model.StatePlanned, model.StateFuture:
		return "[>]"
	case model.StateNA:
		return "[-]"
	}
	return "[ ]"
}
