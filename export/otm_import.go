package export

import (
	"encoding/json"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/threatdeck/threatdeck/model"
)

// ToolOTM is the Model.Extensions key for Open Threat Model data.
const ToolOTM = "otm"

// otmExtension is what an OTM import keeps with the model: original ids
// and every field threatdeck has no place for, per entity, so an OTM
// export writes them back.
type otmExtension struct {
	// Document holds the top-level members other than the entity lists
	// (otmVersion, representations …); Project the project's members
	// other than name, owner and description.
	Document map[string]any `json:"document"`
	Project  map[string]any `json:"project"`
	// Elements, Assets and Threats map threatdeck ids to the original
	// object less the texts the model holds, each in its bytes.
	Elements otmObjects `json:"elements"`
	Assets   otmObjects `json:"assets"`
	Threats  otmObjects `json:"threats"`
	// States holds each threat's original state per element, so an
	// unchanged status is written back in the file's own words.
	States otmStates `json:"states"`
	// Mitigations maps threatdeck mitigation ids to their origin.
	Mitigations map[string]otmMitigationRef `json:"mitigations"`
	// MitigationStates holds each mitigation's state per element (by
	// threatdeck mitigation id, then element id): OTM states it per
	// occurrence, threatdeck once, so an unchanged status is written back
	// as each occurrence had it ("required" here, "implemented" there).
	MitigationStates otmStates `json:"mitigation_states,omitempty"`
	// Unlinked are top-level mitigations no threat refers to, written
	// back as they were.
	Unlinked otmObjectList `json:"unlinked,omitempty"`
	// size is about how many bytes the kept objects take, for the
	// buffer appendJSON writes into.
	size int
}

// otmMitigationRef is where a threatdeck mitigation came from: the OTM
// mitigation (shared by every threat it is linked to) and its state.
type otmMitigationRef struct {
	Object *lazyJSON `json:"object"`
	State  string    `json:"state"`
	// Text is the description threatdeck composed from name and
	// description; while unchanged, the originals are written back.
	Text string `json:"text"`
}

// otmInstance is a threat instance on an element: the path of the
// element and its index in the element's threats say where it is, for a
// warning (a path for each of 100,000 instances is megabytes).
type otmInstance struct {
	element     string
	state       string
	at          string
	index       int
	mitigations []otmMitigationUse
}

// path is the instance's JSON path.
func (in otmInstance) path() string { return indexPath(childPath(in.at, "threats"), in.index) }

type otmMitigationUse struct {
	id, state string
	index     int // in the instance's mitigations
}

// otmLazyPaths are the lists of an OTM file its reader builds one object
// at a time (parseTreeLazy): a 100,000-element file is never held as one
// tree of maps.
var otmLazyPaths = [][]string{
	{"trustZones", ""}, {"components", ""}, {"dataflows", ""},
	{"assets", ""}, {"threats", ""}, {"mitigations", ""},
}

// otmMitigation is a top-level mitigation, read (built, its text
// composed, its object kept) the first time a threat links it: several
// threats can share one.
type otmMitigation struct {
	n    jnode
	read bool
	text string
	kept *lazyJSON
}

// otmKeeper keeps objects compact for the extension (see otmArena).
type otmKeeper func(n jnode, obj map[string]any) *lazyJSON

func (mit *otmMitigation) readOnce(r *jreader, rd otmReading) string {
	if mit.read {
		return mit.text
	}
	mit.read = true
	mn := builtInto(r, mit.n, rd.scratch, rd.names, rd.vals, rd.pool)
	mit.n = jnode{} // read for the last time: the unlinked are the unread
	mit.text = mitigationText(otmStr(r, mn, "name"), otmStr(r, mn, "description"))
	if model.CleanText(mit.text) == "" {
		return mit.text
	}
	otmNumber(r, mn, "riskReduction")
	if obj, ok := mn.v.(map[string]any); ok {
		mit.kept = rd.keep(mn, obj)
	}
	return mit.text
}

