package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
)

// tmbomKeptData is what a TM-BOM import keeps with the model: the
// document and where each entity came from, written as json.Marshal
// writes a tmbomExtension holding them (see appendJSON), which is how the
// export reads it back. The origins are lists in the order the ids were
// issued rather than maps: 300,000 map entries cost more to make than to
// sort once.
type tmbomKeptData struct {
	document map[string]any
	// elements maps element ids to "components/api-gateway"; threats and
	// mitigations map ids to symbolic names.
	elements, threats, mitigations []tmbomOrigin
	// size is about how many bytes the document takes written compact,
	// for appendJSON to allocate its buffer once.
	size int
}

// tmbomOrigin is an entity's id and where it came from.
type tmbomOrigin struct{ id, from string }

// appendJSON implements jsonAppender: the extension exactly as
// json.Marshal writes a tmbomExtension (fields in order, keys sorted,
// HTML escaped). The document is written here rather than by appendTree,
// so the objects of its lists read for the last time (tmbomKept) are
// written compact straight from the file's bytes, never held twice.
func (x *tmbomKeptData) appendJSON(dst []byte) ([]byte, error) {
	start := len(dst)
	// About the size of what is written, so it is allocated once: the
	// document (its lists counted as they were read, some room for the
	// rest) and the origins.
	size := x.size + x.size/64 + 64<<10
	for _, list := range [][]tmbomOrigin{x.elements, x.threats, x.mitigations} {
		for _, o := range list {
			size += len(o.id) + len(o.from) + 6
		}
	}
	dst = slices.Grow(dst, size)
	dst = append(dst, `{"document":`...)
	var err error
	if dst, err = appendTMBOMDocument(dst, x.document); err != nil {
		return nil, err
	}
	for _, part := range []struct {
		key  string
		list []tmbomOrigin
	}{{"elements", x.elements}, {"threats", x.threats}, {"mitigations", x.mitigations}} {
		dst = append(dst, ',', '"')
		dst = append(dst, part.key...)
		dst = append(dst, '"', ':')
		dst = appendOrigins(dst, part.list)
	}
	dst = append(dst, '}')
	if !needsHTMLEscape(dst[start:]) {
		return dst, nil
	}
	var buf bytes.Buffer
	json.HTMLEscape(&buf, dst[start:])
	return append(dst[:start], buf.Bytes()...), nil
}

// tmbomKept is an object of a TM-BOM list read for the last time whose
// member names, nested ones too, are plain and in order: written compact
// from its bytes (valid JSON, checked when the file was parsed), it is
// exactly what appendTree writes for it built.
type tmbomKept []byte

// appendTMBOMDocument is appendTree(dst, doc, "", 0) for the document a
// TM-BOM import keeps, whose lists may hold tmbomKept objects.
func appendTMBOMDocument(dst []byte, doc map[string]any) ([]byte, error) {
	if doc == nil {
		return append(dst, "null"...), nil
	}
	keys := make([]string, 0, len(doc))
	for k := range doc {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	var err error
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, k)
		dst = append(dst, ':')
		list, ok := doc[k].([]any)
		if !ok || len(list) == 0 {
			if dst, err = appendTree(dst, doc[k], "", 0); err != nil {
				return nil, err
			}
			continue
		}
		dst = append(dst, '[')
		for j, e := range list {
			if j > 0 {
				dst = append(dst, ',')
			}
			kept, ok := e.(tmbomKept)
			if !ok {
				if dst, err = appendTree(dst, e, "", 0); err != nil {
					return nil, err
				}
				continue
			}
			p := treeParser{data: kept}
			out := compactOut{buf: dst, write: true, sorted: true}
			if !p.compactMembers(nil, &out) || !out.sorted {
				return nil, errors.New("kept JSON is damaged")
			}
			dst = out.buf
		}
		dst = append(dst, ']')
	}
	return append(dst, '}'), nil
}

// appendOrigins writes the origins as encoding/json writes a
// map[string]string of them (keys sorted), without HTML escaping.
func appendOrigins(dst []byte, list []tmbomOrigin) []byte {
	slices.SortFunc(list, func(a, b tmbomOrigin) int { return strings.Compare(a.id, b.id) })
	dst = append(dst, '{')
	for i, o := range list {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, o.id)
		dst = append(dst, ':')
		dst = appendJSONString(dst, o.from)
	}
	return append(dst, '}')
}

// needsHTMLEscape reports whether JSON text holds a character json.Marshal
// escapes and appendTree does not: < > & U+2028 U+2029 (in strings only).
// Each byte is looked for on its own, which is far faster over a large
// document than looking for any of them at once.
func needsHTMLEscape(b []byte) bool {
	for _, c := range []byte("<>&") {
		if bytes.IndexByte(b, c) >= 0 {
			return true
		}
	}
	// U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], 0xe2)
		if j < 0 {
			return false
		}
		i += j + 1
		if i+1 < len(b) && b[i] == 0x80 && (b[i+1] == 0xa8 || b[i+1] == 0xa9) {
			return true
		}
	}
}
