package model

import (
	"strings"
	"time"
)

// Summary is a model's line in a workbook listing.
type Summary struct {
	ID         string    `json:"id"`
	Title      string    `json:"title"`
	Owner      string    `json:"owner"`
	Updated    time.Time `json:"updated"`
	Completion int       `json:"completion"`
	Threats    int       `json:"threats"`
	// Damage, when set, says what is damaged in the model: it cannot be
	// opened, and only ID (and Title, when it could be read) are filled.
	Damage string `json:"damage,omitempty"`
}

// Summarize describes m for a listing.
func (m *Model) Summarize() Summary {
	return Summary{ID: m.ID, Title: m.Overview.Title, Owner: m.Overview.Owner, Updated: m.Overview.Updated, Completion: m.Overall(), Threats: len(m.Threats)}
}

// Position is where a user last was, so a session resumes exactly there.
type Position struct {
	ModelID string `json:"model_id"`
	// Step is the TUI step's name; Item the id of the selected record.
	Step string `json:"step"`
	Item string `json:"item"`
	// Views is how each page was left, by step name (pages at their
	// defaults are left out).
	Views map[string]PageView `json:"views,omitempty"`
	// Timer is the session timer; nil when it never ran.
	Timer *TimerState `json:"timer,omitempty"`
	// Presenter is presenter mode.
	Presenter bool `json:"presenter,omitempty"`
}

// TallyVersion numbers the meaning of a Tally. A stored tally of another
// version is not used (the store rebuilds it from the records), so bump it
// whenever SectionProgress, Overall or the OWASP catalog's ids change:
// TestTallyVersionPinsCompletion fails until it is bumped.
const TallyVersion = 1

// Count is how many records of a kind there are (N) and how many of them
// count as done (Done).
type Count struct {
	N    int `json:"n"`
	Done int `json:"done"`
}

// Tally is what a model's Summary is computed from, kept record by record:
// the store adds and removes each record an edit writes, so listing a
// workbook never decodes whole models. It is exact for the records it
// has seen; Summary gives the same figures Summarize gives for the model
// those records load into (the model after Normalize). Build one with
// NewTally or TallyOf; the zero Tally is not valid.
type Tally struct {
	Title   string    `json:"title"`
	Owner   string    `json:"owner"`
	Updated time.Time `json:"updated"`
	Edition Edition   `json:"edition"`
	// OverviewDone counts the overview's filled fields (of four).
	OverviewDone int   `json:"overview"`
	Assets       Count `json:"assets"`
	Actors       Count `json:"actors"`
	Surface      Count `json:"surface"`
	Threats      Count `json:"threats"`
	// Stride counts STRIDE review records by category (Done: reviewed).
	Stride map[Stride]Count `json:"stride"`
	// OWASP counts OWASP checklist records by the edition their id ends
	// with ("A01:2025" → "2025"); Done: assessed.
	OWASP map[string]Count `json:"owasp"`
	// Catalog counts records (of any list) per OWASP catalog id; Unstored
	// counts, per edition suffix, the catalog ids with no record, which
	// Normalize adds as unassessed OWASP items.
	Catalog  map[string]int `json:"catalog"`
	Unstored map[string]int `json:"unstored"`
	// Checks counts the controls, testing and compliance items.
	Checks Count `json:"checks"`
	// ReportDone counts the written report sections that are not blank.
	ReportDone int `json:"report"`
}

// NewTally is the tally of a model with no records.
func NewTally() Tally {
	t := Tally{Stride: map[Stride]Count{}, OWASP: map[string]Count{}, Catalog: map[string]int{}, Unstored: map[string]int{}}
	for _, e := range Editions {
		for _, it := range OWASPCatalog(e) {
			if s, ok := editionSuffix(it.ID); ok {
				t.Unstored[s]++
			}
		}
	}
	return t
}

// TallyOf tallies every record of m, as m.Records lists them; for a model
// read straight from its records (before Normalize) that is the tally of
// what is stored.
func TallyOf(m *Model) Tally {
	t := NewTally()
	t.setOverview(&m.Overview)
	t.ReportDone = reportDone(&m.Sections)
	for i := range m.Assets {
		t.Assets.add(m.Assets[i].Description != "", 1)
	}
	for i := range m.Actors {
		t.Actors.add(m.Actors[i].Description != "", 1)
	}
	for i := range m.Surface {
		t.Surface.add(m.Surface[i].Description != "", 1)
	}
	for i := range m.Threats {
		t.Threats.add(m.Threats[i].Treated(), 1)
	}
	for i := range m.Stride {
		t.addStride(&m.Stride[i], 1)
	}
	for i := range m.Checklists {
		t.addCheck(&m.Checklists[i], 1)
	}
	return t
}

