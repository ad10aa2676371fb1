package tui

import "github.com/threatdeck/threatdeck/model"

// Step is one screen of the guided walk through a threat model. The order
// is the order a facilitator takes a team through: what we protect, who
// attacks, where they get in, what could go wrong, and the report.
type Step int

// The steps, in walk order. Each has its entry in walk, which says
// everything else about it.
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
	// stepCount is the number of steps; keep it last.
	stepCount
)

// stepPage is what the TUI knows of one step: the tabs, the number keys,
// the completion marks, resume, the jumps from Review's missing list and
// the pages are all read from walk, so a step is added in one place.
type stepPage struct {
	// name is the stable identifier stored in model.Position.Step, so a
	// session resumes on the same screen even if labels change.
	name string
	// label is the tab label; short is the compact one for narrow
	// terminals.
	label, short string
	// section is the model section the step fills in (its completion
	// mark, and where a gap in that section is fixed).
	section model.Section
	// overall marks the tab with the overall completion instead of the
	// section's: Review reads every section.
	overall bool
	// kind is the record kind the step's list holds ("" for none).
	kind model.RecordKind
	// build makes the step's page for an opened model.
	build pageFactory
}

// walk is every step's entry, indexed by Step.
var walk [stepCount]stepPage

// Steps lists every step in walk order.
var Steps []Step

// walk is filled in by init, not by its declaration: the page
// constructors read walk themselves (labels, record kinds), which Go would
// refuse as an initialization cycle.
func init() {
	walk = [stepCount]stepPage{
		StepOverview:   {name: "overview", label: "Overview", section: model.SecOverview, kind: model.RecOverview, build: newOverviewPage},
		StepAssets:     {name: "assets", label: "Assets", section: model.SecAssets, kind: model.RecAsset, build: newAssetsPage},
		StepActors:     {name: "actors", label: "Actors", section: model.SecActors, kind: model.RecActor, build: newActorsPage},
		StepSurface:    {name: "surface", label: "Attack surface", short: "Surface", section: model.SecSurface, kind: model.RecSurface, build: newSurfacePage},
		StepStride:     {name: "stride", label: "STRIDE", section: model.SecStride, kind: model.RecStride, build: newStridePage},
		StepThreats:    {name: "threats", label: "Threats", section: model.SecThreats, kind: model.RecThreat, build: newThreatsPage},
		StepOWASP:      {name: "owasp", label: "OWASP Top 10", short: "OWASP", section: model.SecOWASP, kind: model.RecCheck, build: newOWASPPage},
		StepChecklists: {name: "checklists", label: "Controls & checklists", short: "Controls", section: model.SecChecklists, kind: model.RecCheck, build: newChecklistPage},
		StepReview:     {name: "review", label: "Review & export", short: "Review", section: model.SecReport, overall: true, build: newReviewPage},
	}
	Steps = make([]Step, stepCount)
	for i := range Steps {
		Steps[i] = Step(i)
	}
}

// String is the step's tab label.
func (s Step) String() string {
	if !s.Valid() {
		return "?"
	}
	return walk[s].label
}

// Short is a compact tab label for narrow terminals.
func (s Step) Short() string {
	if s.Valid() && walk[s].short != "" {
		return walk[s].short
	}
	return s.String()
}

// Name is the step's stable identifier, stored in model.Position.Step so a
// session resumes on the same screen even if labels change.
func (s Step) Name() string {
	if !s.Valid() {
		return ""
	}
	return walk[s].name
}

// Valid reports whether s is one of the steps.
func (s Step) Valid() bool { return s >= 0 && s < stepCount }

// ParseStep maps a stored Name back to its step.
func ParseStep(name string) (Step, bool) {
	for _, s := range Steps {
		if s.Name() == name {
			return s, true
		}
	}
	return StepOverview, false
}

// Section is the model section the step fills in.
func (s Step) Section() (model.Section, bool) {
	if !s.Valid() {
		return 0, false
	}
	return walk[s].section, true
}

// recordKind is the record kind a step's list holds.
func recordKind(s Step) model.RecordKind {
	if !s.Valid() {
		return ""
	}
	return walk[s].kind
}

// StepFor is the step that fills in a section, e.g. for jumping from a gap
// in the Review step's missing list to where it is fixed.
func StepFor(sec model.Section) Step {
	for _, s := range Steps {
		if walk[s].section == sec {
			return s
		}
	}
	return StepReview
}

// progressOf is the completion of the section step s fills in, out of
// progress (model.Completion's list); the overall completion for a step
// that reads every section.
func (s *session) progressOf(st Step, progress []model.Progress) model.Progress {
	if st.Valid() && !walk[st].overall {
		for _, p := range progress {
			if p.Section == walk[st].section {
				return p
			}
		}
	}
	return model.Progress{Done: s.overall(), Total: 100}
}

// next and prev wrap around so tab and shift+tab cycle through the steps.
func (s Step) next() Step { return Steps[(int(s)+1)%len(Steps)] }
func (s Step) prev() Step { return Steps[(int(s)+len(Steps)-1)%len(Steps)] }
