package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/yuin/goldmark/ast"

	"github.com/threatdeck/threatdeck/model"
)

// mermaidResult is what testdata/mermaid/check.mjs reports for a diagram.
type mermaidResult struct {
	OK       bool   `json:"ok"`
	Error    string `json:"error"`
	Vertices []struct {
		ID, Type, Text string
	} `json:"vertices"`
	Edges []struct {
		Start, End, Text string
	} `json:"edges"`
	Subgraphs []struct {
		ID, Title string
		Nodes     []string
	} `json:"subgraphs"`
}

// parseMermaid runs Mermaid's own parser (the npm package, under node) on
// each diagram. It skips the test when node is not installed, and installs
// the locked package (npm ci) when it is missing, as .ci/run does.
func parseMermaid(t *testing.T, diagrams []string) []mermaidResult {
	t.Helper()
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: the Mermaid diagrams are not checked by Mermaid's parser (install Node.js 20+ to run this test)")
	}
	dir, err := filepath.Abs(filepath.Join("testdata", "mermaid"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "mermaid")); err != nil {
		npm, err := exec.LookPath("npm")
		if err != nil {
			t.Fatalf("node is installed but npm is not: run `npm ci` in %s", dir)
		}
		cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
		}
	}
	in, err := json.Marshal(diagrams)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(nodeBin, "check.mjs")
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node check.mjs: %v\n%s", err, stderr.String())
	}
	var res []mermaidResult
	if err := json.Unmarshal(out, &res); err != nil || len(res) != len(diagrams) {
		t.Fatalf("check.mjs answered %d results for %d diagrams (%v): %s", len(res), len(diagrams), err, out)
	}
	return res
}

// mermaidBlocks returns the report's fenced "mermaid" code blocks as a
// GFM parser sees them, so a label that broke the fence would show.
func mermaidBlocks(md []byte) []string {
	d := parseMD(md)
	var out []string
	_ = ast.Walk(d.root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if fc, ok := n.(*ast.FencedCodeBlock); ok && entering && string(fc.Language(md)) == "mermaid" {
			var b strings.Builder
			for i := range fc.Lines().Len() {
				s := fc.Lines().At(i)
				b.Write(s.Value(md))
			}
			out = append(out, b.String())
		}
		return ast.WalkContinue, nil
	})
	return out
}

// mermaidEntity is an entity as Mermaid's parser leaves it in a label
// (#60; becomes ﬂ°°60¶ß until it is drawn).
var mermaidEntity = regexp.MustCompile(`ﬂ°°(\d+)¶ß|#(\d+);`)

func decodeMermaid(s string) string {
	return mermaidEntity.ReplaceAllStringFunc(s, func(e string) string {
		m := mermaidEntity.FindStringSubmatch(e)
		n, err := strconv.Atoi(m[1] + m[2])
		if err != nil {
			return e
		}
		return string(rune(n))
	})
}

