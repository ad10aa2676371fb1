package tui

import (
	"slices"
	"strconv"
	"strings"

	"github.com/threatdeck/threatdeck/model"
)

// ratingLabels name the points of the 1–5 likelihood and impact scales.
var (
	likelihoodLabels = []string{"Rare", "Unlikely", "Possible", "Likely", "Almost certain"}
	impactLabels     = []string{"Negligible", "Minor", "Moderate", "Major", "Severe"}
)

func ratingOptions(labels []string) []option {
	out := make([]option, len(labels))
	for i, l := range labels {
		n := strconv.Itoa(i + 1)
		out[i] = option{Value: n, Label: n + " " + l}
	}
	return out
}

func strideOptions(current model.Stride) []option {
	var out []option
	for _, c := range model.StrideCategories {
		out = append(out, option{Value: string(c), Label: c.Letter() + " " + c.Label()})
	}
	// A threat imported from another methodology keeps its own category.
	if current != "" && !current.Valid() {
		out = append(out, option{Value: string(current), Label: string(current)})
	}
	return out
}

func assetOptions(m *model.Model) []option {
	out := make([]option, 0, len(m.Assets))
	for _, a := range m.Assets {
		out = append(out, option{Value: a.ID, Label: a.ID + " " + a.Name})
	}
	return out
}

func actorOptions(m *model.Model) []option {
	out := make([]option, 0, len(m.Actors))
	for _, a := range m.Actors {
		out = append(out, option{Value: a.ID, Label: a.ID + " " + a.Name})
	}
	return out
}

func surfaceOptions(m *model.Model) []option {
	out := make([]option, 0, len(m.Surface))
	for _, e := range m.Surface {
		out = append(out, option{Value: e.ID, Label: e.ID + " " + e.Name + " (" + e.Kind.Label() + ")"})
	}
	return out
}

// owaspOptions lists the model's edition, plus any reference the threat
// already has from the other edition so saving does not silently drop it.
func owaspOptions(m *model.Model, have []string) []option {
	var out []option
	for _, it := range model.OWASPCatalog(m.Edition()) {
		out = append(out, option{Value: it.ID, Label: it.ID + " " + it.Name})
	}
	for _, id := range have {
		if slices.ContainsFunc(out, func(o option) bool { return o.Value == id }) {
			continue
		}
		label := id
		if it, ok := model.OWASPByID(id); ok {
			label += " " + it.Name
		}
		out = append(out, option{Value: id, Label: label})
	}
	return out
}

// threatOptions lists the model's threats, for linking checklist items.
func threatOptions(m *model.Model) []option {
	out := make([]option, 0, len(m.Threats))
	for _, t := range m.Threats {
		out = append(out, option{Value: t.ID, Label: t.ID + " " + t.Title})
	}
	return out
}

// newThreatForm builds the form for adding or editing a threat. Mitigations
// are edited as one line each; their status is kept per line (see
// mergeMitigations) and set in the threat's detail view.
func newThreatForm(s *session, title string, t model.Threat) *form {
	m := s.m
	lik, imp := t.Likelihood, t.Impact
	if lik == 0 {
		lik = 3
	}
	if imp == 0 {
		imp = 3
	}
	status := t.Status
	if status == "" {
		status = model.StatusOpen
	}
	decider := t.DecidedBy
	if decider == "" {
		decider = s.userName()
	}
	var mits []string
	for _, mt := range t.Mitigations {
		mits = append(mits, safeLine(mt.Description))
	}
	return newForm(s, title,
		textField("title", "Title").required().value(t.Title),
		areaField("description", "Description").value(t.Description),
		selectField("category", "STRIDE category", strideOptions(t.Category)).value(string(t.Category)),
		textField("vector", "Attack vector").value(t.Vector).withHint("Groups threats in the report, e.g. “API Security”"),
		selectField("likelihood", "Likelihood", ratingOptions(likelihoodLabels)).value(strconv.Itoa(lik)),
		selectField("impact", "Impact", ratingOptions(impactLabels)).value(strconv.Itoa(imp)),
		selectField("status", "Status", enumOptions(model.ThreatStatuses)).value(string(status)),
		multiField("assets", "Assets at risk", assetOptions(m)).values(t.Assets),
		multiField("surface", "Attack surface", surfaceOptions(m)).values(t.Surface),
		multiField("actors", "Threat actors", actorOptions(m)).values(t.Actors),
		multiField("owasp", "OWASP Top 10 "+string(m.Edition()), owaspOptions(m, t.OWASP)).values(t.OWASP),
		areaField("mitigations", "Mitigations (one per line)").lines(4).value(strings.Join(mits, "\n")).
			withHint("New lines start as planned; set each status in the threat's detail view"),
		selectField("treatment", "Treatment", treatmentOptions()).value(string(t.Treatment)),
		areaField("rationale", "Rationale").lines(2).value(t.Rationale).
			withHint("Required to accept, transfer or avoid: why the risk is left as it is"),
		textField("decided by", "Decided by").value(decider).withHint("Who took the decision"),
		textField("review by", "Review by").value(string(t.ReviewBy)).withHint("YYYY-MM-DD: when to look at the decision again"),
	)
}

