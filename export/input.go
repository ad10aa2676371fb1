package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// The input side of export/: the limits, the depth scan, line and column
// of an offset, and the decoder every foreign importer reads its file
// with (decodeInput, tree of jnode); threatdeck's own JSON (ParseJSON)
// checks the same limits with the same scan before decoding into types.

// Limits on a file to import, the same for every importer. Real threat
// models are a few megabytes at most; anything past these is a mistake or
// an attack, and refusing it early keeps memory bounded.
const (
	// MaxImportBytes is the largest file in another tool's format
	// threatdeck imports (256 MiB): a 100,000-element model is about
	// 180 MiB as Threat Dragon writes it (indented).
	MaxImportBytes = 256 << 20
	// MaxJSONBytes is the largest threatdeck JSON document ParseJSON reads
	// (512 MiB): twice MaxImportBytes, so the export of a model imported
	// from another tool's file fits (its kept document is written compact,
	// the model's own text beside it), and JSON refuses to write a
	// document past it, so an export always imports again.
	MaxJSONBytes = 2 * MaxImportBytes
	// MaxYAMLBytes is the largest YAML file (OTM) threatdeck imports: a
	// YAML document costs far more memory to parse than JSON of the same
	// size, and OTM files are small.
	MaxYAMLBytes = 16 << 20
	// MaxImportDepth is the deepest JSON nesting threatdeck accepts. Every
	// supported format needs fewer than 15 levels.
	MaxImportDepth = 64
	// MaxJSONDepth is the same limit for threatdeck JSON: its own
	// structure needs 6 levels, the rest is room for other tools' data
	// kept in "extensions".
	MaxJSONDepth = MaxImportDepth
)

// tooDeep returns the offset of the first bracket nested deeper than
// limit, or -1: one linear scan, before anything is decoded.
func tooDeep(data []byte, limit int) int {
	depth, inString, escaped := 0, false, false
	for i, c := range data {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			if depth++; depth > limit {
				return i
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return -1
}

// ImportError says what is wrong with an imported file and where: the
// file, the JSON path (`$.detail.diagrams[0].cells[3].id`) and the problem.
type ImportError struct {
	File string
	// Path is a JSONPath-style location; empty when the problem is the
	// file as a whole.
	Path    string
	Problem string
}

func (e *ImportError) Error() string {
	file := e.File
	if file == "" {
		file = "input"
	}
	if e.Path == "" {
		return file + ": " + e.Problem
	}
	return file + ": " + e.Path + ": " + e.Problem
}

// checkInput enforces the limits on data and decodes it (see parseInput).
func checkInput(data []byte, file string) error {
	_, err := decodeInput(data, file)
	return err
}

// decodeInput enforces the size and depth limits, builds the document
// tree, and reports invalid JSON with its line, column and path. A valid
// document is decoded in one pass (parseTreeLimited), which counts the
// depth as it goes, so a document nested absurdly deep is refused as soon
// as the limit is passed; only a broken or too deep one is read again
// token by token to say where (decodeTokens), which costs far more.
func decodeInput(data []byte, file string) (any, error) {
	return decodeInputLazy(data, file, nil)
}

// decodeInputLazy is decodeInput leaving the objects at the lazy paths
// unbuilt (parseTreeLazy).
func decodeInputLazy(data []byte, file string, lazy [][]string) (any, error) {
	if len(data) > MaxImportBytes {
		return nil, &ImportError{File: file, Problem: fmt.Sprintf("is larger than %d MiB, the most threatdeck imports from another tool's file", MaxImportBytes>>20)}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &ImportError{File: file, Problem: "is empty"}
	}
	// The parse refuses a document nested too deep as tooDeep would, so
	// the token pass says where, as it says where a broken one breaks.
	if v, ok := parseTreeLimited(data, lazy, MaxImportDepth); ok {
		return v, nil
	}
	return decodeTokens(data, file)
}

// decodeTokens is decodeInput's slow path, one streaming token pass that
// follows the JSON path: it names where a document breaks or first
// nests too deep.
func decodeTokens(data []byte, file string) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var st pathStack
	// values holds the containers being built, in step with st.frames.
	var values []any
	var root any
	attach := func(v any) {
		n := len(values)
		if n == 0 {
			root = v
			return
		}
		switch c := values[n-1].(type) {
		case map[string]any:
			c[st.frames[n-1].key] = v
		case []any:
			values[n-1] = append(c, v)
		}
	}
	for !st.done {
		tok, err := dec.Token()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, syntaxError(data, file, st.path(), err)
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if len(st.frames) >= MaxImportDepth {
					return nil, &ImportError{File: file, Path: st.path(), Problem: fmt.Sprintf("JSON is nested more than %d levels deep; refusing it", MaxImportDepth)}
				}
				if t == '{' {
					values = append(values, map[string]any{})
				} else {
					values = append(values, []any{})
				}
			default:
				v := values[len(values)-1]
				values = values[:len(values)-1]
				st.token(tok)
				attach(v)
				continue
			}
			st.token(tok)
			continue
		}
		n := len(st.frames)
		if n > 0 && st.frames[n-1].object && st.frames[n-1].wantKey {
			st.token(tok) // a key
			continue
		}
		attach(tok)
		st.token(tok)
	}
	// Anything after the document is a sign of a truncated or concatenated file.
	if _, err := dec.Token(); err != io.EOF {
		line, col := lineCol(data, int(dec.InputOffset()))
		return nil, &ImportError{File: file, Problem: fmt.Sprintf("unexpected data after the JSON document at line %d, column %d", line, col)}
	}
	return root, nil
}