// builtInto is r.built building an object left in its bytes into obj,
// emptied first: for an object read once and dropped, whose map need not
// be a new one.
func builtInto(r *jreader, n jnode, obj map[string]any, names map[string]string, vals *valueCache, pool *treePool) jnode {
	l, ok := n.v.(*lazyJSON)
	if !ok {
		return n
	}
	if !l.buildInto(obj, names, vals, pool) {
		r.fail(n.path, "is not a valid JSON object")
		return jnode{path: n.path, present: true}
	}
	n.v = obj
	return n
}

// otmObject checks that n is an object (or null) as r.object does, for
// an object perhaps still in its bytes (which is one).
func otmObject(r *jreader, n jnode) {
	if _, lazy := n.v.(*lazyJSON); !lazy {
		r.object(n)
	}
}

// otmMember is n.get(key) for an object perhaps still in its bytes,
// decoding that member alone.
func otmMember(n jnode, key string, names map[string]string) jnode {
	l, lazy := n.v.(*lazyJSON)
	if !lazy {
		return n.get(key)
	}
	v, found := lazyMemberValue(l.raw, key, names)
	return jnode{v: v, path: childPath(n.path, key), present: found}
}

// otmMemberStr is r.str(otmMember(n, key, names)), making the member's
// path only for an error.
func otmMemberStr(r *jreader, n jnode, key string, names map[string]string) string {
	l, lazy := n.v.(*lazyJSON)
	if !lazy || r.err != nil {
		return r.str(otmMember(n, key, names))
	}
	v, found := lazyMemberValue(l.raw, key, names)
	switch v := v.(type) {
	case string:
		return v
	case nil:
		return ""
	}
	return r.str(jnode{v: v, path: childPath(n.path, key), present: found})
}

// otmNumber is r.number(n.get(key)) for a member only checked, making
// its path only for an error.
func otmNumber(r *jreader, n jnode, key string) {
	obj, _ := n.v.(map[string]any)
	switch v := obj[key].(type) {
	case nil:
		return
	case json.Number:
		if _, err := v.Float64(); err == nil {
			return
		}
	}
	r.number(n.get(key))
}

// otmStrings is r.strings(n.get(key)) making no path when every element
// is a string or null, as nearly all are.
func otmStrings(r *jreader, n jnode, key string) []string {
	obj, _ := n.v.(map[string]any)
	if obj[key] == nil && r.err == nil {
		return nil // absent or null: none
	}
	list, ok := obj[key].([]any)
	if !ok || r.err != nil {
		return r.strings(n.get(key))
	}
	for _, v := range list {
		if _, isStr := v.(string); !isStr && v != nil {
			return r.strings(n.get(key))
		}
	}
	var out []string
	for _, v := range list {
		if s, _ := v.(string); strings.TrimSpace(s) != "" {
			out = append(out, strings.TrimSpace(s))
		}
	}
	return out
}

// otmStr is r.str(n.get(key)) making the member's path only for an
// error: a path for every member read is most of what reading costs.
func otmStr(r *jreader, n jnode, key string) string {
	if obj, ok := n.v.(map[string]any); ok && r.err == nil {
		switch v := obj[key].(type) {
		case string:
			return v
		case nil:
			return ""
		}
	}
	return r.str(n.get(key))
}

