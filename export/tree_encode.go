package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// appendTree appends v, a decoded document tree (map[string]any, []any,
// string, json.Number, bool, nil, *object, whose members keep their
// order, and the lazy parts below), as JSON: what json.Marshal writes,
// keys sorted, no HTML escaping, indented by indent per level when indent
// is not "" (as json.Encoder.SetIndent("", indent) would). It exists
// because encoding/json reaches every value of such a tree through
// reflection, which made writing a 100,000-cell Threat Dragon document
// take seconds. Any other type is written by encoding/json.
//
// The lazy parts keep a large document from being held whole: a
// *lazyJSON is an object still in its bytes, built (if it must be
// re-indented) only while it is written; a treeStream is an array whose
// elements are made one at a time while it is written; a treeLater is a
// value computed when it is reached.
func appendTree(dst []byte, v any, indent string, depth int) ([]byte, error) {
	w := treeWriter{buf: dst, indent: indent}
	if err := w.value(v, depth); err != nil {
		return nil, err
	}
	return w.buf, nil
}

// writeTree is appendTree for a whole file: the text is written in
// chunks and copied once into a slice of its exact size with a final
// newline, rather than grown by copying, which for a 200 MB file held
// about three times its size at once.
func writeTree(v any, indent string) ([]byte, error) {
	w := treeWriter{buf: make([]byte, 0, treeChunk+treeChunk/4), indent: indent, chunked: true}
	if err := w.value(v, 0); err != nil {
		return nil, err
	}
	size := len(w.buf) + 1
	for _, c := range w.chunks {
		size += len(c)
	}
	out := make([]byte, 0, size)
	for _, c := range w.chunks {
		out = append(out, c...)
	}
	out = append(out, w.buf...)
	return append(out, '\n'), nil
}

// streamTree writes what writeTree makes into out a chunk at a time,
// each passed through cleanJSON first, so a whole file is never held:
// a chunk is cut only between array elements, outside any string, so
// cleaning chunk by chunk gives exactly cleanJSON of the whole text.
func streamTree(out io.Writer, v any, indent string) error {
	w := treeWriter{buf: make([]byte, 0, treeChunk+treeChunk/4), indent: indent, sink: out}
	if err := w.value(v, 0); err != nil {
		return err
	}
	if w.err != nil {
		return w.err
	}
	_, err := out.Write(cleanJSON(append(w.buf, '\n')))
	return err
}

// treeFile is a JSON export's bytes: doc written indented, cleaned.
func treeFile(doc any, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	out, err := writeTree(doc, "  ")
	if err != nil {
		return nil, err
	}
	return cleanJSON(out), nil
}

// treeChunk is the size writeTree's chunks are cut at.
const treeChunk = 4 << 20

// treeStream is an array made while it is written: it calls yield with
// each element in turn, stopping at the first error yield returns.
type treeStream func(yield func(any) error) error

// treeLater is a value computed when the writer reaches it, for one that
// depends on what was written before it (members are written in key
// order).
type treeLater func() any

// treeRaw is a value that writes itself: it appends to dst the JSON the
// writer would write for it at depth with indent, for a large list of
// values whose shape is known and need not be made as maps first.
type treeRaw func(dst []byte, indent string, depth int) ([]byte, error)

type treeWriter struct {
	buf     []byte
	indent  string
	chunked bool
	chunks  [][]byte
	// sink takes the full buffers, cleaned (streamTree); err is its first
	// write error.
	sink io.Writer
	err  error
}

// cut moves a full buffer to the chunks (writeTree) or writes it to the
// sink (streamTree), returning the sink's error.
func (w *treeWriter) cut() error {
	if len(w.buf) < treeChunk {
		return w.err
	}
	switch {
	case w.sink != nil && w.err == nil:
		_, w.err = w.sink.Write(cleanJSON(w.buf))
		w.buf = w.buf[:0]
	case w.chunked:
		w.chunks = append(w.chunks, w.buf)
		w.buf = make([]byte, 0, treeChunk+treeChunk/4)
	}
	return w.err
}

