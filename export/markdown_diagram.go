package export

import (
	"hash/fnv"
	"strconv"
	"strings"
	"unicode"

	"github.com/threatdeck/threatdeck/model"
)

// diagram writes the data-flow diagram as a Mermaid flowchart, which
// GitHub, GitLab and most Markdown viewers draw: one subgraph per trust
// zone, each surface element a node shaped by its kind (cylinders for data
// stores, rounded boxes for processes, rectangles for external entities),
// each data flow with known ends a labelled edge, and every node and edge
// marked with its open threats and their highest risk.
//
// Node and subgraph ids derive from element ids and zone names only, so
// the diagram's text changes where the model does and diffs cleanly.
// Labels are written as quoted strings in which everything but letters,
// digits and a few plain marks is a Mermaid entity (#60; …), so no name
// can end a label, add a statement or leave the code fence.
func (r *report) diagram() {
	r.heading(2, "Data-Flow Diagram")
	if len(r.m.Surface) == 0 {
		r.none("No attack surface yet.")
		return
	}
	risk := r.m.SurfaceRisk()
	ids := newDiagramIDs(r.m)

	// Elements in zones, zones in order of first appearance; data flows
	// with both ends known are edges, not nodes.
	// A flow's ends must be nodes: a flow from a flow is drawn as a node.
	known := make(map[string]bool, len(r.m.Surface))
	for i := range r.m.Surface {
		if e := &r.m.Surface[i]; e.Kind != model.KindDataFlow {
			known[e.ID] = true
		}
	}
	isEdge := func(e *model.SurfaceElement) bool {
		return e.Kind == model.KindDataFlow && known[e.Source] && known[e.Target]
	}
	var zones []string
	members := map[string][]int{}
	for i := range r.m.Surface {
		e := &r.m.Surface[i]
		if isEdge(e) {
			continue
		}
		if _, ok := members[e.TrustZone]; !ok {
			zones = append(zones, e.TrustZone)
		}
		members[e.TrustZone] = append(members[e.TrustZone], i)
	}

	r.s("```mermaid\nflowchart LR\n")
	for _, z := range zones {
		indent := "  "
		if z != "" {
			r.s("  subgraph ")
			r.s(ids.zone(z))
			r.s("[\"")
			r.mermaidText(z)
			r.s("\"]\n")
			indent = "    "
		}
		for _, i := range members[z] {
			r.s(indent)
			r.node(&r.m.Surface[i], ids, risk)
		}
		if z != "" {
			r.s("  end\n")
		}
	}
	for i := range r.m.Surface {
		e := &r.m.Surface[i]
		if !isEdge(e) {
			continue
		}
		r.s("  ")
		r.s(ids.element(e.Source))
		r.s(" -->|\"")
		r.mermaidText(e.Name)
		r.riskNote(risk[e.ID])
		r.s("\"| ")
		r.s(ids.element(e.Target))
		r.s("\n")
	}
	// Colour nodes by their highest open risk.
	var byBand [4][]string
	for i := range r.m.Surface {
		e := &r.m.Surface[i]
		if er, ok := risk[e.ID]; ok && !isEdge(e) && er.Band.Rank() >= 0 {
			byBand[er.Band.Rank()] = append(byBand[er.Band.Rank()], ids.element(e.ID))
		}
	}
	for b, nodes := range byBand {
		if len(nodes) == 0 {
			continue
		}
		name := string(model.RiskBands[b])
		r.s("  classDef ")
		r.s(name)
		r.s(" ")
		r.s(bandStyles[b])
		r.s("\n  class ")
		r.s(strings.Join(nodes, ","))
		r.s(" ")
		r.s(name)
		r.s("\n")
	}
	r.s("```\n\n")
	r.s("Each element shows its open threats and their highest risk; data flows are the labelled arrows.\n\n")
}

// bandStyles are the node colours per risk band, low to critical.
var bandStyles = [4]string{
	"fill:#e6f4ea,stroke:#34a853",
	"fill:#fff8e1,stroke:#f9ab00",
	"fill:#fde7d9,stroke:#e8710a",
	"fill:#fce8e6,stroke:#d93025,stroke-width:2px",
}