// readInstances reads the threat instances on element n (eid), giving
// each with the id of its threat.
func readInstances(r *jreader, n jnode, eid string, uses *listSlab[otmMitigationUse], each func(tid string, inst otmInstance)) {
	obj, _ := n.v.(map[string]any)
	if list, ok := obj["threats"].([]any); ok && r.err == nil && plainInstances(list) {
		// Nothing to report: read without a path for every value.
		for i, v := range list {
			in, _ := v.(map[string]any)
			state, _ := in["state"].(string)
			inst := otmInstance{element: eid, state: state, at: n.path, index: i}
			list, _ := in["mitigations"].([]any)
			if len(list) > 0 {
				inst.mitigations = uses.take(len(list))
			}
			for k, u := range list {
				mu, _ := u.(map[string]any)
				id, _ := mu["mitigation"].(string)
				ms, _ := mu["state"].(string)
				inst.mitigations = append(inst.mitigations, otmMitigationUse{id, ms, k})
			}
			tid, _ := in["threat"].(string)
			each(tid, inst)
		}
		return
	}
	for i, in := range r.array(n.get("threats")) {
		r.object(in)
		inst := otmInstance{element: eid, state: otmStr(r, in, "state"), at: n.path, index: i}
		for k, mu := range r.array(in.get("mitigations")) {
			r.object(mu)
			inst.mitigations = append(inst.mitigations, otmMitigationUse{otmStr(r, mu, "mitigation"), otmStr(r, mu, "state"), k})
		}
		each(otmStr(r, in, "threat"), inst)
	}
}

// listSlab hands out short slices carved from blocks, for the many small
// lists an import holds to its end: one allocation for thousands. Each
// slice has the capacity asked for, so appending past it copies rather
// than writing into the next one.
type listSlab[T any] struct{ block []T }

func (s *listSlab[T]) take(n int) []T {
	if n > 64 {
		return make([]T, 0, n)
	}
	if cap(s.block)-len(s.block) < n {
		s.block = make([]T, 0, 2048)
	}
	at := len(s.block)
	s.block = s.block[:at+n]
	return s.block[at : at : at+n]
}

// plainInstances reports whether every instance in list reads without a
// problem: an object or null, its threat and state strings or null, its
// mitigations a list (or null) of such objects.
func plainInstances(list []any) bool {
	strOrNull := func(v any) bool {
		_, ok := v.(string)
		return ok || v == nil
	}
	for _, v := range list {
		in, ok := v.(map[string]any)
		if v == nil {
			continue
		}
		if !ok || !strOrNull(in["state"]) || !strOrNull(in["threat"]) {
			return false
		}
		uses, isList := in["mitigations"].([]any)
		if !isList && in["mitigations"] != nil {
			return false
		}
		for _, u := range uses {
			mu, ok := u.(map[string]any)
			if u != nil && (!ok || !strOrNull(mu["mitigation"]) || !strOrNull(mu["state"])) {
				return false
			}
		}
	}
	return true
}

// listLen is the length of the list n holds, 0 for anything else.
func listLen(n jnode) int {
	list, _ := n.v.([]any)
	return len(list)
}

