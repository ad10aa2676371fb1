package tui

import (
	"strings"

	"github.com/threatdeck/threatdeck/model"
)

// newAssetsPage is the Assets step: what the system holds that is worth
// protecting, and how sensitive it is.
func newAssetsPage(s *session) page {
	links := &linkIndex{field: func(t *model.Threat) []string { return t.Assets }}
	return newEntityPage(s, entityKind{
		step:  StepAssets,
		noun:  "asset",
		intro: "What are we protecting? Data, credentials, services — and how bad would losing each be.",
		cols:  []column{{Title: "ID", Width: 6}, {Title: "Asset", Min: 16}, {Title: "Sensitivity", Width: 12}, {Title: "Threats", Width: 7}},
		empty: "No assets yet. Press a to add the first thing worth protecting.",
		rows: func(m *model.Model) []listItem {
			n := linkCounts(m, func(t *model.Threat) []string { return t.Assets })
			out := make([]listItem, len(m.Assets))
			for i, a := range m.Assets {
				out[i] = newListItem(a.ID, a.ID, safeLine(a.Name), a.Sensitivity.Label(), itoa(n[a.ID]))
				out[i].Muted = a.Description == ""
			}
			return out
		},
		detail: func(s *session, id string, w int) string {
			a, _ := s.m.Asset(id)
			desc := safe(a.Description)
			if desc == "" {
				desc = "(no description yet — the step counts as done once every asset has one)"
			}
			return detailLines(s.styles, w, a.ID+"  "+safeLine(a.Name),
				[2]string{"Sensitivity", a.Sensitivity.Label()},
				[2]string{"Description", desc},
				[2]string{"Threats", links.text(s, id)})
		},
		form: func(s *session, id string) *form {
			a, _ := s.m.Asset(id)
			title := "New asset"
			if id != "" {
				title = "Edit asset " + id
			}
			return newForm(s, title,
				textField("name", "Name").required().value(a.Name).withHint("e.g. “Customer PII”, “Payment tokens”, “Admin credentials”"),
				areaField("description", "Description").value(a.Description).withHint("What it is and where it lives"),
				selectField("sensitivity", "Sensitivity", enumOptions(model.Sensitivities)).value(string(orDefault(a.Sensitivity, model.Internal))))
		},
		save: func(s *session, id string, f *form) (model.Change, error) {
			a, _ := s.m.Asset(id)
			a.Name, a.Description = f.value("name"), f.value("description")
			a.Sensitivity = model.Sensitivity(f.value("sensitivity"))
			return s.m.PutAsset(a, s.now())
		},
		remove: func(s *session, id string) (model.Change, error) { return s.m.DeleteAsset(id, s.now()) },
		name: func(m *model.Model, id string) string {
			a, ok := m.Asset(id)
			if !ok {
				return ""
			}
			return safeLine(a.Name)
		},
		warn: func(m *model.Model, id string) string {
			return unlinkWarning(linkCounts(m, func(t *model.Threat) []string { return t.Assets })[id])
		},
	})
}

// linkCounts counts, per id, the threats whose field links it — one pass
// over the threats, however many there are.
func linkCounts(m *model.Model, field func(*model.Threat) []string) map[string]int {
	n := map[string]int{}
	for i := range m.Threats {
		for _, id := range field(&m.Threats[i]) {
			n[id]++
		}
	}
	return n
}

// linkedThreats lists the ids of threats linking id (at most a few, then a count).
func linkedThreats(m *model.Model, id string, field func(*model.Threat) []string) string {
	var l threatLinks
	for i := range m.Threats {
		for _, f := range field(&m.Threats[i]) {
			if f == id {
				l.add(m.Threats[i].ID)
			}
		}
	}
	return l.String()
}

// maxLinkedShown is how many linking threat ids a detail names.
const maxLinkedShown = 6

// threatLinks is how many threats link one record and the first few of
// their ids.
type threatLinks struct {
	total int
	ids   []string
}

func (l *threatLinks) add(id string) {
	l.total++
	if len(l.ids) < maxLinkedShown {
		l.ids = append(l.ids, id)
	}
}

// String is what a detail shows: the ids, and how many more.
func (l threatLinks) String() string {
	if l.total == 0 {
		return "none yet"
	}
	out := strings.Join(l.ids, ", ")
	if l.total > len(l.ids) {
		out += " and " + itoa(l.total-len(l.ids)) + " more"
	}
	return out
}

// linkIndex holds the threatLinks of every linked id for one revision of
// the session's model: the detail pane is drawn every frame, and a pass
// over 10,000 threats per frame was a fifth of a key press.
type linkIndex struct {
	field func(*model.Threat) []string
	m     *model.Model
	rev   uint64
	links map[string]*threatLinks
}

// text is linkedThreats(s.m, id, x.field), from the index.
func (x *linkIndex) text(s *session, id string) string {
	if x.links == nil || x.m != s.m || x.rev != s.rev {
		x.m, x.rev, x.links = s.m, s.rev, map[string]*threatLinks{}
		for i := range s.m.Threats {
			t := &s.m.Threats[i]
			for _, f := range x.field(t) {
				l := x.links[f]
				if l == nil {
					l = &threatLinks{}
					x.links[f] = l
				}
				l.add(t.ID)
			}
		}
	}
	if l := x.links[id]; l != nil {
		return l.String()
	}
	return threatLinks{}.String()
}

func unlinkWarning(n int) string {
	switch n {
	case 0:
		return ""
	case 1:
		return "It is unlinked from 1 threat."
	}
	return "It is unlinked from " + itoa(n) + " threats."
}

// orDefault is v, or def when v is empty.
func orDefault[T ~string](v, def T) T {
	if v == "" {
		return def
	}
	return v
}
