package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/threatdeck/threatdeck/model"
	"go.yaml.in/yaml/v3"
)

// Import reads a model file whose format it detects from the content, by
// asking each row of the format table in turn (see Formats). name is the
// file's name as the user gave it, for error messages. A file over the
// largest limit is refused before anything else is read. It never panics:
// a panic in an importer is reported as an error.
func Import(data []byte, name string) (*model.Model, error) {
	return importDetected(data, name, false)
}

// importDetected is Import; inPlace reads a threatdeck JSON document's
// texts in place (see parseJSON), for ReadModelFile.
func importDetected(data []byte, name string, inPlace bool) (*model.Model, error) {
	if name == "" {
		name = "input"
	}
	if len(data) > MaxJSONBytes {
		return nil, fmt.Errorf("%s: the file is larger than %d MiB, the most threatdeck imports", name, MaxJSONBytes>>20)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%s: the file is empty", name)
	}
	p := NewProbe(data)
	var titles []string
	for _, f := range formatTable {
		if f.Import == nil || f.Detect == nil {
			continue
		}
		titles = append(titles, f.Title)
		if detected(f, p) {
			if inPlace && f.Name == FormatThreatdeck {
				f.Import = importNativeInPlace
			}
			return importWith(f, data, name)
		}
	}
	if p.Other != "" {
		return nil, fmt.Errorf("%s: this is a %s, which threatdeck does not import; export the model as TM-BOM JSON from the tool that made it, or use one of: %s", name, p.Other, strings.Join(titles, ", "))
	}
	if len(data) <= MaxYAMLBytes && !json.Valid(data) && looksLikeYAML(data) {
		var v any
		if yaml.Unmarshal(data, &v) == nil {
			if _, isMap := v.(map[string]any); isMap {
				return nil, fmt.Errorf("%s: a YAML file, but not an Open Threat Model (no top-level otmVersion); threatdeck reads YAML only for OTM", name)
			}
		}
	}
	if !json.Valid(data) {
		// Not JSON at all (or broken JSON): say where it breaks, which is
		// more use than "unknown format".
		if _, err := ParseJSON(data); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil, fmt.Errorf("%s: not a threat model format threatdeck can import (it reads %s)", name, strings.Join(titles, ", "))
}

func detected(f FormatSpec, p *Probe) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return f.Detect(p)
}

func importWith(f FormatSpec, data []byte, name string) (m *model.Model, err error) {
	defer func() {
		if p := recover(); p != nil {
			if _, fault := p.(interface{ Addr() uintptr }); fault {
				// A fault reading a mapped file (ReadModelFile) is
				// not the importer's: its reader reports it.
				panic(p)
			}
			m, err = nil, fmt.Errorf("%s: could not be read as %s (internal error: %v); please report this with the file", name, f.Title, p)
		}
	}()
	return f.Import(data, name)
}

// importNative is the format table's importer of threatdeck JSON.
func importNative(data []byte, name string) (*model.Model, error) {
	m, err := ParseJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return m, nil
}

// importNativeInPlace is importNative reading texts in place (parseJSON).
func importNativeInPlace(data []byte, name string) (*model.Model, error) {
	m, err := parseJSON(data, true)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return m, nil
}

// IsThreatdeckJSON reports whether data is a JSON object whose top-level
// "schema" names a threatdeck format ("threatdeck/1", or another version
// or kind that ParseJSON then explains). Only the top level is looked at,
// so a "schema" key nested in another tool's file does not count.
func IsThreatdeckJSON(data []byte) bool {
	f, _ := sniff(data)
	return f == FormatThreatdeck
}

// ImportAs reads a file in the format the user named (--format),
// skipping detection; "" detects it as Import does.
func ImportAs(data []byte, name string, f Format) (*model.Model, error) {
	switch f {
	case "":
		return Import(data, name)
	case FormatThreatdeck:
		if name == "" {
			name = "input"
		}
		m, err := ParseJSON(data)
		if err != nil {
			return nil, &ImportError{File: name, Problem: err.Error()}
		}
		return m, nil
	}
	return ImportForeign(data, name, f, model.DefaultClock())
}

// foreignParser is the format table's importer of a foreign format.
func foreignParser(f Format) func([]byte, string) (*model.Model, error) {
	return func(data []byte, name string) (*model.Model, error) {
		return ImportForeign(data, name, f, model.DefaultClock())
	}
}