// readOTM maps an Open Threat Model: trust zones become trust-boundary
// elements (and the trust zone of what they hold), components and
// dataflows become elements, threats keep their categories and have their
// 0–100 likelihood and impact mapped to 1–5, and the mitigations linked to
// a threat on any component become its mitigations. Each object of the
// file's lists is built when it is read and kept compact (otmArena).
func readOTM(root jnode, r *jreader, b *builder) model.Overview {
	rootObj := r.object(root)
	project := root.get("project")
	r.requireObject(project, "an OTM file has a project with its name and id")
	ov := model.Overview{
		Title:   otmStr(r, project, "name"),
		Owner:   otmStr(r, project, "owner"),
		Summary: otmStr(r, project, "description"),
	}
	otmStr(r, root, "otmVersion")
	// The lists' lengths size the maps, so none grows by rehashing.
	nElements := listLen(root.get("trustZones")) + listLen(root.get("components")) + listLen(root.get("dataflows"))
	nThreats, nMitigations := listLen(root.get("threats")), listLen(root.get("mitigations"))
	ext := otmExtension{
		Document:    residual(rootObj, "project", "trustZones", "components", "dataflows", "assets", "threats", "mitigations"),
		Project:     residual(r.object(project), "name", "owner", "description"),
		Elements:    make(otmObjects, nElements),
		Assets:      make(otmObjects, listLen(root.get("assets"))),
		Threats:     make(otmObjects, nThreats),
		States:      make(otmStates, nThreats),
		Mitigations: make(map[string]otmMitigationRef, nMitigations),
	}
	names := make(map[string]string, 64)
	var arena otmArena
	keep := func(n jnode, obj map[string]any) *lazyJSON {
		l, err := arena.keep(obj)
		if err != nil {
			r.fail(n.path, "cannot be kept: %v", err)
		}
		return l
	}

	// Each object of the lists is built into one map, read, kept as
	// bytes and dropped, so one map serves them all (mitigations, read
	// while a threat is, have their own).
	scratch := make(map[string]any, 16)
	vals := newValueCache()
	pool := &treePool{} // the nested maps of what scratch holds
	built := func(n jnode) jnode { return builtInto(r, n, scratch, names, vals, pool) }
	elementOf := make(map[string]string, nElements) // OTM id → element id
	zones := r.array(root.get("trustZones"))
	components := r.array(root.get("components"))
	dataflows := r.array(root.get("dataflows"))
	b.reserve(nElements, nThreats)
	zoneName := make(map[string]string, len(zones))
	parentOf := make(map[string]jnode, len(zones)+len(components))
	for _, n := range zones {
		otmObject(r, n)
		id := otmMemberStr(r, n, "id", names)
		zoneName[id] = otmMemberStr(r, n, "name", names)
		parentOf[id] = n
	}
	for _, n := range components {
		otmObject(r, n)
		parentOf[otmMemberStr(r, n, "id", names)] = n
	}
	if r.err != nil {
		return ov
	}
	instances := make(map[string][]otmInstance, nThreats)
	var instanceSlab listSlab[otmInstance]
	var uses listSlab[otmMitigationUse]
	add := func(n jnode, e model.SurfaceElement) {
		obj := r.object(n)
		id := otmStr(r, n, "id")
		e.Name = otmStr(r, n, "name")
		e.Description = otmStr(r, n, "description")
		if r.err != nil {
			return
		}
		otmTraits(&e, n)
		eid := b.element(e, n.path)
		if id != "" {
			elementOf[id] = eid
		}
		readInstances(r, n, eid, &uses, func(tid string, inst otmInstance) {
			list := instances[tid]
			if list == nil {
				list = instanceSlab.take(1) // most threats are on one element
			}
			instances[tid] = append(list, inst)
		})
		ext.Elements[eid] = keep(n, strip(obj, "name", "description", "threats"))
	}
	for _, z := range zones {
		z = built(z)
		add(z, model.SurfaceElement{Kind: model.KindTrustBoundary, TrustZone: otmZoneOf(r, z, parentOf, zoneName, names)})
		r.number(z.get("risk").get("trustRating"))
	}
	for _, c := range components {
		c = built(c)
		add(c, model.SurfaceElement{
			Kind:      kindFor(otmStr(r, c, "type"), otmStr(r, c, "name")),
			TrustZone: otmZoneOf(r, c, parentOf, zoneName, names),
		})
	}
	// What places elements in their zones is read; the zones' and
	// components' objects are dropped as they are read.
	parentOf, zoneName = nil, nil
	for _, f := range dataflows {
		f = built(f)
		src, dst := otmStr(r, f, "source"), otmStr(r, f, "destination")
		for _, end := range []struct{ key, id string }{{"source", src}, {"destination", dst}} {
			if _, ok := elementOf[end.id]; !ok && r.err == nil {
				// Kept in the extension and written back as it was; the
				// element is a flow with that end open.
				b.warn("Imported file: dataflow %q has %s %q, which the file does not define (%s).", otmStr(r, f, "name"), end.key, end.id, f.path)
			}
		}
		add(f, model.SurfaceElement{
			Kind:   model.KindDataFlow,
			Source: elementOf[src],
			Target: elementOf[dst],
		})
	}

	// The elements are read: their lists (each object in its bytes and
	// a node with its path) need not be held while the rest is read.
	elementOf = nil
	for _, list := range []string{"trustZones", "components", "dataflows"} {
		delete(rootObj, list)
	}
	for _, a := range r.array(root.get("assets")) {
		a = built(a)
		obj := r.object(a)
		asset := model.Asset{Name: otmStr(r, a, "name"), Description: otmStr(r, a, "description")}
		if conf, ok := r.number(a.get("risk").get("confidentiality")); ok {
			asset.Sensitivity = sensitivityFrom100(conf)
		}
		id := b.asset(asset, a.path)
		ext.Assets[id] = keep(a, strip(obj, "name", "description"))
	}

	mitigations := make(map[string]*otmMitigation, nMitigations)
	mitigationList := make([]otmMitigation, 0, nMitigations) // one block, not one each
	rd := otmReading{names: names, vals: vals, keep: keep, scratch: make(map[string]any, 8), pool: &treePool{}, bufs: &otmThreatBuffers{}}
	var mitigationOrder []string
	for _, mn := range r.array(root.get("mitigations")) {
		otmObject(r, mn)
		id := otmMemberStr(r, mn, "id", names)
		if _, dup := mitigations[id]; !dup {
			mitigationOrder = append(mitigationOrder, id)
		}
		mitigationList = append(mitigationList, otmMitigation{n: mn})
		mitigations[id] = &mitigationList[len(mitigationList)-1]
	}
	defined := make(map[string]bool, nThreats)
	for _, tn := range r.array(root.get("threats")) {
		tn = built(tn)
		defined[otmStr(r, tn, "id")] = true
		readOTMThreat(r, b, tn, instances, mitigations, &ext, rd)
	}
	referenced := make(map[string]bool, nMitigations)
	for _, list := range instances {
		for _, in := range list {
			for _, mu := range in.mitigations {
				referenced[mu.id] = true
			}
		}
	}
	for _, tid := range slices.Sorted(maps.Keys(instances)) {
		if list := instances[tid]; !defined[tid] {
			for _, in := range list {
				b.warn("Imported file: a threat instance refers to threat %q, which the file does not define (%s).", tid, in.path())
			}
		}
	}
	for _, id := range mitigationOrder {
		if !referenced[id] {
			mn := builtInto(r, mitigations[id].n, rd.scratch, names, vals, rd.pool)
			if obj, ok := mn.v.(map[string]any); ok {
				ext.Unlinked = append(ext.Unlinked, keep(mn, obj))
			}
		}
	}
	ext.size = arena.size
	b.extension(ToolOTM, &ext)
	return ov
}

