package export

import (
	"io"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/threatdeck/threatdeck/model"
)

// Markdown renders m as the threat-model report a team commits next to its
// code, laid out like the reference document: title and metadata, plain
// English summary, scope, participants, assets, threat actors, attack
// surface and its data-flow diagram (Mermaid), attack vectors (threats
// with their mitigations, grouped), the STRIDE analysis, the threat
// register, the risk map, OWASP Top 10 coverage, security
// controls, testing & validation, compliance, incident response, related
// documentation, references, the parking lot and what is still open.
//
// The output is deterministic (the same model gives the same bytes, so a
// report diffs cleanly in git) and safe: user text is escaped so it can
// neither break a table nor inject HTML, and free sections keep their
// Markdown with raw HTML neutralised. It is built in one buffer with
// precomputed id → name lookups, so a 10,000-threat model renders in tens
// of milliseconds.
func Markdown(m *model.Model) []byte {
	r := newReport(m)
	// Roughly what a threat costs across the vectors list and the register,
	// so the buffer grows once or twice at most.
	r.b = make([]byte, 0, 16<<10+len(m.Threats)*800+len(m.Surface)*200+len(m.Assets)*160+len(m.Actors)*200)
	r.render()
	return r.b
}

// WriteMarkdown writes the bytes of Markdown(m) to w as they are rendered:
// the report goes out in pieces of about spillAt bytes, so an export into a
// file never holds the whole document (6.5 MB for 10,000 threats), and the
// pages a whole-document buffer would fault in are never touched.
func WriteMarkdown(w io.Writer, m *model.Model) error {
	r := newReport(m)
	r.w = w
	r.b = make([]byte, 0, 2*spillAt)
	r.render()
	if r.err == nil && len(r.b) > 0 {
		_, r.err = w.Write(r.b)
	}
	return r.err
}

// spillAt is how much of a streamed report is buffered before it is written.
const spillAt = 64 << 10

// spill writes what has been rendered when a streamed report's buffer is
// past spillAt. It is called between rows and sections (never inside
// one), so each write is a run of whole lines; after a failed write the
// rest is rendered and dropped, and WriteMarkdown returns the error.
func (r *report) spill() {
	if r.w == nil || len(r.b) < spillAt {
		return
	}
	if r.err == nil {
		_, r.err = r.w.Write(r.b)
	}
	r.b = r.b[:0]
}

// render appends the whole report to r.b, spilling as it goes. A large
// model's report is rendered in two halves at once, on two goroutines (see
// concurrentMin): the second into a buffer of its own, appended or written
// after the first, so the bytes are the same as one pass gives.
func (r *report) render() {
	if len(r.m.Threats) < concurrentMin || runtime.GOMAXPROCS(0) < 2 {
		r.head()
		r.tail()
		return
	}
	t := r.fork()
	t.b = make([]byte, 0, 16<<10+len(r.m.Threats)*100)
	done := make(chan struct{})
	var failure any
	go func() {
		// The model's texts may be a workbook's memory map
		// (store.ReadModel), whose reader turns a fault on it into a
		// panic (store's guard): so must this half, whose panic the
		// caller's goroutine raises again below.
		debug.SetPanicOnFault(true)
		defer func() {
			// A panic belongs to the caller's goroutine, as in one pass.
			failure = recover()
			close(done)
		}()
		t.tail()
	}()
	r.head()
	<-done
	if failure != nil {
		panic(failure)
	}
	if r.w == nil {
		r.b = append(r.b, t.b...)
		return
	}
	if r.err == nil && len(r.b) > 0 {
		_, r.err = r.w.Write(r.b)
	}
	r.b = r.b[:0]
	if r.err == nil {
		_, r.err = r.w.Write(t.b)
	}
}

// concurrentMin is the number of threats from which render splits the
// report across two goroutines. The threats are nearly all of a large
// report, and the halves split its work about evenly: the attack vectors
// and the register in the first, streamed; the risk decisions, the OWASP
// links and what is still open (the model's findings) in the second,
// buffered. With the register in the second, a 10,000-threat report's
// halves took 21% and 13% of a fresh export's samples, and the buffer held
// 2.5 of its 6.5 MB; now 20% and 15%, and 0.9 MB.
// (A variable so tests can split small reports.)
var concurrentMin = 1000

// head renders the report up to and including the threat register.
func (r *report) head() {
	r.header()
	r.overview()
	r.assets()
	r.actors()
	r.surface()
	r.diagram()
	r.vectors()
	r.stride()
	r.register()
}

// tail renders the rest of the report, from the risk map on.
func (r *report) tail() {
	m := r.m
	r.riskMap()
	r.actions()
	r.owasp()
	r.checklist(model.ListControls)
	r.checklist(model.ListTesting)
	r.checklist(model.ListCompliance)
	r.free("Incident Response", m.Sections.IncidentResponse)
	r.free("Related Documentation", m.Sections.RelatedDocs)
	r.free("References", m.Sections.References)
	r.parking()
	r.sessionRecord()
	r.stillOpen()
	r.dismissed()
}

