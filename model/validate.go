package model

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// FieldError is one problem with one field of an entity.
type FieldError struct {
	Field   string
	Message string
}

// ValidationError lists what is wrong with an entity, field by field, so a
// form can show each message beside its field.
type ValidationError []FieldError

func (v ValidationError) Error() string {
	parts := make([]string, len(v))
	for i, f := range v {
		parts[i] = f.Field + ": " + f.Message
	}
	return strings.Join(parts, "; ")
}

// For returns the message for one field, or "".
func (v ValidationError) For(field string) string {
	for _, f := range v {
		if f.Field == field {
			return f.Message
		}
	}
	return ""
}

type checker struct{ errs ValidationError }

// linkScan is the most links a list is checked for duplicates by scanning.
const linkScan = 16

func (c *checker) add(field, format string, args ...any) {
	c.errs = append(c.errs, FieldError{field, fmt.Sprintf(format, args...)})
}

// title cleans a one-line required field and checks its length.
func (c *checker) title(field string, s *string, required bool) {
	*s = CleanLine(*s)
	switch {
	case required && *s == "":
		c.add(field, "is required")
	case utf8.RuneCountInString(*s) > MaxTitle:
		c.add(field, "is %d characters long; the limit is %d", utf8.RuneCountInString(*s), MaxTitle)
	}
}

// text cleans a multi-line field and checks its length.
func (c *checker) text(field string, s *string) {
	*s = strings.TrimRight(CleanText(*s), " \t\n")
	if len(*s) > MaxText {
		c.add(field, "is %d KiB; the limit is %d KiB", len(*s)>>10, MaxText>>10)
	}
}

func (c *checker) rating(field string, v *int) {
	if *v == 0 {
		*v = 3
	}
	if *v < MinRating || *v > MaxRating {
		c.add(field, "must be between %d and %d", MinRating, MaxRating)
	}
}

// enum fills an empty value with def and checks the rest.
func enum[T ~string](c *checker, field string, v *T, def T, valid func(T) bool) {
	if *v == "" {
		*v = def
	}
	if !valid(*v) {
		c.add(field, "%q is not a known value", string(*v))
	}
}

// links cleans a list of ids and checks each names an existing entity.
func (c *checker) links(field string, ids *[]string, exists func(string) bool) {
	if len(*ids) == 0 {
		*ids = (*ids)[:0:0]
		return
	}
	// Duplicates are found in what is kept so far: a threat links to a
	// handful of entities, so a map per call (per list of every threat of
	// an import) cost more than it saved; past linkScan ids it pays again.
	var seen map[string]bool
	if len(*ids) > linkScan {
		seen = make(map[string]bool, len(*ids))
	}
	out := make([]string, 0, len(*ids))
	for _, id := range *ids {
		id = CleanLine(id)
		if id == "" || (seen == nil && slices.Contains(out, id)) || seen[id] {
			continue
		}
		if seen != nil {
			seen[id] = true
		}
		if !exists(id) {
			c.add(field, "%q does not exist in this model", id)
		}
		out = append(out, id)
	}
	*ids = out
}

func (c *checker) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	return c.errs
}

func (m *Model) validateOverview(o *Overview) error {
	var c checker
	c.title("title", &o.Title, true)
	c.title("owner", &o.Owner, false)
	c.text("summary", &o.Summary)
	c.text("scope", &o.Scope)
	var people []string
	for _, p := range o.Participants {
		c.title("participants", &p, false)
		if p != "" {
			people = append(people, p)
		}
	}
	o.Participants = people
	enum(&c, "status", &o.Status, ReviewDraft, ReviewStatus.Valid)
	enum(&c, "edition", &o.Edition, OWASP2025, Edition.Valid)
	return c.err()
}

func (m *Model) validateAsset(a *Asset) error {
	var c checker
	c.title("name", &a.Name, true)
	c.text("description", &a.Description)
	enum(&c, "sensitivity", &a.Sensitivity, Internal, Sensitivity.Valid)
	return c.err()
}

func (m *Model) validateActor(a *Actor) error {
	var c checker
	c.title("name", &a.Name, true)
	c.text("description", &a.Description)
	c.text("motivation", &a.Motivation)
	enum(&c, "capability", &a.Capability, Medium, Level.Valid)
	enum(&c, "kind", &a.Kind, External, ActorKind.Valid)
	enum(&c, "risk", &a.Risk, Medium, Level.Valid)
	return c.err()
}

