package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/threatdeck/threatdeck/model"
)

const (
	// maxProblems bounds how many problems one error lists.
	maxProblems = 20
)

// JSONProblem is one thing wrong with a document, at a JSON path relative to
// the document root ("model.threats[3].likelihood").
type JSONProblem struct {
	Path    string
	Message string
}

// String is the problem as one line: "path: message".
func (p JSONProblem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// JSONError lists what is wrong with a threatdeck JSON document. Problems
// in the model's entities are all collected, so one attempt shows
// everything to fix.
type JSONError struct {
	Problems []JSONProblem
	// More counts problems found beyond those listed.
	More int
}

// Error lists the problems, separated by semicolons.
func (e *JSONError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	if e.More > 0 {
		fmt.Fprintf(&b, "; and %d more problems", e.More)
	}
	return b.String()
}

// problems collects JSONProblems up to maxProblems.
type problems struct{ err JSONError }

func (p *problems) add(path, format string, args ...any) {
	if len(p.err.Problems) == maxProblems {
		p.err.More++
		return
	}
	p.err.Problems = append(p.err.Problems, JSONProblem{path, fmt.Sprintf(format, args...)})
}

func (p *problems) result() error {
	if len(p.err.Problems) == 0 {
		return nil
	}
	e := p.err
	return &e
}

func jsonFail(path, format string, args ...any) error {
	var p problems
	p.add(path, format, args...)
	return p.result()
}

// ParseJSON reads a threatdeck JSON document (see the package documentation
// for the schema) into a new model. It refuses documents over MaxJSONBytes
// or nested deeper than MaxJSONDepth, other schemas and newer versions, and
// unknown fields; every entity goes through the model's own validation, so
// imported text is cleaned and every link is checked. Problems are reported
// as a *JSONError naming the JSON path of each. It never panics. The model
// has no workbook id; the store assigns one.
func ParseJSON(data []byte) (*model.Model, error) { return parseJSON(data, false) }

// parseJSON is ParseJSON; inPlace makes the texts the fast path reads
// without unescaping strings over data itself rather than copies (and
// cleaning keeps a text that is clean as it is): the model is then valid
// only while data is, which ReadModelFile sees to.
func parseJSON(data []byte, inPlace bool) (*model.Model, error) {
	if len(data) > MaxJSONBytes {
		return nil, jsonFail("", "the document is larger than %d MiB, the most threatdeck imports", MaxJSONBytes>>20)
	}
	// A byte-order mark, as some Windows editors write, is not JSON but
	// means no harm.
	data = bytes.TrimPrefix(data, utf8BOM)
	// A document in the shape JSON writes is read by the fast path
	// (json_fast.go); anything it cannot take is read below, which also
	// says what is wrong.
	if pt, schema, ok := fastParts(data, inPlace); ok && schema == Schema {
		if err := checkParts(pt, "model"); err != nil {
			return nil, err
		}
		return buildModel(pt)
	}
	if err := checkDepth(data); err != nil {
		return nil, err
	}
	schema, err := peekSchema(data)
	if err != nil {
		return nil, err
	}
	switch {
	case schema == nil:
		return nil, jsonFail("schema", `missing: this is not a threatdeck JSON export (it needs "schema": %q)`, Schema)
	case *schema == Schema:
	case strings.HasPrefix(*schema, "threatdeck-library/"):
		return nil, jsonFail("schema", "%q is a threatdeck threat library, not a model export", *schema)
	case newerVersion(*schema):
		return nil, jsonFail("schema", "%q was written by a newer threatdeck; this version reads %q: upgrade threatdeck to import it", *schema, Schema)
	default:
		return nil, jsonFail("schema", "%q is not a threatdeck model export (want %q)", *schema, Schema)
	}
	// One strict pass decodes the whole document; only if it fails is the
	// document decoded again, piece by piece, to say where.
	var env struct {
		Schema string `json:"schema"`
		Model  *parts `json:"model"`
	}
	if err := decodeStrict(data, &env); err == nil {
		if env.Model == nil {
			return nil, jsonFail("model", "missing")
		}
		if err := checkParts(env.Model, "model"); err != nil {
			return nil, err
		}
		return buildModel(env.Model)
	}
	var raw struct {
		Schema string           `json:"schema"`
		Model  *json.RawMessage `json:"model"`
	}
	if err := decodeStrict(data, &raw); err != nil {
		return nil, decodeProblem(data, "", err)
	}
	if raw.Model == nil || isNull(*raw.Model) {
		return nil, jsonFail("model", "missing")
	}
	pt, err := decodeParts(*raw.Model, "model")
	if err != nil {
		return nil, err
	}
	return buildModel(pt)
}

// peekSchema returns the top-level "schema" string without decoding the
// rest (threatdeck writes it first), or nil when there is none.
func peekSchema(data []byte) (*string, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, decodeProblem(data, "", err)
	}
	if tok != json.Delim('{') {
		return nil, jsonFail("", "expected an object with \"schema\" and \"model\", got %s: this is not a threatdeck JSON export", tokenKind(tok))
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, decodeProblem(data, "", err)
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, decodeProblem(data, "", err)
		}
		if tok == "schema" {
			var s string
			if err := json.Unmarshal(value, &s); err != nil {
				return nil, jsonFail("schema", "must be a string such as %q", Schema)
			}
			return &s, nil
		}
	}
	return nil, nil
}

