package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/threatdeck/threatdeck/model"
)

// Importer reads one foreign file format into a model. Importers for other
// tools' formats (Threat Dragon, OTM, TM-BOM …) register themselves with
// Register from an init function in their own file; Import asks each in
// registration order after checking for threatdeck's own JSON.
type Importer struct {
	// Name is the format's display name ("Threat Dragon v2"), used in the
	// error for a file no importer recognises.
	Name string
	// Detect reports, cheaply and from the content alone, whether data is in
	// this format. It must not panic and should not claim other formats' files.
	Detect func(data []byte) bool
	// Parse reads data (the file called name, for error messages) into a
	// complete, validated model. Its errors are returned to the user as
	// they are, so they should name the file.
	Parse func(data []byte, name string) (*model.Model, error)
}

var (
	importersMu sync.RWMutex
	importers   []Importer
)

// Register adds an importer for Import to try. Call it from an init function.
func Register(imp Importer) {
	if imp.Name == "" || imp.Detect == nil || imp.Parse == nil {
		panic("export.Register: an importer needs a name, Detect and Parse") // a programming error, at init
	}
	importersMu.Lock()
	defer importersMu.Unlock()
	importers = append(importers, imp)
}

// Importers lists the registered foreign importers, in the order Import tries them.
func Importers() []Importer {
	importersMu.RLock()
	defer importersMu.RUnlock()
	return append([]Importer(nil), importers...)
}

// Import reads a model file whose format it detects from the content:
// threatdeck JSON (ParseJSON), or any registered foreign format. name is
// the file's name as the user gave it, for error messages. Files over
// MaxJSONBytes are refused before anything else. It never panics: a panic
// in a registered importer is reported as an error.
func Import(data []byte, name string) (*model.Model, error) {
	if name == "" {
		name = "input"
	}
	if len(data) > MaxJSONBytes {
		return nil, fmt.Errorf("%s: the file is %d MiB; threatdeck imports files up to %d MiB", name, len(data)>>20, MaxJSONBytes>>20)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%s: the file is empty", name)
	}
	if IsThreatdeckJSON(data) {
		m, err := ParseJSON(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return m, nil
	}
	names := []string{"threatdeck JSON"}
	for _, imp := range Importers() {
		names = append(names, imp.Name)
		if detected(imp, data) {
			return parseWith(imp, data, name)
		}
	}
	if !json.Valid(data) {
		// Not JSON at all (or broken JSON): say where it breaks, which is
		// more use than "unknown format".
		if _, err := ParseJSON(data); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil, fmt.Errorf("%s: not a threat model format threatdeck can import (it reads %s)", name, strings.Join(names, ", "))
}

func detected(imp Importer, data []byte) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return imp.Detect(data)
}

func parseWith(imp Importer, data []byte, name string) (m *model.Model, err error) {
	defer func() {
		if p := recover(); p != nil {
			m, err = nil, fmt.Errorf("%s: could not be read as %s (internal error: %v); please report this with the file", name, imp.Name, p)
		}
	}()
	return imp.Parse(data, name)
}

// IsThreatdeckJSON reports whether data is a JSON object whose top-level
// "schema" names a threatdeck format ("threatdeck/1", or another version
// or kind that ParseJSON then explains). Only the top level is looked at,
// so a "schema" key nested in another tool's file does not count.
func IsThreatdeckJSON(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, utf8BOM)))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		key, _ := tok.(string)
		if key == "schema" {
			v, err := dec.Token()
			s, ok := v.(string)
			return err == nil && ok && strings.HasPrefix(s, "threatdeck")
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return false
		}
	}
	return false
}
