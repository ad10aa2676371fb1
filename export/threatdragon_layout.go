package export

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/threatdeck/threatdeck/model"
)

// Layout of cells threatdeck adds to a Threat Dragon diagram: a column per
// trust zone (boxed when the model has a trust-boundary element of that
// name), elements stacked in it, flows drawn between them, all below
// whatever the diagram already holds. Simple, readable, and easy to tidy
// up in Threat Dragon.
const (
	tdMargin   = 40.0
	tdColumn   = 240.0
	tdGap      = 40.0
	tdBoxPad   = 40.0
	tdBoxWidth = 220.0
)

// kindThreatdeck is the data field that remembers an element's threatdeck
// kind, which Threat Dragon's few shapes cannot tell apart; threatdeck
// reads it back on import and Threat Dragon keeps it untouched.
const kindThreatdeck = "threatdeckKind"

func newTDDiagram(id int, title string) map[string]any {
	return map[string]any{
		"id":          json.Number(strconv.Itoa(id)),
		"title":       orDefault(title, "Main diagram"),
		"diagramType": "STRIDE",
		"placeholder": "New STRIDE diagram description",
		"thumbnail":   "./public/content/images/thumbnail.stride.jpg",
		"version":     tdVersion,
		"cells":       []any{},
	}
}

// tdShape is the Threat Dragon shape and data type for an element kind.
func tdShape(k model.ElementKind) (shape, typ string) {
	switch k {
	case model.KindDataStore:
		return "store", "tm.Store"
	case model.KindExternalEntity, model.KindThirdParty:
		return "actor", "tm.Actor"
	case model.KindDataFlow:
		return "flow", "tm.Flow"
	case model.KindTrustBoundary:
		return "trust-boundary-box", "tm.BoundaryBox"
	}
	return "process", "tm.Process"
}

// extent is how far right and down the existing cells reach.
func extent(cells []any, names map[string]string) (right, bottom float64) {
	grow := func(x, y float64) {
		right, bottom = max(right, x), max(bottom, y)
	}
	for _, c := range cells {
		cell := cellObject(c, names)
		if cell == nil {
			continue
		}
		x, okX := floatAtPath(cell, "position", "x")
		y, okY := floatAtPath(cell, "position", "y")
		w, _ := floatAtPath(cell, "size", "width")
		h, _ := floatAtPath(cell, "size", "height")
		if okX && okY {
			grow(x+w, y+h)
		}
		for _, key := range []string{"source", "target"} {
			if end, ok := cell[key].(map[string]any); ok {
				x, okX := floatAtPath(end, "x")
				y, okY := floatAtPath(end, "y")
				if okX && okY {
					grow(x, y)
				}
			}
		}
		for _, v := range arrayAt(cell, "vertices") {
			if pt, ok := v.(map[string]any); ok {
				x, _ := floatAtPath(pt, "x")
				y, _ := floatAtPath(pt, "y")
				grow(x, y)
			}
		}
	}
	return right, bottom
}

// layout makes cells for elements that have none yet, below existing.
func (w *tdWriter) layout(fresh []model.SurfaceElement, existing []any) []any {
	if len(fresh) == 0 {
		return nil
	}
	_, bottom := extent(existing, w.names)
	top := tdMargin
	if len(existing) > 0 {
		top = bottom + 2*tdGap
	}
	var zones []string
	members := map[string][]model.SurfaceElement{}
	boxes := map[string]model.SurfaceElement{}
	var loose, flows []model.SurfaceElement
	for _, e := range fresh {
		switch e.Kind {
		case model.KindDataFlow:
			flows = append(flows, e)
		case model.KindTrustBoundary:
			loose = append(loose, e)
		default:
			if _, seen := members[e.TrustZone]; !seen {
				zones = append(zones, e.TrustZone)
			}
			members[e.TrustZone] = append(members[e.TrustZone], e)
		}
	}
	// A trust boundary named like a zone is drawn as that zone's box.
	var standalone []model.SurfaceElement
	for _, b := range loose {
		matched := false
		for _, z := range zones {
			if _, taken := boxes[z]; !taken && z != "" && strings.EqualFold(z, b.Name) {
				boxes[z] = b
				matched = true
				break
			}
		}
		if !matched {
			standalone = append(standalone, b)
		}
	}
	// Zoneless elements go last, so boxed zones line up from the left.
	for i, z := range zones {
		if z == "" {
			zones = append(append(zones[:i:i], zones[i+1:]...), "")
			break
		}
	}

	var boxCells, nodeCells, flowCells []any
	x := tdMargin
	for _, z := range zones {
		y := top + tdBoxPad
		for _, e := range members[z] {
			width, height := tdSize(e.Kind)
			nodeCells = append(nodeCells, &tdNewCell{w: w, e: e, x: x + (tdBoxWidth-width)/2, y: y, width: width, height: height})
			y += height + tdGap
		}
		if b, ok := boxes[z]; ok {
			boxCells = append(boxCells, &tdNewCell{w: w, e: b, x: x, y: top, width: tdBoxWidth, height: y - top})
		}
		x += tdColumn
	}
	for _, b := range standalone {
		boxCells = append(boxCells, &tdNewCell{w: w, e: b, x: x, y: top, width: 200, height: 120})
		x += tdColumn
	}
	for _, f := range flows {
		flowCells = append(flowCells, &tdNewCell{w: w, e: f, flow: true, y: top})
	}
	out := append(boxCells, nodeCells...)
	return append(out, flowCells...)
}