// otmReading is what reading one object needs from the whole import.
type otmReading struct {
	names map[string]string
	vals  *valueCache
	// bufs are readOTMThreat's lists, reused from threat to threat.
	bufs *otmThreatBuffers
	keep otmKeeper
	// scratch is the map mitigations are built into, pool the maps
	// nested in it.
	scratch map[string]any
	pool    *treePool
}

// otmThreatBuffers are the lists readOTMThreat fills for each threat.
type otmThreatBuffers struct {
	linked  []otmLinked
	origins []otmMitigationRef
}

// otmZoneOf is otmZone for the parent of n, making no path for a parent
// that names its trust zone, as nearly all do.
func otmZoneOf(r *jreader, n jnode, parentOf map[string]jnode, zoneName map[string]string, names map[string]string) string {
	obj, _ := n.v.(map[string]any)
	if parent, ok := obj["parent"].(map[string]any); ok && r.err == nil {
		if z, ok := parent["trustZone"].(string); ok && z != "" {
			return zoneName[z]
		}
	}
	return otmZone(r, n.get("parent"), parentOf, zoneName, names)
}

// otmZone follows parents up to the enclosing trust zone's name;
// parentOf holds the zones and components by OTM id, perhaps still in
// their bytes.
func otmZone(r *jreader, parent jnode, parentOf map[string]jnode, zoneName map[string]string, names map[string]string) string {
	for range 32 { // parents can form a cycle in a broken file
		r.object(parent)
		if z := otmStr(r, parent, "trustZone"); z != "" {
			return zoneName[z]
		}
		c := otmStr(r, parent, "component")
		if c == "" || r.err != nil {
			return ""
		}
		parent = otmMember(parentOf[c], "parent", names)
	}
	return ""
}

