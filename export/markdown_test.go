package export

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

const (
	goldenExample = "../testdata/example-threat-model.golden.md"
	referenceDoc  = "../testdata/example-threat-model.reference.md"
)

// checkGolden compares got with a golden file, or rewrites it under -update.
func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./export -run %s -update to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s; if the change is intended, review the diff and rerun with -update", path)
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := range max(len(gl), len(wl)) {
			g, w := lineAt(gl, i), lineAt(wl, i)
			if g != w {
				t.Errorf("first difference at line %d:\n got: %q\nwant: %q", i+1, g, w)
				break
			}
		}
	}
}

func lineAt(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "<end of file>"
}

func TestMarkdownExampleGolden(t *testing.T) {
	checkGolden(t, goldenExample, Markdown(model.Example(model.ExampleDate)))
}

// TestMarkdownSaysAllOfTheReference reads the reference document and the
// example's report with goldmark and checks, mechanically, that every list
// item of the reference (assets, actors, each vector's threats and
// mitigations, controls with their checked state, compliance items,
// incident-response steps, related documentation, references), every
// STRIDE row and every paragraph appears in the same place of the report,
// in the same order, with nothing missing from any list.
func TestMarkdownSaysAllOfTheReference(t *testing.T) {
	src, err := os.ReadFile(referenceDoc)
	if err != nil {
		t.Fatal(err)
	}
	ref := parseMD(src)
	got := parseMD(Markdown(model.Example(model.ExampleDate)))

	// List items, by section / group / kind.
	refItems, gotItems := groupItems(ref.items()), groupItems(got.items())
	if len(refItems) < 15 {
		t.Fatalf("reference parsed into only %d lists; the parser setup is wrong", len(refItems))
	}
	checked := 0
	for key, want := range refItems {
		have := gotItems[key]
		if len(have) != len(want) {
			t.Errorf("%s: report has %d items, reference %d", key, len(have), len(want))
		}
		next := 0 // items must appear in the reference's order
		for _, w := range want {
			i := slices.IndexFunc(have[min(next, len(have)):], func(h mdItem) bool { return strings.Contains(h.text, w.text) })
			if i < 0 {
				t.Errorf("%s: %q is missing (or out of order)", key, w.text)
				continue
			}
			h := have[next+i]
			next += i + 1
			if w.box && (!h.box || h.checked != w.checked) {
				t.Errorf("%s: %q is [%v] in the report, [%v] in the reference", key, w.text, boxMark(h), boxMark(w))
			}
			checked++
		}
	}
	if checked < 70 {
		t.Errorf("only %d reference items compared; expected every one (over 70)", checked)
	}

	// The STRIDE table: every row's threat, example and mitigation.
	refTables, gotTables := ref.tables(), got.tables()
	if len(refTables) != 1 {
		t.Fatalf("reference has %d tables, want 1 (STRIDE)", len(refTables))
	}
	stride := tableIn(gotTables, "STRIDE Analysis")
	if stride == nil {
		t.Fatal("report has no STRIDE Analysis table")
	}
	if !slices.Equal(stride.header[:3], refTables[0].header) {
		t.Errorf("STRIDE header = %q, want it to start with %q", stride.header, refTables[0].header)
	}
	for _, w := range refTables[0].rows {
		if !slices.ContainsFunc(stride.rows, func(r []string) bool { return slices.Equal(r[:3], w) }) {
			t.Errorf("STRIDE row %q is missing", w)
		}
	}

	// Paragraphs: the metadata, summary, list introductions and the runbook line.
	refParas, gotParas := ref.paragraphs(), got.paragraphs()
	for section, paras := range refParas {
		for _, p := range paras {
			if !slices.ContainsFunc(gotParas[section], func(g string) bool { return strings.Contains(g, p) }) {
				t.Errorf("%s: paragraph %q is missing", orTop(section), p)
			}
		}
	}

	// The section headings, in the reference's relative order.
	gotHeads := got.headings()
	next := 0
	for _, h := range ref.headings() {
		if !strings.HasPrefix(h, "## ") && !strings.HasPrefix(h, "# ") {
			continue
		}
		i := slices.Index(gotHeads[next:], h)
		if h == "## Incident Response" || h == "## Compliance" {
			i = slices.Index(gotHeads, h) // the issue orders these two the other way round
			if i >= 0 {
				continue
			}
		}
		if i < 0 {
			t.Errorf("heading %q missing or out of order", h)
			continue
		}
		next += i + 1
	}
}

