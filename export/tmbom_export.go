package export

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/threatdeck/threatdeck/model"
)

// TMBOM renders m as a Threat Model Bill of Materials (OWASP TM-BOM),
// valid against its schema, and so that TM-BOM import reads back the same
// model: trust-boundary elements and trust-zone names become trust zones
// (a boundary imported from TM-BOM goes back as that boundary), external
// entities and third parties become actors, data stores and data flows
// with both ends keep their lists, other elements are components; assets
// are data sets, threat actors are threat personas, threats keep their
// event, each threat's likelihood and impact is a risk, and mitigations
// are controls of the threats they address (one control for a measure an
// import spread over several threats). Controls of the "TM-BOM controls"
// group, the custom controls import makes, go back as controls that
// address no threat. Symbolic names come from the import when there was
// one, otherwise from names, made unique.
func TMBOM(m *model.Model) ([]byte, error) {
	doc, err := tmbomDocument(m)
	if err != nil {
		return nil, err
	}
	out, err := writeTree(doc, "  ")
	if err != nil {
		return nil, fmt.Errorf("cannot write TM-BOM: %w", err)
	}
	return out, nil
}

// WriteTMBOM writes what TMBOM returns into out as it is made.
func WriteTMBOM(out io.Writer, m *model.Model) error {
	doc, err := tmbomDocument(m)
	if err != nil {
		return err
	}
	if err := streamTree(out, doc, "  "); err != nil {
		return fmt.Errorf("cannot write TM-BOM: %w", err)
	}
	return nil
}

// tmbomDocument is the TM-BOM document for m, its strings cleaned, to be
// written once.
func tmbomDocument(m *model.Model) (map[string]any, error) {
	var ext tmbomExtension
	if raw, ok := m.Extensions[ToolTMBOM]; ok {
		var err error
		if ext, err = readTMBOMExtension(raw); err != nil {
			return nil, err
		}
	}
	w := &tmbomWriter{m: m, ext: ext, taken: map[string]bool{}, elem: make(map[string]string, len(m.Surface)), zoneSym: map[string]string{}, next: map[string]int{}}
	// User text is cleaned on the way out as on the way in: no escape
	// sequence or bidi control reaches the file, even as \u001b. Each
	// list is cleaned an element at a time while it is written, rather
	// than the whole document marshalled and parsed back at once.
	doc := w.document()
	names := make(map[string]string, 64)
	for k, v := range doc {
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Slice || rv.Len() == 0 {
			c, err := tmbomTree(v, names, nil)
			if err != nil {
				return nil, fmt.Errorf("cannot write TM-BOM: %w", err)
			}
			doc[k] = c
			continue
		}
		// The document is written once: each element is let go once it
		// is written, and the list once it is done, so what a 100,000
		// threat export holds shrinks as its file grows.
		doc[k] = treeStream(func(yield func(any) error) error {
			scratch := make(map[string]any, 8)
			for i := range rv.Len() {
				// A kept trust boundary is built only now (see
				// readTMBOMExtension).
				// An entity the writer made is passed by its place in
				// the list (tmbomEntity): as a value each was copied to
				// the heap.
				e := rv.Index(i)
				var v any
				if e.Kind() == reflect.Struct {
					v = e.Addr().Interface()
				} else {
					v = e.Interface()
				}
				v, ok := tmbomKeptObject(v, names)
				if !ok {
					return errors.New("kept JSON is damaged")
				}
				c, err := tmbomTree(v, names, scratch)
				if err != nil {
					return err
				}
				if err := yield(c); err != nil {
					return err
				}
				rv.Index(i).SetZero()
			}
			rv = reflect.Value{}
			return nil
		})
	}
	return doc, nil
}

