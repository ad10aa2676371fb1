package export

import (
	"encoding/json"
	"strconv"
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
