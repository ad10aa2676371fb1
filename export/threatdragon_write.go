package export

import (
	"bytes"
	"errors"
	"strconv"
	"strings"

	"github.com/threatdeck/threatdeck/model"
)

// The cells threatdeck adds to a Threat Dragon diagram, and the threats
// it adds, are written here straight as bytes: exactly what the tree
// writer makes of nodeCell, flowCell and threatJSON (keys in order, the
// same layout), without a map per cell and per threat. A native model of
// 100,000 elements is all such cells.

// tdJSON appends JSON laid out as the tree writer lays it out.
type tdJSON struct {
	dst    []byte
	indent string
	depth  int
	// empty says, for each open object or array, that nothing is in it yet.
	empty []bool
}

func (j *tdJSON) open(c byte) {
	j.dst = append(j.dst, c)
	j.depth++
	j.empty = append(j.empty, true)
}

func (j *tdJSON) close(c byte) {
	j.depth--
	n := len(j.empty) - 1
	if !j.empty[n] {
		j.dst = newline(j.dst, j.indent, j.depth)
	}
	j.empty = j.empty[:n]
	j.dst = append(j.dst, c)
}

// next starts a member or an element.
func (j *tdJSON) next() {
	n := len(j.empty) - 1
	if !j.empty[n] {
		j.dst = append(j.dst, ',')
	}
	j.empty[n] = false
	j.dst = newline(j.dst, j.indent, j.depth)
}

func (j *tdJSON) key(k string) {
	j.next()
	j.dst = appendJSONString(j.dst, k)
	j.dst = append(j.dst, ':')
	if j.indent != "" {
		j.dst = append(j.dst, ' ')
	}
}

func (j *tdJSON) str(k, v string) {
	j.key(k)
	j.dst = appendJSONString(j.dst, v)
}

func (j *tdJSON) raw(k, v string) {
	j.key(k)
	j.dst = append(j.dst, v...)
}

func (j *tdJSON) boolean(k string, v bool) {
	j.key(k)
	j.dst = strconv.AppendBool(j.dst, v)
}

func (j *tdJSON) num(k string, f float64) {
	j.key(k)
	j.dst = strconv.AppendFloat(j.dst, f, 'f', -1, 64)
}

// stroke writes the line style nodeCell gives a shape's outline.
func (j *tdJSON) stroke(k string) {
	j.key(k)
	j.open('{')
	j.str("stroke", "#333333")
	j.str("strokeDasharray", "")
	j.raw("strokeWidth", "1.5")
	j.close('}')
}

// newCell writes the cell c draws, with the threats placed on it (has:
// writeThreats was given them), as the tree writer writes c.build()
// after writeThreats.
func (w *tdWriter) newCell(dst []byte, indent string, depth int, c *tdNewCell, threats []*model.Threat, has bool) ([]byte, error) {
	j := tdJSON{dst: dst, indent: indent, depth: depth}
	j.open('{')
	var err error
	if c.flow {
		err = w.flowJSON(&j, c.e, c.y, threats, has)
	} else {
		err = w.nodeJSON(&j, c.e, c.x, c.y, c.width, c.height, threats, has)
	}
	if err != nil {
		return nil, err
	}
	j.close('}')
	return j.dst, nil
}