// cleanTree is v as plain JSON values with every string cleaned; names
// interns member names across calls (a fresh map per element of a
// 100,000-element list cost more than the element).
func cleanTree(v any, names map[string]string) (any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	tree, ok := parseTreeNames(raw, names)
	if !ok {
		return nil, errors.New("the document is not valid JSON")
	}
	var clean func(any) any
	clean = func(v any) any {
		switch x := v.(type) {
		case string:
			return model.CleanText(x)
		case map[string]any:
			for k, c := range x {
				x[k] = clean(c)
			}
		case []any:
			for i, c := range x {
				x[i] = clean(c)
			}
		}
		return v
	}
	return clean(tree), nil
}

type tmbomRef struct {
	Type   string `json:"type"`
	Object string `json:"object"`
}

type tmbomZone struct {
	Sym         string `json:"symbolic_name"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

type tmbomActor struct {
	Sym         string `json:"symbolic_name"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Type        string `json:"type"`
	Permissions string `json:"permissions,omitempty"`
	TrustZone   string `json:"trust_zone,omitempty"`
}

type tmbomComponent struct {
	Sym         string `json:"symbolic_name"`
	Title       string `json:"title"`
	Description string `json:"description"`
	TrustZone   string `json:"trust_zone,omitempty"`
}

type tmbomStore struct {
	Sym         string `json:"symbolic_name"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Type        string `json:"type"`
	Vendor      string `json:"vendor,omitempty"`
	Product     string `json:"product,omitempty"`
	TrustZone   string `json:"trust_zone,omitempty"`
}

type tmbomFlow struct {
	Sym         string   `json:"symbolic_name"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Source      tmbomRef `json:"source"`
	Destination tmbomRef `json:"destination"`
	Sensitive   bool     `json:"has_sensitive_data"`
	Encrypted   bool     `json:"encrypted"`
}

type tmbomPlacement struct {
	DataStore string `json:"data_store"`
	Encrypted bool   `json:"encrypted"`
}

type tmbomDataSet struct {
	Sym         string           `json:"symbolic_name"`
	Title       string           `json:"title"`
	Description string           `json:"description"`
	Placements  []tmbomPlacement `json:"placements"`
	Sensitivity []string         `json:"data_sensitivity"`
}

type tmbomPersona struct {
	Sym           string `json:"symbolic_name"`
	Title         string `json:"title"`
	Description   string `json:"description"`
	IsPerson      bool   `json:"is_person"`
	Skill         string `json:"skill_level"`
	Access        string `json:"access_level"`
	Malicious     bool   `json:"malicious_intent"`
	Applicability string `json:"applicability_to_org"`
}

type tmbomThreat struct {
	Sym         string   `json:"symbolic_name"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Components  []string `json:"components_affected,omitempty"`
	Persona     string   `json:"threat_persona"`
	Event       string   `json:"event"`
	Sources     []string `json:"sources"`
	Mechanisms  []any    `json:"attack_mechanisms,omitempty"`
	Weaknesses  []any    `json:"weaknesses,omitempty"`
}

type tmbomControl struct {
	Sym         string   `json:"symbolic_name"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Threats     []string `json:"threats"`
	Status      string   `json:"status"`
	Priority    string   `json:"priority"`
}