// tdNewCell is a cell layout placed for an element, drawn (build) only
// when the file is written, so the new cells of a large model are not all
// held as trees at once.
type tdNewCell struct {
	w             *tdWriter
	e             model.SurfaceElement
	flow          bool
	x, y          float64 // a flow's y is the top of the new cells
	width, height float64
}

func (c *tdNewCell) build() map[string]any {
	if c.flow {
		return c.w.flowCell(c.e, c.y)
	}
	return c.w.nodeCell(c.e, c.x, c.y, c.width, c.height)
}

func tdSize(k model.ElementKind) (float64, float64) {
	switch shape, _ := tdShape(k); shape {
	case "process":
		return 100, 100
	}
	return 160, 80
}

// nodeCell draws an element as a Threat Dragon node with the attributes
// Threat Dragon itself writes for that shape.
func (w *tdWriter) nodeCell(e model.SurfaceElement, x, y, width, height float64) map[string]any {
	shape, typ := tdShape(e.Kind)
	stroke := map[string]any{"stroke": "#333333", "strokeWidth": json.Number("1.5"), "strokeDasharray": ""}
	attrs := map[string]any{"text": map[string]any{"text": e.Name}}
	data := map[string]any{
		"type": typ, "name": e.Name, "description": e.Description, kindThreatdeck: string(e.Kind),
		"outOfScope": false, "reasonOutOfScope": "", "hasOpenThreats": false, "threats": []any{},
	}
	zIndex := "1"
	switch shape {
	case "store":
		attrs["topLine"], attrs["bottomLine"] = stroke, stroke
		data["isALog"], data["storesCredentials"], data["isEncrypted"], data["isSigned"] = false, false, false, false
	case "actor":
		attrs["body"] = stroke
		data["providesAuthentication"] = false
	case "trust-boundary-box":
		attrs = map[string]any{"label": map[string]any{"text": e.Name}}
		data = map[string]any{"type": typ, "name": e.Name, "description": e.Description, kindThreatdeck: string(e.Kind), "isTrustBoundary": true, "hasOpenThreats": false, "threats": []any{}}
		zIndex = "-1"
	default:
		attrs["body"] = stroke
		data["handlesCardPayment"], data["handlesGoodsOrServices"], data["isWebApplication"], data["privilegeLevel"] = false, false, false, ""
	}
	return map[string]any{
		"id":       w.cellOf[e.ID].Cell,
		"shape":    shape,
		"zIndex":   json.Number(zIndex),
		"visible":  true,
		"position": map[string]any{"x": num(x), "y": num(y)},
		"size":     map[string]any{"width": num(width), "height": num(height)},
		"attrs":    attrs,
		"data":     data,
	}
}

// flowCell draws a data flow between its ends' cells; an end with no
// cell in the first diagram is left loose above the new cells.
func (w *tdWriter) flowCell(e model.SurfaceElement, top float64) map[string]any {
	end := func(id string, dx float64) map[string]any {
		if at, ok := w.cellOf[id]; ok && at.Diagram == 0 {
			return map[string]any{"cell": at.Cell}
		}
		return map[string]any{"x": num(tdMargin + dx), "y": num(top - tdGap/2)}
	}
	return map[string]any{
		"id":        w.cellOf[e.ID].Cell,
		"shape":     "flow",
		"zIndex":    json.Number("10"),
		"connector": "smooth",
		"source":    end(e.Source, 0),
		"target":    end(e.Target, 120),
		"vertices":  []any{},
		"attrs": map[string]any{"line": map[string]any{
			"stroke": "#333333", "strokeWidth": json.Number("1"), "strokeDasharray": "",
			"targetMarker": map[string]any{"name": "block"}, "sourceMarker": map[string]any{"name": ""},
		}},
		"labels": []any{map[string]any{
			"position": json.Number("0.5"),
			"attrs":    map[string]any{"labelText": map[string]any{"text": e.Name, "textAnchor": "middle", "textVerticalAnchor": "middle"}},
		}},
		"data": map[string]any{
			"type": "tm.Flow", "name": e.Name, "description": e.Description, kindThreatdeck: string(e.Kind),
			"outOfScope": false, "reasonOutOfScope": "", "hasOpenThreats": false,
			"isBidirectional": false, "isEncrypted": false, "isPublicNetwork": false, "protocol": "", "threats": []any{},
		},
	}
}

// orphanCell holds the threats linked to no element: Threat Dragon keeps
// threats on cells only, and dropping them would lose work.
func (w *tdWriter) orphanCell(existing []any, threats []*model.Threat) map[string]any {
	right, _ := extent(existing, w.names)
	e := model.SurfaceElement{ID: "unlinked", Name: "Threats not linked to an element", Kind: model.KindProcess,
		Description: "threatdeck threats that name no attack-surface element."}
	w.cellOf[e.ID] = tdRef{Cell: w.newID("cell", "unlinked")}
	cell := w.nodeCell(e, right+tdGap, tdMargin, 100, 100)
	delete(objectAt(cell, "data"), kindThreatdeck)
	w.writeThreats(cell, threats)
	return cell
}

// num writes a coordinate without a needless fraction.
func num(f float64) json.Number {
	return json.Number(strconv.FormatFloat(f, 'f', -1, 64))
}