func readOTMThreat(r *jreader, b *builder, tn jnode, instances map[string][]otmInstance, mitigations map[string]*otmMitigation, ext *otmExtension, rd otmReading) {
	obj := r.object(tn)
	id := otmStr(r, tn, "id")
	t := model.Threat{
		Title:       otmStr(r, tn, "name"),
		Description: otmStr(r, tn, "description"),
		Status:      model.StatusOpen,
	}
	t.Likelihood, t.Impact = otmRisk(r, tn)
	cats := otmStrings(r, tn, "categories")
	t.Methodology, t.Category = classify(firstStride(cats), "", "OTM")
	otmStrings(r, tn, "cwes")
	if r.err != nil {
		return
	}
	insts := instances[id]
	var states []otmOccurrence
	if len(insts) > 0 {
		t.Surface = make([]string, 0, len(insts))
		states = make([]otmOccurrence, 0, len(insts))
	}
	// The mitigations linked so far, by OTM id: a threat links a few, so
	// a list is searched rather than a map made for each threat. It and
	// origins are the import's buffers, emptied for each threat: what
	// outlives the threat is copied out of them (newStateList keeps a
	// mitigation's states, a slice of its own).
	linked := rd.bufs.linked[:0]
	var linkedIndex map[string]int // by id, once linked is long
	origins := rd.bufs.origins[:0]
	defer func() { rd.bufs.linked, rd.bufs.origins = linked[:0], origins[:0] }()
	for i, in := range insts {
		t.Surface = append(t.Surface, in.element)
		states = append(states, otmOccurrence{in.element, in.state})
		if s := statusFrom(in.state); i == 0 || s == model.StatusOpen {
			t.Status = s
		}
		for _, mu := range in.mitigations {
			mit, ok := mitigations[mu.id]
			if !ok {
				b.warn("Imported file: a threat instance refers to mitigation %q, which the file does not define (%s).", mu.id, indexPath(childPath(in.path(), "mitigations"), mu.index))
				continue
			}
			if at := linkedAt(linked, linkedIndex, mu.id); at >= 0 {
				if l := &linked[at]; l.index >= 0 {
					l.occur(in.element, mu.state)
				}
				continue
			}
			linked = append(linked, otmLinked{id: mu.id, index: -1})
			if linkedIndex == nil && len(linked) > smallList {
				linkedIndex = make(map[string]int, 2*len(linked))
				for i, l := range linked {
					linkedIndex[l.id] = i
				}
			} else if linkedIndex != nil {
				linkedIndex[mu.id] = len(linked) - 1
			}
			text := mit.readOnce(r, rd)
			if model.CleanText(text) == "" {
				continue
			}
			l := &linked[len(linked)-1]
			l.index = len(t.Mitigations)
			l.occur(in.element, mu.state)
			t.Mitigations = append(t.Mitigations, model.Mitigation{Description: text, Status: mitigationStatusFrom(mu.state)})
			origins = append(origins, otmMitigationRef{Object: mit.kept, State: mu.state, Text: model.CleanText(text)})
		}
	}
	if r.err != nil {
		return
	}
	b.ownThreat(&t, tn.path) // t.Mitigations is this threat's alone
	ext.Threats[t.ID] = rd.keep(tn, strip(obj, "name", "description"))
	ext.States[t.ID] = newStateList(states)
	for i, m := range t.Mitigations {
		ext.Mitigations[m.ID] = origins[i]
	}
	for _, l := range linked {
		if l.index >= 0 && len(l.states) > 1 {
			if ext.MitigationStates == nil {
				ext.MitigationStates = otmStates{}
			}
			ext.MitigationStates[t.Mitigations[l.index].ID] = newStateList(l.states)
		}
	}
}

