package export

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/threatdeck/threatdeck/model"
)

// builder assembles an imported model. Every entity goes through the
// model's own validation (BuildElement, BuildThreat …: the code PutElement,
// PutThreat … run, without an edit record per entity), so imported text is
// cleaned and validated exactly like typed text; a problem becomes an
// ImportError naming the JSON path of the entity.
//
// Ids are issued here, in file order, so references between entities
// (flow ends, a threat's elements) can be resolved before validation.
// Each mutator runs against a model whose list for that kind is empty:
// a mutator looks its id up in the list, and looking up an id that is not
// there yet scans the whole list, which would make a 10,000-threat import
// quadratic. The validated entities are collected and installed at the end.
type builder struct {
	file string
	now  time.Time
	m    *model.Model
	r    *jreader

	elements []pendingElement
	assets   []pending[model.Asset]
	actors   []pending[model.Actor]
	// threats are queued with their paths beside them, so build can
	// replace each by its validated self in place: a second list of
	// 100,000 threats is 40 MB.
	threats     []model.Threat
	threatPaths []string
	checks      []pending[model.CheckItem]
	ext         map[string]any

	mitigations int // mitigation ids issued
	// warnings are problems that lose nothing but deserve a look (a link
	// to something the file does not define); they become parking-lot
	// items, where a facilitator looks for open questions.
	warnings []string
}

// maxWarnings bounds the parking-lot items one import adds.
const maxWarnings = 50

// warn notes a problem in the file that the import works around.
func (b *builder) warn(format string, args ...any) {
	if len(b.warnings) < maxWarnings {
		b.warnings = append(b.warnings, fmt.Sprintf(format, args...))
	} else if len(b.warnings) == maxWarnings {
		b.warnings = append(b.warnings, "Imported file: more problems like the ones above were not listed.")
	}
}

type pending[T any] struct {
	v    T
	path string
}

type pendingElement struct {
	e              model.SurfaceElement
	path           string
	source, target string
}

func newBuilder(file string, now time.Time, r *jreader) *builder {
	return &builder{file: file, now: now, r: r, ext: map[string]any{}}
}

// element queues an attack-surface element and returns its id. Flow ends
// are element ids issued by this builder; unknown ones are dropped.
func (b *builder) element(e model.SurfaceElement, path string) string {
	e.ID = model.FormatID(model.PrefixSurface, len(b.elements)+1)
	src, tgt := e.Source, e.Target
	e.Source, e.Target = "", ""
	b.elements = append(b.elements, pendingElement{e: e, path: path, source: src, target: tgt})
	return e.ID
}

// asset queues an asset and returns its id.
func (b *builder) asset(a model.Asset, path string) string {
	a.ID = model.FormatID(model.PrefixAsset, len(b.assets)+1)
	b.assets = append(b.assets, pending[model.Asset]{a, path})
	return a.ID
}

// actor queues a threat actor and returns its id.
func (b *builder) actor(a model.Actor, path string) string {
	a.ID = model.FormatID(model.PrefixActor, len(b.actors)+1)
	b.actors = append(b.actors, pending[model.Actor]{a, path})
	return a.ID
}

// threat queues a threat, issuing its id and its mitigations' ids in
// place so the importer can record where each came from.
func (b *builder) threat(t *model.Threat, path string) {
	t.Mitigations = slices.Clone(t.Mitigations)
	b.ownThreat(t, path)
}

// ownThreat is threat for an importer whose t.Mitigations is a slice of
// its own, made for this threat and shared with no other, so the ids are
// issued in it rather than in a copy (BuildThreat copies it anyway).
func (b *builder) ownThreat(t *model.Threat, path string) {
	t.ID = model.FormatID(model.PrefixThreat, len(b.threats)+1)
	for i := range t.Mitigations {
		b.mitigations++
		t.Mitigations[i].ID = model.FormatID(model.PrefixMitigation, b.mitigations)
	}
	b.threats = append(b.threats, *t)
	b.threatPaths = append(b.threatPaths, path)
}

// reserve makes room for the elements and threats an importer knows it
// will queue, so the lists are allocated once.
func (b *builder) reserve(elements, threats int) {
	b.elements = slices.Grow(b.elements, elements)
	b.threats = slices.Grow(b.threats, threats)
	b.threatPaths = slices.Grow(b.threatPaths, threats)
}

// check queues a custom checklist item.
func (b *builder) check(c model.CheckItem, path string) {
	b.checks = append(b.checks, pending[model.CheckItem]{c, path})
}

// defaultNamer is an extension that wants to know which element names
// the builder made up, to leave them out of an export.
type defaultNamer interface{ noteDefaultNames(map[string]string) }

