package export

import (
	"encoding/json"
	"unicode/utf8"

	"github.com/threatdeck/threatdeck/model"
)

// The TM-BOM export's values as document trees, every string cleaned:
// what cleanTree makes of them through json.Marshal and a parse back,
// made directly. A 100,000-threat export spent most of its time
// marshalling each element only to read it again.

// tmbomTree is cleanTree(v) for the values a TM-BOM document holds; one
// of a type it does not know goes through cleanTree. An element of the
// document's lists is made in scratch (when not nil), emptied first: its
// tree is written before the next is made, and 100,000 maps made and
// dropped in turn cost more than the element.
func tmbomTree(v any, names map[string]string, scratch map[string]any) (any, error) {
	if t, ok := tmbomTreeOf(v, scratch); ok {
		return t, nil
	}
	return cleanTree(v, names)
}

// entityTree is o (a new map when nil), emptied, with the members every
// TM-BOM entity has.
func entityTree(o map[string]any, sym, title, description string) map[string]any {
	if o == nil {
		o = make(map[string]any, 8)
	}
	clear(o)
	o["symbolic_name"], o["title"], o["description"] = cleanString(sym), cleanString(title), cleanString(description)
	return o
}

// tmbomTreeOf converts v, reporting false for a type it does not know;
// an entity is made in o (see tmbomTree).
func tmbomTreeOf(v any, o map[string]any) (any, bool) {
	switch x := v.(type) {
	case nil:
		return nil, true
	case string:
		return cleanString(x), true
	case bool, int, json.Number:
		return x, true
	case []string:
		return stringsTree(x), true
	case []any:
		return listTree(x)
	case map[string]any:
		if x == nil {
			return nil, true
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			t, ok := tmbomTreeOf(e, nil)
			if !ok {
				return nil, false
			}
			out[cleanKey(k)] = t
		}
		return out, true
	case []map[string]any:
		return listTree(x)
	case tmbomEntity:
		// A pointer into the writer's list as well as a value: a value
		// put in an interface is copied to the heap, 100,000 times for
		// each list (tmbomDocument passes pointers).
		return x.tree(o)
	}
	return nil, false
}

// listTree is tmbomTreeOf for a list; nil stays null.
func listTree[T any](list []T) (any, bool) {
	if list == nil {
		return nil, true
	}
	out := make([]any, len(list))
	for i, e := range list {
		t, ok := tmbomTreeOf(e, nil)
		if !ok {
			return nil, false
		}
		out[i] = t
	}
	return out, true
}

// omitEmpty sets o[key] to s cleaned unless s is empty, as omitempty does.
func omitEmpty(o map[string]any, key, s string) {
	if s != "" {
		o[key] = cleanString(s)
	}
}

// stringsTree is a list of strings cleaned; nil stays null.
func stringsTree(list []string) any {
	if list == nil {
		return nil
	}
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = cleanString(s)
	}
	return out
}

// cleanString is a string as cleanTree leaves it: through JSON (each
// invalid byte U+FFFD) and model.CleanText.
func cleanString(s string) string { return model.CleanText(validText(s)) }

// cleanKey is a member name through JSON, which cleanTree does not clean.
func cleanKey(s string) string { return validText(s) }

// validText is s as json.Marshal writes it and a parse reads it back:
// each byte that is not valid UTF-8 becomes U+FFFD.
func validText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	out := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			out = append(out, "\uFFFD"...)
		} else {
			out = append(out, s[i:i+size]...)
		}
		i += size
	}
	return string(out)
}

// tmbomEntity is an entity of the lists the writer makes, which gives its
// tree as tmbomTreeOf does: made in o (a new map when nil), emptied.
type tmbomEntity interface {
	tree(o map[string]any) (any, bool)
}

func (x tmbomZone) tree(o map[string]any) (any, bool) {
	return entityTree(o, x.Sym, x.Title, x.Description), true
}

func (x tmbomActor) tree(o map[string]any) (any, bool) {
	o = entityTree(o, x.Sym, x.Title, x.Description)
	o["type"] = cleanString(x.Type)
	omitEmpty(o, "permissions", x.Permissions)
	omitEmpty(o, "trust_zone", x.TrustZone)
	return o, true
}

