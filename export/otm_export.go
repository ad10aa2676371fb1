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

// otmDocument is the OTM document for m. Its lists are made one object
// at a time as they are written (treeStream), each kept object built only
// then, so a 100,000-element model is never held as a tree: what must be
// decided before the first list is written (ids, the trust zones elements
// imply) is decided first, by plan.
func otmDocument(m *model.Model) (*object, error) {
	var ext otmExtension
	if raw, ok := m.Extensions[ToolOTM]; ok {
		var err error
		if ext, err = decodeOTMExtension(raw); err != nil {
			return nil, fmt.Errorf("otm data kept with the model is damaged: %w", err)
		}
	}
	w := &otmWriter{m: m, ext: ext, ids: map[string]string{}, used: map[string]bool{}, names: make(map[string]string, 64)}
	root := newObjectSize(8)
	root.set("otmVersion", otmVersion)
	if v, ok := ext.Document["otmVersion"].(string); ok && v != "" {
		root.set("otmVersion", v)
	}
	root.set("project", w.project())
	root.merge(ext.Document)
	w.assignIDs()
	w.plan()
	root.set("trustZones", w.zones())
	root.set("components", w.components())
	root.set("dataflows", w.flows())
	root.set("assets", treeStream(w.assets))
	root.set("threats", treeStream(w.threats))
	root.set("mitigations", treeStream(w.mitigations))
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
	// names interns member names across the kept objects built.
	names map[string]string
	// places says where each element of m.Surface goes (plan); implied
	// are the trust zones elements name but no element is.
	places  []otmPlace
	implied []any
	// instances lists, per element id, the indexes in m.Threats of the
	// threats on it, once per time the threat names it.
	instances map[string][]int
	// mitigationIDs caches mitigationID for mitigations kept from OTM.
	mitigationIDs map[string]string
	// scratch, vals and pool build kept objects (kept); obj is entity's.
	scratch map[string]any
	vals    *valueCache
	pool    *treePool
	obj     *object
	// instPool, instUsed and instList are instancesOn's.
	instPool []*object
	instUsed int
	instList []any
}

// otmPlace is where plan put an element: a dataflow with its ends or a
// component with its parent; a trust zone's parent trust zone.
type otmPlace struct {
	flow                bool
	src, dst            string
	parentKey, parentID string
}

// kept builds a kept object (nil: none) into the writer's one scratch
// map, its nested objects lent by a pool: each is read, and written if
// it is, before the next is built, so none is kept. A tree per entity,
// and two for each element (plan reads it too), were most of what the
// export of an imported 100,000-element model allocated.
func (w *otmWriter) kept(l *lazyJSON) map[string]any {
	if l == nil {
		return nil
	}
	if w.scratch == nil {
		w.scratch, w.vals, w.pool = make(map[string]any, 16), newValueCache(), &treePool{}
	}
	l.buildInto(w.scratch, w.names, w.vals, w.pool) // checked when it was kept
	return w.scratch
}

// entity is the object an entity of a list is written from, emptied: the
// writer's one, as each is written before the next is made.
func (w *otmWriter) entity() *object {
	if w.obj == nil {
		w.obj = newObjectSize(16)
	}
	w.obj.keys = w.obj.keys[:0]
	clear(w.obj.vals)
	return w.obj
}

// keptID is the string member "id" of a kept object, "" when there is none.
func (w *otmWriter) keptID(l *lazyJSON) string {
	if l == nil {
		return ""
	}
	v, _ := lazyMemberValue(l.raw, "id", w.names)
	id, _ := v.(string)
	return id
}