func (w *treeWriter) value(v any, depth int) error {
	indent := w.indent
	switch x := v.(type) {
	case nil:
		w.buf = append(w.buf, "null"...)
	case string:
		w.buf = appendJSONString(w.buf, x)
	case json.Number:
		if x == "" {
			w.buf = append(w.buf, '0')
		} else {
			w.buf = append(w.buf, x...)
		}
	case bool:
		w.buf = strconv.AppendBool(w.buf, x)
	case int:
		w.buf = strconv.AppendInt(w.buf, int64(x), 10)
	case map[string]any:
		// A small object's keys are sorted on the stack: an import keeps
		// hundreds of thousands of small objects written this way.
		var small [16]string
		keys := small[:0]
		if len(x) > len(small) {
			keys = make([]string, 0, len(x))
		}
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return w.members(keys, x, depth)
	case *object:
		return w.members(x.keys, x.vals, depth)
	case []any:
		if len(x) == 0 {
			w.buf = append(w.buf, "[]"...)
			return nil
		}
		w.buf = append(w.buf, '[')
		for i, e := range x {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			w.buf = newline(w.buf, indent, depth+1)
			if err := w.value(e, depth+1); err != nil {
				return err
			}
			if err := w.cut(); err != nil {
				return err
			}
		}
		w.buf = newline(w.buf, indent, depth)
		w.buf = append(w.buf, ']')
	case treeStream:
		n := 0
		w.buf = append(w.buf, '[')
		err := x(func(e any) error {
			if n > 0 {
				w.buf = append(w.buf, ',')
			}
			n++
			w.buf = newline(w.buf, indent, depth+1)
			if err := w.value(e, depth+1); err != nil {
				return err
			}
			return w.cut()
		})
		if err != nil {
			return err
		}
		if n == 0 {
			w.buf = append(w.buf, ']')
			return nil
		}
		w.buf = newline(w.buf, indent, depth)
		w.buf = append(w.buf, ']')
	case treeLater:
		return w.value(x(), depth)
	case treeRaw:
		var err error
		w.buf, err = x(w.buf, indent, depth)
		return err
	case *lazyJSON:
		if x.compact && indent == "" {
			w.buf = append(w.buf, x.raw...)
			return nil
		}
		tree, ok := parseTree(x.raw)
		if !ok {
			return errors.New("kept JSON is damaged")
		}
		return w.value(tree, depth)
	default:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return err
		}
		raw := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		if indent == "" {
			w.buf = append(w.buf, raw...)
			return nil
		}
		var out bytes.Buffer
		if err := json.Indent(&out, raw, prefixFor(indent, depth), indent); err != nil {
			return err
		}
		w.buf = append(w.buf, out.Bytes()...)
	}
	return nil
}

// members writes an object's members in the order of keys.
func (w *treeWriter) members(keys []string, vals map[string]any, depth int) error {
	if len(keys) == 0 {
		w.buf = append(w.buf, "{}"...)
		return nil
	}
	w.buf = append(w.buf, '{')
	for i, k := range keys {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.buf = newline(w.buf, w.indent, depth+1)
		w.buf = appendJSONString(w.buf, k)
		w.buf = append(w.buf, ':')
		if w.indent != "" {
			w.buf = append(w.buf, ' ')
		}
		if err := w.value(vals[k], depth+1); err != nil {
			return err
		}
	}
	w.buf = newline(w.buf, w.indent, depth)
	w.buf = append(w.buf, '}')
	return nil
}

// spaces is what newline copies indentation from, in one append for
// the usual two-space indent.
var spaces = "\n" + strings.Repeat(" ", 2*MaxImportDepth+2)

func newline(dst []byte, indent string, depth int) []byte {
	if indent == "" {
		return dst
	}
	if indent == "  " && 2*depth+1 <= len(spaces) {
		return append(dst, spaces[:2*depth+1]...)
	}
	dst = append(dst, '\n')
	for range depth {
		dst = append(dst, indent...)
	}
	return dst
}

func prefixFor(indent string, depth int) string {
	var b []byte
	for range depth {
		b = append(b, indent...)
	}
	return string(b)
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s as encoding/json does without HTML escaping:
// controls as \n, \r, \t, \b, \f or \u00XX, U+2028 and U+2029 escaped,
// invalid UTF-8 as U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// jsonAppender is kept data that writes itself faster than encoding/json
// (see builder.build).
type jsonAppender interface {
	appendJSON(dst []byte) ([]byte, error)
}

// appendJSON writes the extension as json.Marshal would, through
// appendTree: the document is the whole Threat Dragon file.
func (x *tdExtension) appendJSON(dst []byte) ([]byte, error) {
	var err error
	switch {
	case x.raw != nil && dst == nil:
		dst = x.raw
	case x.raw != nil:
		dst = append(dst, x.raw...)
	default:
		if dst == nil && x.size > 0 {
			dst = make([]byte, 0, x.size+x.size/8+64*(len(x.Cells)+len(x.Threats))+4096)
		}
		dst = append(dst, `{"document":`...)
		if x.Document == nil {
			dst = append(dst, "null"...)
		} else if dst, err = appendTree(dst, x.Document, "", 0); err != nil {
			return nil, err
		}
	}
	for _, part := range []struct {
		key  string
		refs map[string]tdRef
	}{{"cells", x.Cells}, {"threats", x.Threats}} {
		dst = append(dst, `,"`...)
		dst = append(dst, part.key...)
		dst = append(dst, `":`...)
		dst = appendRefs(dst, part.refs)
	}
	if len(x.Defaults) > 0 {
		dst = append(dst, `,"defaults":`...)
		tree := make(map[string]any, len(x.Defaults))
		for k, v := range x.Defaults {
			tree[k] = v
		}
		if dst, err = appendTree(dst, tree, "", 0); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

func appendRefs(dst []byte, refs map[string]tdRef) []byte {
	if refs == nil {
		return append(dst, "null"...)
	}
	keys := make([]string, 0, len(refs))
	for k := range refs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		r := refs[k]
		dst = appendJSONString(dst, k)
		dst = append(dst, `:{"diagram":`...)
		dst = strconv.AppendInt(dst, int64(r.Diagram), 10)
		dst = append(dst, `,"cell":`...)
		dst = appendJSONString(dst, r.Cell)
		if r.Index != 0 {
			dst = append(dst, `,"index":`...)
			dst = strconv.AppendInt(dst, int64(r.Index), 10)
		}
		dst = append(dst, '}')
	}
	return append(dst, '}')
}
