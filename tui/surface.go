package tui

import (
	"slices"
	"strings"

	"github.com/threatdeck/threatdeck/model"
)

// newSurfacePage is the Attack surface step: entry points, components,
// data flows and trust boundaries — where an attacker could get in.
func newSurfacePage(s *session) page {
	return newEntityPage(s, entityKind{
		step:  StepSurface,
		noun:  "surface element",
		intro: "Where could they get in? Entry points, components, data flows and trust boundaries.",
		cols:  []column{{Title: "ID", Width: 6}, {Title: "Element", Min: 14}, {Title: "Kind", Width: 17}, {Title: "Trust zone", Width: 11}, {Title: "Flow", Width: 13}},
		empty: "No attack surface yet. Press a to add an entry point, component or data flow.",
		rows: func(m *model.Model) []listItem {
			out := make([]listItem, len(m.Surface))
			for i, e := range m.Surface {
				out[i] = newListItem(e.ID, e.ID, safeLine(e.Name), e.Kind.Label(), safeLine(e.TrustZone), flowText(e))
				out[i].Muted = e.Description == ""
			}
			return out
		},
		detail: func(s *session, id string, w int) string {
			e, _ := s.m.Element(id)
			desc := safe(e.Description)
			if desc == "" {
				desc = "(no description yet)"
			}
			flow := ""
			if e.Source != "" || e.Target != "" {
				flow = elementName(s.m, e.Source) + " → " + elementName(s.m, e.Target)
				if s.accessible {
					flow = elementName(s.m, e.Source) + " to " + elementName(s.m, e.Target)
				}
			}
			var applies []string
			for _, c := range model.StrideCategories {
				if model.KindAllows(e.Kind, c) {
					applies = append(applies, c.Label())
				}
			}
			stride := "none of its own"
			if len(applies) > 0 {
				stride = joinWords(applies)
			}
			return detailLines(s.styles, w, e.ID+"  "+safeLine(e.Name),
				[2]string{"Kind", e.Kind.Label()},
				[2]string{"Trust zone", safeLine(e.TrustZone)},
				[2]string{"Flow", flow},
				[2]string{"Description", desc},
				[2]string{"Profile", profileText(e)},
				[2]string{"STRIDE applies", stride},
				[2]string{"Threats", linkedThreats(s.m, id, func(t *model.Threat) []string { return t.Surface })})
		},
		form: func(s *session, id string) *form {
			e, _ := s.m.Element(id)
			title := "New surface element"
			if id != "" {
				title = "Edit surface element " + id
			}
			ends := []option{{Value: "", Label: "(none)"}}
			for _, o := range s.m.Surface {
				if o.ID != id {
					ends = append(ends, option{Value: o.ID, Label: o.ID + " " + safeLine(o.Name)})
				}
			}
			zone := textField("trust zone", "Trust zone").value(e.TrustZone).withHint("e.g. Internet, DMZ, Internal, Cloud provider")
			zone.input.SetSuggestions(trustZones(s.m))
			zone.input.ShowSuggestions = true
			// tab moves between fields, so → (at the end) takes a suggestion.
			zone.input.KeyMap.AcceptSuggestion.SetKeys("right")
			zone.input.KeyMap.NextSuggestion.SetKeys("ctrl+n")
			return newForm(s, title,
				textField("name", "Name").required().value(e.Name).withHint("e.g. “Public REST API”, “Login form”, “Orders database”"),
				selectField("kind", "Kind", enumOptions(model.ElementKinds)).value(string(orDefault(e.Kind, model.KindAPI))),
				areaField("description", "Description").value(e.Description).lines(2),
				zone,
				selectField("source", "Flow from", ends).value(e.Source).withHint("For data flows: where the data comes from"),
				selectField("target", "Flow to", ends).value(e.Target).withHint("For data flows: where the data goes"),
				traitsField(e), exposureField(e), callersField(e))
		},
		save: func(s *session, id string, f *form) (model.Change, error) {
			e, _ := s.m.Element(id)
			e.Name, e.Description, e.TrustZone = f.value("name"), f.value("description"), f.value("trust zone")
			e.Kind = model.ElementKind(f.value("kind"))
			e.Traits = nil
			for _, v := range f.values("traits") {
				e.Traits = append(e.Traits, model.Trait(v))
			}
			e.Exposure, e.Callers = model.Exposure(f.value("exposure")), model.Callers(f.value("callers"))
			e.Source, e.Target = f.value("source"), f.value("target")
			if err := e.CheckFlow(); err != nil {
				return model.Change{}, err
			}
			return s.m.PutElement(e, s.now())
		},
		remove: func(s *session, id string) (model.Change, error) { return s.m.DeleteElement(id, s.now()) },
		name: func(m *model.Model, id string) string {
			e, ok := m.Element(id)
			if !ok {
				return ""
			}
			return safeLine(e.Name)
		},
		warn: func(m *model.Model, id string) string {
			w := unlinkWarning(linkCounts(m, func(t *model.Threat) []string { return t.Surface })[id])
			flows := 0
			for _, e := range m.Surface {
				if e.Source == id || e.Target == id {
					flows++
				}
			}
			if flows > 0 {
				w += " " + itoa(flows) + " data flow(s) lose an end."
			}
			return w
		},
	})
}

