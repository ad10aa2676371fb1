package export

import (
	"errors"
	"strconv"
	"strings"

	"github.com/threatdeck/threatdeck/model"
)

// ToolThreatDragon is the Model.Extensions key for Threat Dragon data.
const ToolThreatDragon = "threat-dragon"

// reviewerSuffix marks the Threat Dragon reviewer among the participants:
// threatdeck has no reviewer field, and a participant is where a reader
// of the report looks for people. The export turns it back into the
// reviewer.
const reviewerSuffix = " (reviewer)"

// tdExtension is what a Threat Dragon import keeps with the model so an
// export can give Threat Dragon back its own file.
type tdExtension struct {
	// Document is the original file less each threat's title, description
	// and mitigation, which live in the model: geometry, styles, ids,
	// scores and unknown fields stay as they were.
	Document map[string]any `json:"document"`
	// Cells maps element ids to the cell each came from.
	Cells map[string]tdRef `json:"cells"`
	// Threats maps threat ids to where each was.
	Threats map[string]tdRef `json:"threats"`
	// Defaults holds the names threatdeck gave unnamed cells, so an export
	// leaves those cells unnamed while the name is unchanged.
	Defaults map[string]string `json:"defaults,omitempty"`
	// size is about how many bytes the kept cells take, for appendJSON
	// to allocate its buffer once.
	size int
	// raw, when set, is the document already written as appendJSON
	// begins ({"document": …), by the import that read its cells
	// (tdReader.writeDocument); Document is then nil.
	raw []byte
}

// noteDefaultNames implements defaultNamer.
func (x *tdExtension) noteDefaultNames(names map[string]string) { x.Defaults = names }

// tdRef locates a cell, or a threat within a cell's list.
type tdRef struct {
	Diagram int    `json:"diagram"`
	Cell    string `json:"cell"`
	Index   int    `json:"index,omitempty"`
}

// tdCell is a diagram cell that becomes an attack-surface element: what
// the reader took from it, so the cell's tree need not be kept.
type tdCell struct {
	path           string
	diagram        int
	id, elementID  string
	kind           model.ElementKind
	box            bool // a trust-boundary box, which encloses a trust zone
	name, desc     string
	source, target string // cell ids of a flow's ends
	x, y, w, h     float64
	hasGeometry    bool
	zone           string
	// traits holds the element's traits as the cell's flags imply them
	// (tdTraits); the cell's threats, read with it, are count of the
	// reader's list from first.
	traits       model.SurfaceElement
	first, count int
}

// tdCellsPath is where a Threat Dragon file keeps its cells: each is read
// from its bytes, kept compact and its tree dropped (parseTreeLazy).
var tdCellsPath = []string{"detail", "diagrams", "", "cells", ""}