// otmLinked is a mitigation a threat links: its index in the threat's
// mitigations (-1: none, its text is empty) and its state on each
// element, the last one given for an element counting.
type otmLinked struct {
	id     string
	index  int
	states []otmOccurrence
	// at indexes states by element once there are many.
	at map[string]int
}

type otmOccurrence struct{ element, state string }

// smallList is how long a list is searched before a map indexes it.
const smallList = 16

// linkedAt finds the mitigation id in linked (index: by id, or nil), -1
// when it is not there.
func linkedAt(linked []otmLinked, index map[string]int, id string) int {
	if index != nil {
		if i, ok := index[id]; ok {
			return i
		}
		return -1
	}
	return slices.IndexFunc(linked, func(l otmLinked) bool { return l.id == id })
}

func (l *otmLinked) occur(element, state string) {
	if l.at != nil {
		if i, ok := l.at[element]; ok {
			l.states[i].state = state
			return
		}
		l.at[element] = len(l.states)
	} else {
		for i := range l.states {
			if l.states[i].element == element {
				l.states[i].state = state
				return
			}
		}
		if len(l.states) >= smallList {
			l.at = make(map[string]int, 2*len(l.states))
			for i, o := range l.states {
				l.at[o.element] = i
			}
			l.at[element] = len(l.states)
		}
	}
	l.states = append(l.states, otmOccurrence{element, state})
}

// firstStride picks the first category that is a STRIDE one, else the first.
func firstStride(cats []string) string {
	for _, c := range cats {
		if _, ok := parseStride(c); ok {
			return c
		}
	}
	if len(cats) > 0 {
		return cats[0]
	}
	return ""
}

// mitigationText joins an OTM mitigation's name and description, without
// repeating the name when the description starts with it.
func mitigationText(name, desc string) string {
	name, desc = strings.TrimSpace(name), strings.TrimSpace(desc)
	if strings.HasPrefix(desc, strings.TrimRight(name, ".")) {
		return desc
	}
	return joinText(name, desc)
}

// otmRisk reads a threat's likelihood and impact (rating100), making no
// path when both are numbers in range or null, as nearly all are.
func otmRisk(r *jreader, tn jnode) (likelihood, impact int) {
	obj, _ := tn.v.(map[string]any)
	risk, isObj := obj["risk"].(map[string]any)
	if r.err == nil && (isObj || obj["risk"] == nil) {
		l, lok := plainRating(risk["likelihood"])
		i, iok := plainRating(risk["impact"])
		if lok && iok {
			return l, i
		}
	}
	n := tn.get("risk")
	r.object(n)
	return rating100(r, n.get("likelihood")), rating100(r, n.get("impact"))
}

// plainRating is rating100 of a value that cannot fail: null, or a
// number from 0 to 100; false for any other.
func plainRating(v any) (int, bool) {
	if v == nil {
		return 0, true
	}
	num, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := num.Float64()
	if err != nil || f < 0 || f > 100 {
		return 0, false
	}
	return 1 + int(math.Round(f/25)), true
}

// rating100 maps OTM's 0–100 likelihood or impact onto 1–5 in equal steps
// (0→1, 25→2, 50→3, 75→4, 100→5), so export (see scale100) and import
// round-trip. Absent or null means not rated, which the model takes as 3.
func rating100(r *jreader, n jnode) int {
	v, ok := r.number(n)
	if !ok {
		return 0
	}
	if v < 0 || v > 100 {
		r.fail(n.path, "is %v; OTM ratings run from 0 to 100", v)
		return 0
	}
	return 1 + int(math.Round(v/25))
}

// scale100 is rating100's inverse.
func scale100(rating int) int { return (max(model.MinRating, min(model.MaxRating, rating)) - 1) * 25 }

// sensitivityFrom100 reads an OTM asset's 0–100 confidentiality rating.
func sensitivityFrom100(c float64) model.Sensitivity {
	switch {
	case c >= 75:
		return model.Restricted
	case c >= 50:
		return model.Confidential
	case c >= 25:
		return model.Internal
	}
	return model.Public
}
