package export

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/threatdeck/threatdeck/model"
)

// Format names a file format threatdeck reads or writes.
type Format string

// Interchange formats.
const (
	// FormatThreatdeck is threatdeck's own JSON ("schema": "threatdeck/1").
	FormatThreatdeck Format = "threatdeck"
	// FormatThreatDragon is an OWASP Threat Dragon version 2 model.
	FormatThreatDragon Format = "threat-dragon"
	// FormatOTM is an Open Threat Model (OTM) file, in JSON or YAML.
	FormatOTM Format = "otm"
	// FormatTMBOM is a Threat Model Bill of Materials (OWASP Threat Model Library).
	FormatTMBOM Format = "tm-bom"
)

// ErrNativeFormat is returned by ImportForeign for threatdeck's own JSON,
// which export.Import reads itself.
var ErrNativeFormat = errors.New("threatdeck JSON is not a foreign format")

// DetectFormat says which format data is in, from its content alone. The
// size and depth limits apply, so a hostile file is refused here too.
func DetectFormat(data []byte, name string) (Format, error) {
	root, err := parseInput(data, displayName(name))
	if err != nil {
		return "", err
	}
	return detectTree(root, displayName(name))
}

func detectTree(root jnode, file string) (Format, error) {
	obj, ok := root.v.(map[string]any)
	if !ok {
		return "", &ImportError{File: file, Path: "$", Problem: fmt.Sprintf("want a JSON object, got %s: not a threat model threatdeck can import", typeName(root.v))}
	}
	has := func(k string) bool { _, ok := obj[k]; return ok }
	if s, ok := obj["schema"].(string); ok && strings.HasPrefix(s, "threatdeck/") {
		return FormatThreatdeck, nil
	}
	if has("otmVersion") {
		return FormatOTM, nil
	}
	if has("summary") && has("detail") {
		return FormatThreatDragon, nil
	}
	if has("scope") && (has("trust_zones") || has("data_flows") || has("threats") || has("components")) {
		return FormatTMBOM, nil
	}
	return "", &ImportError{File: file, Problem: "not a threat model threatdeck recognises: expected threatdeck JSON (\"schema\": \"threatdeck/1\"), a Threat Dragon model (summary + detail), an Open Threat Model (otmVersion) or a TM-BOM (scope + trust_zones); use --format to say which"}
}

// ImportForeign reads a Threat Dragon, OTM or TM-BOM file into a new
// model. format "" detects it from the content. The result is complete
// and valid, or nil with an *ImportError naming the file, the JSON path
// and the problem; it never panics on any input.
func ImportForeign(data []byte, name string, format Format, now time.Time) (m *model.Model, err error) {
	file := displayName(name)
	defer func() {
		// The importers check every type they read, so this is a last
		// line of defence: a bug must not crash the program or half-import.
		if p := recover(); p != nil {
			m, err = nil, &ImportError{File: file, Problem: fmt.Sprintf("could not be imported (internal error: %v); please report this with the file", p)}
		}
	}()
	if len(data) > MaxImportBytes {
		return nil, &ImportError{File: file, Problem: fmt.Sprintf("is larger than %d MiB, the most threatdeck imports from another tool's file", MaxImportBytes>>20)}
	}
	if (format == FormatOTM && looksLikeYAML(data)) || (format == "" && isOTMYAML(data)) {
		if data, err = yamlToJSON(data, file); err != nil {
			return nil, err
		}
	}
	// A Threat Dragon file's cells are left unbuilt until the reader takes
	// them one by one (tdCellsPath); sniff names the format as Import does.
	// So are the large lists of a TM-BOM file (tmbomLazyPaths) and of an
	// OTM file (otmLazyPaths).
	guess := format
	if guess == "" {
		guess = sniffed(data)
	}
	root, err := parseInputLazy(data, file, lazyPaths(guess))
	if err != nil {
		return nil, err
	}
	if format == "" {
		if format, err = detectTree(root, file); err != nil {
			return nil, err
		}
		if format != guess && lazyPaths(guess) != nil {
			// The sniff and the tree disagree (keys in an odd order): read
			// the file again the way its format's reader expects it.
			if root, err = parseInputLazy(data, file, lazyPaths(format)); err != nil {
				return nil, err
			}
		}
	}
	r := &jreader{file: file}
	b := newBuilder(file, now, r)
	var ov model.Overview
	switch format {
	case FormatThreatDragon:
		ov = readThreatDragon(root, r, b)
	case FormatOTM:
		ov = readOTM(root, r, b)
	case FormatTMBOM:
		ov = readTMBOM(root, r, b)
	case FormatThreatdeck:
		return nil, ErrNativeFormat
	default:
		return nil, fmt.Errorf("unknown import format %q", format)
	}
	return b.build(ov)
}

// lazyPaths are the objects of a file in format f its reader builds one
// at a time (parseTreeLazy).
func lazyPaths(f Format) [][]string {
	switch f {
	case FormatThreatDragon:
		return [][]string{tdCellsPath}
	case FormatTMBOM:
		return tmbomLazyPaths
	case FormatOTM:
		return otmLazyPaths
	}
	return nil
}

// displayName is how errors name the file: as the user gave it.
func displayName(name string) string {
	if name == "" {
		return "input"
	}
	return filepath.Clean(name)
}

func sniffed(data []byte) Format {
	f, _ := sniff(data)
	return f
}