func syntaxError(data []byte, file, path string, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := lineCol(data, int(se.Offset))
		return &ImportError{File: file, Path: path, Problem: fmt.Sprintf("not valid JSON at line %d, column %d: %s", line, col, se.Error())}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return &ImportError{File: file, Path: path, Problem: "not valid JSON: the file ends in the middle of a value (truncated?)"}
	}
	return &ImportError{File: file, Path: path, Problem: "not valid JSON: " + err.Error()}
}

// lineCol turns a byte offset into a 1-based line and column.
func lineCol(data []byte, off int) (int, int) {
	off = max(0, min(off, len(data)))
	before := data[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := off - bytes.LastIndexByte(before, '\n')
	return line, col
}

// pathStack follows a token stream to know the JSON path of the current value.
type pathStack struct {
	frames []pathFrame
	done   bool // the top-level value is complete
}

type pathFrame struct {
	object  bool
	key     string
	index   int
	wantKey bool
}

func (s *pathStack) token(tok json.Token) {
	if d, ok := tok.(json.Delim); ok {
		switch d {
		case '{', '[':
			s.frames = append(s.frames, pathFrame{object: d == '{', wantKey: d == '{'})
			return
		default:
			s.frames = s.frames[:len(s.frames)-1]
			s.valueDone()
			return
		}
	}
	if n := len(s.frames); n > 0 && s.frames[n-1].object && s.frames[n-1].wantKey {
		s.frames[n-1].key, _ = tok.(string)
		s.frames[n-1].wantKey = false
		return
	}
	s.valueDone()
}

func (s *pathStack) valueDone() {
	n := len(s.frames)
	if n == 0 {
		s.done = true
		return
	}
	if f := &s.frames[n-1]; f.object {
		f.wantKey = true
	} else {
		f.index++
	}
}

func (s *pathStack) path() string {
	p := "$"
	for _, f := range s.frames {
		if f.object {
			if !f.wantKey {
				p = childPath(p, f.key)
			}
		} else {
			p = indexPath(p, f.index)
		}
	}
	return p
}

func childPath(parent, key string) string {
	if plainKey(key) {
		return parent + "." + key
	}
	return parent + "[" + strconv.Quote(key) + "]"
}

// plainKey reports whether a key can follow a dot in a path: an
// identifier ([A-Za-z_$][A-Za-z0-9_$]*). Called for every member read, so
// no regexp.
func plainKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_', c == '$':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

func indexPath(parent string, i int) string { return parent + "[" + strconv.Itoa(i) + "]" }

// parseInput checks the limits and decodes the document into a tree of
// map[string]any, []any, string, json.Number, bool and nil.
func parseInput(data []byte, file string) (jnode, error) {
	return parseInputLazy(data, file, nil)
}

// parseInputLazy is parseInput leaving the objects at the lazy paths as
// *lazyJSON, for the reader to build one at a time.
func parseInputLazy(data []byte, file string, lazy [][]string) (jnode, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	v, err := decodeInputLazy(data, file, lazy)
	if err != nil {
		return jnode{}, err
	}
	return jnode{v: v, path: "$", present: true}, nil
}

// jnode is one value of a parsed document with the path it was found at,
// so an importer can say exactly where a problem is.
type jnode struct {
	v       any
	path    string
	present bool
}

// get returns the member key of an object (absent when n is not an object).
func (n jnode) get(key string) jnode {
	obj, _ := n.v.(map[string]any)
	v, ok := obj[key]
	return jnode{v: v, path: childPath(n.path, key), present: ok}
}

// null reports whether the value is absent or JSON null.
func (n jnode) null() bool { return n.v == nil }

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("%T", v)
}