// readThreatDragon maps a Threat Dragon v2 model: every cell but the
// free-text blocks becomes an element, each cell's threats become threats
// on that element, contributors and the reviewer become participants.
//
// A version 1 file is first rewritten into version 2 (upgradeTDv1).
func readThreatDragon(root jnode, r *jreader, b *builder) model.Overview {
	if doc, ok := root.v.(map[string]any); ok {
		upgradeTDv1(doc)
	}
	summary, detail := root.get("summary"), root.get("detail")
	r.requireObject(summary, "a Threat Dragon model has a summary with its title")
	r.requireObject(detail, "a Threat Dragon model has a detail with its diagrams")
	ov := model.Overview{
		Title:   r.str(summary.get("title")),
		Owner:   r.str(summary.get("owner")),
		Summary: r.str(summary.get("description")),
	}
	for _, c := range r.array(detail.get("contributors")) {
		r.object(c)
		if name := r.str(c.get("name")); strings.TrimSpace(name) != "" {
			ov.Participants = append(ov.Participants, name)
		}
	}
	if reviewer := strings.TrimSpace(r.str(detail.get("reviewer"))); reviewer != "" {
		ov.Participants = append(ov.Participants, reviewer+reviewerSuffix)
	}

	rd := &tdReader{r: r, rt: &jreader{file: r.file}, byKey: map[string]*tdCell{}, raw: tdRaw{names: make(map[string]string, 64)}}
	diagrams := r.array(detail.get("diagrams"))
	ext := tdExtension{}
	doc, isDoc := root.v.(map[string]any)
	if isDoc && r.err == nil && tdStreamable(diagrams) {
		ext.raw = rd.writeDocument(doc, diagrams)
	} else {
		// The kept cells are written one after another into arenas of
		// about a megabyte, rather than each into its own slice.
		var arena []byte
		size := 0
		for di, d := range diagrams {
			r.object(d)
			if g := d.get("diagramJson"); g.present {
				// upgradeTDv1 leaves only a graph it cannot read.
				r.fail(g.path, "want a Threat Dragon version 1 diagram: an object with a list of cells, got %s", typeName(g.v))
				return ov
			}
			list := d.get("cells")
			kept, _ := list.v.([]any)
			for ci, c := range r.array(list) {
				keep := rd.readCell(di, c)
				if r.err != nil {
					return ov
				}
				if cap(arena)-len(arena) < 64<<10 {
					arena = make([]byte, 0, 1<<20)
				}
				start := len(arena)
				if l, ok := keep.(*lazyJSON); ok {
					arena = append(arena, l.raw...)
				} else {
					var err error
					if arena, err = appendTree(arena, keep, "", 0); err != nil {
						r.fail(c.path, "cannot be kept: %v", err)
						return ov
					}
				}
				kept[ci] = &lazyJSON{raw: arena[start:len(arena):len(arena)], compact: true}
				size += len(arena) - start
			}
		}
		if isDoc {
			ext.Document = doc
		}
		ext.size = size
	}
	if r.err == nil {
		r.err = rd.rt.err
	}
	if r.err != nil {
		return ov
	}
	// Every cell is read: the reader's views into the file go, so the
	// file, the largest thing an import holds, can be collected while the
	// model is built (it held 182 of the 485 MiB live at a 100,000-cell
	// import's peak).
	rd.releaseFile()
	cells := rd.cells
	assignZones(cells)

	b.reserve(len(cells), len(rd.threats))
	ext.Cells, ext.Threats = make(map[string]tdRef, len(cells)), make(map[string]tdRef, len(rd.threats))
	for _, c := range cells {
		e := c.traits
		e.Name, e.Kind, e.Description, e.TrustZone = c.name, c.kind, c.desc, c.zone
		if c.kind == model.KindDataFlow {
			src, tgt := rd.byKey[strconv.Itoa(c.diagram)+"/"+c.source], rd.byKey[strconv.Itoa(c.diagram)+"/"+c.target]
			if src != nil {
				e.Source = src.elementID
			}
			if tgt != nil {
				e.Target = tgt.elementID
			}
		}
		if id := b.element(e, c.path); id != c.elementID {
			r.fail(c.path, "internal error: element id %s, expected %s", id, c.elementID)
			return ov
		}
		ext.Cells[c.elementID] = tdRef{Diagram: c.diagram, Cell: c.id}
		prefix := c.path + ".data.threats"
		for i, p := range rd.threats[c.first : c.first+c.count] {
			t := rd.threat(p, c.elementID)
			b.threat(&t, indexPath(prefix, i))
			ext.Threats[t.ID] = tdRef{Diagram: c.diagram, Cell: c.id, Index: i}
		}
	}
	rd.threats = nil // queued: the read copies can go
	b.extension(ToolThreatDragon, &ext)
	return ov
}

// tdReader reads the cells of a Threat Dragon file. r takes what makes
// the elements, rt the cells' threats: rt's first problem counts only
// when r has none, as when the threats were read after every cell.
type tdReader struct {
	r, rt *jreader
	cells []*tdCell
	// byKey finds a cell by "diagram/id"; seen says where each key was
	// first, for the message about an id used twice.
	byKey map[string]*tdCell
	seen  map[string]string
	// threats are the threats read, in file order; each cell has a range.
	threats []tdRawThreat
	raw     tdRaw
	// kept is the cell last read from its bytes, written compact.
	kept    lazyJSON
	scratch []byte
}

// releaseFile drops every view the reader holds into the file's bytes:
// the last cell read, kept, and the cell pass's spans of it.
func (rd *tdReader) releaseFile() {
	rd.kept = lazyJSON{}
	rd.raw.data, rd.raw.spans, rd.raw.threats = nil, tdSpans{}, nil
}

