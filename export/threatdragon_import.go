package export

import (
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
	// (tdTraits), threats the cell's threats, read with the cell.
	traits  model.SurfaceElement
	threats []tdPendingThreat
}

// tdPendingThreat is a threat read from a cell, queued once the cell's
// element has its id.
type tdPendingThreat struct {
	t     model.Threat
	path  string
	index int
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

	var cells []*tdCell
	byKey := map[string]*tdCell{}
	seen := map[string]string{}
	// Each cell is read once, whole: the reader r takes what makes the
	// element, rt the cell's threats. A cell is then kept compact in the
	// document and its tree dropped, so a 100,000-cell file is never
	// held as one tree. rt's first problem counts only when r has none,
	// as when the threats were read after every cell.
	rt := &jreader{file: r.file}
	names := make(map[string]string, 64)
	// The kept cells are written one after another into arenas of about a
	// megabyte, rather than each into its own slice.
	var arena []byte
	size := 0
	for di, d := range r.array(detail.get("diagrams")) {
		r.object(d)
		if g := d.get("diagramJson"); g.present {
			// upgradeTDv1 leaves only a graph it cannot read.
			r.fail(g.path, "want a Threat Dragon version 1 diagram: an object with a list of cells, got %s", typeName(g.v))
			return ov
		}
		list := d.get("cells")
		kept, _ := list.v.([]any)
		for ci, c := range r.array(list) {
			if l, ok := c.v.(*lazyJSON); ok {
				obj, ok := l.build(names)
				if !ok {
					r.fail(c.path, "is not a valid JSON object")
					return ov
				}
				c.v = obj
			}
			obj := r.object(c)
			idNode := c.get("id")
			id := r.str(idNode)
			if r.err != nil {
				return ov
			}
			if strings.TrimSpace(id) == "" {
				r.fail(idNode.path, "is missing; every Threat Dragon cell has an id")
				return ov
			}
			key := strconv.Itoa(di) + "/" + id
			if prev, dup := seen[key]; dup {
				r.fail(idNode.path, "cell id %q is used twice in this diagram (also at %s)", id, prev)
				return ov
			}
			seen[key] = c.path
			cell := readTDCell(r, c, di, id)
			if cell != nil {
				cell.elementID = model.FormatID(model.PrefixSurface, len(cells)+1)
				cells = append(cells, cell)
				byKey[key] = cell
				tdTraits(&cell.traits, c.get("data"))
				cell.threats = readTDThreats(rt, c, cell.elementID)
			}
			if r.err != nil {
				return ov
			}
			if cap(arena)-len(arena) < 64<<10 {
				arena = make([]byte, 0, 1<<20)
			}
			start := len(arena)
			var err error
			if arena, err = appendTree(arena, obj, "", 0); err != nil {
				r.fail(c.path, "cannot be kept: %v", err)
				return ov
			}
			kept[ci] = &lazyJSON{raw: arena[start:len(arena):len(arena)], compact: true}
			size += len(arena) - start
		}
	}
	if r.err == nil {
		r.err = rt.err
	}
	if r.err != nil {
		return ov
	}
	assignZones(cells)

	nThreats := 0
	for _, c := range cells {
		nThreats += len(c.threats)
	}
	b.reserve(len(cells), nThreats)
	ext := tdExtension{Cells: make(map[string]tdRef, len(cells)), Threats: make(map[string]tdRef, nThreats), size: size}
	for _, c := range cells {
		e := c.traits
		e.Name, e.Kind, e.Description, e.TrustZone = c.name, c.kind, c.desc, c.zone
		if c.kind == model.KindDataFlow {
			src, tgt := byKey[strconv.Itoa(c.diagram)+"/"+c.source], byKey[strconv.Itoa(c.diagram)+"/"+c.target]
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
		for _, p := range c.threats {
			b.threat(&p.t, p.path)
			ext.Threats[p.t.ID] = tdRef{Diagram: c.diagram, Cell: c.id, Index: p.index}
		}
		c.threats = nil // queued: the cell's copies can go
	}
	if doc, ok := root.v.(map[string]any); ok {
		ext.Document = doc
	}
	b.extension(ToolThreatDragon, &ext)
	return ov
}

// readTDCell reads one cell; free-text blocks give nil.
func readTDCell(r *jreader, c jnode, diagram int, id string) *tdCell {
	data := c.get("data")
	r.object(data)
	typ, shape := r.str(data.get("type")), r.str(c.get("shape"))
	if typ == "tm.Text" || shape == "td-text-block" || (typ == "" && shape == "") {
		return nil
	}
	cell := &tdCell{path: c.path, diagram: diagram, id: id, kind: tdKind(typ, shape, c)}
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
// Unknown kinds of node become processes so their threats are not lost.
func tdKind(typ, shape string, c jnode) model.ElementKind {
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
	if !c.get("source").null() && !c.get("target").null() {
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

// readTDThreats reads a cell's threats as threats on its element, and
// strips their texts from the kept document (the model holds them now).
func readTDThreats(r *jreader, c jnode, elementID string) []tdPendingThreat {
	var out []tdPendingThreat
	for i, tn := range r.array(c.get("data").get("threats")) {
		obj := r.object(tn)
		title := r.str(tn.get("title"))
		desc := r.str(tn.get("description"))
		mitigation := r.str(tn.get("mitigation"))
		status := statusFrom(r.str(tn.get("status")))
		band := severityBand(r.str(tn.get("severity")))
		methodology, category := classify(r.str(tn.get("type")), r.str(tn.get("modelType")), "Threat Dragon")
		r.text(tn.get("score"))
		if r.err != nil {
			return nil
		}
		t := model.Threat{
			Title:       title,
			Description: desc,
			Methodology: methodology,
			Category:    category,
			Status:      status,
			Surface:     []string{elementID},
		}
		t.Likelihood, t.Impact = model.BandRatings(band)
		if strings.TrimSpace(model.CleanText(mitigation)) != "" { // an escape alone is as empty as nothing
			ms := model.MitigationPlanned
			if status == model.StatusMitigated {
				ms = model.MitigationImplemented
			}
			t.Mitigations = []model.Mitigation{{Description: mitigation, Status: ms}}
		}
		out = append(out, tdPendingThreat{t: t, path: tn.path, index: i})
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
