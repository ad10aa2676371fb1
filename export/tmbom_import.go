package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/threatdeck/threatdeck/model"
)

// ToolTMBOM is the Model.Extensions key for TM-BOM data.
const ToolTMBOM = "tm-bom"

// tmbomExtension keeps the original TM-BOM document (scope ratings, data
// set placements, risks, diagrams …) and where each entity came from.
type tmbomExtension struct {
	Document    map[string]any    `json:"document"`
	Elements    map[string]string `json:"elements"`    // element id → "components/api-gateway"
	Threats     map[string]string `json:"threats"`     // threat id → symbolic name
	Mitigations map[string]string `json:"mitigations"` // mitigation id → control symbolic name
	// size is about how many bytes the objects kept compact take, for
	// appendJSON to allocate its buffer once.
	size int
}

// appendJSON implements jsonAppender: the extension exactly as
// json.Marshal writes it (fields in order, keys sorted, HTML escaped),
// the objects kept compact copied as they are rather than through
// encoding/json, which checks and copies each again.
func (x tmbomExtension) appendJSON(dst []byte) ([]byte, error) {
	o := newObject()
	var doc any
	if x.Document != nil {
		doc = x.Document
	}
	o.set("document", doc)
	o.set("elements", x.Elements)
	o.set("threats", x.Threats)
	o.set("mitigations", x.Mitigations)
	start := len(dst)
	dst = slices.Grow(dst, x.size+64*(len(x.Elements)+len(x.Threats)+len(x.Mitigations))+4096)
	dst, err := appendTree(dst, o, "", 0)
	if err != nil {
		return nil, err
	}
	if !needsHTMLEscape(dst[start:]) {
		return dst, nil
	}
	var buf bytes.Buffer
	json.HTMLEscape(&buf, dst[start:])
	return append(dst[:start], buf.Bytes()...), nil
}

