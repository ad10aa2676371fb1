package tui

import "github.com/threatdeck/threatdeck/model"

// Step is one screen of the guided walk through a threat model. The order
// is the order a facilitator takes a team through: what we protect, who
// attacks, where they get in, what could go wrong, and the report.
type Step int

// The steps, in walk order. Number keys 1–9 select them.
const (
	StepOverview Step = iota
	StepAssets
	StepActors
	StepSurface
	StepStride
	StepThreats
	StepOWASP
	StepChecklists
	StepReview
)

// Steps lists every step in walk order.
var Steps = []Step{StepOverview, StepAssets, StepActors, StepSurface, StepStride, StepThreats, StepOWASP, StepChecklists, StepReview}

// String is the step's tab label.
func (s Step) String() string {
	if sec, ok := s.Section(); ok {
		return sec.String()
	}
	if s == StepReview {
		return "Review & export"
	}
	return "?"
}

// Short is a compact tab label for narrow terminals.
func (s Step) Short() string {
	switch s {
	case StepSurface:
		return "Surface"
	case StepOWASP:
		return "OWASP"
	case StepChecklists:
		return "Controls"
	case StepReview:
		return "Review"
	}
	return s.String()
}

// Name is the step's stable identifier, stored in model.Position.Step so a
// session resumes on the same screen even if labels change.
func (s Step) Name() string {
	switch s {
	case StepOverview:
		return "overview"
	case StepAssets:
		return "assets"
	case StepActors:
		return "actors"
	case StepSurface:
		return "surface"
	case StepStride:
		return "stride"
	case StepThreats:
		return "threats"
	case StepOWASP:
		return "owasp"
	case StepChecklists:
		return "checklists"
	case StepReview:
		return "review"
	}
	return ""
}

// Valid reports whether s is one of the steps.
func (s Step) Valid() bool { return s >= StepOverview && s <= StepReview }

// ParseStep maps a stored Name back to its step.
func ParseStep(name string) (Step, bool) {
	for _, s := range Steps {
		if s.Name() == name {
			return s, true
		}
	}
	return StepOverview, false
}

// Section is the model section the step edits; Review has none (it reads
// them all).
func (s Step) Section() (model.Section, bool) {
	if s >= StepOverview && s <= StepChecklists {
		// Steps and sections share their order up to Checklists.
		return model.Section(s), true
	}
	return 0, false
}

// StepFor is the step that edits a section, e.g. for jumping from a gap in
// the Review step's missing list to where it is fixed.
func StepFor(sec model.Section) Step {
	for _, s := range Steps {
		if got, ok := s.Section(); ok && got == sec {
			return s
		}
	}
	return StepReview
}

// next and prev wrap around so tab and shift+tab cycle through the steps.
func (s Step) next() Step { return Steps[(int(s)+1)%len(Steps)] }
func (s Step) prev() Step { return Steps[(int(s)+len(Steps)-1)%len(Steps)] }
