package tui

import (
	"github.com/threatdeck/threatdeck/model"
)

// newActorsPage is the Actors step: who might attack, why, and how able
// they are.
func newActorsPage(s *session) page {
	return newEntityPage(s, entityKind{
		step:  StepActors,
		noun:  "actor",
		intro: "Who might attack? Outsiders and insiders, what drives them and what they can do.",
		cols:  []column{{Title: "ID", Width: 6}, {Title: "Threat actor", Min: 16}, {Title: "Kind", Width: 8}, {Title: "Capability", Width: 10}, {Title: "Risk", Width: 6}},
		empty: "No threat actors yet. Press a to add who might attack.",
		rows: func(m *model.Model) []listItem {
			out := make([]listItem, len(m.Actors))
			for i, a := range m.Actors {
				out[i] = newListItem(a.ID, a.ID, safeLine(a.Name), a.Kind.Label(), a.Capability.Label(), a.Risk.Label())
				out[i].Muted = a.Description == ""
			}
			return out
		},
		detail: func(s *session, id string, w int) string {
			a, _ := s.m.Actor(id)
			desc := safe(a.Description)
			if desc == "" {
				desc = "(no description yet)"
			}
			return detailLines(s.styles, w, a.ID+"  "+safeLine(a.Name),
				[2]string{"Kind", a.Kind.Label()},
				[2]string{"Capability", a.Capability.Label()},
				[2]string{"Relative risk", a.Risk.Label()},
				[2]string{"Description", desc},
				[2]string{"Motivation", safe(a.Motivation)},
				[2]string{"Threats", linkedThreats(s.m, id, func(t *model.Threat) []string { return t.Actors })})
		},
		form: func(s *session, id string) *form {
			a, _ := s.m.Actor(id)
			title := "New threat actor"
			if id != "" {
				title = "Edit threat actor " + id
			}
			return newForm(s, title,
				textField("name", "Name").required().value(a.Name).withHint("e.g. “External attacker”, “Malicious insider”, “Compromised vendor”"),
				areaField("description", "Description").value(a.Description).lines(2),
				areaField("motivation", "Motivation").value(a.Motivation).lines(2).withHint("Money, data, disruption, revenge …"),
				selectField("kind", "Kind", enumOptions(model.ActorKinds)).value(string(orDefault(a.Kind, model.External))),
				selectField("capability", "Capability", enumOptions(model.Levels)).value(string(orDefault(a.Capability, model.Medium))),
				selectField("risk", "Relative risk", enumOptions(model.Levels)).value(string(orDefault(a.Risk, model.Medium))))
		},
		save: func(s *session, id string, f *form) (model.Change, error) {
			a, _ := s.m.Actor(id)
			a.Name, a.Description, a.Motivation = f.value("name"), f.value("description"), f.value("motivation")
			a.Kind = model.ActorKind(f.value("kind"))
			a.Capability = model.Level(f.value("capability"))
			a.Risk = model.Level(f.value("risk"))
			return s.m.PutActor(a, s.now())
		},
		remove: func(s *session, id string) (model.Change, error) { return s.m.DeleteActor(id, s.now()) },
		name: func(m *model.Model, id string) string {
			a, ok := m.Actor(id)
			if !ok {
				return ""
			}
			return safeLine(a.Name)
		},
		warn: func(m *model.Model, id string) string {
			return unlinkWarning(linkCounts(m, func(t *model.Threat) []string { return t.Actors })[id])
		},
	})
}
