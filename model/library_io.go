package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"
)

// MaxLibrarySize bounds a library file. The built-in library of 129 threats
// is about 150 KiB; a hundred times that is still a plausible team library,
// and the bound keeps a wrong file (a disk image, a log) from being read
// into memory whole.
const MaxLibrarySize = 16 << 20

// ParseLibrary reads a library file in the team format (see LibraryFormat).
// Decoding is strict: the document must be one JSON object with the schema
// tag LibrarySchema, and a field that is unknown, misspelt (JSON keys are
// matched exactly, case included), repeated or of the wrong type is an
// error. A library that decodes must then pass Validate. Every error names
// the entry (by index and id) and the field, and lists up to 20 problems
// at once, so a team can fix a file in one pass.
//
// On any error the returned Library is the zero value: a library is loaded
// whole or not at all.
func ParseLibrary(data []byte) (Library, error) {
	l, err := decodeLibrary(data)
	if err != nil {
		return Library{}, err
	}
	if err := l.Validate(); err != nil {
		return Library{}, err
	}
	return l, nil
}

// MarshalLibrary writes l in the team format: indented JSON with a final
// newline, fields in the documented order, HTML characters unescaped so
// the file reads naturally, and empty lists as [] rather than null. The
// same library always gives the same bytes, so an exported library diffs
// cleanly in git.
func MarshalLibrary(l Library) ([]byte, error) {
	l.Threats = append([]LibraryThreat(nil), l.Threats...)
	for i := range l.Threats {
		t := &l.Threats[i]
		t.AppliesTo, t.Mitigations = nonNil(t.AppliesTo), nonNil(t.Mitigations)
		t.OWASP2025, t.OWASP2021, t.CWE = nonNil(t.OWASP2025), nonNil(t.OWASP2021), nonNil(t.CWE)
	}
	l.Threats = nonNil(l.Threats)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(l); err != nil {
		return nil, fmt.Errorf("cannot write library %q: %w", l.Name, err)
	}
	return buf.Bytes(), nil
}

// SuggestionLibraries is the list to pass to Suggest: the team's libraries
// first, then the built-in one. Suggest keeps the first threat of each id,
// so a team that exported the built-in library, edited a threat and added
// the file gets its own wording, not ours.
func SuggestionLibraries(team []Library) []Library {
	out := make([]Library, 0, len(team)+1)
	out = append(out, team...)
	return append(out, BuiltinLibrary())
}

// libraryHead is a library with its threats still undecoded, so each threat
// can be decoded on its own and its errors named after it.
type libraryHead struct {
	Schema      string            `json:"schema"`
	Name        string            `json:"name"`
	Version     string            `json:"version"`
	Description string            `json:"description"`
	Threats     []json.RawMessage `json:"threats"`
}

// decodeLibrary turns the file into a Library, or reports every decoding
// problem it finds (at most maxLibraryProblems).
func decodeLibrary(data []byte) (Library, error) {
	switch {
	case len(data) > MaxLibrarySize:
		return Library{}, fmt.Errorf("library: the file is %d bytes; the limit is %d (16 MiB)", len(data), MaxLibrarySize)
	case !utf8.Valid(data):
		return Library{}, errors.New("library: the file is not UTF-8 text")
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return Library{}, fmt.Errorf("library: %s", describeJSONError(data, err, "a JSON object"))
	}
	if top == nil {
		return Library{}, errors.New("library: the file holds null, not a library object")
	}
	if err := checkSchema(top["schema"]); err != nil {
		return Library{}, err
	}
	if err := checkKeys(data, libraryFields()); err != nil {
		return Library{}, fmt.Errorf("library: %w", err)
	}
	var head libraryHead
	if err := json.Unmarshal(data, &head); err != nil {
		return Library{}, fmt.Errorf("library: %s", describeJSONError(data, err, "a JSON object"))
	}
	l := Library{Schema: head.Schema, Name: head.Name, Version: head.Version, Description: head.Description}
	// A threat that does not decode stops the library from loading, but
	// the threats that did decode are still checked, so one run reports
	// every entry's problems in file order.
	var problems []error
	decodeFailed := false
	for i, raw := range head.Threats {
		t, err := decodeThreat(raw)
		if err != nil {
			decodeFailed = true
			problems = append(problems, fmt.Errorf("threat %d (%s): %w", i, entryName(rawID(raw)), err))
			continue
		}
		for _, p := range t.problems() {
			problems = append(problems, fmt.Errorf("threat %d (%s): %s", i, entryName(t.ID), p))
		}
		l.Threats = append(l.Threats, t)
	}
	if !decodeFailed {
		return l, nil // Validate reports the rest, duplicates and header included
	}
	if n := len(problems); n > maxLibraryProblems {
		problems = append(problems[:maxLibraryProblems], fmt.Errorf("… and %d more problems", n-maxLibraryProblems))
	}
	return Library{}, errors.Join(problems...)
}

