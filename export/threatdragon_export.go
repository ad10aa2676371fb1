package export

import (
	"cmp"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/threatdeck/threatdeck/model"
)

// tdVersion is the Threat Dragon version written into new files.
const tdVersion = "2.3.0"

// ThreatDragon writes m as a Threat Dragon version 2 model that validates
// against Threat Dragon's schema. A model imported from Threat Dragon gets
// its own file back: every cell keeps its id, geometry and style, every
// threat its id, number and score, with the model's current names,
// titles, statuses, severities and mitigations. Elements and threats added
// in threatdeck get new cells laid out below the diagram; deleted ones are
// left out. A native model gets a simple diagram: one column per trust
// zone, flows between the elements.
func ThreatDragon(m *model.Model) ([]byte, error) {
	doc, w, err := tdDocumentWriter(m)
	if err != nil {
		return nil, err
	}
	if w.ext.Document != nil || !w.rerunnable() {
		return treeFile(doc, nil)
	}
	// The document is written twice: once to count its bytes, once into
	// a buffer of that size. Writing it into pieces and joining them held
	// the whole file twice at the end.
	state := w.snapshot()
	var n countWriter
	if err := streamTree(&n, doc, "  "); err != nil {
		return nil, err
	}
	w.restore(state)
	out := sliceWriter(make([]byte, 0, n))
	if err := streamTree(&out, doc, "  "); err != nil {
		return nil, err
	}
	return out, nil
}

// WriteThreatDragon writes what ThreatDragon returns into out as it is
// made, so a file export never holds the whole document.
func WriteThreatDragon(out io.Writer, m *model.Model) error {
	doc, _, err := tdDocumentWriter(m)
	if err != nil {
		return err
	}
	return streamTree(out, doc, "  ")
}

// tdDocumentWriter is the Threat Dragon document for m, its cells made
// while it is written, and the writer that makes them.
func tdDocumentWriter(m *model.Model) (map[string]any, *tdWriter, error) {
	var ext tdExtension
	if raw, ok := m.Extensions[ToolThreatDragon]; ok {
		var err error
		if ext, err = decodeTDExtension(raw); err != nil {
			return nil, nil, fmt.Errorf("threat-dragon data kept with the model is damaged: %w", err)
		}
	}
	w := newTDWriter(m, ext)
	return w.document(), w, nil
}

// countWriter counts the bytes written to it.
type countWriter int

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}

// sliceWriter appends what is written to it.
type sliceWriter []byte

func (s *sliceWriter) Write(p []byte) (int, error) {
	*s = append(*s, p...)
	return len(p), nil
}

// tdWriterState is what writing the document changes in a tdWriter.
type tdWriterState struct {
	residuals map[string]map[string]any
	pending   map[tdCellKey]bool
	top       int
}

func (w *tdWriter) snapshot() tdWriterState {
	return tdWriterState{maps.Clone(w.residuals), maps.Clone(w.pending), w.top}
}

func (w *tdWriter) restore(s tdWriterState) {
	w.residuals, w.pending, w.top = maps.Clone(s.residuals), maps.Clone(s.pending), s.top
}

// rerunnable reports whether writing the document again (after
// restore) writes the same bytes: every cell is made afresh as it is
// written (kept in its bytes, or added by threatdeck), so writing one
// changes nothing another writing reads.
func (w *tdWriter) rerunnable() bool {
	for _, d := range w.diagrams {
		for _, c := range arrayAt(d, "cells") {
			switch c := c.(type) {
			case *lazyJSON, *tdNewCell:
			case map[string]any:
				// Only the cell of unlinked threats, made before writing.
				orphan := w.cellOf["unlinked"].Cell
				if _, imported := w.imported[cellKey(0, orphan)]; orphan == "" || imported || c["id"] != orphan {
					return false
				}
			default:
				return false
			}
		}
	}
	return true
}