// nodeJSON is nodeCell's members.
func (w *tdWriter) nodeJSON(j *tdJSON, e model.SurfaceElement, x, y, width, height float64, threats []*model.Threat, has bool) error {
	shape, typ := tdShape(e.Kind)
	j.key("attrs")
	j.open('{')
	switch shape {
	case "store":
		j.stroke("bottomLine")
		j.text("text", e.Name)
		j.stroke("topLine")
	case "trust-boundary-box":
		j.text("label", e.Name)
	default: // actor, process
		j.stroke("body")
		j.text("text", e.Name)
	}
	j.close('}')

	j.key("data")
	j.open('{')
	j.str("description", e.Description)
	switch shape {
	case "store":
		w.threatsJSON(j, threats, has)
		j.boolean("isALog", false)
		j.boolean("isEncrypted", false)
		j.boolean("isSigned", false)
		j.str("name", e.Name)
		j.boolean("outOfScope", false)
		j.str("reasonOutOfScope", "")
		j.boolean("storesCredentials", false)
	case "actor":
		w.threatsJSON(j, threats, has)
		j.str("name", e.Name)
		j.boolean("outOfScope", false)
		j.boolean("providesAuthentication", false)
		j.str("reasonOutOfScope", "")
	case "trust-boundary-box":
		w.threatsJSON(j, threats, has)
		j.boolean("isTrustBoundary", true)
		j.str("name", e.Name)
	default:
		j.boolean("handlesCardPayment", false)
		j.boolean("handlesGoodsOrServices", false)
		w.threatsJSON(j, threats, has)
		j.boolean("isWebApplication", false)
		j.str("name", e.Name)
		j.boolean("outOfScope", false)
		j.str("privilegeLevel", "")
		j.str("reasonOutOfScope", "")
	}
	j.str(kindThreatdeck, string(e.Kind))
	if err := w.threatList(j, threats, has); err != nil {
		return err
	}
	j.str("type", typ)
	j.close('}')

	j.str("id", w.cellOf[e.ID].Cell)
	j.key("position")
	j.open('{')
	j.num("x", x)
	j.num("y", y)
	j.close('}')
	j.str("shape", shape)
	j.key("size")
	j.open('{')
	j.num("height", height)
	j.num("width", width)
	j.close('}')
	j.boolean("visible", true)
	if shape == "trust-boundary-box" {
		j.raw("zIndex", "-1")
	} else {
		j.raw("zIndex", "1")
	}
	return nil
}

// text writes {"text": s} under k.
func (j *tdJSON) text(k, s string) {
	j.key(k)
	j.open('{')
	j.str("text", s)
	j.close('}')
}

// flowJSON is flowCell's members.
func (w *tdWriter) flowJSON(j *tdJSON, e model.SurfaceElement, top float64, threats []*model.Threat, has bool) error {
	j.key("attrs")
	j.open('{')
	j.key("line")
	j.open('{')
	j.key("sourceMarker")
	j.open('{')
	j.str("name", "")
	j.close('}')
	j.str("stroke", "#333333")
	j.str("strokeDasharray", "")
	j.raw("strokeWidth", "1")
	j.key("targetMarker")
	j.open('{')
	j.str("name", "block")
	j.close('}')
	j.close('}')
	j.close('}')
	j.str("connector", "smooth")

	j.key("data")
	j.open('{')
	j.str("description", e.Description)
	w.threatsJSON(j, threats, has)
	j.boolean("isBidirectional", false)
	j.boolean("isEncrypted", false)
	j.boolean("isPublicNetwork", false)
	j.str("name", e.Name)
	j.boolean("outOfScope", false)
	j.str("protocol", "")
	j.str("reasonOutOfScope", "")
	j.str(kindThreatdeck, string(e.Kind))
	if err := w.threatList(j, threats, has); err != nil {
		return err
	}
	j.str("type", "tm.Flow")
	j.close('}')

	j.str("id", w.cellOf[e.ID].Cell)
	j.key("labels")
	j.open('[')
	j.next()
	j.open('{')
	j.key("attrs")
	j.open('{')
	j.key("labelText")
	j.open('{')
	j.str("text", e.Name)
	j.str("textAnchor", "middle")
	j.str("textVerticalAnchor", "middle")
	j.close('}')
	j.close('}')
	j.raw("position", "0.5")
	j.close('}')
	j.close(']')
	j.str("shape", "flow")
	for _, end := range []struct {
		key, id string
		dx      float64
	}{{"source", e.Source, 0}, {"target", e.Target, 120}} {
		j.key(end.key)
		j.open('{')
		if at, ok := w.cellOf[end.id]; ok && at.Diagram == 0 {
			j.str("cell", at.Cell)
		} else {
			j.num("x", tdMargin+end.dx)
			j.num("y", top-tdGap/2)
		}
		j.close('}')
	}
	j.key("vertices")
	j.open('[')
	j.close(']')
	j.raw("zIndex", "10")
	return nil
}