func (m *Model) validateElement(s *SurfaceElement) error {
	var c checker
	c.title("name", &s.Name, true)
	c.text("description", &s.Description)
	c.title("trust zone", &s.TrustZone, false)
	enum(&c, "kind", &s.Kind, KindProcess, ElementKind.Valid)
	c.profile(s)
	for _, end := range []struct {
		field string
		id    *string
	}{{"source", &s.Source}, {"target", &s.Target}} {
		*end.id = CleanLine(*end.id)
		if *end.id == "" {
			continue
		}
		switch {
		case *end.id == s.ID:
			c.add(end.field, "a flow cannot start or end at itself")
		case m.SurfaceIndex(*end.id) < 0:
			c.add(end.field, "%q does not exist in this model", *end.id)
		}
	}
	return c.err()
}

func (m *Model) validateThreat(t *Threat) error {
	var c checker
	c.title("title", &t.Title, true)
	c.text("description", &t.Description)
	c.title("methodology", &t.Methodology, false)
	c.title("vector", &t.Vector, false)
	if t.Methodology == "" || strings.EqualFold(t.Methodology, "STRIDE") {
		t.Methodology = ""
		if s, ok := ParseStride(string(t.Category)); ok {
			t.Category = s
		} else {
			c.add("category", "%q is not a STRIDE category", string(t.Category))
		}
	} else {
		cat := string(t.Category)
		c.title("category", &cat, true)
		t.Category = Stride(cat)
	}
	c.rating("likelihood", &t.Likelihood)
	c.rating("impact", &t.Impact)
	enum(&c, "status", &t.Status, StatusOpen, ThreatStatus.Valid)
	c.links("assets", &t.Assets, func(id string) bool { return m.AssetIndex(id) >= 0 })
	c.links("surface", &t.Surface, func(id string) bool { return m.SurfaceIndex(id) >= 0 })
	c.links("actors", &t.Actors, func(id string) bool { return m.ActorIndex(id) >= 0 })
	c.links("owasp", &t.OWASP, func(id string) bool { _, ok := OWASPByID(id); return ok })
	cleanStamps(&t.Stamps)
	if t.Vote != nil {
		d := *t.Vote
		d.By = CleanLine(d.By)
		d.Votes = slices.Clone(d.Votes)
		for i := range d.Votes {
			d.Votes[i].Voter = CleanLine(d.Votes[i].Voter)
		}
		t.Vote = &d
	}
	for i := range t.Mitigations {
		mt := &t.Mitigations[i]
		cleanStamps(&mt.Stamps)
		// A mitigation's fields are checked under their bare names and
		// only a problem is named after the mitigation: building
		// "mitigation N …" for every field of every mitigation was most of
		// an import's allocations.
		var mc checker
		mc.text("", &mt.Description)
		if mt.Description == "" {
			mc.add("", "needs a description")
		}
		enum(&mc, " status", &mt.Status, MitigationPlanned, MitigationStatus.Valid)
		mc.mitigationPlan("", mt)
		for _, e := range mc.errs {
			c.errs = append(c.errs, FieldError{fmt.Sprintf("mitigation %d", i+1) + e.Field, e.Message})
		}
	}
	c.decision(t)
	return c.err()
}

func (m *Model) validateCheck(ci *CheckItem) error {
	var c checker
	c.title("title", &ci.Title, true)
	c.title("group", &ci.Group, false)
	c.text("detail", &ci.Detail)
	c.text("note", &ci.Note)
	if indexOf(ChecklistKinds, ci.List) < 0 {
		c.add("list", "%q is not a checklist", string(ci.List))
	}
	if !ci.State.Valid() {
		c.add("state", "%q is not a known state", string(ci.State))
	}
	c.links("threats", &ci.Threats, func(id string) bool { return m.ThreatIndex(id) >= 0 })
	return c.err()
}

func (m *Model) validateStride(r *StrideReview) error {
	var c checker
	if !r.Category.Valid() {
		c.add("category", "%q is not a STRIDE category", string(r.Category))
	}
	c.text("note", &r.Note)
	c.text("example", &r.Example)
	c.text("mitigation", &r.Mitigation)
	return c.err()
}

func (m *Model) validateSections(s *Sections) error {
	var c checker
	c.text("incident response", &s.IncidentResponse)
	c.text("related documentation", &s.RelatedDocs)
	c.text("references", &s.References)
	return c.err()
}

func (m *Model) validateParking(p *ParkingItem) error {
	var c checker
	c.title("text", &p.Text, true)
	return c.err()
}

// cleanStamps keeps attribution names to one clean line (a workbook or
// document from elsewhere must not put escapes on a screen through them).
func cleanStamps(st *Stamps) {
	st.CreatedBy, st.UpdatedBy = CleanLine(st.CreatedBy), CleanLine(st.UpdatedBy)
}