var utf8BOM = []byte("\xef\xbb\xbf")

// tokenKind names the JSON value a token starts.
func tokenKind(tok json.Token) string {
	switch tok.(type) {
	case json.Delim:
		return "a list"
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "true or false"
	}
	return "null"
}

// newerVersion reports whether schema is "threatdeck/N" with N above ours.
func newerVersion(schema string) bool {
	v, ok := strings.CutPrefix(schema, "threatdeck/")
	if !ok {
		return false
	}
	n, err := strconv.Atoi(v)
	return err == nil && n > 1
}

// checkDepth refuses documents nested deeper than MaxJSONDepth before any
// decoding, with the scan every importer uses (tooDeep).
func checkDepth(data []byte) error {
	if at := tooDeep(data, MaxJSONDepth); at >= 0 {
		line, col := lineCol(data, at)
		return jsonFail("", "JSON is nested more than %d levels deep (line %d, column %d); refusing it", MaxJSONDepth, line, col)
	}
	return nil
}

// decodeStrict decodes exactly one JSON value into v, refusing unknown
// fields and trailing data.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errTrailing
	}
	return nil
}

var errTrailing = errors.New("unexpected data after the JSON value")

// decodeProblem turns a decoding error into a problem at path (for the
// value that failed to decode) with the field the decoder names appended.
func decodeProblem(data []byte, path string, err error) error {
	if err == nil {
		return jsonFail(path, "could not be read")
	}
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
		tparse *time.ParseError
	)
	switch {
	case errors.As(err, &syntax):
		line, col := lineCol(data, int(syntax.Offset)-1) // Offset counts the offending byte
		return jsonFail(path, "not valid JSON at line %d, column %d: %s", line, col, strings.TrimPrefix(syntax.Error(), "json: "))
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return jsonFail(path, "not valid JSON: the document ends in the middle of a value (truncated?)")
	case errors.As(err, &typ):
		// The field path names Go's embedded struct (threatDoc embeds
		// model.Threat); the document has no such level.
		field := strings.ReplaceAll(typ.Field, "Threat.", "")
		return jsonFail(joinPath(path, field), "expected %s, got %s", typeWord(typ.Type.Kind().String()), article(typ.Value))
	case errors.As(err, &tparse):
		return jsonFail(path, "not a valid time (want RFC 3339, e.g. 2024-01-15T00:00:00Z): %q", tparse.Value)
	case errors.Is(err, errTrailing):
		return jsonFail(path, "%s", err.Error())
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if f, ok := strings.CutPrefix(msg, "unknown field "); ok {
		return jsonFail(path, "unknown field %s (not part of %s)", f, Schema)
	}
	return jsonFail(path, "%s", msg)
}

func joinPath(path, field string) string {
	switch {
	case field == "":
		return path
	case path == "":
		return field
	}
	return path + "." + field
}

func typeWord(kind string) string {
	switch kind {
	case "int", "int64", "float64":
		return "a number"
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice":
		return "a list"
	case "struct", "map":
		return "an object"
	}
	return kind
}

func article(jsonType string) string {
	switch jsonType {
	case "object", "array":
		return "an " + jsonType
	case "string", "number":
		return "a " + jsonType
	}
	return jsonType // "bool", "null" and numbers out of range ("number 1e99")
}