// labelOf is what a diagram label should read for user text: the text,
// trimmed, line breaks as spaces, invisible controls gone.
func labelOf(s string) string {
	var b strings.Builder
	for _, c := range strings.TrimSpace(s) {
		switch {
		case c == '\n' || c == '\r' || c == '\t':
			b.WriteByte(' ')
		case unicode.IsControl(c) || c == 0x2028 || c == 0x2029 || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069):
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

func riskLabel(er model.ElementRisk) string {
	if er.Open == 0 {
		return "<br/>no open threats"
	}
	return fmt.Sprintf("<br/>%d open · %s risk", er.Open, er.Band)
}

// diagramModels are models whose diagrams must parse: the example, the
// hostile model, flows with missing, dangling and flow ends, elements
// without a zone or a name, and every kind.
func diagramModels() map[string]*model.Model {
	out := map[string]*model.Model{"example": model.Example(model.ExampleDate), "hostile": hostileModel()}
	kinds := &model.Model{}
	for i, k := range model.ElementKinds {
		zone := []string{"", "DMZ", "end", "subgraph", "a\"b", "zone;x"}[i%6]
		kinds.Surface = append(kinds.Surface, model.SurfaceElement{ID: fmt.Sprintf("E %d", i), Name: []string{"", "end", "graph TD", "x-->y"}[i%4] + string(k), Kind: k, TrustZone: zone})
	}
	kinds.Surface = append(kinds.Surface,
		model.SurfaceElement{ID: "F1", Name: "flow to nowhere", Kind: model.KindDataFlow, Source: "E 0"},
		model.SurfaceElement{ID: "F2", Name: "dangling", Kind: model.KindDataFlow, Source: "E 1", Target: "missing"},
		model.SurfaceElement{ID: "F3", Name: "flow | from a flow", Kind: model.KindDataFlow, Source: "F1", Target: "E 2"},
		model.SurfaceElement{ID: "F4", Name: "ok \"quoted\" [x]", Kind: model.KindDataFlow, Source: "E 2", Target: "E 3"},
		model.SurfaceElement{ID: "F5", Name: "", Kind: model.KindDataFlow, Source: "E 3", Target: "E 3"},
	)
	kinds.Threats = []model.Threat{
		{ID: "T-1", Likelihood: 5, Impact: 5, Surface: []string{"E 0", "E 0", "F4"}},
		{ID: "T-2", Likelihood: 1, Impact: 1, Surface: []string{"E 0", "E 5"}},
		{ID: "T-3", Likelihood: 5, Impact: 5, Status: model.StatusMitigated, Surface: []string{"E 5"}},
	}
	out["kinds"] = kinds
	return out
}

// TestMermaidDiagramParses checks every diagram with Mermaid's own parser
// and compares what it understood with the model: each element a node of
// its shape and label (name, open threats, highest risk), in its zone's
// subgraph, each flow with known ends an edge with its label.
func TestMermaidDiagramParses(t *testing.T) {
	models := diagramModels()
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range models {
			if !yield(k) {
				return
			}
		}
	})
	var diagrams []string
	for _, n := range names {
		blocks := mermaidBlocks(Markdown(models[n]))
		if len(blocks) != 1 {
			t.Fatalf("%s: report has %d mermaid blocks, want 1", n, len(blocks))
		}
		diagrams = append(diagrams, blocks[0])
	}
	results := parseMermaid(t, diagrams)
	shapes := map[model.ElementKind]string{model.KindDataStore: "cylinder", model.KindAPI: "round", model.KindProcess: "round", model.KindClient: "square",
		model.KindExternalEntity: "square", model.KindThirdParty: "square", model.KindDataFlow: "odd", model.KindTrustBoundary: "hexagon"}
	for i, n := range names {
		m, res := models[n], results[i]
		if !res.OK {
			t.Errorf("%s: Mermaid cannot parse the diagram: %s\n%s", n, res.Error, diagrams[i])
			continue
		}
		risk := m.SurfaceRisk()
		nodes := map[string]int{}
		for j, v := range res.Vertices {
			nodes[v.ID] = j
		}
		edges := 0
		nonFlow := map[string]bool{}
		for _, e := range m.Surface {
			if e.Kind != model.KindDataFlow {
				nonFlow[e.ID] = true
			}
		}
		for _, e := range m.Surface {
			id := elementNodeID(e.ID)
			if e.Kind == model.KindDataFlow && nonFlow[e.Source] && nonFlow[e.Target] {
				want := labelOf(e.Name) + riskLabel(risk[e.ID])
				if !slices.ContainsFunc(res.Edges, func(ed struct{ Start, End, Text string }) bool {
					return ed.Start == elementNodeID(e.Source) && ed.End == elementNodeID(e.Target) && decodeMermaid(ed.Text) == want
				}) {
					t.Errorf("%s: no edge %s → %s labelled %q in %+v", n, e.Source, e.Target, want, res.Edges)
				}
				edges++
				continue
			}
			j, ok := nodes[id]
			if !ok {
				t.Errorf("%s: element %q has no node %s", n, e.ID, id)
				continue
			}
			v := res.Vertices[j]
			name := e.Name
			if name == "" {
				name = e.ID
			}
			if want := labelOf(name) + riskLabel(risk[e.ID]); decodeMermaid(v.Text) != want {
				t.Errorf("%s: node %s reads %q, want %q", n, id, decodeMermaid(v.Text), want)
			}
			if want, ok := shapes[e.Kind]; ok && v.Type != want {
				t.Errorf("%s: %s (%s) is a %q, want %q", n, e.ID, e.Kind, v.Type, want)
			}
			if e.TrustZone != "" && !slices.ContainsFunc(res.Subgraphs, func(s struct {
				ID, Title string
				Nodes     []string
			}) bool {
				return decodeMermaid(s.Title) == labelOf(e.TrustZone) && slices.Contains(s.Nodes, id)
			}) {
				t.Errorf("%s: %s is not in a subgraph titled %q", n, e.ID, labelOf(e.TrustZone))
			}
		}
		if len(res.Edges) != edges {
			t.Errorf("%s: %d edges, want %d", n, len(res.Edges), edges)
		}
		zones := map[string]bool{}
		for _, e := range m.Surface {
			if e.TrustZone != "" {
				zones[e.TrustZone] = true
			}
		}
		if len(res.Subgraphs) > len(zones) {
			t.Errorf("%s: %d subgraphs for %d zones", n, len(res.Subgraphs), len(zones))
		}
	}
}

