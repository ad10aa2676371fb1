package export

import (
	"fmt"
	"slices"
	"strings"

	"github.com/threatdeck/threatdeck/model"
)

// ToolTMBOM is the Model.Extensions key for TM-BOM data.
const ToolTMBOM = "tm-bom"

// tmbomExtension keeps the original TM-BOM document (scope ratings, data
// set placements, risks, diagrams …) and where each entity came from, as
// the export reads it back (an import writes it as tmbomKeptData).
type tmbomExtension struct {
	Document    map[string]any    `json:"document"`
	Elements    map[string]string `json:"elements"`    // element id → "components/api-gateway"
	Threats     map[string]string `json:"threats"`     // threat id → symbolic name
	Mitigations map[string]string `json:"mitigations"` // mitigation id → control symbolic name
}

// TM-BOM's five-step scales, mapped onto threatdeck's 1–5.
var (
	tmbomLikelihood = map[string]int{"rare": 1, "unlikely": 2, "possible": 3, "likely": 4, "certain": 5}
	tmbomImpact     = map[string]int{"negligible": 1, "minor": 2, "moderate": 3, "major": 4, "severe": 5}
	tmbomDegree     = map[string]model.Level{"minimal": model.Low, "low": model.Low, "moderate": model.Medium, "high": model.High, "maximal": model.High}
	tmbomSkill      = map[string]model.Level{"script_kid": model.Low, "insider": model.Medium, "engineer": model.Medium, "expert_engineer": model.High, "oc_sponsored": model.High, "state_sponsored": model.High}
)

// tmbomLazyPaths are the lists of a TM-BOM file whose objects are left
// in their bytes until the reader takes them one by one (parseTreeLazy):
// a 100,000-threat file is then never held as one tree of maps.
var tmbomLazyPaths = [][]string{
	{"assumptions", ""}, {"trust_zones", ""}, {"trust_boundaries", ""}, {"actors", ""},
	{"components", ""}, {"data_stores", ""}, {"data_flows", ""}, {"data_sets", ""},
	{"threat_personas", ""}, {"risks", ""}, {"threats", ""}, {"controls", ""},
}

// tmbomRead is the state of one TM-BOM import: the document kept with
// the model, and the names references resolve to.
type tmbomRead struct {
	r    *jreader
	b    *builder
	root jnode
	doc  map[string]any
	ext  *tmbomKeptData
	// zones maps trust zone symbolic names to titles; byName resolves
	// references to elements: "type/name" first, then the bare name,
	// because files reference a data store as a component now and then.
	zones, byName map[string]string
	// lastList is the list last read and listPath its path.
	lastList, listPath string
}

// list is the array member name of the document, as jreader.array reads
// it: absent or null is none.
func (t *tmbomRead) list(name string) []any {
	n := t.root.get(name)
	if t.r.err != nil || n.null() {
		return nil
	}
	arr, ok := n.v.([]any)
	if !ok {
		t.r.wrongType(n, "an array")
	}
	return arr
}

// size is how many elements the document's list name has, or 0.
func (t *tmbomRead) size(name string) int {
	v, _ := t.root.get(name).v.([]any)
	return len(v)
}

// object reads element i of list v.
func (t *tmbomRead) object(list string, i int, v any) tmbomObject {
	if list != t.lastList {
		t.lastList, t.listPath = list, childPath(t.root.path, list)
	}
	return tmbomElement(t.r, v, indexPath(t.listPath, i))
}

// keep marks the object, read for the last time, to be written compact
// from its bytes in the document kept with the model (tmbomKept); one
// whose names are out of order stays as it is, built only while the
// extension is written.
func (t *tmbomRead) keep(list string, i int, o *tmbomObject) {
	if tmbomUnread[list] {
		return // dropped from the document (tmbomUnread)
	}
	kept, _ := t.doc[list].([]any)
	if o.raw == nil || i >= len(kept) || t.r.err != nil {
		return
	}
	if _, lazy := kept[i].(*lazyJSON); !lazy {
		return
	}
	if o.sorted {
		kept[i] = tmbomKept(o.raw)
		t.ext.size += o.size + 1 // and its comma
	} else {
		t.ext.size += len(o.raw) + 1
	}
}

// zoneTitle is the title of the trust zone named s, or s.
func (t *tmbomRead) zoneTitle(s string) string {
	if title, ok := t.zones[s]; ok && strings.TrimSpace(title) != "" {
		return title
	}
	return s
}