// readCell reads cell c of diagram di and gives what to keep of it: its
// compact bytes (a *lazyJSON valid until the next call) or its tree,
// threat texts removed. A problem is left in rd.r.
func (rd *tdReader) readCell(di int, c jnode) any {
	r := rd.r
	if l, ok := c.v.(*lazyJSON); ok {
		if keep, ok := rd.readRaw(di, c.path, l.raw); ok {
			return keep
		}
		obj, ok := l.build(rd.raw.names)
		if !ok {
			r.fail(c.path, "is not a valid JSON object")
			return nil
		}
		c.v = obj
	}
	obj := r.object(c)
	idNode := c.get("id")
	id := r.str(idNode)
	if r.err != nil {
		return nil
	}
	if strings.TrimSpace(id) == "" {
		r.fail(idNode.path, "is missing; every Threat Dragon cell has an id")
		return nil
	}
	if !rd.unique(di, id, idNode.path, c.path) {
		return nil
	}
	cell := readTDCell(r, c, di, id)
	if cell != nil {
		rd.add(cell)
		tdTraits(&cell.traits, c.get("data"))
		cell.first = len(rd.threats)
		rd.threats = readTDThreats(rd.rt, c, rd.threats)
		cell.count = len(rd.threats) - cell.first
	}
	return obj
}

// readRaw is readCell for a cell in its bytes and in the plain shape
// (tdRaw.cell); false leaves the cell to be read through its tree.
func (rd *tdReader) readRaw(di int, path string, raw []byte) (any, bool) {
	first := len(rd.threats)
	id, cell, threats, out, ok := rd.raw.cell(rd.scratch[:0], raw, rd.threats)
	if !ok {
		return nil, false
	}
	rd.scratch = out
	if !rd.unique(di, id, childPath(path, "id"), path) {
		return nil, true // the problem is in rd.r
	}
	if cell != nil {
		cell.path, cell.diagram = path, di
		rd.add(cell)
		cell.first, cell.count = first, len(threats)-first
		// The rt reader would have read these threats: it stops at its
		// first problem, after which none are taken.
		if rd.rt.err != nil {
			threats = threats[:first]
			cell.count = 0
		}
	}
	rd.threats = threats
	rd.kept = lazyJSON{raw: out, compact: true}
	return &rd.kept, true
}

// unique records the cell id of diagram di, failing when the diagram
// has it already.
func (rd *tdReader) unique(di int, id, idPath, path string) bool {
	if rd.seen == nil {
		rd.seen = map[string]string{}
	}
	key := strconv.Itoa(di) + "/" + id
	if prev, dup := rd.seen[key]; dup {
		rd.r.fail(idPath, "cell id %q is used twice in this diagram (also at %s)", id, prev)
		return false
	}
	rd.seen[key] = path
	return true
}

// add takes a cell that becomes an element, giving it the element's id.
func (rd *tdReader) add(cell *tdCell) {
	cell.elementID = model.FormatID(model.PrefixSurface, len(rd.cells)+1)
	rd.cells = append(rd.cells, cell)
	rd.byKey[strconv.Itoa(cell.diagram)+"/"+cell.id] = cell
}

// threat makes the model's threat of a threat read from a cell.
func (rd *tdReader) threat(p tdRawThreat, elementID string) model.Threat {
	v := &rd.raw.vocab
	status := v.statusOf(p.status)
	methodology, category := v.classOf(p.typ, p.kind)
	t := model.Threat{
		Title:       p.title,
		Description: p.desc,
		Methodology: methodology,
		Category:    category,
		Status:      status,
		Surface:     []string{elementID},
	}
	t.Likelihood, t.Impact = model.BandRatings(v.severityOf(p.severity))
	if strings.TrimSpace(model.CleanText(p.mitigation)) != "" { // an escape alone is as empty as nothing
		ms := model.MitigationPlanned
		if status == model.StatusMitigated {
			ms = model.MitigationImplemented
		}
		t.Mitigations = []model.Mitigation{{Description: p.mitigation, Status: ms}}
	}
	return t
}

// tdStreamable reports whether the diagrams are in the shape a file
// exported by Threat Dragon has (objects, each with a list of cells left
// in their bytes), for readThreatDragon to read the cells while it writes
// the document it keeps. Any other file is read cell list by cell list,
// each checked where it is.
func tdStreamable(diagrams []jnode) bool {
	for _, d := range diagrams {
		obj, ok := d.v.(map[string]any)
		if !ok {
			return false
		}
		if _, v1 := obj["diagramJson"]; v1 {
			return false
		}
		switch list := obj["cells"].(type) {
		case nil:
		case []any:
			for _, c := range list {
				if _, lazy := c.(*lazyJSON); !lazy {
					return false
				}
			}
		default:
			return false
		}
	}
	return true
}