type tmbomRisk struct {
	Sym         string   `json:"symbolic_name"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Threats     []string `json:"threats"`
	Likelihood  string   `json:"likelihood"`
	Impact      string   `json:"impact"`
	ImpactDesc  string   `json:"impact_description"`
	Score       int      `json:"score"`
	Level       string   `json:"level"`
}

type tmbomWriter struct {
	m   *model.Model
	ext tmbomExtension
	// taken holds every symbolic name issued, so references by bare name
	// (as import resolves them) are never ambiguous.
	taken map[string]bool
	// elem maps element ids to their symbolic names; zoneSym maps trust
	// zone titles to theirs.
	elem, zoneSym map[string]string
	// next is, per base name, the first n sym has not tried yet.
	next map[string]int
	// vendors are the kept data stores' vendors by symbolic name, in
	// their order, made when storeProduct first needs them.
	vendors map[string][]string
}

// sym issues a unique symbolic name: the import's own when it is valid
// and free, else one made from the name.
func (w *tmbomWriter) sym(orig, name, fallback string) string {
	if orig != "" && validSymbolic(orig) && !w.taken[orig] {
		w.taken[orig] = true
		return orig
	}
	base := symSlug(name)
	if base == "threatdeck-model" || strings.TrimSpace(name) == "" {
		base = symSlug(fallback)
	}
	// next remembers where the search for a free "base-n" stopped: names
	// are only ever taken, so every n below it is still taken, and 100,000
	// controls with the same title no longer try every n before theirs.
	s, n := base, max(2, w.next[base])
	if w.taken[s] {
		for s = base + "-" + strconv.Itoa(n); w.taken[s]; n++ {
			s = base + "-" + strconv.Itoa(n+1)
		}
		w.next[base] = n + 1
	}
	w.taken[s] = true
	return s
}

// symSlug is slug(s), by hand for ASCII text: the regular expression
// cost a fifth of a 100,000-threat export, where every threat, risk and
// control takes a name.
func symSlug(s string) string {
	var buf [64]byte
	out := buf[:0]
	dash := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf:
			// Lower case beyond ASCII can even give ASCII (K, the Kelvin sign).
			return slug(s)
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		default:
			dash = true
			continue
		}
		if dash && len(out) > 0 {
			out = append(out, '-')
		}
		dash = false
		out = append(out, c)
	}
	if len(out) == 0 {
		return "threatdeck-model"
	}
	return string(out)
}

func validSymbolic(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// origin is the list and symbolic name an element was imported from.
func (w *tmbomWriter) origin(id string) (list, name string) {
	list, name, _ = strings.Cut(w.ext.Elements[id], "/")
	return list, name
}

// cutLines splits text into what the user wrote and the lines an import
// appended with the given prefixes ("Type: sql"), by prefix: the
// paragraphs (split at blank lines) that are one prefixed line are taken
// out, the last of a prefix counting, and the others joined again. It
// makes no map and no list of paragraphs, and nothing at all for a text
// without such a line: those were a tenth of what a 100,000-threat export
// allocated.
func cutLines(s string, prefixes ...string) (string, cutFields) {
	field := func(para string) (cutField, bool) {
		for _, p := range prefixes {
			if v, ok := strings.CutPrefix(strings.TrimSpace(para), p); ok && !strings.Contains(v, "\n") {
				return cutField{p, v}, true
			}
		}
		return cutField{}, false
	}
	paragraphs := func(yield func(string) bool) {
		for rest, more := s, true; more; {
			var para string
			para, rest, more = strings.Cut(rest, "\n\n")
			if !yield(para) {
				return
			}
		}
	}
	cut := false
	for para := range paragraphs {
		if _, cut = field(para); cut {
			break
		}
	}
	if !cut {
		return strings.TrimSpace(s), nil
	}
	var found cutFields
	var keep strings.Builder
	n := 0
	for para := range paragraphs {
		if f, ok := field(para); ok {
			found = append(found, f)
			continue
		}
		if n > 0 {
			keep.WriteString("\n\n")
		}
		keep.WriteString(para)
		n++
	}
	return strings.TrimSpace(keep.String()), found
}

// cutField is a line cutLines took out: its prefix and the rest.
type cutField struct{ prefix, value string }

// cutFields are the lines cutLines took out, in order.
type cutFields []cutField

// get is the rest of the last line with prefix p, and whether there was one.
func (f cutFields) get(p string) (string, bool) {
	for i := len(f) - 1; i >= 0; i-- {
		if f[i].prefix == p {
			return f[i].value, true
		}
	}
	return "", false
}

// value is get's text alone.
func (f cutFields) value(p string) string {
	v, _ := f.get(p)
	return v
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (w *tmbomWriter) document() map[string]any {
	m, doc := w.m, w.ext.Document
	root := map[string]any{}
	// What threatdeck does not model (diagrams, release dates …) goes
	// back as it came.
	for _, k := range []string{"$schema", "frozen", "released_at", "product_release_date", "release_docs_link", "reviewed_at", "repo_link", "diagrams", "extensions"} {
		if v, ok := doc[k]; ok {
			root[k] = v
		}
	}
	root["version"] = "1"
	if v, ok := doc["version"].(string); ok && v != "" {
		root["version"] = v
	}
	scopeText, assumptions := cutAssumptions(m.Overview.Scope)
	scope := map[string]any{"title": orDefault(m.Overview.Title, "Untitled threat model"), "description": scopeText}
	orig, _ := doc["scope"].(map[string]any)
	for k, def := range map[string]any{"business_criticality": w.criticality(), "data_sensitivity": w.sensitivities(), "exposure": w.exposure(), "tier": "important"} {
		scope[k] = def
		if v, ok := orig[k]; ok {
			scope[k] = v
		}
	}
	root["scope"] = scope
	if m.Overview.Summary != "" {
		root["description"] = m.Overview.Summary
	}
	if len(assumptions) > 0 {
		root["assumptions"] = assumptions
	}

	zones, boundaries, actors, components, stores, flows := w.elements()
	root["trust_zones"], root["trust_boundaries"], root["actors"] = zones, boundaries, actors
	root["components"], root["data_stores"], root["data_flows"] = components, stores, flows
	root["data_sets"] = w.dataSets()
	personas, personaOf := w.personas()
	threats, risks, controls := w.threats(personaOf, &personas)
	root["threat_personas"], root["threats"], root["risks"], root["controls"] = personas, threats, risks, controls
	return root
}

// cutAssumptions takes back the "Assumptions:" block import adds to the
// scope: "- description (validity)" lines.
func cutAssumptions(scope string) (string, []map[string]any) {
	i := strings.LastIndex(scope, "Assumptions:\n")
	if i < 0 || (i > 0 && !strings.HasSuffix(scope[:i], "\n\n")) {
		return scope, nil
	}
	var out []map[string]any
	for _, l := range strings.Split(scope[i+len("Assumptions:\n"):], "\n") {
		d, ok := strings.CutPrefix(l, "- ")
		open := strings.LastIndex(d, " (")
		if !ok || open < 0 || !strings.HasSuffix(d, ")") {
			return scope, nil
		}
		validity := d[open+2 : len(d)-1]
		switch validity {
		case "confirmed", "unconfirmed", "rejected":
		default:
			return scope, nil
		}
		out = append(out, map[string]any{"description": d[:open], "validity": validity})
	}
	return strings.TrimSpace(scope[:i]), out
}

func (w *tmbomWriter) criticality() string {
	best := -1
	for _, a := range w.m.Assets {
		best = max(best, a.Sensitivity.Rank())
	}
	return [...]string{"minimal", "low", "moderate", "high"}[max(0, min(best, 3))]
}

func (w *tmbomWriter) sensitivities() []string {
	out := []string{}
	for _, a := range w.m.Assets {
		for _, s := range assetSensitivity(a) {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

func (w *tmbomWriter) exposure() string {
	for _, a := range w.m.Actors {
		if a.Kind == model.External {
			return "external"
		}
	}
	return "internal"
}

// dataSensitivities are TM-BOM's data types.
var dataSensitivities = []string{"pii", "phi", "fin", "ip", "cred", "biz", "gov", "pci", "op"}

// assetSensitivity is an asset's TM-BOM data types: those an import
// recorded ("Data: pii, fin"), else one that maps back to its sensitivity.
func assetSensitivity(a model.Asset) []string {
	_, found := cutLines(a.Description, "Data: ")
	var out []string
	for _, s := range splitList(found.value("Data: ")) {
		if slices.Contains(dataSensitivities, s) {
			out = append(out, s)
		}
	}
	if len(out) > 0 {
		return out
	}
	switch a.Sensitivity {
	case model.Restricted:
		return []string{"pii"}
	case model.Confidential:
		return []string{"ip"}
	case model.Internal:
		return []string{"biz"}
	}
	return []string{}
}

func (w *tmbomWriter) elements() (zones []tmbomZone, boundaries []any, actors []tmbomActor, components []tmbomComponent, stores []tmbomStore, flows []tmbomFlow) {
	m := w.m
	// Each list is made its full size at once, as threats' are.
	count := map[model.ElementKind]int{}
	for _, e := range m.Surface {
		count[e.Kind]++
	}
	zones, boundaries = make([]tmbomZone, 0, count[model.KindTrustBoundary]), []any{}
	actors = make([]tmbomActor, 0, count[model.KindExternalEntity]+count[model.KindThirdParty])
	stores, flows = make([]tmbomStore, 0, count[model.KindDataStore]), make([]tmbomFlow, 0, count[model.KindDataFlow])
	components = make([]tmbomComponent, 0, len(m.Surface)-cap(zones)-cap(actors)-cap(stores))
	origBoundaries, _ := w.ext.Document["trust_boundaries"].([]any)
	// Trust zones first: their names are what other elements refer to.
	for _, e := range m.Surface {
		if e.Kind != model.KindTrustBoundary {
			continue
		}
		list, name := w.origin(e.ID)
		if list == "trust_boundaries" {
			if i, err := strconv.Atoi(name); err == nil && i >= 0 && i < len(origBoundaries) {
				boundaries = append(boundaries, origBoundaries[i])
				continue
			}
		}
		s := w.sym(name, e.Name, e.ID)
		w.elem[e.ID] = s
		if _, dup := w.zoneSym[e.Name]; !dup {
			w.zoneSym[e.Name] = s
		}
		zones = append(zones, tmbomZone{Sym: s, Title: e.Name, Description: e.Description})
	}
	// A zone named only on elements becomes a trust zone of its own.
	for _, e := range m.Surface {
		if z := e.TrustZone; z != "" && w.zoneSym[z] == "" && e.Kind != model.KindTrustBoundary {
			s := w.sym("", z, "zone")
			w.zoneSym[z] = s
			zones = append(zones, tmbomZone{Sym: s, Title: z, Description: ""})
		}
	}
	kindOf := make(map[string]model.ElementKind, len(m.Surface))
	for _, e := range m.Surface {
		kindOf[e.ID] = e.Kind
	}
	isFlow := func(e model.SurfaceElement) bool {
		return e.Kind == model.KindDataFlow && e.Source != "" && e.Target != "" &&
			kindOf[e.Source] != "" && kindOf[e.Target] != "" && kindOf[e.Source] != model.KindDataFlow && kindOf[e.Target] != model.KindDataFlow &&
			kindOf[e.Source] != model.KindTrustBoundary && kindOf[e.Target] != model.KindTrustBoundary
	}
	listOf := make(map[string]string, len(m.Surface))
	for _, e := range m.Surface {
		if e.Kind == model.KindTrustBoundary {
			continue
		}
		_, name := w.origin(e.ID)
		s := w.sym(name, e.Name, e.ID)
		w.elem[e.ID] = s
		zone := w.zoneSym[e.TrustZone]
		switch {
		case e.Kind == model.KindExternalEntity || e.Kind == model.KindThirdParty:
			desc, found := cutLines(e.Description, "Permissions: ")
			typ := "user"
			if e.Kind == model.KindThirdParty {
				typ = "third_party"
			}
			actors = append(actors, tmbomActor{Sym: s, Title: e.Name, Description: desc, Type: typ, Permissions: found.value("Permissions: "), TrustZone: zone})
			listOf[e.ID] = "actor"
		case e.Kind == model.KindDataStore:
			desc, found := cutLines(e.Description, "Type: ", "Product: ")
			typ := found.value("Type: ")
			if !slices.Contains([]string{"sql", "key_value", "document", "object", "graph", "time_series"}, typ) {
				typ = "sql"
			}
			st := tmbomStore{Sym: s, Title: e.Name, Description: desc, Type: typ, TrustZone: zone}
			st.Vendor, st.Product = w.storeProduct(name, found.value("Product: "))
			stores = append(stores, st)
			listOf[e.ID] = "data_store"
		case isFlow(e):
			listOf[e.ID] = "data_flow"
		default:
			components = append(components, tmbomComponent{Sym: s, Title: e.Name, Description: e.Description, TrustZone: zone})
			listOf[e.ID] = "component"
		}
	}
	for _, e := range m.Surface {
		if listOf[e.ID] != "data_flow" {
			continue
		}
		desc, found := cutLines(e.Description, "Flow: ")
		flags := splitList(found.value("Flow: "))
		flows = append(flows, tmbomFlow{Sym: w.elem[e.ID], Title: e.Name, Description: desc,
			Source:      tmbomRef{Type: listOf[e.Source], Object: w.elem[e.Source]},
			Destination: tmbomRef{Type: listOf[e.Target], Object: w.elem[e.Target]},
			Sensitive:   slices.Contains(flags, "carries sensitive data"), Encrypted: slices.Contains(flags, "encrypted")})
	}
	return
}

// storeProduct splits "Vendor Product" back as the import joined it,
// using the original document's vendor when it still matches.
func (w *tmbomWriter) storeProduct(name, joined string) (vendor, product string) {
	if joined == "" {
		return "", ""
	}
	if w.vendors == nil {
		// Each kept data store is built once, for its name and vendor.
		w.vendors = map[string][]string{}
		stores, _ := w.ext.Document["data_stores"].([]any)
		w.eachKept(stores, func(_ int, o map[string]any) {
			n, ok := o["symbolic_name"].(string)
			if v, _ := o["vendor"].(string); ok && v != "" {
				w.vendors[n] = append(w.vendors[n], v)
			}
		})
	}
	for _, v := range w.vendors[name] {
		if p, ok := strings.CutPrefix(joined, strings.TrimSpace(v)); ok {
			return v, strings.TrimSpace(p)
		}
	}
	return "", joined
}

// eachKept calls each with every object of a list of the kept document,
// with its index, building one at a time into the same map when it was
// left in its bytes (each must hold none of its maps); other elements are
// skipped.
func (w *tmbomWriter) eachKept(list []any, each func(int, map[string]any)) {
	obj := map[string]any{}
	names := make(map[string]string, 16)
	for i, v := range list {
		switch x := v.(type) {
		case map[string]any:
			each(i, x)
		case *lazyJSON:
			if x.buildInto(obj, names, nil, nil) {
				each(i, obj)
			}
		}
	}
}

func (w *tmbomWriter) dataSets() []tmbomDataSet {
	out := []tmbomDataSet{}
	storeSym := map[string]bool{}
	for _, e := range w.m.Surface {
		if e.Kind == model.KindDataStore {
			storeSym[w.elem[e.ID]] = true
		}
	}
	for _, a := range w.m.Assets {
		desc, found := cutLines(a.Description, "Data: ", "Stored in: ")
		ds := tmbomDataSet{Sym: w.sym("", a.Name, a.ID), Title: a.Name, Description: desc, Placements: []tmbomPlacement{}, Sensitivity: assetSensitivity(a)}
		if _, ok := found.get("Data: "); !ok && w.fromTMBOM() {
			// TM-BOM said nothing of this data set's data; neither do we.
			ds.Sensitivity = []string{}
		}
		for _, p := range splitList(found.value("Stored in: ")) {
			name, enc := strings.CutSuffix(p, " (encrypted)")
			if storeSym[name] || validSymbolic(name) {
				ds.Placements = append(ds.Placements, tmbomPlacement{DataStore: name, Encrypted: enc})
			}
		}
		out = append(out, ds)
	}
	return out
}

// fromTMBOM reports whether the model was imported from TM-BOM.
func (w *tmbomWriter) fromTMBOM() bool { return w.ext.Document != nil }

func (w *tmbomWriter) personas() ([]tmbomPersona, map[string]string) {
	out := []tmbomPersona{}
	of := map[string]string{}
	for _, a := range w.m.Actors {
		skill := map[model.Level]string{model.Low: "script_kid", model.Medium: "engineer", model.High: "expert_engineer"}[a.Capability]
		if a.Kind == model.Insider {
			skill = "insider"
		}
		if skill == "" {
			skill = "engineer"
		}
		applies := map[model.Level]string{model.Low: "low", model.Medium: "moderate", model.High: "high"}[a.Risk]
		if applies == "" {
			applies = "moderate"
		}
		access := "anonymous"
		if a.Kind == model.Insider {
			access = "user"
		}
		p := tmbomPersona{Sym: w.sym("", a.Name, a.ID), Title: a.Name, Description: a.Description, IsPerson: true, Skill: skill, Access: access,
			Malicious: a.Motivation != "Not malicious (errors, accidents)", Applicability: applies}
		of[a.ID] = p.Sym
		out = append(out, p)
	}
	return out, of
}

var (
	tmbomLikelihoodWords = [model.MaxRating]string{"rare", "unlikely", "possible", "likely", "certain"}
	tmbomImpactWords     = [model.MaxRating]string{"negligible", "minor", "moderate", "major", "severe"}
	threatSources        = []string{"adversary", "human_error", "failure", "events_beyond_org_control"}
)

func (w *tmbomWriter) threats(personaOf map[string]string, personas *[]tmbomPersona) ([]tmbomThreat, []tmbomRisk, []tmbomControl) {
	// Each list is made its full size at once: grown by append, a
	// 100,000-threat export made five times as much of each.
	mitigations := 0
	for _, t := range w.m.Threats {
		mitigations += len(t.Mitigations)
	}
	threats, risks := make([]tmbomThreat, 0, len(w.m.Threats)), make([]tmbomRisk, 0, len(w.m.Threats))
	controls := make([]tmbomControl, 0, mitigations)
	controlAt := map[string]int{}
	unattributed := ""
	for _, t := range w.m.Threats {
		s := w.sym(w.ext.Threats[t.ID], t.Title, t.ID)
		desc, found := cutLines(t.Description, "Sources: ", "Attack mechanisms: ", "Weaknesses: ")
		event := string(t.Category)
		if t.Methodology == "" && t.Category.Valid() {
			event = t.Category.Label()
		}
		th := tmbomThreat{Sym: s, Title: orDefault(model.CleanLine(t.Title), t.ID), Description: desc, Event: orDefault(event, "Unclassified")}
		for _, src := range splitList(found.value("Sources: ")) {
			if slices.Contains(threatSources, src) {
				th.Sources = append(th.Sources, src)
			}
		}
		if len(th.Sources) == 0 {
			th.Sources = []string{"adversary"}
		}
		th.Mechanisms = refList(found.value("Attack mechanisms: "), "CAPEC-", "capec_id", "capec_title")
		th.Weaknesses = refList(found.value("Weaknesses: "), "CWE-", "cwe_id", "cwe_title")
		for _, id := range t.Surface {
			if e, ok := w.elem[id]; ok && !slices.Contains(th.Components, e) {
				th.Components = append(th.Components, e)
			}
		}
		for _, id := range t.Actors {
			if p, ok := personaOf[id]; ok {
				th.Persona = p
				break
			}
		}
		if th.Persona == "" {
			// TM-BOM requires a persona for every threat.
			if unattributed == "" {
				unattributed = w.sym("", "unattributed", "unattributed")
				*personas = append(*personas, tmbomPersona{Sym: unattributed, Title: "Unattributed", Description: "Threats recorded without a threat actor.",
					IsPerson: true, Skill: "engineer", Access: "anonymous", Malicious: true, Applicability: "moderate"})
			}
			th.Persona = unattributed
		}
		threats = append(threats, th)
		l, i := max(model.MinRating, min(model.MaxRating, t.Likelihood)), max(model.MinRating, min(model.MaxRating, t.Impact))
		if t.Likelihood != 0 || t.Impact != 0 {
			risks = append(risks, tmbomRisk{Sym: w.sym("", "risk-"+s, "risk"), Title: th.Title, Description: "", Threats: []string{s},
				Likelihood: tmbomLikelihoodWords[l-1], Impact: tmbomImpactWords[i-1], Score: l * i, Level: string(model.BandOf(l * i))})
		}
		for _, mt := range t.Mitigations {
			orig := w.ext.Mitigations[mt.ID]
			if j, ok := controlAt[orig]; ok && orig != "" {
				controls[j].Threats = append(controls[j].Threats, s)
				continue
			}
			title, rest, _ := strings.Cut(mt.Description, "\n\n")
			rest, found := cutLines(rest, "Priority: ")
			prio := found.value("Priority: ")
			if !slices.Contains([]string{"none", "low", "medium", "high", "critical"}, prio) {
				prio = "medium"
			}
			c := tmbomControl{Sym: w.sym(orig, title, mt.ID), Title: title, Description: rest, Threats: []string{s}, Status: controlStatus(mt.Status), Priority: prio}
			if orig != "" {
				controlAt[orig] = len(controls)
			}
			controls = append(controls, c)
		}
	}
	for _, c := range w.m.Checklist(model.ListControls) {
		if c.Group != "TM-BOM controls" {
			continue
		}
		controls = append(controls, tmbomControl{Sym: w.sym("", c.Title, c.ID), Title: c.Title, Description: c.Detail, Threats: []string{},
			Status: itemControlStatus(c.State), Priority: "medium"})
	}
	// Controls an import brought keep the document's order, which is the
	// order import gives each threat's mitigations.
	rank := map[string]int{}
	orig, _ := w.ext.Document["controls"].([]any)
	w.eachKept(orig, func(i int, o map[string]any) {
		if n, ok := o["symbolic_name"].(string); ok {
			if _, dup := rank[n]; !dup {
				rank[n] = i
			}
		}
	})
	slices.SortStableFunc(controls, func(a, b tmbomControl) int {
		ra, oka := rank[a.Sym]
		rb, okb := rank[b.Sym]
		switch {
		case oka && okb:
			return ra - rb
		case oka:
			return -1
		case okb:
			return 1
		}
		return 0
	})
	return threats, risks, controls
}

// refList reads back "CAPEC-66 SQL Injection, CAPEC-7" as import wrote it.
func refList(line, prefix, idKey, titleKey string) []any {
	var out []any
	for _, p := range splitList(line) {
		rest, ok := strings.CutPrefix(p, prefix)
		if !ok {
			continue
		}
		num, title, _ := strings.Cut(rest, " ")
		n, err := strconv.Atoi(num)
		if err != nil || n < 0 {
			continue
		}
		ref := map[string]any{idKey: n}
		if title != "" {
			ref[titleKey] = title
		}
		out = append(out, ref)
	}
	return out
}

// controlStatus is a mitigation's TM-BOM control status; import maps each
// back to the same mitigation status.
func controlStatus(s model.MitigationStatus) string {
	switch s {
	case model.MitigationImplemented, model.MitigationVerified:
		return "active"
	case model.MitigationInProgress:
		return "scheduled"
	}
	return "suggested"
}

// itemControlStatus is a custom control's status, as controlState reads it.
func itemControlStatus(s model.ItemState) string {
	switch s {
	case model.StateDone:
		return "active"
	case model.StatePlanned, model.StatePartial, model.StateFuture:
		return "scheduled"
	case model.StateNA:
		return "wont_do"
	}
	return "under_review"
}