// threatsJSON writes hasOpenThreats for the threats the cell will list.
func (w *tdWriter) threatsJSON(j *tdJSON, threats []*model.Threat, has bool) {
	open := false
	for _, t := range threats {
		open = open || (has && t.IsOpen())
	}
	j.boolean("hasOpenThreats", open)
}

// threatList writes the cell's threats as writeThreats lists them, in
// order: a new threat takes the next number.
func (w *tdWriter) threatList(j *tdJSON, threats []*model.Threat, has bool) error {
	j.key("threats")
	return w.threatArray(j, threats, has)
}

// threatArray is threatList's list.
func (w *tdWriter) threatArray(j *tdJSON, threats []*model.Threat, has bool) error {
	j.open('[')
	if has {
		for _, t := range threats {
			j.next()
			if _, kept := w.residuals[t.ID]; !kept {
				w.newThreatJSON(j, t)
				continue
			}
			if w.threatObj == nil {
				w.threatObj = make(map[string]any, 16)
			}
			clear(w.threatObj)
			var err error
			if j.dst, err = appendTree(j.dst, w.threatInto(w.threatObj, t), j.indent, j.depth); err != nil {
				return err
			}
		}
	}
	j.close(']')
	return nil
}

// newThreatJSON writes what threatJSON makes of a threat threatdeck
// added (none of its fields kept from a file).
func (w *tdWriter) newThreatJSON(j *tdJSON, t *model.Threat) {
	j.open('{')
	var mits []string
	for _, mt := range t.Mitigations {
		mits = append(mits, mt.Description)
	}
	tm := remember(&w.types, [2]string{t.Methodology, string(t.Category)}, func([2]string) [2]string {
		typ, modelType := tdType(t, nil)
		return [2]string{typ, modelType}
	})
	typ, modelType := tm[0], tm[1]
	j.str("description", t.Description)
	j.str("id", w.newID("threat", t.ID))
	j.str("mitigation", strings.Join(mits, "\n\n"))
	j.str("modelType", modelType)
	w.collectAll()
	w.top++
	j.raw("number", strconv.Itoa(w.top))
	j.str("score", "")
	j.str("severity", titleCase(string(t.Band())))
	j.str("status", tdStatus(t.Status))
	j.str("title", t.Title)
	j.str("type", typ)
	j.close('}')
}

// writeKept writes a cell of the kept document straight from its bytes
// when the model changed nothing of it but its threats (the usual case):
// the bytes the tree writer writes for the cell built, updated and given
// its threats. skip says the cell's element was deleted; ok false leaves
// the cell to the tree path.
func (w *tdWriter) writeKept(raw []byte, di int) (v treeRaw, skip, ok bool) {
	x := &w.raw
	if x.names == nil {
		x.names = w.names
	}
	x.indent, x.base, x.threatsOut = "", 0, nil
	if !x.scanCell(raw) {
		return nil, false, false
	}
	s := &x.spans
	if len(s.id) == 0 || s.id[0] != '"' {
		return nil, false, false
	}
	id, _ := x.str(s.id, false)
	key := cellKey(di, id)
	eid, imported := w.imported[key]
	if !imported {
		if _, has := w.homes[key]; has {
			return nil, false, false
		}
		return w.rawCell(raw, nil, false), false, true
	}
	i, live := w.elemIdx[eid]
	if !live {
		return nil, true, true // deleted in threatdeck
	}
	e := w.m.Surface[i]
	if !w.unchanged(e, di) {
		return nil, false, false
	}
	setDesc, desc := w.setDesc, e.Description
	// The kept threats' other fields, as collectCell reads them.
	var kept []any
	if len(s.threats) > 0 && s.threats[0] == '[' {
		t, ok := parseTreeNames(s.threats, w.names)
		if !ok {
			return nil, false, false
		}
		kept, _ = t.([]any)
	}
	w.collectThreats(key, kept)
	threats := w.homes[key]
	// writeThreats leaves a cell without threats before or after alone.
	write := w.rawCell(raw, threats, s.threats != nil || len(threats) > 0)
	if !setDesc {
		return write, false, true
	}
	return func(dst []byte, indent string, depth int) ([]byte, error) {
		w.raw.setDesc, w.raw.desc = true, desc
		defer func() { w.raw.setDesc, w.raw.desc = false, "" }()
		return write(dst, indent, depth)
	}, false, true
}