func (w *otmWriter) project() *object {
	p := newObjectSize(8)
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
	claim := func(tdID string, kept *lazyJSON) {
		id := w.keptID(kept)
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

// plan decides, in the order the lists are written, which elements are
// dataflows and which components, the parent of each, and the trust
// zones elements imply, so the lists can then be written one object at a
// time.
func (w *otmWriter) plan() {
	w.zoneIDs = map[string]string{}
	w.places = make([]otmPlace, len(w.m.Surface))
	for _, e := range w.m.Surface {
		if e.Kind == model.KindTrustBoundary {
			if key := strings.ToLower(e.Name); w.zoneIDs[key] == "" {
				w.zoneIDs[key] = w.ids[e.ID]
			}
		}
	}
	w.instances = map[string][]int{}
	for ti, t := range w.m.Threats {
		for _, eid := range t.Surface {
			w.instances[eid] = append(w.instances[eid], ti)
		}
	}
	// Zones named by elements but with no trust-boundary element of their
	// own are written too: a component must sit in a trust zone.
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
		z := newObjectSize(8)
		z.set("id", id)
		z.set("name", name)
		z.set("risk", map[string]any{"trustRating": json.Number("50")})
		w.implied = append(w.implied, z)
		return id
	}
	// zoneNames gives the name of each written zone by OTM id, so an
	// element keeps the very zone it was in when two share a name.
	zoneNames := map[string]string{}
	for _, e := range w.m.Surface {
		if e.Kind == model.KindTrustBoundary {
			zoneNames[w.ids[e.ID]] = strings.ToLower(e.Name)
		}
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
	for i, e := range w.m.Surface {
		if e.Kind == model.KindTrustBoundary && e.TrustZone != "" && !strings.EqualFold(e.TrustZone, e.Name) {
			w.places[i] = otmPlace{parentKey: "trustZone", parentID: parentZone(e, w.kept(w.ext.Elements[e.ID]))}
		}
	}
	for i, e := range w.m.Surface {
		if e.Kind == model.KindTrustBoundary {
			continue
		}
		res := w.kept(w.ext.Elements[e.ID])
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
			w.places[i] = otmPlace{flow: true, src: src, dst: dst}
			continue
		}
		// A flow missing an end cannot be an OTM dataflow; it is written
		// as a component so its threats stay linked.
		place := otmPlace{parentKey: "trustZone", parentID: parentZone(e, res)}
		if p, ok := res["parent"].(map[string]any); ok {
			if c, ok := p["component"].(string); ok && w.used[c] && c != w.ids[e.ID] {
				place = otmPlace{parentKey: "component", parentID: c}
			}
		}
		w.places[i] = place
	}
}

// elementList is a list of the elements want picks, each written as
// build makes it from the element, its place and its kept object, then
// the objects of more.
func (w *otmWriter) elementList(want func(model.SurfaceElement, otmPlace) bool, build func(model.SurfaceElement, otmPlace, map[string]any) *object, more []any) treeStream {
	return func(yield func(any) error) error {
		for i, e := range w.m.Surface {
			if !want(e, w.places[i]) {
				continue
			}
			if err := yield(build(e, w.places[i], w.kept(w.ext.Elements[e.ID]))); err != nil {
				return err
			}
		}
		for _, v := range more {
			if err := yield(v); err != nil {
				return err
			}
		}
		return nil
	}
}

// zones are the trust-boundary elements as trust zones, then the zones
// other elements imply.
func (w *otmWriter) zones() treeStream {
	isZone := func(e model.SurfaceElement, _ otmPlace) bool { return e.Kind == model.KindTrustBoundary }
	return w.elementList(isZone, func(e model.SurfaceElement, p otmPlace, res map[string]any) *object {
		z := w.base(e)
		if p.parentKey != "" {
			z.set("parent", map[string]any{p.parentKey: p.parentID})
		}
		if _, ok := res["risk"].(map[string]any); !ok {
			z.set("risk", map[string]any{"trustRating": json.Number("50")})
		}
		z.merge(res, "parent")
		return z
	}, w.implied)
}

// components are the elements plan made components.
func (w *otmWriter) components() treeStream {
	isComponent := func(e model.SurfaceElement, p otmPlace) bool { return e.Kind != model.KindTrustBoundary && !p.flow }
	return w.elementList(isComponent, func(e model.SurfaceElement, p otmPlace, res map[string]any) *object {
		o := w.base(e)
		typ, _ := res["type"].(string)
		o.set("type", orDefault(typ, string(e.Kind)))
		o.set("parent", map[string]any{p.parentKey: p.parentID})
		if inst := w.instancesOn(e.ID); len(inst) > 0 {
			o.set("threats", inst)
		}
		skip := []string{"source", "destination", "bidirectional"}
		if e.Kind == model.KindDataFlow {
			skip = append(skip, "assets") // a dataflow's list of ids; a component's is an object
		}
		o.merge(res, skip...)
		return o
	}, nil)
}

// flows are the elements plan made dataflows.
func (w *otmWriter) flows() treeStream {
	isFlow := func(_ model.SurfaceElement, p otmPlace) bool { return p.flow }
	return w.elementList(isFlow, func(e model.SurfaceElement, p otmPlace, res map[string]any) *object {
		o := w.base(e)
		o.set("source", p.src)
		o.set("destination", p.dst)
		if inst := w.instancesOn(e.ID); len(inst) > 0 {
			o.set("threats", inst)
		}
		o.merge(res, "parent", "type")
		return o
	}, nil)
}

// base starts an element's object: id, name, description.
func (w *otmWriter) base(e model.SurfaceElement) *object {
	o := w.entity()
	o.set("id", w.ids[e.ID])
	o.set("name", e.Name)
	if e.Description != "" {
		o.set("description", e.Description)
	}
	return o
}

// instancesOn lists the threat instances linking element eid to its
// threats, each with the threat's mitigations.
func (w *otmWriter) instancesOn(eid string) []any {
	// The objects and the list are the writer's, made again for each
	// element: its instances are written with it, before the next
	// element's are made. An object and a map per instance and per
	// mitigation on it were a fifth of what the export of the 100k model
	// allocated.
	w.instUsed = 0
	out := w.instList[:0]
	for _, ti := range w.instances[eid] {
		t := &w.m.Threats[ti]
		inst := w.instObject()
		inst.set("threat", w.ids[t.ID])
		state, _ := w.ext.States[t.ID].get(eid)
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
			} else if own, ok := w.ext.MitigationStates[mt.ID].get(eid); ok {
				ms = own // unchanged: each occurrence as the file had it
			}
			// An object of the two members in their order is what the
			// map of them wrote.
			mo := w.instObject()
			mo.set("mitigation", w.mitigationID(mt))
			mo.set("state", ms)
			mits = append(mits, mo)
		}
		if len(mits) > 0 {
			inst.set("mitigations", mits)
		}
		out = append(out, inst)
	}
	w.instList = out
	return out
}