// tdWriter rebuilds a Threat Dragon document from a model and the
// document kept at import (or an empty one).
type tdWriter struct {
	m        *model.Model
	ext      tdExtension
	doc      map[string]any
	diagrams []map[string]any
	// cellOf says where each element's cell is.
	cellOf map[string]tdRef
	// imported maps a kept cell to the element imported from it, even
	// one since deleted (its cell is then left out).
	imported map[tdCellKey]string
	// residuals are the imported threats' other fields, by threat id.
	residuals map[string]map[string]any
	// homes lists the threats to write on each cell.
	homes   map[tdCellKey][]*model.Threat
	top     int // highest threat number
	elemIdx map[string]int
	// cellIndex finds the kept document's cells by cellKey (findCell):
	// each is an object or, until it is written, its bytes (*lazyJSON);
	// cellDups says a diagram uses a cell id twice.
	cellIndex map[tdCellKey]any
	cellDups  bool
	// byCell lists the imported threats of each kept cell; pending holds
	// the cells whose threats' other fields are not read yet: each is
	// read as its cell is written (collectCell), so they are not all held
	// at once.
	byCell  map[tdCellKey][]tdThreatAt
	pending map[tdCellKey]bool
	// names interns the member names of the cells built.
	names map[string]string
	// stamp and idBuf make newID's input; types caches tdType for
	// threats with no kept type.
	stamp string
	idBuf []byte
	types map[[2]string][2]string
	// raw reads kept cells from their bytes (writeKept).
	raw tdRaw
	// threatObj is the one map every kept threat written straight from
	// its cell's bytes is made in (threatArray), emptied for each: a map
	// per threat was a quarter of what such an export allocated.
	threatObj map[string]any
	setDesc   bool // unchanged says the description is to be written
	// treeOnly writes every kept cell through its tree, as a test
	// compares the two ways.
	treeOnly bool
}

func newTDWriter(m *model.Model, ext tdExtension) *tdWriter {
	w := &tdWriter{m: m, ext: ext, cellOf: map[string]tdRef{}, imported: map[tdCellKey]string{}, residuals: map[string]map[string]any{}, homes: map[tdCellKey][]*model.Threat{}, elemIdx: map[string]int{}, names: make(map[string]string, 64)}
	for i, e := range m.Surface {
		w.elemIdx[e.ID] = i
	}
	w.doc = ext.Document
	if w.doc == nil {
		w.doc = map[string]any{}
	}
	return w
}

// tdCellKey names a cell of the kept document: its diagram's index and
// its id. A struct rather than the text "diagram/cell": making that text
// was a million allocations of an export of 100,000 cells.
type tdCellKey struct {
	diagram int
	cell    string
}

func cellKey(diagram int, cell string) tdCellKey { return tdCellKey{diagram, cell} }

// noCell is the key of the threats linked to no element (placeThreats):
// no diagram has its index.
var noCell = tdCellKey{diagram: -1}

