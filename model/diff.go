package model

import (
	"fmt"
	"strconv"
	"strings"
)

// DiffKind names a kind of entity a diff compares, in report order.
type DiffKind string

// The kinds a diff compares.
const (
	DiffAsset      DiffKind = "asset"
	DiffActor      DiffKind = "actor"
	DiffSurface    DiffKind = "surface element"
	DiffThreat     DiffKind = "threat"
	DiffMitigation DiffKind = "mitigation"
	DiffOWASP      DiffKind = "OWASP item"
	DiffChecklist  DiffKind = "checklist item"
)

// DiffKinds lists the kinds in the order a diff reports them.
var DiffKinds = []DiffKind{DiffAsset, DiffActor, DiffSurface, DiffThreat, DiffMitigation, DiffOWASP, DiffChecklist}

// FieldChange is one field that differs: its value before and after.
type FieldChange struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// DiffItem is one entity added, removed or changed. Name is its title
// (after the change, for a changed one). A mitigation's ID is
// "threat/mitigation" ("T-003/M-007"): one measure can sit on several
// threats, and each placement has its own status.
type DiffItem struct {
	Kind    DiffKind      `json:"kind"`
	ID      string        `json:"id"`
	Name    string        `json:"name"`
	Changes []FieldChange `json:"changes,omitempty"`
}

// ModelDiff is what changed from model A to model B, entity by entity,
// matched by stable id.
type ModelDiff struct {
	A string `json:"a"`
	B string `json:"b"`
	// Related is false when A and B are not versions of one model (different
	// title and different creation time): their numbered ids (T-001 …) name
	// unrelated things, so every such entity is added or removed. Catalog
	// items (OWASP, built-in checklists) keep their ids across models and
	// are compared still.
	Related bool       `json:"related"`
	Added   []DiffItem `json:"added"`
	Removed []DiffItem `json:"removed"`
	Changed []DiffItem `json:"changed"`
}

// Equal reports whether the diff found nothing.
func (d ModelDiff) Equal() bool {
	return len(d.Added) == 0 && len(d.Removed) == 0 && len(d.Changed) == 0
}

// Summary is the diff in one line, for a terminal or the top of a PR comment.
func (d ModelDiff) Summary() string {
	counts := fmt.Sprintf("%d added, %d removed, %d changed", len(d.Added), len(d.Removed), len(d.Changed))
	switch {
	case !d.Related:
		return fmt.Sprintf("%q and %q are unrelated models (different titles and creation times), so every numbered item is added or removed: %s", d.A, d.B, counts)
	case d.Equal():
		return fmt.Sprintf("No changes: %q and %q are the same model", d.A, d.B)
	}
	parts := []string{}
	for _, k := range DiffKinds {
		if s := d.kindCounts(k); s != "" {
			parts = append(parts, s)
		}
	}
	return fmt.Sprintf("%s (%s)", counts, strings.Join(parts, "; "))
}

// kindCounts is "threats +1 −2 ~3" for one kind, or "" when it is unchanged.
func (d ModelDiff) kindCounts(k DiffKind) string {
	count := func(items []DiffItem) int {
		n := 0
		for _, it := range items {
			if it.Kind == k {
				n++
			}
		}
		return n
	}
	a, r, c := count(d.Added), count(d.Removed), count(d.Changed)
	if a+r+c == 0 {
		return ""
	}
	var parts []string
	for _, p := range []struct {
		sign string
		n    int
	}{{"+", a}, {"−", r}, {"~", c}} {
		if p.n > 0 {
			parts = append(parts, p.sign+strconv.Itoa(p.n))
		}
	}
	return k.Plural() + " " + strings.Join(parts, " ")
}

// Plural is the kind's plural ("threats").
func (k DiffKind) Plural() string { return string(k) + "s" }

// Diff compares a with b by stable id over every kind of entity. Neither
// model is changed.
func Diff(a, b *Model) ModelDiff {
	d := ModelDiff{A: a.Overview.Title, B: b.Overview.Title, Related: Related(a, b),
		Added: []DiffItem{}, Removed: []DiffItem{}, Changed: []DiffItem{}}
	av, bv := diffView(a), diffView(b)
	for _, k := range DiffKinds {
		// Numbered ids are per model: in unrelated models they are not
		// the same entity. Catalog ids are the same everywhere.
		catalog := k == DiffOWASP || k == DiffChecklist
		byID := func(id string) bool { return d.Related || catalog && isCatalogID(id) }
		before := av[k]
		index := make(map[string]int, len(before))
		for i, e := range before {
			if byID(e.id) {
				index[e.id] = i
			}
		}
		matched := make([]bool, len(before))
		for _, e := range bv[k] {
			i, ok := index[e.id]
			if !ok {
				d.Added = append(d.Added, DiffItem{Kind: k, ID: e.id, Name: e.name})
				continue
			}
			matched[i] = true
			if ch := changes(before[i].fields, e.fields); len(ch) > 0 {
				d.Changed = append(d.Changed, DiffItem{Kind: k, ID: e.id, Name: e.name, Changes: ch})
			}
		}
		for i, e := range before {
			if !matched[i] {
				d.Removed = append(d.Removed, DiffItem{Kind: k, ID: e.id, Name: e.name})
			}
		}
	}
	return d
}