// checkSchema refuses documents that are not libraries before their fields
// are looked at: a model export or another tool's file would otherwise
// yield a screenful of unknown fields instead of the one thing that is wrong.
func checkSchema(raw json.RawMessage) error {
	if raw == nil {
		return fmt.Errorf("library: not a threatdeck library: no \"schema\" field (want %q)", LibrarySchema)
	}
	var schema string
	if err := json.Unmarshal(raw, &schema); err != nil {
		return fmt.Errorf("library: schema: want a string, got %s", jsonKind(raw))
	}
	switch {
	case schema == LibrarySchema:
		return nil
	case strings.HasPrefix(schema, "threatdeck-library/"):
		return fmt.Errorf("library: schema is %q, but this threatdeck reads %q; upgrade threatdeck to read it", schema, LibrarySchema)
	case strings.HasPrefix(schema, "threatdeck/"):
		return fmt.Errorf("library: this is a threatdeck model export (schema %q), not a threat library; use `threatdeck import` for models", schema)
	}
	return fmt.Errorf("library: not a threatdeck library: schema is %q, want %q", schema, LibrarySchema)
}

// decodeThreat decodes one threat strictly.
func decodeThreat(raw json.RawMessage) (LibraryThreat, error) {
	if err := checkKeys(raw, threatFields()); err != nil {
		return LibraryThreat{}, err
	}
	var t LibraryThreat
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields() // checkKeys already did; this is the second line
	if err := dec.Decode(&t); err != nil {
		return LibraryThreat{}, errors.New(describeJSONError(raw, err, "an object"))
	}
	return t, nil
}

// rawID digs the id out of a threat that did not decode, to name it.
func rawID(raw json.RawMessage) string {
	var probe struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(raw, &probe) != nil {
		return ""
	}
	return probe.ID
}

// checkKeys reads the JSON object in data and checks that every key is one
// of known, exactly (encoding/json would match "Title" to "title" and let a
// repeated key silently override the first), and appears once.
func checkKeys(data []byte, known map[string]bool) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return errors.New(describeJSONError(data, err, "an object"))
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("want an object, got %s", jsonKind(data))
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return errors.New(describeJSONError(data, err, "an object"))
		}
		key, _ := tok.(string)
		switch {
		case !known[key]:
			return fmt.Errorf("%s: unknown field%s", safeKey(key), closeMatch(key, known))
		case seen[key]:
			return fmt.Errorf("%s: the field appears twice", key)
		}
		seen[key] = true
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return errors.New(describeJSONError(data, err, "an object"))
		}
	}
	return nil
}

// safeKey shows a key from the file so that no control character in it
// reaches the terminal.
func safeKey(key string) string {
	if utf8.RuneCountInString(key) > MaxLibraryID {
		key = string([]rune(key)[:MaxLibraryID]) + "…"
	}
	if CleanLine(key) != key || key == "" || strings.ContainsAny(key, `" `) {
		return fmt.Sprintf("%q", key)
	}
	return key
}

// closeMatch suggests the known field a misspelt key was probably meant
// to be (same letters ignoring case, "-" and "_").
func closeMatch(key string, known map[string]bool) string {
	squash := func(s string) string {
		return strings.NewReplacer("_", "", "-", "", " ", "").Replace(strings.ToLower(s))
	}
	for k := range known {
		if squash(k) == squash(key) {
			return fmt.Sprintf(" (did you mean %q?)", k)
		}
	}
	return ""
}

// describeJSONError turns a decoding error into one sentence that names the
// field and, for syntax errors, the line and column.
func describeJSONError(data []byte, err error, want string) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := lineCol(data, syn.Offset)
		return fmt.Sprintf("invalid JSON at line %d, column %d: %s", line, col, strings.TrimPrefix(syn.Error(), "json: "))
	case errors.As(err, &typ) && typ.Field != "":
		return fmt.Sprintf("%s: want %s, got %s", typ.Field, goKind(typ.Type), typ.Value)
	case errors.As(err, &typ):
		return fmt.Sprintf("want %s, got %s", want, typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON ends too soon (truncated file?)"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// lineCol converts a byte offset into a 1-based line and column.
func lineCol(data []byte, off int64) (int, int) {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:])
	return line, max(col, 1)
}

// goKind names a Go type the way a library author thinks of JSON.
func goKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number"
	case reflect.Slice:
		return "a list of " + strings.TrimPrefix(goKind(t.Elem()), "a ") + "s"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return t.String()
}

// jsonKind names the kind of a raw JSON value for error messages.
func jsonKind(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

var (
	fieldsOnce                  sync.Once
	libFieldSet, threatFieldSet map[string]bool
)

// libraryFields and threatFields are the JSON keys of Library and
// LibraryThreat, read from their tags so the strict check cannot drift from
// the types.
func libraryFields() map[string]bool { fieldsOnce.Do(initFields); return libFieldSet }
func threatFields() map[string]bool  { fieldsOnce.Do(initFields); return threatFieldSet }

func initFields() {
	libFieldSet = jsonKeys(reflect.TypeFor[Library]())
	threatFieldSet = jsonKeys(reflect.TypeFor[LibraryThreat]())
}

func jsonKeys(t reflect.Type) map[string]bool {
	out := map[string]bool{}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out[name] = true
		}
	}
	return out
}