// instObject is the next of instancesOn's objects, emptied.
func (w *otmWriter) instObject() *object {
	if w.instUsed == len(w.instPool) {
		w.instPool = append(w.instPool, newObjectSize(4))
	}
	o := w.instPool[w.instUsed]
	w.instUsed++
	o.keys = o.keys[:0]
	clear(o.vals)
	return o
}

// mitigationID is the OTM id of a mitigation: the original (shared by
// every threat it was linked to) or the threatdeck id.
func (w *otmWriter) mitigationID(mt model.Mitigation) string {
	kept := w.ext.Mitigations[mt.ID].Object
	if kept == nil {
		return mt.ID
	}
	id, ok := w.mitigationIDs[mt.ID]
	if !ok {
		id = w.keptID(kept)
		if w.mitigationIDs == nil {
			w.mitigationIDs = map[string]string{}
		}
		w.mitigationIDs[mt.ID] = id
	}
	return orDefault(id, mt.ID)
}

func (w *otmWriter) assets(yield func(any) error) error {
	for _, a := range w.m.Assets {
		res := w.kept(w.ext.Assets[a.ID])
		o := w.entity()
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
		if err := yield(o); err != nil {
			return err
		}
	}
	return nil
}

func (w *otmWriter) threats(yield func(any) error) error {
	for _, t := range w.m.Threats {
		res := w.kept(w.ext.Threats[t.ID])
		o := w.entity()
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
		if err := yield(o); err != nil {
			return err
		}
	}
	return nil
}

// mitigations writes each threat's mitigations once per OTM id, then the
// kept mitigations no threat links.
func (w *otmWriter) mitigations(yield func(any) error) error {
	written := map[string]bool{}
	for _, t := range w.m.Threats {
		for _, mt := range t.Mitigations {
			id := w.mitigationID(mt)
			if written[id] {
				continue
			}
			written[id] = true
			ref := w.ext.Mitigations[mt.ID]
			obj := w.kept(ref.Object)
			mo := w.entity()
			mo.set("id", id)
			if name, ok := obj["name"].(string); ok && ref.Text == mt.Description {
				mo.set("name", name)
				if d, ok := obj["description"].(string); ok {
					mo.set("description", d)
				}
			} else {
				mo.set("name", firstLine(mt.Description))
				mo.set("description", mt.Description)
			}
			if _, ok := obj["riskReduction"]; !ok {
				mo.set("riskReduction", json.Number("50"))
			}
			mo.merge(obj)
			if err := yield(mo); err != nil {
				return err
			}
		}
	}
	for _, l := range w.ext.Unlinked {
		mo := w.kept(l)
		if id, _ := mo["id"].(string); id != "" && !written[id] {
			written[id] = true
			if err := yield(mo); err != nil {
				return err
			}
		}
	}
	return nil
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

// object is a JSON object that keeps its members in the order they were
// set, so written files read naturally (id and name first), with kept
// members from the original file after them in sorted order.
type object struct {
	keys []string
	vals map[string]any
}

func newObject() *object { return &object{vals: map[string]any{}} }

// newObjectSize is newObject with room for n members, made at once: an
// export makes one or more for each of 200,000 entities.
func newObjectSize(n int) *object {
	return &object{keys: make([]string, 0, n), vals: make(map[string]any, n)}
}

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
