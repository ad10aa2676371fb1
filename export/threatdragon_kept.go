package export

import (
	"encoding/json"
	"strconv"

	"github.com/threatdeck/threatdeck/internal/jsonread"
	"github.com/threatdeck/threatdeck/internal/textchunk"
)

// The Threat Dragon document kept with a model is read back for an
// export the way an import reads the file: through the one tree decoder,
// each cell left in its bytes (a *lazyJSON) until the export reaches it,
// so a 100,000-cell document is never held as one tree of maps.

// tdKeptCellsPath is where the kept document's cells are in the extension.
var tdKeptCellsPath = append([]string{"document"}, tdCellsPath...)

// decodeTDExtension reads the data a Threat Dragon import kept. The
// shape threatdeck writes is read directly; anything else (a key in
// another case, a null, a fraction where an index belongs) goes to
// encoding/json, whose reading of it is what an export has always used.
func decodeTDExtension(raw []byte) (tdExtension, error) {
	if ext, ok := readTDExtension(raw); ok {
		return ext, nil
	}
	var ext tdExtension
	err := decodeExtension(raw, &ext)
	return ext, err
}

func readTDExtension(raw []byte) (tdExtension, bool) {
	if ext, ok := readTDKept(raw); ok {
		return ext, true
	}
	return readTDExtensionTree(raw)
}

// readTDKept reads the shape threatdeck writes in one pass: the document
// through the tree parser (its cells left in their bytes, its depth and
// its top members' names checked as it goes), the cell and threat
// references straight into their maps. Reading those references as a
// tree first held 200,000 small maps, about 75 MB for a 100,000-cell
// document, and checking the depth and the names before took two more
// passes over all of it. Anything it does not take (a name with an
// escape, a number with a fraction, a repeated name) is left to
// readTDExtensionTree, so what it reads is what that reads.
func readTDKept(raw []byte) (tdExtension, bool) {
	var ext tdExtension
	r := jsonread.Reader{B: raw}
	// The references' ids and cell ids are cut from shared chunks: they
	// live as long as one another, the export.
	text := textchunk.Chunks{Size: 64 << 10}
	var seen [4]bool
	once := func(i int) bool {
		if seen[i] {
			return false
		}
		seen[i] = true
		return true
	}
	ok := r.Object(func(key []byte) bool {
		switch string(key) {
		case "document":
			if !once(0) {
				return false
			}
			if r.Null() {
				return true
			}
			r.Space()
			if r.I >= len(raw) || raw[r.I] != '{' {
				return false
			}
			// The document is inside the extension's own object: one
			// bracket deep already, as tooDeep and duplicateKeys count.
			p := treeParser{data: raw, i: r.I, names: make(map[string]string, 64), lazy: [][]string{tdCellsPath}, depth: 1, limit: MaxJSONDepth + 2, unique: 3}
			v, ok := p.value()
			doc, isObj := v.(map[string]any)
			if !ok || !isObj {
				return false
			}
			ext.Document = doc
			r.I = p.i
			return true
		case "cells":
			return once(1) && readTDRefsFast(&r, &text, &ext.Cells)
		case "threats":
			return once(2) && readTDRefsFast(&r, &text, &ext.Threats)
		case "defaults":
			if !once(3) {
				return false
			}
			if r.Null() {
				return true
			}
			ext.Defaults = map[string]string{}
			return r.Object(func(id []byte) bool {
				var name string
				if _, dup := ext.Defaults[string(id)]; dup || !r.Str(&name, nil) {
					return false
				}
				ext.Defaults[string(id)] = name
				return true
			})
		}
		return false
	})
	r.Space()
	return ext, ok && r.I == len(raw)
}