// threatFromForm reads the form back into base (which keeps its id,
// methodology, library id and mitigation statuses).
func threatFromForm(f *form, base model.Threat) model.Threat {
	t := base
	t.Title = f.value("title")
	t.Description = f.value("description")
	t.Category = model.Stride(f.value("category"))
	t.Vector = f.value("vector")
	t.Likelihood, _ = strconv.Atoi(f.value("likelihood"))
	t.Impact, _ = strconv.Atoi(f.value("impact"))
	t.Status = model.ThreatStatus(f.value("status"))
	t.Assets = f.values("assets")
	t.Surface = f.values("surface")
	t.Actors = f.values("actors")
	t.OWASP = f.values("owasp")
	t.Mitigations = mergeMitigations(base.Mitigations, strings.Split(f.value("mitigations"), "\n"))
	t.Treatment = model.Treatment(f.value("treatment"))
	t.Rationale = f.value("rationale")
	t.DecidedBy = f.value("decided by")
	t.ReviewBy = model.Date(f.value("review by"))
	// Choosing to accept or transfer an open threat is what moves it out
	// of the open ones; the status follows unless it was set as well.
	if t.Treatment != base.Treatment && t.Status == model.StatusOpen && base.Status == model.StatusOpen {
		switch t.Treatment {
		case model.TreatAccept:
			t.Status = model.StatusAccepted
		case model.TreatTransfer:
			t.Status = model.StatusTransferred
		}
	}
	if t.Treatment == "" && base.DecidedBy == "" {
		// No decision, no decider: the field only holds its default.
		t.DecidedBy = ""
	}
	return t
}

// treatmentOptions lists the treatments after "not decided yet".
func treatmentOptions() []option {
	return append([]option{{Value: "", Label: "Not decided yet"}}, enumOptions(model.Treatments)...)
}

// mergeMitigations turns edited lines back into mitigations, keeping the
// id and status of each one that survives: an unchanged line keeps its
// own, a changed line takes over the mitigation that stood at its
// position (an edit in place), and other lines are new and planned.
func mergeMitigations(old []model.Mitigation, lines []string) []model.Mitigation {
	var texts []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			texts = append(texts, l)
		}
	}
	used := make([]bool, len(old))
	out := make([]model.Mitigation, len(texts))
	claimed := make([]bool, len(texts))
	for i, text := range texts {
		for j, o := range old {
			if !used[j] && model.CleanLine(o.Description) == text {
				out[i], used[j], claimed[i] = o, true, true
				break
			}
		}
	}
	for i, text := range texts {
		if claimed[i] {
			continue
		}
		if i < len(old) && !used[i] {
			out[i] = old[i]
			out[i].Description = text
			used[i] = true
			continue
		}
		out[i] = model.Mitigation{Description: text, Status: model.MitigationPlanned}
	}
	return out
}

// createdThreatID finds the id of the threat a change saved.
func createdThreatID(ch model.Change) string {
	for _, r := range ch.Do.Records {
		if r.Kind == model.RecThreat && r.Value != nil {
			return r.ID
		}
	}
	return ""
}