// node writes one element as a node, shaped by its kind.
func (r *report) node(e *model.SurfaceElement, ids *diagramIDs, risk map[string]model.ElementRisk) {
	open, close := "[\"", "\"]" // external entities, clients, third parties
	switch e.Kind {
	case model.KindDataStore:
		open, close = "[(\"", "\")]"
	case model.KindAPI, model.KindAuth, model.KindHost, model.KindProcess, model.KindAdmin, model.KindWebhook, model.KindFileTransfer:
		open, close = "(\"", "\")"
	case model.KindDataFlow:
		open, close = ">\"", "\"]"
	case model.KindTrustBoundary:
		open, close = "{{\"", "\"}}"
	}
	r.s(ids.element(e.ID))
	r.s(open)
	r.mermaidText(nameOrRaw(e.Name, e.ID))
	r.riskNote(risk[e.ID])
	r.s(close)
	r.s("\n")
}

// riskNote appends a node's or edge's threat marker to its label.
func (r *report) riskNote(er model.ElementRisk) {
	if er.Open == 0 {
		r.s("<br/>no open threats")
		return
	}
	r.s("<br/>")
	r.int(er.Open)
	r.s(" open · ")
	r.s(string(er.Band))
	r.s(" risk")
}

func nameOrRaw(name, id string) string {
	if name != "" {
		return name
	}
	return id
}

// mermaidText appends user text for inside a quoted Mermaid label:
// letters, digits, spaces and plain punctuation as they are, everything
// else (quotes, brackets, #, ;, <, &, backticks, control characters) as a
// numeric entity; line breaks become spaces, and white space at the ends
// goes (Mermaid would drop it at the start anyway).
func (r *report) mermaidText(s string) {
	for _, c := range strings.TrimSpace(s) {
		switch {
		case c == '\n' || c == '\r' || c == '\t':
			r.b = append(r.b, ' ')
		case c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == ' ' || c == '.' || c == ',' || c == '-' || c == '_' || c == '/' || c == '(' || c == ')' || c == ':' || c == '\'' || c == '+' || c == '?' || c == '!'):
			r.b = append(r.b, byte(c))
		case c >= 0x80 && (unicode.IsLetter(c) || unicode.IsDigit(c) || c == ' '):
			r.b = append(r.b, string(c)...)
		case unicode.IsControl(c) || c == 0x2028 || c == 0x2029 || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069):
			// Invisible and direction controls are dropped, as everywhere
			// else in the report.
		default:
			r.b = append(r.b, '#')
			r.b = strconv.AppendInt(r.b, int64(c), 10)
			r.b = append(r.b, ';')
		}
	}
}

// diagramIDs gives elements and zones their Mermaid ids: "el_" and the
// element id with anything but letters and digits hex-encoded ("S-001" is
// el_S_2d001), and "zone_" and a hash of the zone's name, made unique in
// order of first appearance should two hashes meet.
type diagramIDs struct {
	elements map[string]string
	zones    map[string]string
}

func newDiagramIDs(m *model.Model) *diagramIDs {
	d := &diagramIDs{elements: make(map[string]string, len(m.Surface)), zones: map[string]string{}}
	for i := range m.Surface {
		id := m.Surface[i].ID
		if _, ok := d.elements[id]; !ok {
			d.elements[id] = elementNodeID(id)
		}
	}
	taken := map[string]string{}
	for i := range m.Surface {
		z := m.Surface[i].TrustZone
		if _, ok := d.zones[z]; ok || z == "" {
			continue
		}
		h := fnv.New32a()
		h.Write([]byte(z))
		base := "zone_" + strconv.FormatUint(uint64(h.Sum32()), 16)
		id := base
		for n := 2; taken[id] != ""; n++ {
			id = base + "_" + strconv.Itoa(n)
		}
		taken[id] = z
		d.zones[z] = id
	}
	return d
}

func (d *diagramIDs) element(id string) string {
	if s, ok := d.elements[id]; ok {
		return s
	}
	return elementNodeID(id)
}

func (d *diagramIDs) zone(name string) string { return d.zones[name] }

func elementNodeID(id string) string {
	b := make([]byte, 0, len(id)+8)
	b = append(b, "el_"...)
	const hex = "0123456789abcdef"
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b = append(b, c)
		} else {
			b = append(b, '_', hex[c>>4], hex[c&15])
		}
	}
	return string(b)
}
