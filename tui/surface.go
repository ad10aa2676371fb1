package tui

import (
	"slices"

	"github.com/threatdeck/threatdeck/model"
)

func init() { registerPage(StepSurface, newSurfacePage) }

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
			for _, c := range e.Kind.Base().Categories() {
				applies = append(applies, c.Label())
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
				selectField("target", "Flow to", ends).value(e.Target).withHint("For data flows: where the data goes"))
		},
		save: func(s *session, id string, f *form) (model.Change, error) {
			e, _ := s.m.Element(id)
			e.Name, e.Description, e.TrustZone = f.value("name"), f.value("description"), f.value("trust zone")
			e.Kind = model.ElementKind(f.value("kind"))
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