// errTDStop ends writing the kept document at a problem in a cell, which
// the reader holds.
var errTDStop = errors.New("stopped at a problem in a cell")

// writeDocument reads every cell of the diagrams while it writes the
// document to keep ({"document": … as tdExtension.appendJSON begins),
// each cell compact straight into one buffer: a 100,000-cell document is
// neither held as trees nor written twice. The buffer is sized from the
// cells' bytes, so it is not grown by copying.
func (rd *tdReader) writeDocument(doc map[string]any, diagrams []jnode) []byte {
	r := rd.r
	type diagram struct {
		index int
		path  string
		obj   map[string]any
		list  []any
	}
	var ds []diagram
	bound, n := 0, 0
	for di, d := range diagrams {
		obj := d.v.(map[string]any)
		list, _ := obj["cells"].([]any)
		if list == nil {
			continue
		}
		ds = append(ds, diagram{di, childPath(d.path, "cells"), obj, list})
		for _, c := range list {
			bound += compactBound(c.(*lazyJSON).raw) + 1
		}
		n += len(list)
		obj["cells"] = []any{}
	}
	skeleton, err := appendTree(nil, doc, "", 0)
	if err != nil {
		r.fail("$", "cannot be kept: %v", err)
		return nil
	}
	for _, d := range ds {
		d.obj["cells"] = treeStream(func(yield func(any) error) error {
			for ci, c := range d.list {
				keep := rd.readCell(d.index, jnode{v: c, path: indexPath(d.path, ci), present: true})
				if r.err != nil {
					return errTDStop
				}
				if err := yield(keep); err != nil {
					return err
				}
			}
			return nil
		})
	}
	// The kept references (tdExtension.appendJSON) usually fit in what
	// the threats' texts leave free.
	out := make([]byte, 0, len(`{"document":`)+len(skeleton)+bound+64*n+4096)
	out = append(out, `{"document":`...)
	out, err = appendTree(out, doc, "", 0)
	for _, d := range ds {
		d.obj["cells"] = d.list
	}
	if err != nil {
		if r.err == nil {
			r.fail("$", "cannot be kept: %v", err)
		}
		return nil
	}
	return out
}

// readTDCell reads one cell; free-text blocks give nil.
func readTDCell(r *jreader, c jnode, diagram int, id string) *tdCell {
	data := c.get("data")
	r.object(data)
	typ, shape := r.str(data.get("type")), r.str(c.get("shape"))
	if typ == "tm.Text" || shape == "td-text-block" || (typ == "" && shape == "") {
		return nil
	}
	cell := &tdCell{path: c.path, diagram: diagram, id: id, kind: tdKind(typ, shape, !c.get("source").null() && !c.get("target").null())}
	// A file threatdeck wrote remembers kinds Threat Dragon has no shape for.
	if k, ok := data.get(kindThreatdeck).v.(string); ok {
		if kind := model.ElementKind(k); kind.Valid() && sameShape(kind, cell.kind) {
			cell.kind = kind
		}
	}
	cell.box = shape == "trust-boundary-box" || typ == "tm.BoundaryBox"
	r.str(data.get("name"))
	cell.name = tdCellName(c)
	cell.desc = r.str(data.get("description"))
	if cell.kind == model.KindDataFlow {
		cell.source = tdEnd(r, c.get("source"))
		cell.target = tdEnd(r, c.get("target"))
	}
	if pos, size := c.get("position"), c.get("size"); !pos.null() && !size.null() {
		r.object(pos)
		r.object(size)
		x, okX := r.number(pos.get("x"))
		y, okY := r.number(pos.get("y"))
		w, okW := r.number(size.get("width"))
		h, okH := r.number(size.get("height"))
		cell.x, cell.y, cell.w, cell.h = x, y, w, h
		cell.hasGeometry = okX && okY && okW && okH
	}
	return cell
}