// document fills in the kept document (or a new one) from the model.
func (w *tdWriter) document() map[string]any {
	m := w.m
	detail := objectAt(w.doc, "detail")
	for _, d := range arrayAt(detail, "diagrams") {
		if obj, ok := d.(map[string]any); ok {
			w.diagrams = append(w.diagrams, obj)
		}
	}
	if len(w.diagrams) == 0 {
		w.diagrams = []map[string]any{newTDDiagram(0, m.Overview.Title)}
	}
	w.collectImported()

	// New elements get cells in the first diagram.
	var fresh []model.SurfaceElement
	for _, e := range m.Surface {
		if _, ok := w.cellOf[e.ID]; !ok {
			fresh = append(fresh, e)
		}
	}
	w.placeThreats(fresh)
	// A threat written on another cell than the one it was imported on
	// takes its other fields from that cell, read now.
	for key, list := range w.homes {
		if key == noCell && len(list) > 0 {
			w.collectAll()
			break
		}
		for _, t := range list {
			if ref, ok := w.ext.Threats[t.ID]; ok {
				if from := cellKey(ref.Diagram, ref.Cell); from != key && w.pending[from] {
					w.collectCell(from, w.findCell(ref.Diagram, ref.Cell))
				}
			}
		}
	}
	first := w.diagrams[0]
	cells := arrayAt(first, "cells")
	cells = append(cells, w.layout(fresh, cells)...)
	first["cells"] = cells
	if orphans := w.homes[noCell]; len(orphans) > 0 {
		first["cells"] = append(cells, w.orphanCell(cells, orphans))
	}

	// Each diagram's cells are made while the file is written, one at a
	// time, in the order they were always made in (diagram by diagram):
	// a new threat's number is the next one then.
	for di, d := range w.diagrams {
		list := arrayAt(d, "cells")
		d["cells"] = treeStream(func(yield func(any) error) error {
			for _, c := range list {
				if nc, ok := c.(*tdNewCell); ok {
					key := cellKey(di, w.cellOf[nc.e.ID].Cell)
					if _, imp := w.imported[key]; !imp {
						threats, has := w.homes[key]
						err := yield(treeRaw(func(dst []byte, indent string, depth int) ([]byte, error) {
							return w.newCell(dst, indent, depth, nc, threats, has)
						}))
						if err != nil {
							return err
						}
						continue
					}
				}
				if l, ok := c.(*lazyJSON); ok && !w.treeOnly {
					if v, skip, ok := w.writeKept(l.raw, di); ok {
						if skip {
							continue
						}
						if err := yield(v); err != nil {
							return err
						}
						continue
					}
				}
				cell := cellObject(c, w.names)
				if cell == nil {
					if err := yield(c); err != nil {
						return err
					}
					continue
				}
				id, _ := cell["id"].(string)
				key := cellKey(di, id)
				if eid, ok := w.imported[key]; ok {
					if _, live := w.elemIdx[eid]; !live {
						continue // deleted in threatdeck
					}
					w.collectCell(key, cell)
					e := m.Surface[w.elemIdx[eid]]
					cell = w.reshape(cell, e)
					w.updateCell(cell, e, di)
					w.writeThreats(cell, w.homes[key])
				} else if threats, ok := w.homes[key]; ok {
					w.writeThreats(cell, threats)
				}
				if err := yield(cell); err != nil {
					return err
				}
			}
			return nil
		})
		setDefault(d, "id", json.Number(strconv.Itoa(di)))
		setDefault(d, "title", "Diagram "+strconv.Itoa(di+1))
		setDefault(d, "diagramType", "STRIDE")
		setDefault(d, "thumbnail", "./public/content/images/thumbnail.stride.jpg")
		setDefault(d, "version", tdVersion)
	}
	diagrams := make([]any, len(w.diagrams))
	for i, d := range w.diagrams {
		diagrams[i] = d
	}

	summary := objectAt(w.doc, "summary")
	keepText(summary, "title", m.Overview.Title, model.CleanLine)
	keepText(summary, "owner", m.Overview.Owner, model.CleanLine)
	keepText(summary, "description", m.Overview.Summary, cleanBlock)
	setDefault(summary, "id", json.Number("0"))
	w.doc["summary"] = summary

	var contributors []any
	reviewer := ""
	for _, p := range m.Overview.Participants {
		if name, ok := strings.CutSuffix(p, reviewerSuffix); ok && reviewer == "" {
			reviewer = name
			continue
		}
		contributors = append(contributors, map[string]any{"name": p})
	}
	if contributors == nil {
		contributors = []any{}
	}
	detail["contributors"] = contributors
	detail["reviewer"] = reviewer
	detail["diagrams"] = diagrams
	setDefault(detail, "diagramTop", json.Number(strconv.Itoa(len(diagrams))))
	kept, had := numberAt(detail, "threatTop")
	// threatTop is written after the diagrams (members are written in key
	// order), when every new threat has its number.
	detail["threatTop"] = treeLater(func() any {
		w.collectAll()
		top := w.top
		if had {
			top = max(top, kept)
		}
		return json.Number(strconv.Itoa(top))
	})
	w.doc["detail"] = detail
	setDefault(w.doc, "version", tdVersion)
	return w.doc
}

