package export

import (
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
	// object less the texts the model holds.
	Elements map[string]map[string]any `json:"elements"`
	Assets   map[string]map[string]any `json:"assets"`
	Threats  map[string]map[string]any `json:"threats"`
	// States holds each threat's original state per element, so an
	// unchanged status is written back in the file's own words.
	States map[string]map[string]string `json:"states"`
	// Mitigations maps threatdeck mitigation ids to their origin.
	Mitigations map[string]otmMitigationRef `json:"mitigations"`
	// MitigationStates holds each mitigation's state per element (by
	// threatdeck mitigation id, then element id): OTM states it per
	// occurrence, threatdeck once, so an unchanged status is written back
	// as each occurrence had it ("required" here, "implemented" there).
	MitigationStates map[string]map[string]string `json:"mitigation_states,omitempty"`
	// Unlinked are top-level mitigations no threat refers to, written
	// back as they were.
	Unlinked []map[string]any `json:"unlinked,omitempty"`
}

// otmMitigationRef is where a threatdeck mitigation came from: the OTM
// mitigation (shared by every threat it is linked to) and its state.
type otmMitigationRef struct {
	Object map[string]any `json:"object"`
	State  string         `json:"state"`
	// Text is the description threatdeck composed from name and
	// description; while unchanged, the originals are written back.
	Text string `json:"text"`
}

type otmInstance struct {
	element     string
	state       string
	path        string
	mitigations []otmMitigationUse
}

type otmMitigationUse struct{ id, state, path string }

// readOTM maps an Open Threat Model: trust zones become trust-boundary
// elements (and the trust zone of what they hold), components and
// dataflows become elements, threats keep their categories and have their
// 0–100 likelihood and impact mapped to 1–5, and the mitigations linked to
// a threat on any component become its mitigations.
func readOTM(root jnode, r *jreader, b *builder) model.Overview {
	rootObj := r.object(root)
	project := root.get("project")
	r.requireObject(project, "an OTM file has a project with its name and id")
	ov := model.Overview{
		Title:   r.str(project.get("name")),
		Owner:   r.str(project.get("owner")),
		Summary: r.str(project.get("description")),
	}
	r.str(root.get("otmVersion"))
	ext := otmExtension{
		Document:    residual(rootObj, "project", "trustZones", "components", "dataflows", "assets", "threats", "mitigations"),
		Project:     residual(r.object(project), "name", "owner", "description"),
		Elements:    map[string]map[string]any{},
		Assets:      map[string]map[string]any{},
		Threats:     map[string]map[string]any{},
		States:      map[string]map[string]string{},
		Mitigations: map[string]otmMitigationRef{},
	}

	elementOf := map[string]string{} // OTM id → element id
	zones := r.array(root.get("trustZones"))
	components := r.array(root.get("components"))
	dataflows := r.array(root.get("dataflows"))
	zoneName := map[string]string{}
	parentOf := map[string]jnode{}
	for _, n := range zones {
		r.object(n)
		id := r.str(n.get("id"))
		zoneName[id] = r.str(n.get("name"))
		parentOf[id] = n.get("parent")
	}
	for _, n := range components {
		r.object(n)
		parentOf[r.str(n.get("id"))] = n.get("parent")
	}
	if r.err != nil {
		return ov
	}
	instances := map[string][]otmInstance{}
	add := func(n jnode, e model.SurfaceElement) {
		obj := r.object(n)
		id := r.str(n.get("id"))
		e.Name = r.str(n.get("name"))
		e.Description = r.str(n.get("description"))
		if r.err != nil {
			return
		}
		otmTraits(&e, n)
		eid := b.element(e, n.path)
		if id != "" {
			elementOf[id] = eid
		}
		for _, in := range r.array(n.get("threats")) {
			r.object(in)
			inst := otmInstance{element: eid, state: r.str(in.get("state")), path: in.path}
			for _, mu := range r.array(in.get("mitigations")) {
				r.object(mu)
				inst.mitigations = append(inst.mitigations, otmMitigationUse{r.str(mu.get("mitigation")), r.str(mu.get("state")), mu.path})
			}
			tid := r.str(in.get("threat"))
			instances[tid] = append(instances[tid], inst)
		}
		ext.Elements[eid] = strip(obj, "name", "description", "threats")
	}
	for _, z := range zones {
		add(z, model.SurfaceElement{Kind: model.KindTrustBoundary, TrustZone: otmZone(r, z.get("parent"), parentOf, zoneName)})
		r.number(z.get("risk").get("trustRating"))
	}
	for _, c := range components {
		add(c, model.SurfaceElement{
			Kind:      kindFor(r.str(c.get("type")), r.str(c.get("name"))),
			TrustZone: otmZone(r, c.get("parent"), parentOf, zoneName),
		})
	}
	for _, f := range dataflows {
		src, dst := r.str(f.get("source")), r.str(f.get("destination"))
		for _, end := range []struct{ key, id string }{{"source", src}, {"destination", dst}} {
			if _, ok := elementOf[end.id]; !ok && r.err == nil {
				// Kept in the extension and written back as it was; the
				// element is a flow with that end open.
				b.warn("Imported file: dataflow %q has %s %q, which the file does not define (%s).", r.str(f.get("name")), end.key, end.id, f.path)
			}
		}
		add(f, model.SurfaceElement{
			Kind:   model.KindDataFlow,
			Source: elementOf[src],
			Target: elementOf[dst],
		})
	}

	for _, a := range r.array(root.get("assets")) {
		obj := r.object(a)
		asset := model.Asset{Name: r.str(a.get("name")), Description: r.str(a.get("description"))}
		if conf, ok := r.number(a.get("risk").get("confidentiality")); ok {
			asset.Sensitivity = sensitivityFrom100(conf)
		}
		id := b.asset(asset, a.path)
		ext.Assets[id] = strip(obj, "name", "description")
	}

	mitigations := map[string]jnode{}
	var mitigationOrder []string
	for _, mn := range r.array(root.get("mitigations")) {
		r.object(mn)
		id := r.str(mn.get("id"))
		if _, dup := mitigations[id]; !dup {
			mitigationOrder = append(mitigationOrder, id)
		}
		mitigations[id] = mn
	}
	defined := map[string]bool{}
	for _, tn := range r.array(root.get("threats")) {
		defined[r.str(tn.get("id"))] = true
		readOTMThreat(r, b, tn, instances, mitigations, &ext)
	}
	referenced := map[string]bool{}
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
				b.warn("Imported file: a threat instance refers to threat %q, which the file does not define (%s).", tid, in.path)
			}
		}
	}
	for _, id := range mitigationOrder {
		if !referenced[id] {
			if obj, ok := mitigations[id].v.(map[string]any); ok {
				ext.Unlinked = append(ext.Unlinked, obj)
			}
		}
	}
	b.extension(ToolOTM, &ext)
	return ov
}

