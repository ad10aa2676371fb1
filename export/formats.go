package export

import (
	"fmt"
	"io"
	"strings"

	"github.com/threatdeck/threatdeck/model"
)

// FormatSpec is one row of the format table: everything threatdeck knows
// about a file format. The CLI (export --format, import --format and their
// help), the TUI (through the funcs main injects) and check (which imports
// the file it is given) all read the table, so adding a format is adding a
// row to formatTable.
type FormatSpec struct {
	// Name is the format's --format word ("threat-dragon").
	Name Format
	// Aliases are other spellings --format accepts ("td", "threatdragon").
	Aliases []string
	// Title is the display name, for help and error messages ("Threat Dragon v2").
	Title string
	// Ext is the file extension an export is usually saved with (".json").
	Ext string
	// Detect reports, from one cheap look at the file (a Probe), whether
	// it is in this format; nil for a format that is only exported.
	Detect func(*Probe) bool
	// Import reads a whole file (named name, for messages) into a new
	// valid model; nil for a format that is only exported.
	Import func(data []byte, name string) (*model.Model, error)
	// Export writes a model in this format; nil for a format that is only
	// imported. Every string it writes must pass cleanJSON (JSON formats)
	// or model.CleanText.
	Export func(*model.Model) ([]byte, error)
	// Stream, when set, writes the same bytes as Export piece by piece as
	// they are made, for an export into a file (WriteFileFrom) that need
	// not hold the whole document in memory.
	Stream func(io.Writer, *model.Model) error
}

// Formats the table names (FormatThreatdeck … are the imported ones).
const (
	// FormatMarkdown is the Markdown report.
	FormatMarkdown Format = "markdown"
	// FormatCSV is the threat register, one row per threat.
	FormatCSV Format = "csv"
)

// formatTable is the one list of formats, in the order Import tries them.
var formatTable = []FormatSpec{
	{
		Name: FormatMarkdown, Aliases: []string{"md"}, Title: "Markdown report", Ext: ".md",
		Export: func(m *model.Model) ([]byte, error) { return Markdown(m), nil },
		Stream: WriteMarkdown,
	},
	{
		Name: FormatThreatdeck, Aliases: []string{"json"}, Title: "threatdeck JSON", Ext: ".json",
		Detect: func(p *Probe) bool { return p.Sniffed == FormatThreatdeck },
		Import: importNative,
		Export: JSON,
		Stream: WriteJSON,
	},
	{
		Name: FormatThreatDragon, Aliases: []string{"threatdragon", "td"}, Title: "Threat Dragon (v1 or v2)", Ext: ".json",
		Detect: func(p *Probe) bool { return p.Sniffed == FormatThreatDragon },
		Import: foreignParser(FormatThreatDragon),
		Export: ThreatDragon,
		Stream: WriteThreatDragon,
	},
	{
		Name: FormatOTM, Aliases: []string{"open-threat-model"}, Title: "Open Threat Model (OTM, JSON or YAML)", Ext: ".otm.json",
		Detect: func(p *Probe) bool { return p.Sniffed == FormatOTM || p.yaml() },
		Import: foreignParser(FormatOTM),
		Export: OTM,
		Stream: WriteOTM,
	},
	{
		Name: FormatTMBOM, Aliases: []string{"tmbom"}, Title: "TM-BOM", Ext: ".tmbom.json",
		Detect: func(p *Probe) bool { return p.Sniffed == FormatTMBOM },
		Import: foreignParser(FormatTMBOM),
		Export: TMBOM,
		Stream: WriteTMBOM,
	},
	{
		Name: FormatCSV, Title: "CSV threat register", Ext: ".csv",
		Export: CSV,
	},
}

// Formats returns the format table, in the order Import tries the formats.
func Formats() []FormatSpec { return append([]FormatSpec(nil), formatTable...) }

// LookupFormat finds a format by its name or an alias, in any case and
// with any separators ("Threat_Dragon").
func LookupFormat(s string) (FormatSpec, bool) {
	w := word(s)
	for _, f := range formatTable {
		if word(string(f.Name)) == w {
			return f, true
		}
		for _, a := range f.Aliases {
			if word(a) == w {
				return f, true
			}
		}
	}
	return FormatSpec{}, false
}

// ImportNames lists the --format words of the formats threatdeck imports.
func ImportNames() []string {
	var out []string
	for _, f := range formatTable {
		if f.Import != nil {
			out = append(out, string(f.Name))
		}
	}
	return out
}

// ImportTitles lists the display names of the formats threatdeck imports.
func ImportTitles() []string {
	var out []string
	for _, f := range formatTable {
		if f.Import != nil {
			out = append(out, f.Title)
		}
	}
	return out
}

// ExportNames lists the --format words of the formats threatdeck exports.
// threatdeck JSON is "json" here, the word users export it by.
func ExportNames() []string {
	var out []string
	for _, f := range formatTable {
		switch {
		case f.Export == nil:
		case f.Name == FormatThreatdeck:
			out = append(out, "json")
		default:
			out = append(out, string(f.Name))
		}
	}
	return out
}

// OrList joins names for a sentence: "a, b or c".
func OrList(names []string) string {
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// ExportFormat returns the exporter for an export --format value.
func ExportFormat(s string) (FormatSpec, error) {
	if f, ok := LookupFormat(s); ok && f.Export != nil {
		return f, nil
	}
	return FormatSpec{}, fmt.Errorf("unknown export format %q; use %s", s, OrList(ExportNames()))
}

// ParseFormat reads a --format value for import, accepting common
// spellings ("json", "threatdragon", "tmbom").
func ParseFormat(s string) (Format, error) {
	if f, ok := LookupFormat(s); ok && f.Import != nil {
		return f.Name, nil
	}
	return "", fmt.Errorf("unknown import format %q: use one of %s", s, strings.Join(ImportNames(), ", "))
}

// Renderer returns the exporter for an interchange --format of `threatdeck
// export` (threat-dragon, otm, csv …), and whether the table has one.
func Renderer(format string) (func(*model.Model) ([]byte, error), bool) {
	f, err := ExportFormat(format)
	if err != nil {
		return nil, false
	}
	return f.Export, true
}

// Probe is what Import learns about a file from one cheap look: which
// format its top-level keys say (read until they decide it), and on
// demand whether it is an OTM YAML file. Every Detect reads it, so a file
// is sniffed once however many formats there are.
type Probe struct {
	Data []byte
	// Sniffed is the format the top-level JSON keys name, or "".
	Sniffed Format
	// Other names a known format threatdeck does not import ("CycloneDX"), or "".
	Other string

	yamlDone, isYAML bool
}

// NewProbe looks at data once.
func NewProbe(data []byte) *Probe {
	f, other := sniff(data)
	return &Probe{Data: data, Sniffed: f, Other: other}
}

func (p *Probe) yaml() bool {
	if !p.yamlDone {
		p.yamlDone = true
		p.isYAML = p.Sniffed == "" && isOTMYAML(p.Data)
	}
	return p.isYAML
}