// collectImported indexes the kept document: which element came from
// which cell, and each imported threat's other fields.
func (w *tdWriter) collectImported() {
	for eid, ref := range w.ext.Cells {
		if ref.Diagram < 0 || ref.Diagram >= len(w.diagrams) {
			continue
		}
		key := cellKey(ref.Diagram, ref.Cell)
		w.imported[key] = eid
		if _, live := w.elemIdx[eid]; live && w.keptCell(ref.Diagram, ref.Cell) != nil {
			w.cellOf[eid] = ref
		}
	}
	// Threats are looked up cell by cell, so each kept cell is built once.
	w.byCell, w.pending = map[tdCellKey][]tdThreatAt{}, map[tdCellKey]bool{}
	for tid, ref := range w.ext.Threats {
		if ref.Diagram < 0 || ref.Diagram >= len(w.diagrams) {
			continue
		}
		key := cellKey(ref.Diagram, ref.Cell)
		w.byCell[key] = append(w.byCell[key], tdThreatAt{tid, ref})
		w.pending[key] = true
	}
	if w.keptCell(0, ""); w.cellDups {
		// Which of two cells of one id a threat is on is the first's
		// (keptCell): read them all now.
		w.collectAll()
	}
}

// tdThreatAt is an imported threat and where it was.
type tdThreatAt struct {
	id  string
	ref tdRef
}

// collectCell reads the other fields of the imported threats on the
// kept cell key, cell as built, and the highest threat number among them.
func (w *tdWriter) collectCell(key tdCellKey, cell map[string]any) {
	if !w.pending[key] {
		return
	}
	w.collectThreats(key, arrayAt(objectAt(cell, "data"), "threats"))
}

// collectThreats is collectCell given the cell's list of threats.
func (w *tdWriter) collectThreats(key tdCellKey, threats []any) {
	if !w.pending[key] {
		return
	}
	delete(w.pending, key)
	for _, at := range w.byCell[key] {
		if at.ref.Index >= 0 && at.ref.Index < len(threats) {
			if obj, ok := threats[at.ref.Index].(map[string]any); ok {
				w.residuals[at.id] = obj
				if n, ok := numberAt(obj, "number"); ok {
					w.top = max(w.top, n)
				}
			}
		}
	}
}

// collectAll reads the cells collectCell has not read yet, so the
// highest threat number is known (a new threat takes the next one).
func (w *tdWriter) collectAll() {
	for key := range w.pending {
		list := w.byCell[key]
		w.collectCell(key, w.findCell(list[0].ref.Diagram, list[0].ref.Cell))
	}
}

// findCell finds a cell of the kept document by id and gives it as an
// object to read (see keptCell).
func (w *tdWriter) findCell(diagram int, id string) map[string]any {
	return cellObject(w.keptCell(diagram, id), w.names)
}

// keptCell finds a cell of the kept document by id, through an index
// built on first use: a scan per lookup made exporting quadratic.
func (w *tdWriter) keptCell(diagram int, id string) any {
	if diagram < 0 || diagram >= len(w.diagrams) {
		return nil
	}
	if w.cellIndex == nil {
		w.cellIndex = map[tdCellKey]any{}
		for di, d := range w.diagrams {
			for _, c := range arrayAt(d, "cells") {
				if cellObjectLike(c) {
					if cid, ok := cellID(c); ok {
						if _, dup := w.cellIndex[cellKey(di, cid)]; !dup {
							w.cellIndex[cellKey(di, cid)] = c
						}
					}
				}
			}
		}
	}
	return w.cellIndex[cellKey(diagram, id)]
}