// extension keeps data with no home in threatdeck under the tool's key.
func (b *builder) extension(tool string, v any) { b.ext[tool] = v }

// build validates everything and returns the model, or the first problem.
// Nothing is returned on error: an import is all or nothing.
func (b *builder) build(ov model.Overview) (*model.Model, error) {
	if b.r.err != nil {
		return nil, b.r.err
	}
	if err := b.titleSize("$", "title", ov.Title); err != nil {
		return nil, err
	}
	ov.Title = fitTitle(ov.Title, nil)
	if model.CleanLine(ov.Title) == "" {
		ov.Title = "Imported model"
	}
	m, err := model.New(ov.Title, fitTitle(ov.Owner, nil), b.now)
	if err != nil {
		return nil, b.fail("$", err)
	}
	ov.Title, ov.Owner = m.Overview.Title, m.Overview.Owner
	ov.Created, ov.Updated = b.now, b.now
	for i, p := range ov.Participants {
		ov.Participants[i] = fitTitle(p, nil)
	}
	if _, err := m.PutOverview(ov, b.now); err != nil {
		return nil, b.fail("$", err)
	}
	b.m = m

	// Custom checklist items first, while the model's lists are empty:
	// saving one re-sorts every list.
	catalog := m.Checklists
	var checks []model.CheckItem
	for _, p := range b.checks {
		m.Checklists = nil
		if err := b.titleSize(p.path, "title", p.v.Title); err != nil {
			return nil, err
		}
		p.v.Title = fitTitle(p.v.Title, &p.v.Detail)
		ch, err := m.PutCheck(p.v, b.now)
		if err != nil {
			return nil, b.fail(p.path, err)
		}
		checks = append(checks, recordValue[model.CheckItem](ch))
	}
	m.Checklists = append(catalog, checks...)

	surface := make([]model.SurfaceElement, 0, len(b.elements))
	issued := make(map[string]bool, len(b.elements))
	for _, p := range b.elements {
		issued[p.e.ID] = true
	}
	var names defaultNames
	defaulted := map[string]string{}
	for i, p := range b.elements {
		n := names.count(p.e.Kind)
		if err := b.titleSize(p.path, "name", p.e.Name); err != nil {
			return nil, err
		}
		p.e.Name = fitTitle(p.e.Name, &p.e.Description)
		if p.e.Name == "" {
			p.e.Name = names.name(b.elements, i, n)
			defaulted[p.e.ID] = p.e.Name
		}
		e, err := m.BuildElement(p.e)
		if err != nil {
			return nil, b.fail(p.path, err)
		}
		// Flow ends are checked here rather than by BuildElement, which would
		// need every element already in the model (see the type comment).
		for _, end := range []struct{ from, to *string }{{&p.source, &e.Source}, {&p.target, &e.Target}} {
			if id := model.CleanLine(*end.from); issued[id] && id != e.ID {
				*end.to = id
			}
		}
		surface = append(surface, e)
	}
	b.elements = nil // built; 100,000 pending elements are 20 MB the rest need not hold
	assets := make([]model.Asset, 0, len(b.assets))
	for _, p := range b.assets {
		if err := b.titleSize(p.path, "name", p.v.Name); err != nil {
			return nil, err
		}
		p.v.Name = fitTitle(p.v.Name, &p.v.Description)
		a, err := m.BuildAsset(p.v)
		if err != nil {
			return nil, b.fail(p.path, err)
		}
		assets = append(assets, a)
	}
	actors := make([]model.Actor, 0, len(b.actors))
	for _, p := range b.actors {
		if err := b.titleSize(p.path, "name", p.v.Name); err != nil {
			return nil, err
		}
		p.v.Name = fitTitle(p.v.Name, &p.v.Description)
		a, err := m.BuildActor(p.v)
		if err != nil {
			return nil, b.fail(p.path, err)
		}
		actors = append(actors, a)
	}
	m.Surface, m.Assets, m.Actors = surface, assets, actors

	threats := b.threats
	for i, t := range threats {
		path := b.threatPaths[i]
		if err := b.titleSize(path, "title", t.Title); err != nil {
			return nil, err
		}
		t.Title = fitTitle(t.Title, &t.Description)
		if model.CleanLine(t.Title) == "" {
			t.Title = "Untitled threat"
		}
		if t.Methodology != "" {
			t.Category = model.Stride(fitTitle(string(t.Category), nil))
		}
		if threats[i], err = m.BuildThreat(t, b.now); err != nil {
			return nil, b.fail(path, err)
		}
	}
	m.Threats = threats
	for tool, v := range b.ext {
		if n, ok := v.(defaultNamer); ok && len(defaulted) > 0 {
			n.noteDefaultNames(defaulted)
		}
		var raw []byte
		var err error
		if a, ok := v.(jsonAppender); ok {
			raw, err = a.appendJSON(nil)
		} else {
			raw, err = json.Marshal(v)
		}
		if err != nil {
			return nil, &ImportError{File: b.file, Problem: "cannot keep " + tool + " data: " + err.Error()}
		}
		m.SetExtension(tool, cleanRaw(raw), b.now)
	}
	b.ext = nil // kept as bytes: what was kept to write them need not stay
	for _, w := range b.warnings {
		if _, err := m.PutParking(model.ParkingItem{Text: fitTitle(w, nil)}, b.now); err != nil {
			return nil, b.fail("$", err)
		}
	}
	m.Seq[model.PrefixSurface] = len(surface)
	m.Seq[model.PrefixAsset] = len(assets)
	m.Seq[model.PrefixActor] = len(actors)
	m.Seq[model.PrefixThreat] = len(threats)
	m.Seq[model.PrefixMitigation] = b.mitigations
	m.Overview.Updated = b.now
	m.Normalize()
	return m, nil
}

