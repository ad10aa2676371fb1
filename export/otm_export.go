package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/threatdeck/threatdeck/model"
)

// otmVersion is the OTM version threatdeck writes (the schema it validates against).
const otmVersion = "0.2.0"

// OTM writes m as an Open Threat Model file (JSON) that validates against
// the OTM schema: trust-boundary elements become trust zones, other
// elements components (each in the trust zone its TrustZone names),
// flows dataflows, threats and mitigations top-level lists linked through
// threat instances on each element. A model imported from OTM keeps its
// ids, types, representations and attributes.
func OTM(m *model.Model) ([]byte, error) {
	return treeFile(otmDocument(m))
}

// WriteOTM writes what OTM returns into out as it is made.
func WriteOTM(out io.Writer, m *model.Model) error {
	root, err := otmDocument(m)
	if err != nil {
		return err
	}
	return streamTree(out, root, "  ")
}

// otmDocument is the OTM document for m.
func otmDocument(m *model.Model) (*object, error) {
	var ext otmExtension
	if raw, ok := m.Extensions[ToolOTM]; ok {
		var err error
		if ext, err = decodeOTMExtension(raw); err != nil {
			return nil, fmt.Errorf("otm data kept with the model is damaged: %w", err)
		}
	}
	w := &otmWriter{m: m, ext: ext, ids: map[string]string{}, used: map[string]bool{}}
	root := newObject()
	root.set("otmVersion", otmVersion)
	if v, ok := ext.Document["otmVersion"].(string); ok && v != "" {
		root.set("otmVersion", v)
	}
	root.set("project", w.project())
	root.merge(ext.Document)
	w.assignIDs()
	zones, components, flows := w.elements()
	root.set("trustZones", zones)
	root.set("components", components)
	root.set("dataflows", flows)
	root.set("assets", w.assets())
	threats, mitigations := w.threats()
	root.set("threats", threats)
	root.set("mitigations", mitigations)
	return root, nil
}

type otmWriter struct {
	m   *model.Model
	ext otmExtension
	// ids maps threatdeck ids to OTM ids; used guards their uniqueness.
	ids  map[string]string
	used map[string]bool
	// zoneIDs maps trust-zone names to OTM trust-zone ids.
	zoneIDs map[string]string
}

func (w *otmWriter) project() *object {
	p := newObject()
	ov := w.m.Overview
	p.set("name", ov.Title)
	id, _ := w.ext.Project["id"].(string)
	p.set("id", orDefault(id, slug(ov.Title)))
	if ov.Summary != "" {
		p.set("description", ov.Summary)
	}
	if ov.Owner != "" {
		p.set("owner", ov.Owner)
	}
	p.merge(w.ext.Project)
	return p
}

// assignIDs gives every entity its OTM id: the original one when it came
// from OTM, else its threatdeck id.
func (w *otmWriter) assignIDs() {
	claim := func(tdID string, res map[string]any) {
		id, _ := res["id"].(string)
		if id == "" || w.used[id] {
			id = tdID
		}
		for w.used[id] {
			id += "-1"
		}
		w.ids[tdID] = id
		w.used[id] = true
	}
	for _, e := range w.m.Surface {
		claim(e.ID, w.ext.Elements[e.ID])
	}
	for _, a := range w.m.Assets {
		claim(a.ID, w.ext.Assets[a.ID])
	}
	for _, t := range w.m.Threats {
		claim(t.ID, w.ext.Threats[t.ID])
	}
}