// add queues element e read from o of list, by its symbolic name.
func (t *tmbomRead) add(list string, o *tmbomObject, e model.SurfaceElement) {
	name := o.str(tfSymbolicName)
	if t.r.err != nil {
		return
	}
	id := t.b.element(e, o.path)
	t.ext.elements = append(t.ext.elements, tmbomOrigin{id, list + "/" + name})
	t.byName[singular(list)+"/"+name] = id
	if _, taken := t.byName[name]; !taken {
		t.byName[name] = id
	}
}

// ref is the element a flow's end {type, object} names, or "".
func (t *tmbomRead) ref(n tmbomObject) string {
	typ, name := n.str(tfType), n.str(tfObject)
	if id, ok := t.byName[strings.TrimPrefix(typ, "#/$defs/")+"/"+name]; ok {
		return id
	}
	return t.byName[name]
}

// tmbomThreatNames is what the lists of a TM-BOM file say of each threat
// symbolic name, in one map rather than one per list.
type tmbomThreatNames struct {
	index map[string]int32
	names []tmbomThreatName
	none  tmbomThreatName
}

// tmbomThreatName is what is said of one threat symbolic name.
type tmbomThreatName struct {
	// known: a threat has the name; likelihood and impact are the highest
	// its risks give; risks are their titles; controls are the controls
	// addressing it, by their place in the list of their texts.
	known              bool
	likelihood, impact int
	risks              []string
	controls           []int32
}

func newTMBOMThreatNames(n int) *tmbomThreatNames {
	return &tmbomThreatNames{index: make(map[string]int32, n), names: make([]tmbomThreatName, 0, n)}
}

// add is the entry for name, made if there is none. It stays valid until
// the next add.
func (t *tmbomThreatNames) add(name string) *tmbomThreatName {
	i, ok := t.index[name]
	if !ok {
		i = int32(len(t.names))
		t.index[name] = i
		t.names = append(t.names, tmbomThreatName{})
	}
	return &t.names[i]
}

// get is the entry for name, or an empty one not to be changed.
func (t *tmbomThreatNames) get(name string) *tmbomThreatName {
	if i, ok := t.index[name]; ok {
		return &t.names[i]
	}
	t.none = tmbomThreatName{}
	return &t.none
}

// tmbomControlText is what a threat takes from a control addressing it.
type tmbomControlText struct {
	sym, title, description, priority, status string
}

