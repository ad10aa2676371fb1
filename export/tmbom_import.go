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
// set placements, risks, diagrams …) and where each entity came from.
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
	for _, a := range r.array(root.get("assumptions")) {
		r.object(a)
		if d := strings.TrimSpace(r.str(a.get("description"))); d != "" {
			assumptions = append(assumptions, "- "+d+" ("+orDefault(r.str(a.get("validity")), "unconfirmed")+")")
		}
	}
	if len(assumptions) > 0 {
		ov.Scope = joinText(ov.Scope, "Assumptions:\n"+strings.Join(assumptions, "\n"))
	}
	ext := tmbomExtension{Document: doc, Elements: map[string]string{}, Threats: map[string]string{}, Mitigations: map[string]string{}}

	zones := map[string]string{} // symbolic name → title
	zoneNodes := r.array(root.get("trust_zones"))
	for _, z := range zoneNodes {
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
	for _, z := range zoneNodes {
		add("trust_zones", z, model.SurfaceElement{Kind: model.KindTrustBoundary, Name: r.str(z.get("title")), Description: r.str(z.get("description"))})
	}
	for i, tb := range r.array(root.get("trust_boundaries")) {
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
	for _, a := range r.array(root.get("actors")) {
		r.object(a)
		kind := model.KindExternalEntity
		if r.str(a.get("type")) == "third_party" {
			kind = model.KindThirdParty
		}
		add("actors", a, model.SurfaceElement{Kind: kind, Name: r.str(a.get("title")), TrustZone: zoneTitle(a.get("trust_zone")),
			Description: joinText(r.str(a.get("description")), prefixed("Permissions: ", r.str(a.get("permissions"))))})
	}
	components := r.array(root.get("components"))
	compZone, compParent := map[string]string{}, map[string]string{}
	for _, c := range components {
		r.object(c)
		name := r.str(c.get("symbolic_name"))
		compZone[name], compParent[name] = r.str(c.get("trust_zone")), r.str(c.get("parent_component"))
	}
	for _, c := range components {
		zone := r.str(c.get("trust_zone"))
		// A component without a zone sits in its parent's; parents can
		// form a cycle in a broken file, hence the bound.
		for p, hops := r.str(c.get("parent_component")), 0; zone == "" && p != "" && hops < 32; hops++ {
			zone, p = compZone[p], compParent[p]
		}
		add("components", c, model.SurfaceElement{Kind: kindFor(r.str(c.get("symbolic_name")), r.str(c.get("title"))), Name: r.str(c.get("title")),
			Description: r.str(c.get("description")), TrustZone: zoneTitle(jnode{v: zone})})
	}
	for _, s := range r.array(root.get("data_stores")) {
		r.object(s)
		product := strings.TrimSpace(r.str(s.get("vendor")) + " " + r.str(s.get("product")))
		add("data_stores", s, model.SurfaceElement{Kind: model.KindDataStore, Name: r.str(s.get("title")), TrustZone: zoneTitle(s.get("trust_zone")),
			Description: joinText(r.str(s.get("description")), prefixed("Type: ", r.str(s.get("type"))), prefixed("Product: ", product))})
	}
	ref := func(n jnode) string {
		r.object(n)
		typ, name := r.str(n.get("type")), r.str(n.get("object"))
		if id, ok := byName[strings.TrimPrefix(typ, "#/$defs/")+"/"+name]; ok {
			return id
		}
		return byName[name]
	}
	for _, f := range r.array(root.get("data_flows")) {
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
	}

	for _, ds := range r.array(root.get("data_sets")) {
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
	}

	personas := map[string]string{}
	for _, p := range r.array(root.get("threat_personas")) {
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
	}

	type rating struct{ likelihood, impact int }
	ratings := map[string]rating{}
	risksOf := map[string][]string{} // threat symbolic name → titles of the risks naming it
	for _, rk := range r.array(root.get("risks")) {
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
	}
	controls := r.array(root.get("controls"))
	threats := r.array(root.get("threats"))
	addressed := map[string][]jnode{} // threat symbolic name → controls
	known := map[string]bool{}
	for _, t := range threats {
		r.object(t)
		known[r.str(t.get("symbolic_name"))] = true
	}
	for _, c := range controls {
		r.object(c)
		linked := false
		seen := map[string]bool{}
		for _, t := range r.strings(c.get("threats")) {
			if known[t] && !seen[t] {
				seen[t] = true
				addressed[t] = append(addressed[t], c)
				linked = true
			}
		}
		if !linked {
			b.check(model.CheckItem{List: model.ListControls, Group: "TM-BOM controls", Title: r.str(c.get("title")),
				Detail: r.str(c.get("description")), State: controlState(r.str(c.get("status")))}, c.path)
		}
	}
	for _, tn := range threats {
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