// otmZone follows parents up to the enclosing trust zone's name.
func otmZone(r *jreader, parent jnode, parentOf map[string]jnode, zoneName map[string]string) string {
	for range 32 { // parents can form a cycle in a broken file
		r.object(parent)
		if z := r.str(parent.get("trustZone")); z != "" {
			return zoneName[z]
		}
		c := r.str(parent.get("component"))
		if c == "" || r.err != nil {
			return ""
		}
		parent = parentOf[c]
	}
	return ""
}

func readOTMThreat(r *jreader, b *builder, tn jnode, instances map[string][]otmInstance, mitigations map[string]jnode, ext *otmExtension) {
	obj := r.object(tn)
	id := r.str(tn.get("id"))
	risk := tn.get("risk")
	r.object(risk)
	t := model.Threat{
		Title:       r.str(tn.get("name")),
		Description: r.str(tn.get("description")),
		Likelihood:  rating100(r, risk.get("likelihood")),
		Impact:      rating100(r, risk.get("impact")),
		Status:      model.StatusOpen,
	}
	cats := r.strings(tn.get("categories"))
	t.Methodology, t.Category = classify(firstStride(cats), "", "OTM")
	r.strings(tn.get("cwes"))
	if r.err != nil {
		return
	}
	states := map[string]string{}
	mitIndex := map[string]int{} // OTM mitigation id → index in t.Mitigations (-1: none)
	var occ []map[string]string  // per mitigation: state per element
	var origins []otmMitigationRef
	for i, in := range instances[id] {
		t.Surface = append(t.Surface, in.element)
		states[in.element] = in.state
		if s := statusFrom(in.state); i == 0 || s == model.StatusOpen {
			t.Status = s
		}
		for _, mu := range in.mitigations {
			mn, ok := mitigations[mu.id]
			if !ok {
				b.warn("Imported file: a threat instance refers to mitigation %q, which the file does not define (%s).", mu.id, mu.path)
				continue
			}
			if at, seen := mitIndex[mu.id]; seen {
				if at >= 0 {
					occ[at][in.element] = mu.state
				}
				continue
			}
			mitIndex[mu.id] = -1
			mobj, _ := mn.v.(map[string]any)
			text := mitigationText(r.str(mn.get("name")), r.str(mn.get("description")))
			if model.CleanText(text) == "" {
				continue
			}
			mitIndex[mu.id] = len(t.Mitigations)
			occ = append(occ, map[string]string{in.element: mu.state})
			r.number(mn.get("riskReduction"))
			t.Mitigations = append(t.Mitigations, model.Mitigation{Description: text, Status: mitigationStatusFrom(mu.state)})
			origins = append(origins, otmMitigationRef{Object: mobj, State: mu.state, Text: model.CleanText(text)})
		}
	}
	if r.err != nil {
		return
	}
	b.threat(&t, tn.path)
	ext.Threats[t.ID] = strip(obj, "name", "description")
	ext.States[t.ID] = states
	for i, m := range t.Mitigations {
		ext.Mitigations[m.ID] = origins[i]
		if len(occ[i]) > 1 {
			if ext.MitigationStates == nil {
				ext.MitigationStates = map[string]map[string]string{}
			}
			ext.MitigationStates[m.ID] = occ[i]
		}
	}
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
