package export

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

// editedExport exports the example, applies edit to the decoded document
// (as a person editing the committed JSON would), and imports it again.
func editedExport(t *testing.T, edit func(m map[string]any)) (*model.Model, *model.Model) {
	t.Helper()
	base := model.Example(model.ExampleDate)
	var doc map[string]any
	if err := json.Unmarshal(mustJSON(t, base), &doc); err != nil {
		t.Fatal(err)
	}
	before, err := ParseJSON(encodeDoc(t, doc))
	if err != nil {
		t.Fatal(err)
	}
	edit(doc["model"].(map[string]any))
	after, err := ParseJSON(encodeDoc(t, doc))
	if err != nil {
		t.Fatalf("edited export does not import: %v", err)
	}
	return before, after
}

func threatN(m map[string]any, i int) map[string]any { return m["threats"].([]any)[i].(map[string]any) }

func TestDiffEditedExports(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(m map[string]any)
		want string // the text diff, after the summary line
	}{
		{"renamed threat", func(m map[string]any) { threatN(m, 0)["title"] = "Credential stuffing | replay" },
			"~ threat T-001  Credential stuffing | replay\n    title: Credential stuffing attacks → Credential stuffing | replay\n"},
		{"removed mitigation", func(m map[string]any) {
			th := threatN(m, 2)
			th["mitigations"] = th["mitigations"].([]any)[1:]
		}, "- mitigation T-003/M-004  JWT tokens with short expiration (7 days)\n"},
		{"changed risk", func(m map[string]any) { threatN(m, 1)["impact"] = 5 },
			"~ threat T-002  Brute force login attempts\n    impact: 4 → 5\n    risk: 12 (high) → 15 (high)\n"},
		{"added asset", func(m map[string]any) {
			m["assets"] = append(m["assets"].([]any), map[string]any{"id": "AS-005", "name": "Audit log", "sensitivity": "confidential"})
		}, "+ asset AS-005  Audit log\n"},
		{"accepted with rationale", func(m map[string]any) {
			th := threatN(m, 0)
			th["status"], th["treatment"], th["rationale"], th["decided_by"], th["review_by"] = "accepted", "accept", "MFA is rolling out", "CISO", "2024-12-31"
		}, "~ threat T-001  Credential stuffing attacks\n    status: open → accepted\n    treatment: (none) → accept\n    rationale: (none) → MFA is rolling out\n    decided by: (none) → CISO\n    review by: (none) → 2024-12-31\n"},
		{"nothing", func(map[string]any) {}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := editedExport(t, tc.edit)
			d := model.Diff(a, b)
			if d.Equal() != (tc.want == "") || !d.Related {
				t.Fatalf("equal %v related %v: %+v", d.Equal(), d.Related, d)
			}
			_, body, _ := strings.Cut(string(DiffText(d)), "\n")
			if body != tc.want {
				t.Errorf("diff:\n%s\nwant:\n%s", body, tc.want)
			}
		})
	}
}

// TestDiffMarkdownGolden: the PR-comment form of a diff with every kind of
// change, checked against a golden file and read back with goldmark.
func TestDiffMarkdownGolden(t *testing.T) {
	a, b := editedExport(t, func(m map[string]any) {
		threatN(m, 0)["title"] = "Credential stuffing | <script>"
		th := threatN(m, 2)
		th["mitigations"] = th["mitigations"].([]any)[1:]
		threatN(m, 1)["likelihood"] = 5
		m["assets"] = append(m["assets"].([]any), map[string]any{"id": "AS-005", "name": "Audit *log*", "sensitivity": "confidential"})
		m["actors"].([]any)[0].(map[string]any)["motivation"] = "Resale of accounts"
	})
	md := DiffMarkdown(model.Diff(a, b))
	checkGolden(t, "testdata/diff.golden.md", md)

	doc := parseMD(md)
	checkTables(t, doc)
	if html := doc.htmlNodes(); len(html) > 0 {
		t.Errorf("user text became HTML: %q", html)
	}
	tables := doc.tables()
	if len(tables) != 3 {
		t.Fatalf("%d tables, want added, removed and changed", len(tables))
	}
	if got := strings.Join(tables[0].rows[0], " / "); got != "asset / AS-005 / Audit *log*" {
		t.Errorf("added row %q", got)
	}
	if got := strings.Join(tables[1].rows[0], " / "); got != "mitigation / T-003/M-004 / JWT tokens with short expiration (7 days)" {
		t.Errorf("removed row %q", got)
	}
	var changed []string
	for _, r := range tables[2].rows {
		changed = append(changed, r[1]+" "+r[3]+": "+r[4])
	}
	want := []string{
		"TA-001 motivation: Financial gain, data theft, notoriety → Resale of accounts",
		"T-001 title: Credential stuffing attacks → Credential stuffing | <script>",
		"T-002 likelihood: 3 → 5",
		"T-002 risk: 12 (high) → 20 (critical)",
	}
	if strings.Join(changed, "\n") != strings.Join(want, "\n") {
		t.Errorf("changed rows:\n%s\nwant:\n%s", strings.Join(changed, "\n"), strings.Join(want, "\n"))
	}
	var summary string
	for c := doc.root.FirstChild(); c != nil; c = c.NextSibling() {
		summary = doc.plain(c)
		break
	}
	if summary != "Threat model diff: 1 added, 1 removed, 3 changed (assets +1; actors ~1; threats ~2; mitigations −1)" {
		t.Errorf("summary %q", summary)
	}
}

func TestDiffUnrelatedModels(t *testing.T) {
	a := model.Example(model.ExampleDate)
	b, _ := model.New("Payments", "", model.ExampleDate.AddDate(0, 1, 0))
	if _, err := b.PutAsset(model.Asset{Name: "Cards"}, model.ExampleDate); err != nil {
		t.Fatal(err)
	}
	d := model.Diff(a, b)
	if d.Related {
		t.Fatal("unrelated models reported related")
	}
	// AS-001 exists on both sides but is not the same asset.
	var addedAsset, removedAssets int
	for _, it := range d.Added {
		if it.Kind == model.DiffAsset {
			addedAsset++
		}
	}
	for _, it := range d.Removed {
		if it.Kind == model.DiffAsset {
			removedAssets++
		}
	}
	if addedAsset != 1 || removedAssets != len(a.Assets) {
		t.Errorf("assets +%d −%d", addedAsset, removedAssets)
	}
	for _, it := range d.Changed {
		if it.Kind != model.DiffOWASP && it.Kind != model.DiffChecklist {
			t.Errorf("numbered item compared across unrelated models: %+v", it)
		}
	}
	md := string(DiffMarkdown(d))
	if !strings.Contains(md, "unrelated models") {
		t.Errorf("summary does not say the models are unrelated: %s", md[:200])
	}
	checkTables(t, parseMD([]byte(md)))
	js, err := DiffJSON(d)
	if err != nil || !strings.Contains(string(js), `"related": false`) {
		t.Errorf("json: %v %.200s", err, js)
	}
}

func TestDiffMarkdownBoundsTables(t *testing.T) {
	a := bigModel(600, 10, 5)
	b, _ := model.New("Other", "", model.ExampleDate.AddDate(1, 0, 0))
	md := DiffMarkdown(model.Diff(a, b))
	if !strings.Contains(string(md), "… and ") || len(md) > 65536 {
		t.Errorf("%d bytes; a large diff must be cut to fit a PR comment", len(md))
	}
}