func (w *otmWriter) elements() (zones, components, flows []any) {
	w.zoneIDs = map[string]string{}
	var zoneElems []model.SurfaceElement
	for _, e := range w.m.Surface {
		if e.Kind == model.KindTrustBoundary {
			zoneElems = append(zoneElems, e)
			if key := strings.ToLower(e.Name); w.zoneIDs[key] == "" {
				w.zoneIDs[key] = w.ids[e.ID]
			}
		}
	}
	instances := w.instances()
	// Zones named by elements but with no trust-boundary element of their
	// own are written too: a component must sit in a trust zone.
	var implied []any
	zoneFor := func(name string) string {
		key := strings.ToLower(name)
		if name == "" {
			key, name = "\x00unassigned", "Unassigned"
		}
		if id, ok := w.zoneIDs[key]; ok {
			return id
		}
		id := "tz-" + slug(name)
		for w.used[id] {
			id += "-1"
		}
		w.used[id] = true
		w.zoneIDs[key] = id
		z := newObject()
		z.set("id", id)
		z.set("name", name)
		z.set("risk", map[string]any{"trustRating": json.Number("50")})
		implied = append(implied, z)
		return id
	}
	// zoneNames gives the name of each written zone by OTM id, so an
	// element keeps the very zone it was in when two share a name.
	zoneNames := map[string]string{}
	for _, e := range zoneElems {
		zoneNames[w.ids[e.ID]] = strings.ToLower(e.Name)
	}
	parentZone := func(e model.SurfaceElement, res map[string]any) string {
		if p, ok := res["parent"].(map[string]any); ok {
			if id, ok := p["trustZone"].(string); ok && id != w.ids[e.ID] {
				if name, ok := zoneNames[id]; ok && name == strings.ToLower(e.TrustZone) {
					return id
				}
			}
		}
		return zoneFor(e.TrustZone)
	}
	exported := map[string]bool{}
	for _, e := range w.m.Surface {
		if e.Kind != model.KindDataFlow || e.Source == "" || e.Target == "" {
			exported[e.ID] = true
		}
	}
	for _, e := range zoneElems {
		res := w.ext.Elements[e.ID]
		z := w.base(e, res)
		if e.TrustZone != "" && !strings.EqualFold(e.TrustZone, e.Name) {
			z.set("parent", map[string]any{"trustZone": parentZone(e, res)})
		}
		if _, ok := res["risk"].(map[string]any); !ok {
			z.set("risk", map[string]any{"trustRating": json.Number("50")})
		}
		z.merge(res, "parent")
		zones = append(zones, z)
	}
	for _, e := range w.m.Surface {
		if e.Kind == model.KindTrustBoundary {
			continue
		}
		res := w.ext.Elements[e.ID]
		o := w.base(e, res)
		src, dst := w.ids[e.Source], w.ids[e.Target]
		if e.Kind == model.KindDataFlow && (e.Source == "" || e.Target == "") {
			// An end the imported file named but did not define is
			// written back as it was (the import warned about it).
			if s, ok := res["source"].(string); ok && e.Source == "" && !w.used[s] {
				src = s
			}
			if d, ok := res["destination"].(string); ok && e.Target == "" && !w.used[d] {
				dst = d
			}
		}
		if e.Kind == model.KindDataFlow && src != "" && dst != "" && (e.Source == "" || exported[e.Source]) && (e.Target == "" || exported[e.Target]) {
			o.set("source", src)
			o.set("destination", dst)
			if inst := instances[e.ID]; len(inst) > 0 {
				o.set("threats", inst)
			}
			o.merge(res, "parent", "type")
			flows = append(flows, o)
			continue
		}
		// A flow missing an end cannot be an OTM dataflow; it is written
		// as a component so its threats stay linked.
		typ, _ := res["type"].(string)
		o.set("type", orDefault(typ, string(e.Kind)))
		parent := map[string]any{"trustZone": parentZone(e, res)}
		if p, ok := res["parent"].(map[string]any); ok {
			if c, ok := p["component"].(string); ok && w.used[c] && c != w.ids[e.ID] {
				parent = map[string]any{"component": c}
			}
		}
		o.set("parent", parent)
		if inst := instances[e.ID]; len(inst) > 0 {
			o.set("threats", inst)
		}
		skip := []string{"source", "destination", "bidirectional"}
		if e.Kind == model.KindDataFlow {
			skip = append(skip, "assets") // a dataflow's list of ids; a component's is an object
		}
		o.merge(res, skip...)
		components = append(components, o)
	}
	zones = append(zones, implied...)
	return orEmpty(zones), orEmpty(components), orEmpty(flows)
}

// base starts an element's object: id, name, description.
func (w *otmWriter) base(e model.SurfaceElement, _ map[string]any) *object {
	o := newObject()
	o.set("id", w.ids[e.ID])
	o.set("name", e.Name)
	if e.Description != "" {
		o.set("description", e.Description)
	}
	return o
}

// instances lists, per element, the threat instances linking it to its
// threats, each with the threat's mitigations.
func (w *otmWriter) instances() map[string][]any {
	out := map[string][]any{}
	for _, t := range w.m.Threats {
		for _, eid := range t.Surface {
			inst := newObject()
			inst.set("threat", w.ids[t.ID])
			state := w.ext.States[t.ID][eid]
			if state == "" || statusFrom(state) != t.Status {
				state = otmState(t.Status)
			}
			inst.set("state", state)
			var mits []any
			for _, mt := range t.Mitigations {
				ref := w.ext.Mitigations[mt.ID]
				ms := ref.State
				if ms == "" || mitigationStatusFrom(ms) != mt.Status {
					ms = otmMitigationState(mt.Status)
				} else if own, ok := w.ext.MitigationStates[mt.ID][eid]; ok {
					ms = own // unchanged: each occurrence as the file had it
				}
				mits = append(mits, map[string]any{"mitigation": w.mitigationID(mt), "state": ms})
			}
			if len(mits) > 0 {
				inst.set("mitigations", mits)
			}
			out[eid] = append(out[eid], inst)
		}
	}
	return out
}

// mitigationID is the OTM id of a mitigation: the original (shared by
// every threat it was linked to) or the threatdeck id.
func (w *otmWriter) mitigationID(mt model.Mitigation) string {
	if id, ok := w.ext.Mitigations[mt.ID].Object["id"].(string); ok && id != "" {
		return id
	}
	return mt.ID
}