func (x tmbomComponent) tree(o map[string]any) (any, bool) {
	o = entityTree(o, x.Sym, x.Title, x.Description)
	omitEmpty(o, "trust_zone", x.TrustZone)
	return o, true
}

func (x tmbomStore) tree(o map[string]any) (any, bool) {
	o = entityTree(o, x.Sym, x.Title, x.Description)
	o["type"] = cleanString(x.Type)
	omitEmpty(o, "vendor", x.Vendor)
	omitEmpty(o, "product", x.Product)
	omitEmpty(o, "trust_zone", x.TrustZone)
	return o, true
}

func (x tmbomFlow) tree(o map[string]any) (any, bool) {
	// o, when given, holds the last flow's tree, written already: its
	// two ends' maps serve again (two maps per flow were a fifth of what
	// writing the lists allocated).
	src, _ := o["source"].(map[string]any)
	dst, _ := o["destination"].(map[string]any)
	o = entityTree(o, x.Sym, x.Title, x.Description)
	o["source"], o["destination"] = x.Source.tree(src), x.Destination.tree(dst)
	o["has_sensitive_data"], o["encrypted"] = x.Sensitive, x.Encrypted
	return o, true
}

// tree is a flow end's object, made in m (a new map when nil).
func (r tmbomRef) tree(m map[string]any) map[string]any {
	if m == nil {
		m = make(map[string]any, 2)
	}
	clear(m)
	m["type"], m["object"] = cleanString(r.Type), cleanString(r.Object)
	return m
}

func (x tmbomDataSet) tree(o map[string]any) (any, bool) {
	var places any
	if x.Placements != nil {
		list := make([]any, len(x.Placements))
		for i, p := range x.Placements {
			list[i] = map[string]any{"data_store": cleanString(p.DataStore), "encrypted": p.Encrypted}
		}
		places = list
	}
	o = entityTree(o, x.Sym, x.Title, x.Description)
	o["placements"], o["data_sensitivity"] = places, stringsTree(x.Sensitivity)
	return o, true
}

func (x tmbomPersona) tree(o map[string]any) (any, bool) {
	o = entityTree(o, x.Sym, x.Title, x.Description)
	o["is_person"], o["skill_level"], o["access_level"] = x.IsPerson, cleanString(x.Skill), cleanString(x.Access)
	o["malicious_intent"], o["applicability_to_org"] = x.Malicious, cleanString(x.Applicability)
	return o, true
}

func (x tmbomThreat) tree(o map[string]any) (any, bool) {
	o = entityTree(o, x.Sym, x.Title, x.Description)
	o["threat_persona"], o["event"], o["sources"] = cleanString(x.Persona), cleanString(x.Event), stringsTree(x.Sources)
	if len(x.Components) > 0 {
		o["components_affected"] = stringsTree(x.Components)
	}
	for _, list := range []struct {
		key  string
		refs []any
	}{{"attack_mechanisms", x.Mechanisms}, {"weaknesses", x.Weaknesses}} {
		if len(list.refs) > 0 {
			t, ok := tmbomTreeOf(list.refs, nil)
			if !ok {
				return nil, false
			}
			o[list.key] = t
		}
	}
	return o, true
}

func (x tmbomControl) tree(o map[string]any) (any, bool) {
	o = entityTree(o, x.Sym, x.Title, x.Description)
	o["threats"], o["status"], o["priority"] = stringsTree(x.Threats), cleanString(x.Status), cleanString(x.Priority)
	return o, true
}

func (x tmbomRisk) tree(o map[string]any) (any, bool) {
	o = entityTree(o, x.Sym, x.Title, x.Description)
	o["threats"], o["likelihood"], o["impact"] = stringsTree(x.Threats), cleanString(x.Likelihood), cleanString(x.Impact)
	o["impact_description"], o["score"], o["level"] = cleanString(x.ImpactDesc), x.Score, cleanString(x.Level)
	return o, true
}
