package tui

import (
	"errors"

	"github.com/threatdeck/threatdeck/model"
)

// savedHint is what the status line adds to a saved edit's label when the
// edit leaves something a reviewer would question (a threat marked
// mitigated on mitigations that are only planned).
func savedHint(ch model.Change) string {
	for _, r := range ch.Do.Records {
		if t, ok := r.Value.(model.Threat); ok && r.Kind == model.RecThreat && t.MitigatedOnPlans() {
			return " · none of its mitigations is implemented yet"
		}
	}
	return ""
}

// failedStatus is the status line of a refused edit. A form shows field
// errors beside their fields, so the status line points there instead of
// repeating them as "field: message".
func failedStatus(msg saveFailedMsg) string {
	var v model.ValidationError
	if msg.Form && errors.As(msg.Err, &v) && len(v) > 0 {
		if len(v) == 1 {
			return "Not saved: one field needs fixing (marked in the form)"
		}
		return "Not saved: " + itoa(len(v)) + " fields need fixing (marked in the form)"
	}
	return msg.Err.Error()
}