// Add counts one record of kind k into the tally (sign 1) or out of it
// (sign -1). v is the record's value or a pointer to it; nil does nothing.
// The singletons (overview, sections) are replaced by a count in and
// cleared by a count out. Kinds that never count to completion are
// ignored.
func (t *Tally) Add(k RecordKind, v any, sign int) {
	if v == nil {
		return
	}
	switch k {
	case RecOverview:
		if o, ok := ptr[Overview](v); ok && sign > 0 {
			t.setOverview(o)
		} else if ok {
			t.setOverview(&Overview{})
		}
	case RecSections:
		if s, ok := ptr[Sections](v); ok && sign > 0 {
			t.ReportDone = reportDone(s)
		} else if ok {
			t.ReportDone = 0
		}
	case RecAsset:
		if a, ok := ptr[Asset](v); ok {
			t.Assets.add(a.Description != "", sign)
		}
	case RecActor:
		if a, ok := ptr[Actor](v); ok {
			t.Actors.add(a.Description != "", sign)
		}
	case RecSurface:
		if s, ok := ptr[SurfaceElement](v); ok {
			t.Surface.add(s.Description != "", sign)
		}
	case RecThreat:
		if th, ok := ptr[Threat](v); ok {
			t.Threats.add(th.Treated(), sign)
		}
	case RecStride:
		if s, ok := ptr[StrideReview](v); ok {
			t.addStride(s, sign)
		}
	case RecCheck:
		if c, ok := ptr[CheckItem](v); ok {
			t.addCheck(c, sign)
		}
	}
}

// ptr returns v as a *T whether it holds a T or a *T (a nil *T is no
// value).
func ptr[T any](v any) (*T, bool) {
	switch x := v.(type) {
	case T:
		return &x, true
	case *T:
		return x, x != nil
	}
	return nil, false
}

func (c *Count) add(done bool, sign int) {
	c.N += sign
	if done {
		c.Done += sign
	}
}

func (t *Tally) setOverview(o *Overview) {
	t.Title, t.Owner, t.Updated, t.Edition = o.Title, o.Owner, o.Updated, o.Edition
	t.OverviewDone = 0
	for _, f := range []string{o.Title, o.Owner, o.Summary, o.Scope} {
		if f != "" {
			t.OverviewDone++
		}
	}
}

func reportDone(s *Sections) int {
	n := 0
	for _, rs := range ReportSections {
		if strings.TrimSpace(rs.Text(*s)) != "" {
			n++
		}
	}
	return n
}

func (t *Tally) addStride(s *StrideReview, sign int) {
	c := t.Stride[s.Category]
	c.add(s.Reviewed, sign)
	if c == (Count{}) {
		delete(t.Stride, s.Category)
	} else {
		t.Stride[s.Category] = c
	}
}

func (t *Tally) addCheck(c *CheckItem, sign int) {
	if _, ok := OWASPByID(c.ID); ok {
		before := t.Catalog[c.ID]
		t.Catalog[c.ID] += sign
		if t.Catalog[c.ID] == 0 {
			delete(t.Catalog, c.ID)
		}
		if s, ok := editionSuffix(c.ID); ok {
			switch {
			case before == 0 && sign > 0:
				t.Unstored[s]--
			case before+sign == 0 && sign < 0:
				t.Unstored[s]++
			}
		}
	}
	switch c.List {
	case ListOWASP:
		if s, ok := editionSuffix(c.ID); ok {
			n := t.OWASP[s]
			n.add(c.State.Assessed(), sign)
			if n == (Count{}) {
				delete(t.OWASP, s)
			} else {
				t.OWASP[s] = n
			}
		}
	case ListControls, ListTesting, ListCompliance:
		t.Checks.add(c.State.Assessed(), sign)
	}
}

// editionSuffix is what follows an OWASP id's last colon: the id belongs
// to edition e exactly when it ends with ":"+e (Checklist's rule), since
// no edition holds a colon.
func editionSuffix(id string) (string, bool) {
	i := strings.LastIndexByte(id, ':')
	if i < 0 {
		return "", false
	}
	return id[i+1:], true
}

// Exact reports whether the tally pins the completion down: two STRIDE
// records of one category, one reviewed and one not, depend on which the
// model finds first, which only loading the model tells.
func (t *Tally) Exact() bool {
	for _, c := range t.Stride {
		if c.N > 1 && c.Done != 0 && c.Done != c.N {
			return false
		}
	}
	return true
}

// Summary is the listing line of the model the tally describes (without
// its ID): the same figures Summarize gives for it.
func (t *Tally) Summary() Summary {
	sum := 0
	for _, s := range AllSections {
		sum += t.progress(s).Percent()
	}
	return Summary{Title: t.Title, Owner: t.Owner, Updated: t.Updated, Completion: sum / len(AllSections), Threats: t.Threats.N}
}