// readTMBOM maps a Threat Model Bill of Materials: trust zones and trust
// boundaries become trust-boundary elements; actors, components, data
// stores and data flows become elements; data sets become assets; threat
// personas become threat actors; threats keep their event as category
// (TM-BOM has no STRIDE); risks set likelihood and impact; controls become
// mitigations of the threats they address, or custom controls when they
// address none. Each object of the large lists is read from its bytes
// (tmbomObject), never built as a map.
func readTMBOM(root jnode, r *jreader, b *builder) model.Overview {
	doc := r.object(root)
	scope := root.get("scope")
	r.requireObject(scope, "a TM-BOM has a scope with its title")
	ov := model.Overview{
		Title:   r.str(scope.get("title")),
		Summary: r.str(root.get("description")),
		Scope:   r.str(scope.get("description")),
	}
	t := &tmbomRead{r: r, b: b, root: root, doc: doc}
	// Lists and maps are allocated once, at their size.
	elements := t.size("trust_zones") + t.size("trust_boundaries") + t.size("actors") + t.size("components") + t.size("data_stores") + t.size("data_flows")
	threatCount := t.size("threats")
	b.reserve(elements, threatCount)
	ext := tmbomKeptData{document: doc, elements: make([]tmbomOrigin, 0, elements),
		threats: make([]tmbomOrigin, 0, threatCount), mitigations: make([]tmbomOrigin, 0, t.size("controls"))}
	t.ext = &ext
	t.zones, t.byName = make(map[string]string, t.size("trust_zones")), make(map[string]string, 2*elements)

	var assumptions []string
	for i, v := range t.list("assumptions") {
		a := t.object("assumptions", i, v)
		if d := strings.TrimSpace(a.str(tfDescription)); d != "" {
			assumptions = append(assumptions, "- "+d+" ("+orDefault(a.str(tfValidity), "unconfirmed")+")")
		}
	}
	if len(assumptions) > 0 {
		ov.Scope = joinText(ov.Scope, "Assumptions:\n"+strings.Join(assumptions, "\n"))
	}

	zoneList := t.list("trust_zones")
	for i, v := range zoneList {
		z := t.object("trust_zones", i, v)
		t.zones[z.str(tfSymbolicName)] = z.str(tfTitle)
	}
	for i, v := range zoneList {
		z := t.object("trust_zones", i, v)
		t.add("trust_zones", &z, model.SurfaceElement{Kind: model.KindTrustBoundary, Name: z.str(tfTitle), Description: z.str(tfDescription)})
		t.keep("trust_zones", i, &z)
	}
	for i, v := range t.list("trust_boundaries") {
		tb := t.object("trust_boundaries", i, v)
		ext.size += len(tb.raw) + 1
		a, z := t.zoneTitle(tb.str(tfTrustZoneA)), t.zoneTitle(tb.str(tfTrustZoneB))
		desc := joinText(
			listLine("Access control", tb.strings(tfAccessControl)),
			listLine("Authentication", tb.strings(tfAuthentication)),
		)
		if r.err != nil {
			return ov
		}
		id := b.element(model.SurfaceElement{Kind: model.KindTrustBoundary, Name: "Boundary: " + a + " ↔ " + z, Description: desc}, tb.path)
		ext.elements = append(ext.elements, tmbomOrigin{id, fmt.Sprintf("trust_boundaries/%d", i)})
	}
	for i, v := range t.list("actors") {
		a := t.object("actors", i, v)
		kind := model.KindExternalEntity
		if a.str(tfType) == "third_party" {
			kind = model.KindThirdParty
		}
		t.add("actors", &a, model.SurfaceElement{Kind: kind, Name: a.str(tfTitle), TrustZone: t.zoneTitle(a.str(tfTrustZone)),
			Description: joinText(a.str(tfDescription), prefixed("Permissions: ", a.str(tfPermissions)))})
		t.keep("actors", i, &a)
	}
	components := t.list("components")
	compZone, compParent := make(map[string]string, len(components)), make(map[string]string, len(components))
	for i, v := range components {
		c := t.object("components", i, v)
		name := c.str(tfSymbolicName)
		compZone[name], compParent[name] = c.str(tfTrustZone), c.str(tfParent)
	}
	for i, v := range components {
		c := t.object("components", i, v)
		zone := c.str(tfTrustZone)
		// A component without a zone sits in its parent's; parents can
		// form a cycle in a broken file, hence the bound.
		for p, hops := c.str(tfParent), 0; zone == "" && p != "" && hops < 32; hops++ {
			zone, p = compZone[p], compParent[p]
		}
		title := c.str(tfTitle)
		t.add("components", &c, model.SurfaceElement{Kind: kindFor(c.str(tfSymbolicName), title), Name: title,
			Description: c.str(tfDescription), TrustZone: t.zoneTitle(zone)})
		t.keep("components", i, &c)
	}
	for i, v := range t.list("data_stores") {
		s := t.object("data_stores", i, v)
		product := strings.TrimSpace(s.str(tfVendor) + " " + s.str(tfProduct))
		t.add("data_stores", &s, model.SurfaceElement{Kind: model.KindDataStore, Name: s.str(tfTitle), TrustZone: t.zoneTitle(s.str(tfTrustZone)),
			Description: joinText(s.str(tfDescription), prefixed("Type: ", s.str(tfType)), prefixed("Product: ", product))})
		t.keep("data_stores", i, &s)
	}
	for i, v := range t.list("data_flows") {
		f := t.object("data_flows", i, v)
		flags := []string{}
		if f.boolean(tfSensitiveData) {
			flags = append(flags, "carries sensitive data")
		}
		if f.boolean(tfEncrypted) {
			flags = append(flags, "encrypted")
		} else if f.has(tfEncrypted) {
			flags = append(flags, "not encrypted")
		}
		t.add("data_flows", &f, model.SurfaceElement{Kind: model.KindDataFlow, Name: f.str(tfTitle), Source: t.ref(f.object(tfSource)), Target: t.ref(f.object(tfDestination)),
			Description: joinText(f.str(tfDescription), prefixed("Flow: ", strings.Join(flags, ", ")))})
		t.keep("data_flows", i, &f)
	}

	for i, v := range t.list("data_sets") {
		ds := t.object("data_sets", i, v)
		sens := ds.strings(tfDataSensitivity)
		var places []string
		ds.objects(tfPlacements, func(p *tmbomObject) {
			place := p.str(tfDataStore)
			if p.boolean(tfEncrypted) {
				place += " (encrypted)"
			}
			places = append(places, place)
		})
		b.asset(model.Asset{Name: ds.str(tfTitle), Sensitivity: sensitivityFromTags(sens),
			Description: joinText(ds.str(tfDescription), listLine("Data", sens), listLine("Stored in", places))}, ds.path)
		t.keep("data_sets", i, &ds)
	}

	personas := make(map[string]string, t.size("threat_personas"))
	for i, v := range t.list("threat_personas") {
		p := t.object("threat_personas", i, v)
		kind := model.External
		if p.str(tfSkill) == "insider" {
			kind = model.Insider
		}
		motivation := "Not malicious (errors, accidents)"
		if p.boolean(tfMalicious) {
			motivation = "Malicious"
		}
		id := b.actor(model.Actor{Name: p.str(tfTitle), Description: p.str(tfDescription), Motivation: motivation,
			Capability: tmbomSkill[p.str(tfSkill)], Kind: kind, Risk: tmbomDegree[p.str(tfApplicability)]}, p.path)
		personas[p.str(tfSymbolicName)] = id
		t.keep("threat_personas", i, &p)
	}

	controls := t.list("controls")
	threats := t.list("threats")
	named := newTMBOMThreatNames(len(threats))
	for ri, v := range t.list("risks") {
		rk := t.object("risks", ri, v)
		l, i := tmbomLikelihood[rk.str(tfLikelihood)], tmbomImpact[rk.str(tfImpact)]
		title := model.CleanLine(orDefault(rk.str(tfTitle), rk.str(tfSymbolicName)))
		for _, t := range rk.strings(tfThreats) {
			n := named.add(t)
			n.likelihood, n.impact = max(n.likelihood, l), max(n.impact, i)
			if title != "" && !slices.Contains(n.risks, title) {
				n.risks = append(n.risks, title)
			}
		}
		t.keep("risks", ri, &rk)
	}
	for i, v := range threats {
		th := t.object("threats", i, v)
		named.add(th.str(tfSymbolicName)).known = true
	}
	texts := make([]tmbomControlText, 0, len(controls))
	for i, v := range controls {
		c := t.object("controls", i, v)
		at := int32(len(texts)) // this control's place in texts, once it addresses a known threat
		linked := false
		for _, th := range c.strings(tfThreats) {
			// Named twice by this control: its place ends the list already.
			n := named.get(th)
			if !n.known || (len(n.controls) > 0 && n.controls[len(n.controls)-1] == at) {
				continue
			}
			if !linked {
				texts = append(texts, tmbomControlText{sym: c.str(tfSymbolicName), title: c.str(tfTitle),
					description: c.str(tfDescription), priority: c.str(tfPriority), status: c.str(tfStatus)})
			}
			n.controls = append(n.controls, at)
			linked = true
		}
		if !linked {
			b.check(model.CheckItem{List: model.ListControls, Group: "TM-BOM controls", Title: c.str(tfTitle),
				Detail: c.str(tfDescription), State: controlState(c.str(tfStatus))}, c.path)
		}
		t.keep("controls", i, &c)
	}
	// The mitigations of one threat are gathered here, as b.threat keeps
	// a copy of its own.
	var mitigations []model.Mitigation
	for i, v := range threats {
		tn := t.object("threats", i, v)
		name := tn.str(tfSymbolicName)
		n := named.get(name)
		var refs []string
		tn.objects(tfMechanisms, func(m *tmbomObject) {
			n, _ := m.number(tfCapecID)
			refs = append(refs, strings.TrimSpace(fmt.Sprintf("CAPEC-%d %s", int(n), m.str(tfCapecTitle))))
		})
		var weak []string
		tn.objects(tfWeaknesses, func(w *tmbomObject) {
			n, _ := w.number(tfCweID)
			weak = append(weak, strings.TrimSpace(fmt.Sprintf("CWE-%d %s", int(n), w.str(tfCweTitle))))
		})
		title := tn.str(tfTitle)
		th := model.Threat{
			Title:       title,
			Methodology: "TM-BOM",
			Category:    model.Stride(orDefault(tn.str(tfEvent), "Unclassified")),
			Description: joinText(tn.str(tfDescription), listLine("Risks", otherThan(n.risks, model.CleanLine(title))), listLine("Sources", tn.strings(tfSources)),
				listLine("Attack mechanisms", refs), listLine("Weaknesses", weak)),
			Likelihood: n.likelihood,
			Impact:     n.impact,
		}
		for _, c := range tn.strings(tfComponents) {
			if id, ok := t.byName[c]; ok {
				th.Surface = append(th.Surface, id)
			}
		}
		if id, ok := personas[tn.str(tfPersona)]; ok {
			th.Actors = []string{id}
		}
		var from, dropped []string
		th.Mitigations = mitigations[:0]
		for _, ci := range n.controls {
			c := &texts[ci]
			text := joinText(c.title, c.description, prefixed("Priority: ", c.priority))
			if model.CleanText(text) == "" {
				continue
			}
			if c.status == "retired" || c.status == "wont_do" {
				// Not a mitigation in force, nor a planned one: threatdeck has
				// no status for it, so it is named in the description instead.
				word := "retired"
				if c.status == "wont_do" {
					word = "won't do"
				}
				dropped = append(dropped, model.CleanLine(orDefault(c.title, c.sym))+" ("+word+")")
				continue
			}
			th.Mitigations = append(th.Mitigations, model.Mitigation{Description: text, Status: mitigationStatusFrom(c.status)})
			from = append(from, c.sym)
		}
		if len(dropped) > 0 {
			th.Description = joinText(th.Description, listLine("Controls not pursued", dropped))
		}
		if r.err != nil {
			return ov
		}
		mitigations = th.Mitigations
		if len(th.Mitigations) == 0 {
			th.Mitigations = nil // as a threat without any always was
		}
		b.threat(&th, tn.path)
		t.keep("threats", i, &tn)
		ext.threats = append(ext.threats, tmbomOrigin{th.ID, name})
		for i, m := range th.Mitigations {
			ext.mitigations = append(ext.mitigations, tmbomOrigin{m.ID, from[i]})
		}
	}
	for list := range tmbomUnread {
		delete(doc, list)
	}
	b.extension(ToolTMBOM, &ext)
	return ov
}