// fork is a report of the same model for another goroutine: the name
// lookups, read-only, are shared; the label caches, written as they fill,
// are its own; it renders into its own buffer and writes nowhere.
func (r *report) fork() *report {
	f := *r
	f.b, f.w, f.err = nil, nil, nil
	f.newLabels()
	return &f
}

// report is the Markdown being built, with the lookups it needs.
type report struct {
	m *model.Model
	b []byte
	// w, when set, receives b each time it passes spillAt (see spill);
	// err is its first write error.
	w   io.Writer
	err error
	// Escaped display names by id, computed once: a threat register row
	// names several assets, and a large model has thousands of rows.
	assetNames, elementNames, actorNames map[string]string
	// Escaped labels of enum values, computed once per value.
	statusLabels   labels[model.ThreatStatus]
	mitLabels      labels[model.MitigationStatus]
	categoryLabels labels[model.Stride]
	bandLabels     labels[model.RiskBand]
}

// labels caches the escaped labels of an enum's values, looked up several
// times for every threat of a report. An enum has a handful of values, and
// a look along a short list was cheaper than a map's hashing (the four
// maps' lookups were 2% of a fresh export); past labelsMax values (an
// imported model's own categories, say) a label is made each time.
type labels[T ~string] []struct {
	v     T
	label string
}

const labelsMax = 16

// memo returns the cached label of v, computing it with f the first time.
func memo[T ~string](cache *labels[T], v T, f func(T) string) string {
	for i := range *cache {
		if (*cache)[i].v == v {
			return (*cache)[i].label
		}
	}
	s := f(v)
	if len(*cache) < labelsMax {
		*cache = append(*cache, struct {
			v     T
			label string
		}{v, s})
	}
	return s
}

func (r *report) status(s model.ThreatStatus) string {
	return memo(&r.statusLabels, s, func(s model.ThreatStatus) string { return escapeInline(s.Label()) })
}

func (r *report) mitStatus(s model.MitigationStatus) string {
	return memo(&r.mitLabels, s, func(s model.MitigationStatus) string { return escapeInline(strings.ToLower(s.Label())) })
}

// category is the escaped category label of a threat: the STRIDE label, or
// the other methodology's own category.
func (r *report) category(t *model.Threat) string {
	if t.Methodology != "" {
		return escapeInline(t.Methodology + ": " + string(t.Category))
	}
	return memo(&r.categoryLabels, t.Category, func(c model.Stride) string {
		if c.Valid() {
			return escapeInline(c.Label())
		}
		return escapeInline(string(c))
	})
}

// listCap bounds id lists in a cell or line ("T-001, T-002, … and 40 more")
// so one shared mitigation or OWASP item cannot make a line enormous.
const listCap = 12

func newReport(m *model.Model) *report {
	r := &report{m: m}
	r.newLabels()
	r.assetNames = make(map[string]string, len(m.Assets))
	for _, a := range m.Assets {
		r.assetNames[a.ID] = nameOr(a.Name, a.ID)
	}
	r.elementNames = make(map[string]string, len(m.Surface))
	for _, e := range m.Surface {
		r.elementNames[e.ID] = nameOr(e.Name, e.ID)
	}
	r.actorNames = make(map[string]string, len(m.Actors))
	for _, a := range m.Actors {
		r.actorNames[a.ID] = nameOr(a.Name, a.ID)
	}
	return r
}

// newLabels gives r empty label caches.
func (r *report) newLabels() {
	r.statusLabels, r.mitLabels, r.categoryLabels, r.bandLabels = nil, nil, nil, nil
}

// nameOr is an entity's escaped name, or its id when the name is
// empty (validation forbids that, but a report must not print "****").
func nameOr(name, id string) string {
	if n := escapeInline(name); n != "" {
		return n
	}
	return escapeInline(id)
}

func (r *report) s(s string) { r.b = append(r.b, s...) }

// t appends user text escaped for one line.
func (r *report) t(s string) { r.b = appendInline(r.b, s) }

func (r *report) int(n int) { r.b = strconv.AppendInt(r.b, int64(n), 10) }

func (r *report) heading(level int, title string) {
	r.spill()
	r.b = append(r.b, "######"[:level]...)
	r.b = append(r.b, ' ')
	r.b = append(r.b, title...)
	r.b = append(r.b, "\n\n"...)
}

// none writes the placeholder for an empty section.
func (r *report) none(what string) {
	r.s("_")
	r.s(what)
	r.s("_\n\n")
}

// ids writes a comma-separated id list, capped at listCap.
func (r *report) ids(ids []string) { r.idsOf(len(ids), func(i int) string { return ids[i] }) }