func groupItems(items []mdItem) map[string][]mdItem {
	out := map[string][]mdItem{}
	for _, it := range items {
		out[it.key()] = append(out[it.key()], it)
	}
	return out
}

func boxMark(it mdItem) string {
	if it.checked {
		return "x"
	}
	return " "
}

func orTop(section string) string {
	if section == "" {
		return "top"
	}
	return section
}

func tableIn(tables []mdTable, section string) *mdTable {
	for i := range tables {
		if tables[i].section == section {
			return &tables[i]
		}
	}
	return nil
}

// TestMarkdownStructure checks the example's report as a reader's parser
// sees it: one title, the sections in order, tables whole, no raw HTML.
func TestMarkdownStructure(t *testing.T) {
	d := parseMD(Markdown(model.Example(model.ExampleDate)))
	var h2 []string
	for _, h := range d.headings() {
		if strings.HasPrefix(h, "## ") || strings.HasPrefix(h, "# ") {
			h2 = append(h2, h)
		}
	}
	if !slices.Equal(h2, reportSections("Threat Model", "2021")) {
		t.Errorf("sections:\n got %q\nwant %q", h2, reportSections("Threat Model", "2021"))
	}
	checkTables(t, d)
	if html := d.htmlNodes(); len(html) > 0 {
		t.Errorf("raw HTML in the report: %q", html)
	}
	// The pictures: the data-flow diagram labels nine nodes and the one
	// flow, an edge; the risk map's table is counted below.
	if blocks := mermaidBlocks(Markdown(model.Example(model.ExampleDate))); len(blocks) != 1 || strings.Count(blocks[0], "<br/>") != 10 || strings.Count(blocks[0], "-->") != 1 {
		t.Errorf("example diagram: %q", blocks)
	}
	tables := d.tables()
	for section, want := range map[string]int{"Attack Surface": 10, "STRIDE Analysis": 6, "Threat Register": 20, "Risk Map": 5, "OWASP Top 10 (2021) Coverage": 10} {
		if tb := tableIn(tables, section); tb == nil || len(tb.rows) != want {
			t.Errorf("%s table missing or without %d rows", section, want)
		}
	}
}

// reportSections is the report's H1 and H2 headings, in order.
func reportSections(title, edition string) []string {
	return []string{
		"# " + title, "## Plain English Summary", "## Scope", "## Participants", "## Assets", "## Threat Actors",
		"## Attack Surface", "## Data-Flow Diagram", "## Attack Vectors", "## STRIDE Analysis", "## Threat Register", "## Risk Map",
		"## Action Items", "## Risk Decisions",
		"## OWASP Top 10 (" + edition + ") Coverage", "## Security Controls", "## Testing & Validation", "## Compliance",
		"## Incident Response", "## Related Documentation", "## References", "## Parking Lot", "## Still Open",
	}
}

func TestMarkdownDeterministic(t *testing.T) {
	m := model.Example(model.ExampleDate)
	first := Markdown(m)
	for range 5 {
		if !bytes.Equal(Markdown(m), first) {
			t.Fatal("two renderings of the same model differ")
		}
	}
	// The same model by another route (exported and read back, so with
	// fresh slices and maps) renders the same bytes.
	data, err := JSON(m)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(Markdown(back), first) {
		t.Error("the model read back from JSON renders differently")
	}
}

func TestMarkdownEmptyModel(t *testing.T) {
	m, err := model.New("Empty", "", model.ExampleDate)
	if err != nil {
		t.Fatal(err)
	}
	out := Markdown(m)
	d := parseMD(out)
	var h2 []string
	for _, h := range d.headings() {
		if !strings.HasPrefix(h, "### ") {
			h2 = append(h2, h)
		}
	}
	if !slices.Equal(h2, reportSections("Empty", "2025")) {
		t.Errorf("sections of an empty model:\n got %q\nwant %q", h2, reportSections("Empty", "2025"))
	}
	for _, want := range []string{"_No assets yet._", "_No threats yet._", "_Not written yet._", "**Owner:** _not set_", "Spoofing has not been reviewed"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("empty model's report lacks %q", want)
		}
	}
	checkTables(t, d)
}

