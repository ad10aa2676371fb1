package tui

import "github.com/threatdeck/threatdeck/model"

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