// readTDRefsFast reads an object (or null) of references, {"diagram": n,
// "cell": id, "index": n} each, refusing a repeated name.
func readTDRefsFast(r *jsonread.Reader, text *textchunk.Chunks, out *map[string]tdRef) bool {
	if r.Null() {
		return true
	}
	refs := map[string]tdRef{}
	cut := func(b []byte) string { return text.String(b) }
	ok := r.Object(func(id []byte) bool {
		if _, dup := refs[string(id)]; dup {
			return false
		}
		var ref tdRef
		var seen [3]bool
		ok := r.Object(func(k []byte) bool {
			i := -1
			switch string(k) {
			case "diagram":
				i = 0
			case "cell":
				i = 1
			case "index":
				i = 2
			}
			if i < 0 || seen[i] {
				return false
			}
			seen[i] = true
			switch i {
			case 0:
				return r.Int(&ref.Diagram)
			case 1:
				return r.Str(&ref.Cell, cut)
			}
			return r.Int(&ref.Index)
		})
		if ok {
			refs[text.String(id)] = ref
		}
		return ok
	})
	*out = refs
	return ok
}

// readTDExtensionTree reads the extension as a document tree first, for
// any shape readTDKept does not take.
func readTDExtensionTree(raw []byte) (tdExtension, bool) {
	var ext tdExtension
	if tooDeep(raw, MaxJSONDepth+2) >= 0 || duplicateKeys(raw, 3) {
		return ext, false
	}
	v, ok := parseTreeLazy(raw, [][]string{tdKeptCellsPath})
	root, isObj := v.(map[string]any)
	if !ok || !isObj {
		return ext, false
	}
	for k, v := range root {
		switch k {
		case "document":
			if v == nil {
				continue
			}
			doc, ok := v.(map[string]any)
			if !ok {
				return ext, false
			}
			ext.Document = doc
		case "cells", "threats":
			refs, ok := readTDRefs(v)
			if !ok {
				return ext, false
			}
			if k == "cells" {
				ext.Cells = refs
			} else {
				ext.Threats = refs
			}
		case "defaults":
			defaults, ok := keptMap(v, func(name any) (string, bool) {
				s, ok := name.(string)
				return s, ok
			})
			if !ok {
				return ext, false
			}
			ext.Defaults = defaults
		default:
			return ext, false
		}
	}
	return ext, true
}

func readTDRefs(v any) (map[string]tdRef, bool) {
	return keptMap(v, func(rv any) (tdRef, bool) {
		var ref tdRef
		ro, ok := rv.(map[string]any)
		if !ok {
			return ref, false
		}
		for k, f := range ro {
			switch k {
			case "diagram", "index":
				n, isNum := f.(json.Number)
				if !isNum {
					return ref, false
				}
				i, err := strconv.Atoi(string(n))
				if err != nil {
					return ref, false
				}
				if k == "diagram" {
					ref.Diagram = i
				} else {
					ref.Index = i
				}
			case "cell":
				s, ok := f.(string)
				if !ok {
					return ref, false
				}
				ref.Cell = s
			default:
				return ref, false
			}
		}
		return ref, true
	})
}

// cellObject gives a cell of a kept document as an object to read or
// change: a lazy one is built (a new object each time, its member names
// interned in names), an object is itself; anything else gives nil.
func cellObject(c any, names map[string]string) map[string]any {
	switch x := c.(type) {
	case map[string]any:
		return x
	case *lazyJSON:
		obj, _ := x.build(names)
		return obj
	case *tdNewCell:
		return x.build()
	}
	return nil
}

// cellID is a kept cell's "id" when it is a string, read without
// building a lazy cell.
func cellID(c any) (string, bool) {
	switch x := c.(type) {
	case map[string]any:
		id, ok := x["id"].(string)
		return id, ok
	case *lazyJSON:
		return lazyMember(x.raw, "id")
	case *tdNewCell:
		return x.w.cellOf[x.e.ID].Cell, true
	}
	return "", false
}

// cellObjectLike reports whether c is a cell object, built or not.
func cellObjectLike(c any) bool {
	switch c.(type) {
	case map[string]any, *lazyJSON, *tdNewCell:
		return true
	}
	return false
}
