package export

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// readTMBOMExtension reads the extension a TM-BOM import kept, as
// encoding/json decodes a tmbomExtension (UseNumber), except that the
// objects of the document's lists are left in their bytes (*lazyJSON):
// the export reads only a few of them, each built while it is used and
// let go, so a 100,000-threat document is never held as one tree of
// maps. Anything the lean reader does not take exactly as encoding/json
// would (a member name in other case, one given twice, a value of
// another type, trailing text, deep nesting, damage) is decoded by
// encoding/json instead, so the result and every error stay its own.
func readTMBOMExtension(raw []byte) (tmbomExtension, error) {
	if ext, ok := readTMBOMExtensionLean(raw); ok {
		return ext, nil
	}
	var ext tmbomExtension
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&ext); err != nil {
		return tmbomExtension{}, fmt.Errorf("tm-bom data kept with the model is damaged: %w", err)
	}
	return ext, nil
}

// readTMBOMExtensionLean is readTMBOMExtension's one pass, reporting
// false for anything it leaves to encoding/json.
func readTMBOMExtensionLean(raw []byte) (tmbomExtension, bool) {
	var ext tmbomExtension
	// The depth limit is far below encoding/json's, so a document it
	// refuses for its depth is never taken here.
	p := treeParser{data: raw, names: make(map[string]string, 64), lazy: tmbomLazyPaths, limit: MaxImportDepth}
	p.space()
	var seen [4]bool
	ok := p.members(func(k string) bool {
		var slot int
		switch k {
		case "document":
			slot = 0
		case "elements":
			slot = 1
		case "threats":
			slot = 2
		case "mitigations":
			slot = 3
		default:
			return false
		}
		if seen[slot] {
			return false
		}
		seen[slot] = true
		if p.i < len(p.data) && p.data[p.i] == 'n' {
			return p.literal("null")
		}
		if slot == 0 {
			if p.i >= len(p.data) || p.data[p.i] != '{' {
				return false
			}
			// The document is the root of the lazy paths.
			p.at = p.at[:0]
			v, ok := p.value()
			ext.Document, _ = v.(map[string]any)
			return ok
		}
		m, ok := p.tmbomOrigins()
		switch slot {
		case 1:
			ext.Elements = m
		case 2:
			ext.Threats = m
		default:
			ext.Mitigations = m
		}
		return ok
	})
	if !ok {
		return tmbomExtension{}, false
	}
	p.space()
	return ext, p.i == len(p.data)
}

// tmbomOrigins reads an object of strings (the origins of entities) into
// a map, reporting false for any other value.
func (p *treeParser) tmbomOrigins() (map[string]string, bool) {
	// Ids are not interned: they never repeat.
	names := p.names
	p.names = nil
	defer func() { p.names = names }()
	m := map[string]string{}
	ok := p.members(func(k string) bool {
		if p.i >= len(p.data) || p.data[p.i] != '"' {
			return false
		}
		v, ok := p.str(false)
		m[k] = v
		return ok
	})
	return m, ok
}

// tmbomKeptObject is v, an element of a list of the kept document, built
// when it was left in its bytes; false if those are damaged.
func tmbomKeptObject(v any, names map[string]string) (any, bool) {
	l, ok := v.(*lazyJSON)
	if !ok {
		return v, true
	}
	obj, ok := l.build(names)
	return obj, ok
}