func (w *otmWriter) assets() []any {
	var out []any
	for _, a := range w.m.Assets {
		res := w.ext.Assets[a.ID]
		o := newObject()
		o.set("id", w.ids[a.ID])
		o.set("name", a.Name)
		if a.Description != "" {
			o.set("description", a.Description)
		}
		risk := map[string]any{"confidentiality": json.Number("50"), "integrity": json.Number("50"), "availability": json.Number("50")}
		if old, ok := res["risk"].(map[string]any); ok {
			for k, v := range old {
				risk[k] = v
			}
		}
		if c, ok := numberAt(risk, "confidentiality"); !ok || sensitivityFrom100(float64(c)) != a.Sensitivity {
			risk["confidentiality"] = json.Number(fmt.Sprint(confidentiality100(a.Sensitivity)))
		}
		o.set("risk", risk)
		o.merge(res)
		out = append(out, o)
	}
	return orEmpty(out)
}

func (w *otmWriter) threats() (threats, mitigations []any) {
	written := map[string]bool{}
	for _, t := range w.m.Threats {
		res := w.ext.Threats[t.ID]
		o := newObject()
		o.set("id", w.ids[t.ID])
		o.set("name", t.Title)
		if t.Description != "" {
			o.set("description", t.Description)
		}
		cats := otmCategories(res["categories"])
		if m, c := classify(firstStride(cats), "", "OTM"); m != t.Methodology || c != t.Category || len(cats) == 0 {
			label := string(t.Category)
			if t.Methodology == "" {
				label = t.Category.Label()
			}
			cats = []string{label}
		}
		o.set("categories", cats)
		risk := map[string]any{}
		if old, ok := res["risk"].(map[string]any); ok {
			for k, v := range old {
				risk[k] = v
			}
		}
		for key, rating := range map[string]int{"likelihood": t.Likelihood, "impact": t.Impact} {
			if v, ok := risk[key].(json.Number); ok {
				if f, err := v.Float64(); err == nil && f >= 0 && f <= 100 && 1+int(f/25+0.5) == rating {
					continue
				}
			}
			risk[key] = json.Number(fmt.Sprint(scale100(rating)))
		}
		o.set("risk", risk)
		o.merge(res)
		threats = append(threats, o)

		for _, mt := range t.Mitigations {
			id := w.mitigationID(mt)
			if written[id] {
				continue
			}
			written[id] = true
			ref := w.ext.Mitigations[mt.ID]
			mo := newObject()
			mo.set("id", id)
			if name, ok := ref.Object["name"].(string); ok && ref.Text == mt.Description {
				mo.set("name", name)
				if d, ok := ref.Object["description"].(string); ok {
					mo.set("description", d)
				}
			} else {
				mo.set("name", firstLine(mt.Description))
				mo.set("description", mt.Description)
			}
			if _, ok := ref.Object["riskReduction"]; !ok {
				mo.set("riskReduction", json.Number("50"))
			}
			mo.merge(ref.Object)
			mitigations = append(mitigations, mo)
		}
	}
	for _, mo := range w.ext.Unlinked {
		if id, _ := mo["id"].(string); id != "" && !written[id] {
			written[id] = true
			mitigations = append(mitigations, mo)
		}
	}
	return orEmpty(threats), orEmpty(mitigations)
}

func otmCategories(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, c := range list {
		if s, ok := c.(string); ok && s != "" {
			out = append(out, s)
		}
	}
	return out
}

func otmState(s model.ThreatStatus) string {
	if s == model.StatusOpen {
		return "exposed"
	}
	return string(s)
}

func otmMitigationState(s model.MitigationStatus) string {
	if s == model.MitigationPlanned {
		return "recommended"
	}
	return string(s)
}

func confidentiality100(s model.Sensitivity) int {
	switch s {
	case model.Public:
		return 10
	case model.Internal:
		return 40
	case model.Confidential:
		return 70
	}
	return 100
}

// firstLine is a short name for a mitigation written without one.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return fitTitle(line, nil)
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// slug makes an id from a name: "Public Cloud" → "public-cloud".
func slug(s string) string {
	out := strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if out == "" {
		return "threatdeck-model"
	}
	return out
}

func orEmpty(list []any) []any {
	if list == nil {
		return []any{}
	}
	return list
}

// object is a JSON object that keeps its members in the order they were
// set, so written files read naturally (id and name first), with kept
// members from the original file after them in sorted order.
type object struct {
	keys []string
	vals map[string]any
}

func newObject() *object { return &object{vals: map[string]any{}} }

func (o *object) set(k string, v any) {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

// merge adds the members of res that are not set yet, except skip.
func (o *object) merge(res map[string]any, skip ...string) {
	keys := make([]string, 0, len(res))
	for k := range res {
		if !slices.Contains(skip, k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		if _, ok := o.vals[k]; !ok {
			o.set(k, res[k])
		}
	}
}

// MarshalJSON writes the members in order.
func (o *object) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		buf.Write(kb)
		buf.WriteByte(':')
		var vb bytes.Buffer
		enc := json.NewEncoder(&vb)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(o.vals[k]); err != nil {
			return nil, err
		}
		buf.Write(bytes.TrimRight(vb.Bytes(), "\n"))
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}