// placeThreats decides which cell each threat is written on: where it
// was, while that cell's element is still linked; otherwise its first
// element; threats linked to no element go on one extra cell (noCell).
func (w *tdWriter) placeThreats(fresh []model.SurfaceElement) {
	for _, e := range fresh {
		w.cellOf[e.ID] = tdRef{Diagram: 0, Cell: w.newID("cell", e.ID)}
	}
	for i := range w.m.Threats {
		t := &w.m.Threats[i]
		home := noCell
		if ref, ok := w.ext.Threats[t.ID]; ok {
			if eid, ok := w.imported[cellKey(ref.Diagram, ref.Cell)]; ok && slices.Contains(t.Surface, eid) {
				if at, ok := w.cellOf[eid]; ok {
					home = cellKey(at.Diagram, at.Cell)
				}
			}
		}
		for _, eid := range t.Surface {
			if home != noCell {
				break
			}
			if at, ok := w.cellOf[eid]; ok {
				home = cellKey(at.Diagram, at.Cell)
			}
		}
		w.homes[home] = append(w.homes[home], t)
	}
	// Imported threats keep their order on their cell; new ones follow.
	for key, list := range w.homes {
		slices.SortStableFunc(list, func(a, b *model.Threat) int {
			ra, okA := w.ext.Threats[a.ID]
			rb, okB := w.ext.Threats[b.ID]
			okA = okA && cellKey(ra.Diagram, ra.Cell) == key
			okB = okB && cellKey(rb.Diagram, rb.Cell) == key
			switch {
			case okA && okB:
				return cmp.Compare(ra.Index, rb.Index)
			case okA:
				return -1
			case okB:
				return 1
			}
			return 0
		})
	}
}

// updateCell writes an element's current name, description and flow ends
// into its imported cell, keeping the original text where it has not
// changed (Threat Dragon names may hold line breaks threatdeck folds).
func (w *tdWriter) updateCell(cell map[string]any, e model.SurfaceElement, diagram int) {
	data := objectAt(cell, "data")
	cell["data"] = data
	oldName := tdCellName(jnode{v: cell})
	if model.CleanLine(oldName) == "" && w.ext.Defaults[e.ID] == e.Name {
		oldName = e.Name // a name threatdeck made up stays out of the file
	}
	if model.CleanLine(oldName) != e.Name {
		data["name"] = e.Name
		for _, path := range [][]string{{"attrs", "text", "text"}, {"attrs", "label", "text"}} {
			if s, ok := stringAtPath(cell, path...); ok && model.CleanLine(s) == model.CleanLine(oldName) {
				setAtPath(cell, e.Name, path...)
			}
		}
		if labels, ok := cell["labels"].([]any); ok && len(labels) > 0 {
			if l, ok := labels[0].(map[string]any); ok {
				if s, ok := stringAtPath(l, "attrs", "labelText", "text"); ok && model.CleanLine(s) == model.CleanLine(oldName) {
					setAtPath(l, e.Name, "attrs", "labelText", "text")
				}
			}
		}
	}
	keepText(data, "description", e.Description, cleanBlock)
	if e.Kind != model.KindDataFlow {
		return
	}
	for _, end := range []struct{ key, id string }{{"source", e.Source}, {"target", e.Target}} {
		at, ok := w.cellOf[end.id]
		if !ok || at.Diagram != diagram {
			continue
		}
		if obj, ok := cell[end.key].(map[string]any); ok && obj["cell"] == at.Cell {
			continue // unchanged: keep the port
		}
		cell[end.key] = map[string]any{"cell": at.Cell}
	}
	// An end whose element was deleted would dangle; pin it where the
	// element was instead.
	for _, key := range []string{"source", "target"} {
		obj, ok := cell[key].(map[string]any)
		if !ok {
			continue
		}
		id, ok := obj["cell"].(string)
		if !ok {
			continue
		}
		if eid, imported := w.imported[cellKey(diagram, id)]; imported {
			if _, live := w.elemIdx[eid]; !live {
				x, y := w.cellCentre(diagram, id)
				cell[key] = map[string]any{"x": json.Number(strconv.Itoa(x)), "y": json.Number(strconv.Itoa(y))}
			}
		}
	}
}

func (w *tdWriter) cellCentre(diagram int, id string) (int, int) {
	c := w.findCell(diagram, id)
	x, _ := floatAtPath(c, "position", "x")
	y, _ := floatAtPath(c, "position", "y")
	width, _ := floatAtPath(c, "size", "width")
	height, _ := floatAtPath(c, "size", "height")
	return int(x + width/2), int(y + height/2)
}