// TestVectorGroups covers grouping: vectors in order of first appearance,
// threats without one in a last "Other threats" group (merging with a
// vector of that name, in model order); mitigations de-duplicated across a
// group's threats.
func TestVectorGroups(t *testing.T) {
	m := &model.Model{Threats: []model.Threat{
		{ID: "T-1", Vector: "API", Category: model.Tampering, Mitigations: []model.Mitigation{{Description: "Validate input", Status: model.MitigationVerified}}},
		{ID: "T-2", Category: model.DenialOfService},
		{ID: "T-3", Vector: "Spoofing", Category: model.Tampering},
		{ID: "T-4", Category: model.Spoofing},
		{ID: "T-5", Vector: "API", Category: model.Spoofing, Mitigations: []model.Mitigation{{Description: "validate  INPUT", Status: model.MitigationPlanned}, {Description: "Rate limit"}}},
		{ID: "T-6", Methodology: "LINDDUN", Category: "linkability"},
		{ID: "T-7", Vector: "Other threats", Category: model.Tampering},
	}}
	var got []string
	for _, g := range vectorGroups(m) {
		var ids []string
		for _, i := range g.threats {
			ids = append(ids, m.Threats[i].ID)
		}
		got = append(got, g.name+":"+strings.Join(ids, ","))
	}
	want := []string{"API:T-1,T-5", "Spoofing:T-3", "Other threats:T-2,T-4,T-6,T-7"}
	if !slices.Equal(got, want) {
		t.Errorf("groups = %q, want %q", got, want)
	}
	ms := groupMitigations(m, vectorGroups(m)[0])
	if len(ms) != 2 || ms[0].text != "Validate input" || ms[0].status != model.MitigationPlanned || !slices.Equal(ms[0].threats, []string{"T-1", "T-5"}) || len(ms[0].ids) != 0 {
		t.Errorf("API mitigations = %+v; want the duplicate merged, at its least advanced status, naming both threats", ms)
	}
}

// The report's "Still Open" is Model.Missing, item for item, as a reader's
// parser sees it: on the example (nothing), an empty model, a large one, a
// hostile one and the example with its work undone.
func TestStillOpenIsMissing(t *testing.T) {
	undone := model.Example(model.ExampleDate)
	for i := range undone.Threats {
		if i%3 == 0 {
			undone.Threats[i].Mitigations = nil
			undone.Threats[i].Status = model.StatusOpen
		}
	}
	undone.Stride[2].Reviewed = false
	undone.Checklists[5].State = model.NotAssessed
	undone.Sections.References = ""
	empty, err := model.New("Empty", "", model.ExampleDate)
	if err != nil {
		t.Fatal(err)
	}
	for name, m := range map[string]*model.Model{"example": model.Example(model.ExampleDate), "empty": empty, "big": bigModel(500, 20, 10), "hostile": hostileModel(), "undone": undone} {
		var want []string
		for _, g := range m.Missing() {
			want = append(want, normalized(g.Section.String()+": "+g.Message))
		}
		var got []string
		for _, it := range parseMD(Markdown(m)).items() {
			if it.section == "Still Open" {
				got = append(got, it.text)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: Still Open has %d items, Missing %d:\n got %q\nwant %q", name, len(got), len(want), got, want)
		}
		if name == "example" && len(want) != 0 {
			t.Errorf("the example still misses %q", want)
		}
	}
}

// TestAppendMitigationKey holds the allocation-free key to mitigationKey
// on the texts its fast path takes and those it hands back.
func TestAppendMitigationKey(t *testing.T) {
	for _, s := range []string{
		"", "a", "Enforce TLS 1.3", "  Enforce  TLS ", "Rate-limit\tlogins", "line\nbreak",
		"Übergabe prüfen", "ÀÉÎ and ascii", "trailing ", " leading", "CR\rinside", "ǅ title case",
		"İstanbul", "MIXED case ID-42", "nbsp\u00a0here", "tab\tand  double",
	} {
		if got, want := string(appendMitigationKey([]byte("x"), s)), "x"+mitigationKey(s); got != want {
			t.Errorf("appendMitigationKey(%q) = %q, want %q", s, got, want)
		}
	}
}