// tdKind maps a cell's type (or shape, for files that omit the type).
// Unknown kinds of node become processes so their threats are not lost;
// ends says the cell has both a source and a target.
func tdKind(typ, shape string, ends bool) model.ElementKind {
	switch {
	case typ == "tm.Actor" || shape == "actor":
		return model.KindExternalEntity
	case typ == "tm.Store" || shape == "store":
		return model.KindDataStore
	case typ == "tm.Flow" || shape == "flow":
		return model.KindDataFlow
	case typ == "tm.Boundary" || typ == "tm.BoundaryBox" || strings.HasPrefix(shape, "trust-boundary") || strings.HasPrefix(shape, "trust-broundary"):
		return model.KindTrustBoundary
	case typ == "tm.Process" || shape == "process":
		return model.KindProcess
	}
	if ends {
		return model.KindDataFlow
	}
	return model.KindProcess
}

// tdCellName is the name a cell shows: its data name, else the text drawn
// on it (boxes and flows often carry only a label).
func tdCellName(c jnode) string {
	candidates := []jnode{
		c.get("data").get("name"),
		c.get("attrs").get("text").get("text"),
		c.get("attrs").get("label").get("text"),
	}
	if labels, ok := c.get("labels").v.([]any); ok && len(labels) > 0 {
		candidates = append(candidates, jnode{v: labels[0]}.get("attrs").get("labelText").get("text"))
	}
	for _, n := range candidates {
		if s, ok := n.v.(string); ok && strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

func sameShape(a, b model.ElementKind) bool {
	sa, _ := tdShape(a)
	sb, _ := tdShape(b)
	return sa == sb
}

// tdEnd reads a flow end: {"cell": id} when attached, {"x", "y"} when
// loose; a bare string is an id too.
func tdEnd(r *jreader, n jnode) string {
	if s, ok := n.v.(string); ok {
		return s
	}
	r.object(n)
	return r.str(n.get("cell"))
}

// assignZones puts each node in the trust zone of the smallest
// trust-boundary box around its centre, and a flow in its ends' zone when
// they share one.
func assignZones(cells []*tdCell) {
	var boxes []*tdCell
	for _, c := range cells {
		if c.box && c.hasGeometry && model.CleanLine(c.name) != "" {
			boxes = append(boxes, c)
		}
	}
	if len(boxes) == 0 {
		return
	}
	byID := map[string]*tdCell{}
	for _, c := range cells {
		byID[strconv.Itoa(c.diagram)+"/"+c.id] = c
		if c.box || !c.hasGeometry || c.kind == model.KindDataFlow {
			continue
		}
		cx, cy := c.x+c.w/2, c.y+c.h/2
		var best *tdCell
		for _, bx := range boxes {
			if bx.diagram == c.diagram && cx >= bx.x && cx <= bx.x+bx.w && cy >= bx.y && cy <= bx.y+bx.h && (best == nil || bx.w*bx.h < best.w*best.h) {
				best = bx
			}
		}
		if best != nil {
			c.zone = model.CleanLine(best.name)
		}
	}
	for _, c := range cells {
		if c.kind != model.KindDataFlow {
			continue
		}
		src, tgt := byID[strconv.Itoa(c.diagram)+"/"+c.source], byID[strconv.Itoa(c.diagram)+"/"+c.target]
		if src != nil && tgt != nil && src.zone == tgt.zone {
			c.zone = src.zone
		}
	}
}

// readTDThreats reads a cell's threats, appending them to out, and
// strips their texts from the kept document (the model holds them now).
func readTDThreats(r *jreader, c jnode, out []tdRawThreat) []tdRawThreat {
	start := len(out)
	for _, tn := range r.array(c.get("data").get("threats")) {
		obj := r.object(tn)
		var t tdRawThreat
		t.title = r.str(tn.get("title"))
		t.desc = r.str(tn.get("description"))
		t.mitigation = r.str(tn.get("mitigation"))
		t.status = r.str(tn.get("status"))
		t.severity = r.str(tn.get("severity"))
		t.typ, t.kind = r.str(tn.get("type")), r.str(tn.get("modelType"))
		r.text(tn.get("score"))
		if r.err != nil {
			return out[:start]
		}
		out = append(out, t)
		delete(obj, "title")
		delete(obj, "description")
		delete(obj, "mitigation")
	}
	return out
}

// severityBand maps Threat Dragon's severity (TBD, Low, Medium, High,
// Critical) to a risk band; an unknown or undecided severity is medium,
// which keeps it visible without claiming it is serious.
func severityBand(s string) model.RiskBand {
	switch word(s) {
	case "critical", "very-high":
		return model.RiskCritical
	case "high":
		return model.RiskHigh
	case "low", "very-low", "info", "informational":
		return model.RiskLow
	}
	return model.RiskMedium
}