// titleSize refuses a one-line field too long to keep in full: a long
// title is cut and kept whole in the description (fitTitle), which holds
// at most model.MaxText, so past that the problem is the title's.
func (b *builder) titleSize(path, field, s string) error {
	if len(s) <= model.MaxText {
		return nil
	}
	return &ImportError{File: b.file, Path: path, Problem: fmt.Sprintf("%s: is %d KiB; the limit is %d KiB", field, len(s)>>10, model.MaxText>>10)}
}

// defaultNames names elements a file left unnamed: a flow after its ends
// ("Browser → Web app"), anything else after its kind ("Trust boundary 2",
// counting every element of the kind, named or not). Only an unnamed
// element's name is made: most are named.
type defaultNames struct {
	counts map[model.ElementKind]int
	// index finds a flow end's element by id, made for the first unnamed
	// element.
	index map[string]int
}

// count counts an element of kind, in file order, giving its number.
func (d *defaultNames) count(kind model.ElementKind) int {
	if !kind.Valid() {
		kind = model.KindProcess
	}
	if d.counts == nil {
		d.counts = map[model.ElementKind]int{}
	}
	d.counts[kind]++
	return d.counts[kind]
}

// name names elements[i], the nth of its kind.
func (d *defaultNames) name(elements []pendingElement, i, n int) string {
	if d.index == nil {
		d.index = make(map[string]int, len(elements))
		for i, p := range elements {
			d.index[p.e.ID] = i
		}
	}
	nameOf := func(id string) string {
		if i, ok := d.index[id]; ok {
			return model.CleanLine(elements[i].e.Name)
		}
		return ""
	}
	p := elements[i]
	if src, tgt := nameOf(p.source), nameOf(p.target); src != "" && tgt != "" {
		return fitTitle(src+" → "+tgt, nil)
	}
	kind := p.e.Kind
	if !kind.Valid() {
		kind = model.KindProcess
	}
	return fmt.Sprintf("%s %d", kind.Label(), n)
}

func (b *builder) fail(path string, err error) error {
	var ve model.ValidationError
	if errors.As(err, &ve) {
		return &ImportError{File: b.file, Path: path, Problem: ve.Error()}
	}
	return &ImportError{File: b.file, Path: path, Problem: err.Error()}
}

// recordValue is the entity a Put mutator saved: the last record of its
// edit before the overview stamp, cleaned and with its ids issued.
func recordValue[T any](ch model.Change) T {
	for _, r := range ch.Do.Records {
		if v, ok := r.Value.(T); ok {
			return v
		}
	}
	var zero T
	return zero
}

// fitTitle shortens a one-line field to the model's limit. Other tools
// allow longer titles; rather than refuse the whole file, the title is cut
// at a word and the full text kept at the top of the description.
func fitTitle(s string, description *string) string {
	line := model.CleanLine(s)
	if utf8.RuneCountInString(line) <= model.MaxTitle {
		return line
	}
	runes := []rune(line)
	cut := string(runes[:model.MaxTitle-1])
	if i := strings.LastIndexByte(cut, ' '); i > model.MaxTitle/2 {
		cut = cut[:i]
	}
	if description != nil && !strings.Contains(*description, line) {
		if *description == "" {
			*description = line
		} else {
			*description = line + "\n\n" + *description
		}
	}
	return strings.TrimSpace(cut) + "…"
}

// joinText joins non-empty paragraphs with a blank line.
func joinText(parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, "\n\n")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