// jreader reads values out of a tree with a sticky first error: after a
// problem every read returns a zero value, and err holds the problem.
type jreader struct {
	file string
	err  error
}

func (r *jreader) fail(path, format string, args ...any) {
	if r.err == nil {
		r.err = &ImportError{File: r.file, Path: path, Problem: fmt.Sprintf(format, args...)}
	}
}

func (r *jreader) wrongType(n jnode, want string) {
	r.fail(n.path, "want %s, got %s", want, typeName(n.v))
}

// object returns the members of an object; absent or null gives nil.
func (r *jreader) object(n jnode) map[string]any {
	if r.err != nil || n.null() {
		return nil
	}
	obj, ok := n.v.(map[string]any)
	if !ok {
		r.wrongType(n, "an object")
	}
	return obj
}

// requireObject is object for members a format cannot do without.
func (r *jreader) requireObject(n jnode, why string) {
	if r.err == nil && n.null() {
		r.fail(n.path, "is missing; %s", why)
		return
	}
	r.object(n)
}

// array returns the elements of an array as nodes; absent or null gives none.
func (r *jreader) array(n jnode) []jnode {
	if r.err != nil || n.null() {
		return nil
	}
	arr, ok := n.v.([]any)
	if !ok {
		r.wrongType(n, "an array")
		return nil
	}
	out := make([]jnode, len(arr))
	for i, v := range arr {
		out[i] = jnode{v: v, path: indexPath(n.path, i), present: true}
	}
	return out
}

// str returns a string; absent or null gives "".
func (r *jreader) str(n jnode) string {
	if r.err != nil || n.null() {
		return ""
	}
	s, ok := n.v.(string)
	if !ok {
		r.wrongType(n, "a string")
	}
	return s
}

// text returns a string, also accepting a number or boolean written where
// a tool meant text (Threat Dragon scores appear both ways).
func (r *jreader) text(n jnode) string {
	switch v := n.v.(type) {
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	}
	return r.str(n)
}

// number returns a finite number and whether one was present.
func (r *jreader) number(n jnode) (float64, bool) {
	if r.err != nil || n.null() {
		return 0, false
	}
	num, ok := n.v.(json.Number)
	if !ok {
		r.wrongType(n, "a number")
		return 0, false
	}
	f, err := num.Float64()
	if err != nil {
		r.fail(n.path, "%s is not a usable number", num)
		return 0, false
	}
	return f, true
}

// strings returns an array of strings, skipping nulls.
func (r *jreader) strings(n jnode) []string {
	var out []string
	for _, e := range r.array(n) {
		if s := strings.TrimSpace(r.str(e)); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// residual copies an object without the named members: what threatdeck
// has no field for, kept so an export can write it back.
func residual(obj map[string]any, drop ...string) map[string]any {
	out := make(map[string]any, len(obj))
	for k, v := range obj {
		out[k] = v
	}
	for _, k := range drop {
		delete(out, k)
	}
	return out
}

// strip is residual for an entity read for the last time: the members
// are deleted from obj itself rather than from a copy, so an import does
// not hold every entity twice. obj nil (absent or null) gives an empty
// object, as residual does.
func strip(obj map[string]any, drop ...string) map[string]any {
	if obj == nil {
		return map[string]any{}
	}
	for _, k := range drop {
		delete(obj, k)
	}
	return obj
}