// reshape redraws a cell whose element changed kind in threatdeck so its
// shape matches, keeping its id and place.
func (w *tdWriter) reshape(cell map[string]any, e model.SurfaceElement) map[string]any {
	shape, typ := tdShape(e.Kind)
	data := objectAt(cell, "data")
	if old, _ := cell["shape"].(string); old == shape || (shape == "trust-boundary-box" && strings.HasPrefix(old, "trust-b")) {
		if k, _ := data[kindThreatdeck].(string); k != "" && k != string(e.Kind) {
			data[kindThreatdeck] = string(e.Kind)
		}
		return cell
	}
	id, _ := cell["id"].(string)
	w.cellOf[e.ID] = tdRef{Diagram: w.cellOf[e.ID].Diagram, Cell: id}
	if shape == "flow" {
		return w.flowCell(e, tdMargin)
	}
	x, _ := floatAtPath(cell, "position", "x")
	y, _ := floatAtPath(cell, "position", "y")
	width, height := tdSize(e.Kind)
	fresh := w.nodeCell(e, x, y, width, height)
	_ = typ
	return fresh
}

// writeThreats replaces a cell's threats with the model's, each keeping
// the fields threatdeck has no place for (id, number, score …).
func (w *tdWriter) writeThreats(cell map[string]any, threats []*model.Threat) {
	data := objectAt(cell, "data")
	cell["data"] = data
	if _, had := data["threats"]; !had && len(threats) == 0 {
		return
	}
	list := make([]any, 0, len(threats))
	open := false
	for _, t := range threats {
		list = append(list, w.threatJSON(t))
		open = open || t.IsOpen()
	}
	data["threats"] = list
	data["hasOpenThreats"] = open
}

func (w *tdWriter) threatJSON(t *model.Threat) map[string]any {
	return w.threatInto(make(map[string]any, len(w.residuals[t.ID])+8), t)
}

// threatInto is threatJSON filling obj, which is empty.
func (w *tdWriter) threatInto(obj map[string]any, t *model.Threat) map[string]any {
	res := w.residuals[t.ID]
	delete(w.residuals, t.ID) // each threat is written once
	for k, v := range res {
		obj[k] = v
	}
	if obj["id"] == nil && obj["threatId"] == nil {
		obj["id"] = w.newID("threat", t.ID)
	}
	if res == nil { // added in threatdeck
		w.collectAll()
		w.top++
		obj["number"] = json.Number(strconv.Itoa(w.top))
		obj["score"] = ""
	}
	obj["title"] = t.Title
	obj["description"] = t.Description
	var mits []string
	for _, mt := range t.Mitigations {
		mits = append(mits, mt.Description)
	}
	obj["mitigation"] = strings.Join(mits, "\n\n")
	raw, _ := obj["status"].(string)
	if raw == "" || statusFrom(raw) != t.Status {
		obj["status"] = tdStatus(t.Status)
	}
	raw, _ = obj["severity"].(string)
	if raw == "" || severityBand(raw) != t.Band() {
		obj["severity"] = titleCase(string(t.Band()))
	}
	obj["type"], obj["modelType"] = tdType(t, obj)
	if v, had := res["type"]; had && v == nil {
		// Threat Dragon writes "type": null for a threat not yet
		// classified; while it still is not, it stays null rather than
		// coming back as the "Unclassified" it reads as.
		rawModel, _ := res["modelType"].(string)
		if meth, cat := classify("", rawModel, "Threat Dragon"); meth == t.Methodology && cat == t.Category {
			obj["type"] = nil
		}
	}
	return obj
}

func tdStatus(s model.ThreatStatus) string {
	switch s {
	case model.StatusMitigated:
		return "Mitigated"
	case model.StatusNotApplicable:
		return "NotApplicable"
	case model.StatusAccepted:
		return "Accepted"
	case model.StatusTransferred:
		return "Transferred"
	}
	return "Open"
}