// needsHTMLEscape reports whether JSON text holds a character json.Marshal
// escapes and appendTree does not: < > & U+2028 U+2029 (in strings only).
func needsHTMLEscape(b []byte) bool {
	if bytes.ContainsAny(b, "<>&") {
		return true
	}
	return bytes.Contains(b, []byte("\u2028")) || bytes.Contains(b, []byte("\u2029"))
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

// lazyStr is r.str(n.get(key)) for an object n perhaps still in its
// bytes, read without building it when the member is a string.
func lazyStr(r *jreader, n jnode, key string, names map[string]string) string {
	if l, ok := n.v.(*lazyJSON); ok && r.err == nil {
		if s, ok := lazyMember(l.raw, key); ok {
			return s
		}
	}
	n = r.built(n, names)
	r.object(n)
	return r.str(n.get(key))
}

// readTMBOM maps a Threat Model Bill of Materials: trust zones and trust
// boundaries become trust-boundary elements; actors, components, data
// stores and data flows become elements; data sets become assets; threat
// personas become threat actors; threats keep their event as category
// (TM-BOM has no STRIDE); risks set likelihood and impact; controls become
// mitigations of the threats they address, or custom controls when they
// address none.
func readTMBOM(root jnode, r *jreader, b *builder) model.Overview {
	doc := r.object(root)
	scope := root.get("scope")
	r.requireObject(scope, "a TM-BOM has a scope with its title")
	ov := model.Overview{
		Title:   r.str(scope.get("title")),
		Summary: r.str(root.get("description")),
		Scope:   r.str(scope.get("description")),
	}
	var assumptions []string
	names := make(map[string]string, 64)
	for _, a := range r.array(root.get("assumptions")) {
		a = r.built(a, names)
		r.object(a)
		if d := strings.TrimSpace(r.str(a.get("description"))); d != "" {
			assumptions = append(assumptions, "- "+d+" ("+orDefault(r.str(a.get("validity")), "unconfirmed")+")")
		}
	}
	if len(assumptions) > 0 {
		ov.Scope = joinText(ov.Scope, "Assumptions:\n"+strings.Join(assumptions, "\n"))
	}
	ext := tmbomExtension{Document: doc, Elements: map[string]string{}, Threats: map[string]string{}, Mitigations: map[string]string{}}

	// An object read for the last time is kept compact in the document
	// (what its encoding would write), so the extension is written
	// without building it again. The bytes go into arenas of about a
	// megabyte rather than each into its own slice.
	var arena []byte
	keep := func(list string, i int, n jnode) {
		obj, isObj := n.v.(map[string]any)
		kept, _ := doc[list].([]any)
		if !isObj || i >= len(kept) || r.err != nil {
			return
		}
		if _, lazy := kept[i].(*lazyJSON); !lazy {
			return
		}
		if cap(arena)-len(arena) < 64<<10 {
			arena = make([]byte, 0, 1<<20)
		}
		start := len(arena)
		var err error
		if arena, err = appendTree(arena, obj, "", 0); err != nil {
			r.fail(n.path, "cannot be kept: %v", err)
			return
		}
		kept[i] = &lazyJSON{raw: arena[start:len(arena):len(arena)], compact: true}
		ext.size += len(arena) - start
	}
	zones := map[string]string{} // symbolic name → title
	zoneNodes := r.array(root.get("trust_zones"))
	for _, z := range zoneNodes {
		z = r.built(z, names)
		r.object(z)
		zones[r.str(z.get("symbolic_name"))] = r.str(z.get("title"))
	}
	zoneTitle := func(n jnode) string {
		s := r.str(n)
		if t, ok := zones[s]; ok && strings.TrimSpace(t) != "" {
			return t
		}
		return s
	}
	// byName resolves references: "type/name" first, then the bare name,
	// because files reference a data store as a component now and then.
	byName := map[string]string{}
	add := func(list string, n jnode, e model.SurfaceElement) {
		name := r.str(n.get("symbolic_name"))
		if r.err != nil {
			return
		}
		id := b.element(e, n.path)
		ext.Elements[id] = list + "/" + name
		byName[singular(list)+"/"+name] = id
		if _, taken := byName[name]; !taken {
			byName[name] = id
		}
	}
	for i, z := range zoneNodes {
		z = r.built(z, names)
		add("trust_zones", z, model.SurfaceElement{Kind: model.KindTrustBoundary, Name: r.str(z.get("title")), Description: r.str(z.get("description"))})
		keep("trust_zones", i, z)
	}
	for i, tb := range r.array(root.get("trust_boundaries")) {
		tb = r.built(tb, names)
		r.object(tb)
		a, z := zoneTitle(tb.get("trust_zone_a")), zoneTitle(tb.get("trust_zone_b"))
		desc := joinText(
			listLine("Access control", r.strings(tb.get("access_control_methods"))),
			listLine("Authentication", r.strings(tb.get("authentication_methods"))),
		)
		if r.err != nil {
			return ov
		}
		id := b.element(model.SurfaceElement{Kind: model.KindTrustBoundary, Name: "Boundary: " + a + " ↔ " + z, Description: desc}, tb.path)
		ext.Elements[id] = fmt.Sprintf("trust_boundaries/%d", i)
	}
	for i, a := range r.array(root.get("actors")) {
		a = r.built(a, names)
		r.object(a)
		kind := model.KindExternalEntity
		if r.str(a.get("type")) == "third_party" {
			kind = model.KindThirdParty
		}
		add("actors", a, model.SurfaceElement{Kind: kind, Name: r.str(a.get("title")), TrustZone: zoneTitle(a.get("trust_zone")),
			Description: joinText(r.str(a.get("description")), prefixed("Permissions: ", r.str(a.get("permissions"))))})
		keep("actors", i, a)
	}
	components := r.array(root.get("components"))
	compZone, compParent := map[string]string{}, map[string]string{}
	for _, c := range components {
		name := lazyStr(r, c, "symbolic_name", names)
		compZone[name], compParent[name] = lazyStr(r, c, "trust_zone", names), lazyStr(r, c, "parent_component", names)
	}
	for i, c := range components {
		c = r.built(c, names)
		zone := r.str(c.get("trust_zone"))
		// A component without a zone sits in its parent's; parents can
		// form a cycle in a broken file, hence the bound.
		for p, hops := r.str(c.get("parent_component")), 0; zone == "" && p != "" && hops < 32; hops++ {
			zone, p = compZone[p], compParent[p]
		}
		add("components", c, model.SurfaceElement{Kind: kindFor(r.str(c.get("symbolic_name")), r.str(c.get("title"))), Name: r.str(c.get("title")),
			Description: r.str(c.get("description")), TrustZone: zoneTitle(jnode{v: zone})})
		keep("components", i, c)
	}
	for i, s := range r.array(root.get("data_stores")) {
		s = r.built(s, names)
		r.object(s)
		product := strings.TrimSpace(r.str(s.get("vendor")) + " " + r.str(s.get("product")))
		add("data_stores", s, model.SurfaceElement{Kind: model.KindDataStore, Name: r.str(s.get("title")), TrustZone: zoneTitle(s.get("trust_zone")),
			Description: joinText(r.str(s.get("description")), prefixed("Type: ", r.str(s.get("type"))), prefixed("Product: ", product))})
		keep("data_stores", i, s)
	}
	ref := func(n jnode) string {
		r.object(n)
		typ, name := r.str(n.get("type")), r.str(n.get("object"))
		if id, ok := byName[strings.TrimPrefix(typ, "#/$defs/")+"/"+name]; ok {
			return id
		}
		return byName[name]
	}
	for i, f := range r.array(root.get("data_flows")) {
		f = r.built(f, names)
		r.object(f)
		flags := []string{}
		if r.boolean(f.get("has_sensitive_data")) {
			flags = append(flags, "carries sensitive data")
		}
		if r.boolean(f.get("encrypted")) {
			flags = append(flags, "encrypted")
		} else if !f.get("encrypted").null() {
			flags = append(flags, "not encrypted")
		}
		add("data_flows", f, model.SurfaceElement{Kind: model.KindDataFlow, Name: r.str(f.get("title")), Source: ref(f.get("source")), Target: ref(f.get("destination")),
			Description: joinText(r.str(f.get("description")), prefixed("Flow: ", strings.Join(flags, ", ")))})
		keep("data_flows", i, f)
	}

	for i, ds := range r.array(root.get("data_sets")) {
		ds = r.built(ds, names)
		r.object(ds)
		sens := r.strings(ds.get("data_sensitivity"))
		var places []string
		for _, p := range r.array(ds.get("placements")) {
			r.object(p)
			place := r.str(p.get("data_store"))
			if r.boolean(p.get("encrypted")) {
				place += " (encrypted)"
			}
			places = append(places, place)
		}
		b.asset(model.Asset{Name: r.str(ds.get("title")), Sensitivity: sensitivityFromTags(sens),
			Description: joinText(r.str(ds.get("description")), listLine("Data", sens), listLine("Stored in", places))}, ds.path)
		keep("data_sets", i, ds)
	}

	personas := map[string]string{}
	for i, p := range r.array(root.get("threat_personas")) {
		p = r.built(p, names)
		r.object(p)
		kind := model.External
		if r.str(p.get("skill_level")) == "insider" {
			kind = model.Insider
		}
		motivation := "Not malicious (errors, accidents)"
		if r.boolean(p.get("malicious_intent")) {
			motivation = "Malicious"
		}
		id := b.actor(model.Actor{Name: r.str(p.get("title")), Description: r.str(p.get("description")), Motivation: motivation,
			Capability: tmbomSkill[r.str(p.get("skill_level"))], Kind: kind, Risk: tmbomDegree[r.str(p.get("applicability_to_org"))]}, p.path)
		personas[r.str(p.get("symbolic_name"))] = id
		keep("threat_personas", i, p)
	}

	type rating struct{ likelihood, impact int }
	ratings := map[string]rating{}
	risksOf := map[string][]string{} // threat symbolic name → titles of the risks naming it
	for ri, rk := range r.array(root.get("risks")) {
		rk = r.built(rk, names)
		r.object(rk)
		l, i := tmbomLikelihood[r.str(rk.get("likelihood"))], tmbomImpact[r.str(rk.get("impact"))]
		title := model.CleanLine(orDefault(r.str(rk.get("title")), r.str(rk.get("symbolic_name"))))
		for _, t := range r.strings(rk.get("threats")) {
			old := ratings[t]
			ratings[t] = rating{max(old.likelihood, l), max(old.impact, i)}
			if title != "" && !slices.Contains(risksOf[t], title) {
				risksOf[t] = append(risksOf[t], title)
			}
		}
		keep("risks", ri, rk)
	}
	controls := r.array(root.get("controls"))
	threats := r.array(root.get("threats"))
	addressed := map[string][]jnode{} // threat symbolic name → controls
	known := map[string]bool{}
	for _, t := range threats {
		known[lazyStr(r, t, "symbolic_name", names)] = true
	}
	for i, kept := range controls {
		c := r.built(kept, names)
		r.object(c)
		linked := false
		seen := map[string]bool{}
		for _, t := range r.strings(c.get("threats")) {
			if known[t] && !seen[t] {
				seen[t] = true
				// The control as it was kept: built again for each threat
				// it addresses rather than held built until then.
				addressed[t] = append(addressed[t], kept)
				linked = true
			}
		}
		if !linked {
			b.check(model.CheckItem{List: model.ListControls, Group: "TM-BOM controls", Title: r.str(c.get("title")),
				Detail: r.str(c.get("description")), State: controlState(r.str(c.get("status")))}, c.path)
		}
		keep("controls", i, c)
	}
	for i, tn := range threats {
		tn = r.built(tn, names)
		name := r.str(tn.get("symbolic_name"))
		var refs []string
		for _, m := range r.array(tn.get("attack_mechanisms")) {
			r.object(m)
			n, _ := r.number(m.get("capec_id"))
			refs = append(refs, strings.TrimSpace(fmt.Sprintf("CAPEC-%d %s", int(n), r.str(m.get("capec_title")))))
		}
		var weak []string
		for _, w := range r.array(tn.get("weaknesses")) {
			r.object(w)
			n, _ := r.number(w.get("cwe_id"))
			weak = append(weak, strings.TrimSpace(fmt.Sprintf("CWE-%d %s", int(n), r.str(w.get("cwe_title")))))
		}
		t := model.Threat{
			Title:       r.str(tn.get("title")),
			Methodology: "TM-BOM",
			Category:    model.Stride(orDefault(r.str(tn.get("event")), "Unclassified")),
			Description: joinText(r.str(tn.get("description")), listLine("Risks", otherThan(risksOf[name], model.CleanLine(r.str(tn.get("title"))))), listLine("Sources", r.strings(tn.get("sources"))),
				listLine("Attack mechanisms", refs), listLine("Weaknesses", weak)),
			Likelihood: ratings[name].likelihood,
			Impact:     ratings[name].impact,
		}
		for _, c := range r.strings(tn.get("components_affected")) {
			if id, ok := byName[c]; ok {
				t.Surface = append(t.Surface, id)
			}
		}
		if id, ok := personas[r.str(tn.get("threat_persona"))]; ok {
			t.Actors = []string{id}
		}
		var from, dropped []string
		for _, c := range addressed[name] {
			c = r.built(c, names)
			text := joinText(r.str(c.get("title")), r.str(c.get("description")), prefixed("Priority: ", r.str(c.get("priority"))))
			if model.CleanText(text) == "" {
				continue
			}
			if status := r.str(c.get("status")); status == "retired" || status == "wont_do" {
				// Not a mitigation in force, nor a planned one: threatdeck has
				// no status for it, so it is named in the description instead.
				word := map[string]string{"retired": "retired", "wont_do": "won't do"}[status]
				dropped = append(dropped, model.CleanLine(orDefault(r.str(c.get("title")), r.str(c.get("symbolic_name"))))+" ("+word+")")
				continue
			}
			t.Mitigations = append(t.Mitigations, model.Mitigation{Description: text, Status: mitigationStatusFrom(r.str(c.get("status")))})
			from = append(from, r.str(c.get("symbolic_name")))
		}
		if len(dropped) > 0 {
			t.Description = joinText(t.Description, listLine("Controls not pursued", dropped))
		}
		if r.err != nil {
			return ov
		}
		b.threat(&t, tn.path)
		keep("threats", i, tn)
		ext.Threats[t.ID] = name
		for i, m := range t.Mitigations {
			ext.Mitigations[m.ID] = from[i]
		}
	}
	b.extension(ToolTMBOM, ext)
	return ov
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