// Related reports whether a and b are versions of one model: the same
// title (ignoring case) or the same creation time.
func Related(a, b *Model) bool {
	ta, tb := strings.TrimSpace(a.Overview.Title), strings.TrimSpace(b.Overview.Title)
	if ta != "" && strings.EqualFold(ta, tb) {
		return true
	}
	return !a.Overview.Created.IsZero() && a.Overview.Created.Equal(b.Overview.Created)
}

// isCatalogID reports whether a checklist id comes from a catalog (OWASP
// "A01:2025", built-in controls) rather than numbered per model ("C-001").
func isCatalogID(id string) bool { return !strings.HasPrefix(id, PrefixCheck+"-") }

func changes(before, after []FieldChange) []FieldChange {
	var out []FieldChange
	for i := range after {
		if before[i].After != after[i].After {
			out = append(out, FieldChange{Field: after[i].Field, Before: before[i].After, After: after[i].After})
		}
	}
	return out
}

// diffEntity is one entity flattened for comparison: each field's value
// (in FieldChange.After) as the report shows it.
type diffEntity struct {
	id, name string
	fields   []FieldChange
}

func f(field, value string) FieldChange { return FieldChange{Field: field, After: value} }

func list(ids []string) string { return strings.Join(ids, ", ") }

// diffView flattens every entity of m by kind.
func diffView(m *Model) map[DiffKind][]diffEntity {
	v := make(map[DiffKind][]diffEntity, len(DiffKinds))
	for _, a := range m.Assets {
		v[DiffAsset] = append(v[DiffAsset], diffEntity{a.ID, a.Name, []FieldChange{
			f("name", a.Name), f("description", a.Description), f("sensitivity", string(a.Sensitivity))}})
	}
	for _, a := range m.Actors {
		v[DiffActor] = append(v[DiffActor], diffEntity{a.ID, a.Name, []FieldChange{
			f("name", a.Name), f("description", a.Description), f("motivation", a.Motivation),
			f("capability", string(a.Capability)), f("kind", string(a.Kind)), f("risk", string(a.Risk))}})
	}
	for _, s := range m.Surface {
		v[DiffSurface] = append(v[DiffSurface], diffEntity{s.ID, s.Name, []FieldChange{
			f("name", s.Name), f("kind", string(s.Kind)), f("description", s.Description), f("trust zone", s.TrustZone),
			f("source", s.Source), f("target", s.Target)}})
	}
	v[DiffThreat] = make([]diffEntity, 0, len(m.Threats))
	for _, t := range m.Threats {
		category := string(t.Category)
		if t.Methodology != "" {
			category = t.Methodology + ": " + category
		}
		v[DiffThreat] = append(v[DiffThreat], diffEntity{t.ID, t.Title, []FieldChange{
			f("title", t.Title), f("category", category), f("description", t.Description),
			f("likelihood", strconv.Itoa(t.Likelihood)), f("impact", strconv.Itoa(t.Impact)),
			f("risk", strconv.Itoa(t.Risk())+" ("+string(t.Band())+")"), f("status", string(t.Status)),
			f("treatment", string(t.Treatment)), f("rationale", t.Rationale), f("decided by", t.DecidedBy),
			f("review by", string(t.ReviewBy)), f("assets", list(t.Assets)), f("surface", list(t.Surface)),
			f("actors", list(t.Actors)), f("owasp", list(t.OWASP))}})
		for _, mt := range t.Mitigations {
			v[DiffMitigation] = append(v[DiffMitigation], diffEntity{t.ID + "/" + mt.ID, mt.Description, []FieldChange{
				f("description", mt.Description), f("status", string(mt.Status)), f("owner", mt.Owner),
				f("due", string(mt.Due)), f("ticket", mt.Ticket), f("reason", mt.Reason)}})
		}
	}
	for _, c := range m.Checklists {
		k := DiffChecklist
		if c.List == ListOWASP {
			k = DiffOWASP
		}
		v[k] = append(v[k], diffEntity{c.ID, c.Title, []FieldChange{
			f("title", c.Title), f("state", string(c.State)), f("note", c.Note), f("threats", list(c.Threats))}})
	}
	return v
}