// tdType gives a threat's type and modelType, keeping the file's own
// words while they still mean the threat's category.
func tdType(t *model.Threat, res map[string]any) (string, string) {
	rawType, _ := res["type"].(string)
	rawModel, _ := res["modelType"].(string)
	meth, cat := classify(rawType, rawModel, "Threat Dragon")
	same := rawType != "" && meth == t.Methodology && cat == t.Category
	if t.Methodology == "" {
		if same {
			return rawType, orDefault(rawModel, "STRIDE")
		}
		return tdStrideLabel(t.Category), "STRIDE"
	}
	modelType := t.Methodology
	if t.Methodology == "Threat Dragon" {
		modelType = orDefault(rawModel, "STRIDE")
	}
	if same {
		return rawType, modelType
	}
	return string(t.Category), modelType
}

// tdStrideLabel spells a category the way Threat Dragon's menu does.
func tdStrideLabel(s model.Stride) string {
	l := s.Label()
	return l[:1] + strings.ToLower(l[1:])
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// newID makes a stable UUID-shaped id for something threatdeck adds, so
// exporting the same model twice gives the same file.
func (w *tdWriter) newID(kind, id string) string {
	if w.stamp == "" {
		w.stamp = w.m.Overview.Created.UTC().Format("20060102150405")
	}
	b := append(w.idBuf[:0], "threatdeck/"...)
	b = append(append(append(b, kind...), '/'), w.m.Overview.Title...)
	b = append(append(append(append(b, '/'), w.stamp...), '/'), id...)
	w.idBuf = b
	sum := sha1.Sum(b)
	sum[6] = sum[6]&0x0f | 0x50 // version 5 (name-based)
	sum[8] = sum[8]&0x3f | 0x80 // RFC 4122 variant
	var out [36]byte
	hex.Encode(out[0:8], sum[0:4])
	hex.Encode(out[9:13], sum[4:6])
	hex.Encode(out[14:18], sum[6:8])
	hex.Encode(out[19:23], sum[8:10])
	hex.Encode(out[24:36], sum[10:16])
	out[8], out[13], out[18], out[23] = '-', '-', '-', '-'
	return string(out[:])
}

// cleanBlock is how the model cleans multi-line text.
func cleanBlock(s string) string { return strings.TrimRight(model.CleanText(s), " \t\n") }

// keepText sets obj[key] to v unless the value there already cleans to v.
func keepText(obj map[string]any, key, v string, clean func(string) string) {
	if old, ok := obj[key].(string); ok && clean(old) == v {
		return
	}
	obj[key] = v
}

func setDefault(obj map[string]any, key string, v any) {
	if _, ok := obj[key]; !ok {
		obj[key] = v
	}
}

func objectAt(obj map[string]any, key string) map[string]any {
	if o, ok := obj[key].(map[string]any); ok {
		return o
	}
	return map[string]any{}
}

func arrayAt(obj map[string]any, key string) []any {
	a, _ := obj[key].([]any)
	return a
}

func numberAt(obj map[string]any, key string) (int, bool) {
	switch v := obj[key].(type) {
	case json.Number:
		if f, err := v.Float64(); err == nil {
			return int(f), true
		}
	case float64:
		return int(v), true
	}
	return 0, false
}

func stringAtPath(obj map[string]any, path ...string) (string, bool) {
	for _, k := range path[:len(path)-1] {
		next, ok := obj[k].(map[string]any)
		if !ok {
			return "", false
		}
		obj = next
	}
	s, ok := obj[path[len(path)-1]].(string)
	return s, ok
}

func setAtPath(obj map[string]any, v any, path ...string) {
	for _, k := range path[:len(path)-1] {
		next, ok := obj[k].(map[string]any)
		if !ok {
			return
		}
		obj = next
	}
	obj[path[len(path)-1]] = v
}

func floatAtPath(obj map[string]any, path ...string) (float64, bool) {
	for _, k := range path[:len(path)-1] {
		next, ok := obj[k].(map[string]any)
		if !ok {
			return 0, false
		}
		obj = next
	}
	switch v := obj[path[len(path)-1]].(type) {
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case float64:
		return v, true
	}
	return 0, false
}