// idsOf writes the n ids id(0) … id(n-1) as ids does, for lists that are
// not a []string (a risk-map cell's threat indexes).
func (r *report) idsOf(n int, id func(i int) string) {
	for i := range n {
		if i == listCap {
			r.s(", … and ")
			r.int(n - listCap)
			r.s(" more")
			return
		}
		if i > 0 {
			r.s(", ")
		}
		r.t(id(i))
	}
}

// names writes the names of linked entities, falling back to the id for a
// dangling link so nothing silently disappears from the report.
func (r *report) names(ids []string, names map[string]string) {
	for i, id := range ids {
		if i > 0 {
			r.s(", ")
		}
		if n, ok := names[id]; ok {
			r.s(n)
		} else {
			r.t(id)
		}
	}
}

func reportDate(t time.Time) string {
	if t.IsZero() {
		return "not recorded"
	}
	return t.Format(time.DateOnly)
}

func (r *report) header() {
	o := r.m.Overview
	title := o.Title
	if strings.TrimSpace(title) == "" {
		title = "Untitled threat model"
	}
	r.s("# ")
	r.t(title)
	r.s("\n\n**Last Updated:** ")
	r.s(reportDate(o.Updated))
	r.s("  \n**Owner:** ")
	if o.Owner == "" {
		r.s("_not set_")
	} else {
		r.t(o.Owner)
	}
	r.s("  \n**Status:** ")
	r.t(o.Status.Label())
	r.s("  \n**Completion:** ")
	r.int(r.m.Overall())
	r.s("%\n\n")
}

func (r *report) overview() {
	o := r.m.Overview
	r.heading(2, "Plain English Summary")
	if p := appendProse(nil, o.Summary); len(p) > 0 {
		r.b = append(r.b, p...)
	} else {
		r.none("No summary yet.")
	}
	r.heading(2, "Scope")
	if p := appendProse(nil, o.Scope); len(p) > 0 {
		r.b = append(r.b, p...)
	} else {
		r.none("No scope yet.")
	}
	r.heading(2, "Participants")
	if len(o.Participants) == 0 {
		r.none("None recorded.")
		return
	}
	for _, p := range o.Participants {
		r.s("- ")
		r.t(p)
		r.s("\n")
	}
	r.s("\n")
}

func (r *report) assets() {
	r.heading(2, "Assets")
	if len(r.m.Assets) == 0 {
		r.none("No assets yet.")
		return
	}
	r.s("What we're protecting:\n\n")
	for i, a := range r.m.Assets {
		r.entry(i+1, r.assetNames[a.ID], a.Description, a.ID, a.Sensitivity.Label())
	}
	r.s("\n")
}

func (r *report) actors() {
	r.heading(2, "Threat Actors")
	if len(r.m.Actors) == 0 {
		r.none("No threat actors yet.")
		return
	}
	r.s("Who might attack:\n\n")
	for i, a := range r.m.Actors {
		facts := []string{a.ID, a.Kind.Label(), "risk " + strings.ToLower(a.Risk.Label()), "capability " + strings.ToLower(a.Capability.Label())}
		if a.Motivation != "" {
			facts = append(facts, "motivation: "+a.Motivation)
		}
		r.entry(i+1, r.actorNames[a.ID], a.Description, facts...)
	}
	r.s("\n")
}

// entry writes one numbered item the way the reference lists assets and
// actors: "1. **Name** - description _(fact · fact)_". name is already
// escaped; description and facts are user text.
func (r *report) entry(n int, name, description string, facts ...string) {
	r.int(n)
	r.s(". **")
	r.s(name)
	r.s("**")
	if description != "" {
		r.s(" - ")
		r.t(description)
	}
	r.s(" _(")
	for i, f := range facts {
		if i > 0 {
			r.s(" · ")
		}
		r.t(f)
	}
	r.s(")_\n")
}

func (r *report) surface() {
	r.heading(2, "Attack Surface")
	if len(r.m.Surface) == 0 {
		r.none("No attack surface yet.")
		return
	}
	r.s("| ID | Element | Kind | Trust Zone | Description |\n| --- | --- | --- | --- | --- |\n")
	for _, e := range r.m.Surface {
		r.s("| ")
		r.t(e.ID)
		r.s(" | ")
		r.s(r.elementNames[e.ID])
		r.s(" | ")
		r.t(e.Kind.Label())
		if e.Source != "" || e.Target != "" {
			r.s(": ")
			r.flowEnd(e.Source)
			r.s(" → ")
			r.flowEnd(e.Target)
		}
		r.s(" | ")
		r.t(e.TrustZone)
		r.s(" | ")
		r.t(e.Description)
		r.s(" |\n")
	}
	r.s("\n")
}

func (r *report) flowEnd(id string) {
	if id == "" {
		r.s("?")
		return
	}
	r.names([]string{id}, r.elementNames)
}

func (r *report) risk(t *model.Threat) {
	r.int(t.Risk())
	r.s(" (")
	r.s(memo(&r.bandLabels, t.Band(), model.RiskBand.Label))
	r.s(")")
}