// The diagram's ids follow the model's ids, not positions: adding an
// element adds lines without changing the others.
func TestMermaidDiagramIsStable(t *testing.T) {
	m := model.Example(model.ExampleDate)
	before := mermaidBlocks(Markdown(m))[0]
	m.Surface = append([]model.SurfaceElement{{ID: "SE-100", Name: "Queue", Kind: model.KindDataStore, TrustZone: "Queueing"}}, m.Surface...)
	after := mermaidBlocks(Markdown(m))[0]
	for _, l := range strings.Split(before, "\n") {
		if !strings.Contains(after, l) {
			t.Errorf("line %q changed when an element was added", l)
		}
	}
}

// labelSafe is what may appear between a label's quotes: letters, digits,
// marks, spaces, plain punctuation and numeric entities, never a quote,
// bracket, pipe, semicolon outside an entity, backtick or line break.
var labelSafe = regexp.MustCompile(`^(?:[\p{L}\p{N}\p{M} .,\-_/():'+?!·]|#\d+;|<br/>)*$`)

// FuzzDiagramLabels: whatever the names, the report keeps one mermaid
// block, one line per statement, and every label is made of safe text.
func FuzzDiagramLabels(f *testing.F) {
	for _, s := range []string{"plain", `a"] --> b["x`, "end\nsubgraph", "`x`", "a|b;c", "#35;", "\u202e", "日本語"} {
		f.Add(s, s)
	}
	quoted := regexp.MustCompile(`"([^"]*)"`)
	f.Fuzz(func(t *testing.T, name, zone string) {
		m := &model.Model{Surface: []model.SurfaceElement{
			{ID: "SE-1", Name: name, Kind: model.KindDataStore, TrustZone: zone},
			{ID: "SE-2", Name: zone, Kind: model.KindProcess, TrustZone: name},
			{ID: "SE-3", Name: name + zone, Kind: model.KindDataFlow, Source: "SE-1", Target: "SE-2"},
		}}
		blocks := mermaidBlocks(Markdown(m))
		if len(blocks) != 1 {
			t.Fatalf("%d mermaid blocks", len(blocks))
		}
		lines := strings.Split(strings.TrimSuffix(blocks[0], "\n"), "\n")
		if len(lines) < 4 || lines[0] != "flowchart LR" {
			t.Fatalf("diagram:\n%s", blocks[0])
		}
		for _, l := range lines {
			for _, q := range quoted.FindAllStringSubmatch(l, -1) {
				if !labelSafe.MatchString(q[1]) {
					t.Fatalf("unsafe label %q in %q", q[1], l)
				}
			}
			if strings.Count(l, `"`)%2 != 0 {
				t.Fatalf("unbalanced quotes in %q", l)
			}
		}
	})
}