// tmbomUnread are the lists of a TM-BOM document the import leaves out of
// the document it keeps: every entity in them is in the model, and the
// export writes them from the model alone, so keeping them kept nothing
// an export could give back. They were three quarters of the document
// (60 of 84 MB for 100,000 elements and threats), and the whole kept
// document is loaded with the model, held through an export and written
// into the threatdeck JSON one. An export reads the others: the trust
// boundaries whole, the data stores' vendors and the controls' order. A
// document kept before, with every list, exports the same.
var tmbomUnread = map[string]bool{
	"assumptions": true, "trust_zones": true, "actors": true, "components": true, "data_flows": true,
	"data_sets": true, "threat_personas": true, "risks": true, "threats": true,
}

// controlState maps a TM-BOM control status to a checklist state.
func controlState(s string) model.ItemState {
	switch s {
	case "active", "assumed":
		return model.StateDone
	case "approved", "scheduled", "under_review", "suggested":
		return model.StatePlanned
	case "retired", "wont_do":
		return model.StateNA
	}
	return model.NotAssessed
}

// sensitivityFromTags rates a data set by its most sensitive data type.
func sensitivityFromTags(tags []string) model.Sensitivity {
	best := model.Sensitivity("")
	for _, t := range tags {
		s := model.Internal
		switch t {
		case "pii", "phi", "fin", "pci", "cred":
			s = model.Restricted
		case "ip", "gov":
			s = model.Confidential
		}
		if s.Rank() > best.Rank() {
			best = s
		}
	}
	return best
}

func singular(list string) string {
	switch list {
	case "data_stores":
		return "data_store"
	case "data_flows":
		return "data_flow"
	case "trust_zones":
		return "trust_zone"
	}
	return strings.TrimSuffix(list, "s")
}

func listLine(label string, items []string) string {
	if len(items) == 0 {
		return ""
	}
	return label + ": " + strings.Join(items, ", ")
}

func prefixed(prefix, s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return prefix + s
}

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// otherThan drops title from a threat's risk titles: a risk named after its
// own threat (as threatdeck's TM-BOM export writes one per threat) says
// nothing the threat's title does not, and re-importing it must not grow
// the description.
func otherThan(titles []string, title string) []string {
	return slices.DeleteFunc(slices.Clone(titles), func(t string) bool { return t == title })
}