// unchanged reports whether reshape and updateCell leave the cell x
// holds the spans of as it is, for element e.
func (w *tdWriter) unchanged(e model.SurfaceElement, di int) bool {
	x := &w.raw
	s := &x.spans
	if len(s.data) == 0 || s.data[0] != '{' || len(bytes.TrimSpace(s.data[1:len(s.data)-1])) == 0 {
		return false
	}
	shape, _ := tdShape(e.Kind)
	old := ""
	if len(s.shape) > 0 && s.shape[0] == '"' {
		old, _ = x.str(s.shape, true)
	}
	if old != shape && !(shape == "trust-boundary-box" && strings.HasPrefix(old, "trust-b")) {
		return false
	}
	if len(s.kind) > 0 && s.kind[0] == '"' {
		if k, _ := x.str(s.kind, true); k != "" && k != string(e.Kind) {
			return false
		}
	}
	oldName := x.cellName()
	if model.CleanLine(oldName) == "" && w.ext.Defaults[e.ID] == e.Name {
		oldName = e.Name
	}
	if model.CleanLine(oldName) != e.Name {
		return false
	}
	// keepText: the description is written unless the kept one cleans
	// to the element's.
	w.setDesc = true
	if len(s.desc) > 0 && s.desc[0] == '"' {
		if d, ok := x.str(s.desc, false); ok && cleanBlock(d) == e.Description {
			w.setDesc = false
		}
	}
	if e.Kind != model.KindDataFlow {
		return true
	}
	for _, end := range []struct {
		id         string
		span, cell []byte
	}{{e.Source, s.source, s.sourceCell}, {e.Target, s.target, s.targetCell}} {
		if len(end.span) > 0 && end.span[0] == '{' && len(end.cell) > 0 && end.cell[0] == '"' {
			c, _ := x.str(end.cell, false)
			if eid, imported := w.imported[cellKey(di, c)]; imported {
				if _, live := w.elemIdx[eid]; !live {
					return false // the end is pinned where its element was
				}
			}
			if at, ok := w.cellOf[end.id]; !ok || at.Diagram != di || at.Cell == c {
				continue
			}
		} else if at, ok := w.cellOf[end.id]; !ok || at.Diagram != di {
			continue
		}
		return false
	}
	return true
}

// rawCell writes raw, the cell's kept bytes, laid out; with replace,
// threats take the place of its own as writeThreats puts them.
func (w *tdWriter) rawCell(raw []byte, threats []*model.Threat, replace bool) treeRaw {
	return func(dst []byte, indent string, depth int) ([]byte, error) {
		x := &w.raw
		x.indent, x.base, x.threatsOut = indent, depth, nil
		if replace {
			x.open = false
			for _, t := range threats {
				x.open = x.open || t.IsOpen()
			}
			x.threatsOut = func(dst []byte, depth int) ([]byte, error) {
				j := tdJSON{dst: dst, indent: indent, depth: depth}
				err := w.threatArray(&j, threats, true)
				return j.dst, err
			}
		}
		out, ok := x.pass(dst, raw, false)
		x.indent, x.base, x.threatsOut = "", 0, nil
		if !ok {
			return nil, errors.New("kept JSON is damaged")
		}
		return out, nil
	}
}