// flowText is the short "from → to" of a data flow, by id.
func flowText(e model.SurfaceElement) string {
	if e.Source == "" && e.Target == "" {
		return ""
	}
	return orDefault(e.Source, "?") + ">" + orDefault(e.Target, "?")
}

func elementName(m *model.Model, id string) string {
	if id == "" {
		return "?"
	}
	if e, ok := m.Element(id); ok {
		return id + " " + safeLine(e.Name)
	}
	return id
}

// trustZones lists the zones already used, to suggest while typing.
func trustZones(m *model.Model) []string {
	var out []string
	for _, e := range m.Surface {
		if z := safeLine(e.TrustZone); z != "" && !slices.Contains(out, z) {
			out = append(out, z)
		}
	}
	slices.Sort(out)
	return out
}

// joinWords joins labels with commas.
func joinWords(ws []string) string {
	out := ""
	for i, w := range ws {
		if i > 0 {
			out += ", "
		}
		out += w
	}
	return out
}

// traitsField, exposureField and callersField edit what suggestions know
// of an element. Traits, exposure and callers left open are inferred from
// the kind, name and description; the hints say what the inference gives
// today, so the team only sets what it gets wrong.
func traitsField(e model.SurfaceElement) *field {
	var vals []string
	for _, t := range e.Traits {
		vals = append(vals, string(t))
	}
	hint := "What it does or is; suggestions need these. Space picks; type to filter, then enter picks."
	if inf := model.InferTraits(e).Traits; len(inf) > 0 {
		hint = "Also inferred: " + traitLabels(inf) + ". Space picks; type to filter, then enter picks."
	}
	return multiField("traits", "Traits", enumOptions(model.Traits)).values(vals).withHint(hint)
}

// inferredLabel names the "leave it open" option: for a saved element
// what inference gives now; for a new one, inference has nothing to read
// yet.
func inferredLabel(e model.SurfaceElement, label string) string {
	if e.ID == "" {
		return "Infer from kind and description"
	}
	return "Inferred: " + label
}

func exposureField(e model.SurfaceElement) *field {
	opts := append([]option{{Value: "", Label: inferredLabel(e, model.InferTraits(e).Exposure.Label())}}, enumOptions(model.Exposures)...)
	return selectField("exposure", "Exposure", opts).value(string(e.Exposure)).withHint("From where it can be reached; internet-facing raises likelihood")
}

func callersField(e model.SurfaceElement) *field {
	opts := append([]option{{Value: "", Label: inferredLabel(e, model.InferTraits(e).Callers.Label())}}, enumOptions(model.CallerKinds)...)
	return selectField("callers", "Called by", opts).value(string(e.Callers)).withHint("Who calls it; nobody (a scheduled job) gets no user-facing threats")
}

// profileText is the detail pane's line on what suggestions know.
func profileText(e model.SurfaceElement) string {
	p := model.ProfileOf(e)
	out := p.Exposure.Label() + ", called by " + strings.ToLower(p.Callers.Label())
	if len(p.Traits) > 0 {
		out += "; " + traitLabels(p.Traits)
	}
	return out
}

func traitLabels(ts []model.Trait) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.Label()
	}
	return strings.Join(names, ", ")
}
