package export

import (
	"bytes"
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/threatdeck/threatdeck/model"
)

// SARIF 2.1.0 identifiers.
const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name"`
	ShortDescription     sarifMessage    `json:"shortDescription"`
	FullDescription      sarifMessage    `json:"fullDescription"`
	Help                 sarifMessage    `json:"help"`
	DefaultConfiguration sarifRuleConfig `json:"defaultConfiguration"`
	Properties           map[string]any  `json:"properties,omitempty"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifMessage      `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]any    `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifLogical struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

// SARIF writes check findings as a SARIF 2.1.0 log with one result per
// finding, so code-scanning tools (GitHub, GitLab …) list each failing
// item. When the model was read from a file (src), each result points at
// the line of that file holding the record to fix; the record is also
// named as a logical location ("Threats/T-003").
func SARIF(m *model.Model, findings []model.Finding, src CheckSource, version string) ([]byte, error) {
	rules := model.CheckRules()
	index := map[string]int{}
	driver := sarifDriver{Name: "threatdeck", Version: version, InformationURI: "https://github.com/threatdeck/threatdeck"}
	for i, r := range rules {
		index[r.ID] = i
		driver.Rules = append(driver.Rules, sarifRule{
			ID: r.ID, Name: r.Name,
			ShortDescription:     sarifMessage{r.Description},
			FullDescription:      sarifMessage{r.Description + " " + r.Help},
			Help:                 sarifMessage{r.Help},
			DefaultConfiguration: sarifRuleConfig{Level: "error"},
			Properties:           map[string]any{"tags": []string{"security", "threat-model"}},
		})
	}
	lines := map[string]int{}
	uri := ""
	if src.Path != "" {
		uri = sarifURI(src.Path)
		lines = recordLines(src.Data)
	}
	results := make([]sarifResult, 0, len(findings))
	for _, f := range findings {
		loc := sarifLocation{LogicalLocations: []sarifLogical{{
			Name: orDefault(f.ID, f.Section.String()), FullyQualifiedName: strings.TrimSuffix(f.Section.String()+"/"+f.ID, "/"), Kind: "object",
		}}}
		if uri != "" {
			line := lines[string(f.Kind)+"/"+f.ID]
			loc.PhysicalLocation = &sarifPhysical{ArtifactLocation: sarifArtifact{URI: uri}, Region: sarifRegion{StartLine: max(line, 1)}}
		}
		res := sarifResult{
			RuleID: f.Rule, RuleIndex: index[f.Rule], Level: "error",
			Message:   sarifMessage{model.CleanLine(f.Message) + " (fix at " + f.Where() + ")"},
			Locations: []sarifLocation{loc},
			// Stable across runs, so a tool tracks one finding over time
			// however the model's file moves around.
			PartialFingerprints: map[string]string{"threatdeckFinding/v1": f.Rule + ":" + string(f.Kind) + ":" + f.ID},
		}
		if f.Band != "" {
			res.Properties = map[string]any{"risk": string(f.Band)}
		}
		results = append(results, res)
	}
	log := sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{{Tool: sarifTool{Driver: driver}, Results: results}}}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(log); err != nil {
		return nil, err
	}
	return cleanJSON(buf.Bytes()), nil
}

// sarifURI turns a file path into the URI reference SARIF's
// artifactLocation.uri must be (RFC 3986): each segment percent-encoded
// (a space is %20, "#" %23), a relative path kept relative so code
// scanning resolves it against the repository, an absolute one a file URI.
func sarifURI(path string) string {
	p := filepath.ToSlash(path)
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	if !filepath.IsAbs(path) && len(segs) > 0 {
		// A colon in the first segment would read as a scheme ("c:x").
		segs[0] = strings.ReplaceAll(segs[0], ":", "%3A")
	}
	escaped := strings.Join(segs, "/")
	if filepath.IsAbs(path) {
		if !strings.HasPrefix(escaped, "/") {
			escaped = "/" + escaped // a Windows drive: file:///C:/…
		}
		return "file://" + escaped
	}
	return escaped
}

// recordLines finds, in a threatdeck JSON document, the line of each
// threat's and checklist item's id and each STRIDE row's category, keyed
// "threat/T-003", "check/A01:2025", "stride/spoofing". Files in other
// formats simply yield nothing.
func recordLines(data []byte) map[string]int {
	out := map[string]int{}
	if len(data) == 0 || checkInput(data, "") != nil {
		return out
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var st pathStack
	lineAt := newLineIndex(data)
	for {
		tok, err := dec.Token()
		if err == io.EOF || err != nil {
			break
		}
		// A record's key is a string value at depth 4:
		// {"model": {"threats": [{"id": …}]}}.
		if s, ok := tok.(string); ok && len(st.frames) == 4 {
			item, list, parent := st.frames[3], st.frames[2], st.frames[1]
			if item.object && !item.wantKey && !list.object && parent.object {
				kind := ""
				switch {
				case parent.key == "threats" && item.key == "id":
					kind = string(model.RecThreat)
				case parent.key == "checklists" && item.key == "id":
					kind = string(model.RecCheck)
				case parent.key == "stride" && item.key == "category":
					kind = string(model.RecStride)
				}
				if kind != "" {
					out[kind+"/"+s] = lineAt(dec.InputOffset())
				}
			}
		}
		st.token(tok)
	}
	return out
}

// newLineIndex returns a function from byte offset to 1-based line.
func newLineIndex(data []byte) func(int64) int {
	var starts []int
	for i, c := range data {
		if c == '\n' {
			starts = append(starts, i)
		}
	}
	return func(off int64) int {
		lo, hi := 0, len(starts)
		for lo < hi {
			mid := (lo + hi) / 2
			if int64(starts[mid]) < off {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		return lo + 1
	}
}
