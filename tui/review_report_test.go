package tui

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
)

// TestReportBuiltInTheTUI builds a model only with keys, from the welcome
// screen to the export, leaving real work open (three STRIDE categories,
// most OWASP items and controls, a threat with no mitigation), and reads
// the exported report with goldmark: nothing says "Not written yet", the
// diagram and the risk map are there, and "Still Open" lists exactly what
// `check --require stride,owasp,controls,mitigations` reports, item for
// item and in the same order.
func TestReportBuiltInTheTUI(t *testing.T) {
	h := newHarness(t, []int{120, 40}, func(o *Options) {
		o.Render, o.WriteFile = export.Markdown, export.WriteFile
	})
	step := func(what string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(h.screen(), w) {
				t.Fatalf("%s: screen lacks %q:\n%s", what, w, h.screen())
			}
		}
	}
	// A new model from the welcome screen.
	h.press("enter")
	h.typeText("Mobile bank")
	h.press("tab")
	h.typeText("Platform team")
	h.press("enter")
	step("new model", "Opened Mobile bank")

	// Overview: summary and scope.
	h.press("1", "e", "tab", "tab")
	h.typeText("Backend for the mobile banking app.")
	h.press("tab")
	h.typeText("The public API, its auth service and the accounts database.")
	h.press("ctrl+s")

	// Assets, actors, surface.
	h.press("2", "a")
	h.typeText("Account balances")
	h.press("tab")
	h.typeText("Balances and transactions of every customer")
	h.press("ctrl+s")
	h.press("3", "a")
	h.typeText("Fraudster")
	h.press("tab")
	h.typeText("Takes over accounts to move money")
	h.press("ctrl+s")
	addElement := func(name string, kindDowns int, desc, zone string, flowFrom, flowTo int) {
		t.Helper()
		h.press("a")
		h.typeText(name)
		h.press("tab")
		for range kindDowns {
			h.press("down")
		}
		h.press("tab")
		h.typeText(desc)
		h.press("tab")
		h.typeText(zone)
		h.press("tab")
		for range flowFrom {
			h.press("down")
		}
		h.press("tab")
		for range flowTo {
			h.press("down")
		}
		h.press("ctrl+s")
	}
	h.press("4")
	addElement("Mobile API", 0, "REST API the app calls", "Internet", 0, 0)
	addElement("Accounts DB", 2, "Balances and transactions", "Core network", 0, 0)
	addElement("API to DB", 10, "SQL over TLS", "Core network", 1, 2)
	step("surface", "SE-003")

	// STRIDE: three categories reviewed.
	h.press("5")
	for i, note := range []string{"Considered: tokens are device-bound.", "Considered: requests are signed.", "Considered: audit log."} {
		if i > 0 {
			h.press("l")
		}
		h.press("r")
		h.typeText(note)
		h.press("ctrl+s")
	}

	// Threats: one with a mitigation, on the API, tagged A07; one without.
	h.press("6", "a")
	h.typeText("Credential stuffing")
	h.press("tab", "tab", "tab")
	h.typeText("Authentication")
	h.press("tab", "tab", "tab", "tab", "tab", "space", "tab", "tab")
	h.typeText("A07")
	h.press("enter", "tab") // while the filter has text, enter picks

	h.typeText("Rate limiting on login")
	h.press("ctrl+s")
	h.press("a")
	h.typeText("Database dump")
	h.press("ctrl+s")
	step("threats", "T-002")

	// OWASP: four items assessed; controls: two.
	h.press("7", "space", "j", "space", "j", "space", "j", "space")
	h.press("8", "space", "j", "space")

	// Review: write the three report sections, then export.
	h.press("9", "w")
	h.typeText("1. Contain 2. Notify the bank's CSIRT")
	h.press("tab")
	h.typeText("- [Architecture](./architecture.md)")
	h.press("tab")
	h.typeText("- [OWASP ASVS](https://owasp.org/asvs)")
	h.press("ctrl+s")
	path := filepath.Join(t.TempDir(), "mobile-bank.md")
	h.press("x", "ctrl+u")
	h.typeText(path)
	h.press("enter")
	step("export", "Exported the report")

	h.a.s.writes.wait()
	m, err := h.st.Find("Mobile bank")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(src, export.Markdown(m)) {
		t.Error("the exported report is not the stored model's report")
	}
	if bytes.Contains(src, []byte("Not written yet")) {
		t.Errorf("the report still has unwritten sections:\n%s", src)
	}
	if !bytes.Contains(src, []byte("```mermaid\nflowchart LR\n")) || !bytes.Contains(src, []byte("## Risk Map")) {
		t.Error("the report lacks the diagram or the risk map")
	}
	// The threat without a mitigation is open work, and the tagged one
	// shows under its OWASP item.
	if th, ok := m.Threat("T-002"); !ok || len(th.Mitigations) != 0 {
		t.Fatalf("T-002 = %+v", th)
	}
	if th, _ := m.Threat("T-001"); !slices.Equal(th.OWASP, []string{"A07:2025"}) || !slices.Equal(th.Surface, []string{"SE-001"}) || len(th.Mitigations) != 1 {
		t.Fatalf("T-001 = %+v", th)
	}

	// What check --require prints, as JSON.
	opts := model.CheckOptions{Require: []string{model.RequireStride, model.RequireOWASP, model.RequireControls, model.RequireMitigations}}
	var out bytes.Buffer
	if err := export.WriteCheck(&out, m, opts, model.Check(m, opts), "json", export.CheckSource{}, "test"); err != nil {
		t.Fatal(err)
	}
	var checked struct {
		Findings []struct{ Section, Message string }
	}
	if err := json.Unmarshal(out.Bytes(), &checked); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, f := range checked.Findings {
		want = append(want, f.Section+": "+f.Message)
	}
	got := stillOpenItems(src)
	if len(want) < 20 || !slices.Contains(want, `Threats: T-002 "Database dump" (medium risk) is open with no mitigation`) {
		t.Fatalf("check found %d items, want the model's open work: %q", len(want), want)
	}
	if !slices.Equal(got, want) {
		t.Errorf("Still Open differs from check --require stride,owasp,controls,mitigations:\nreport %q\ncheck  %q", got, want)
	}
}

// stillOpenItems is the text of each list item under "## Still Open".
func stillOpenItems(src []byte) []string {
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	root := md.Parser().Parse(text.NewReader(src))
	var out []string
	in := false
	for n := root.FirstChild(); n != nil; n = n.NextSibling() {
		if hd, ok := n.(*ast.Heading); ok && hd.Level == 2 {
			in = mdText(hd, src) == "Still Open"
			continue
		}
		if l, ok := n.(*ast.List); ok && in {
			for it := l.FirstChild(); it != nil; it = it.NextSibling() {
				out = append(out, mdText(it, src))
			}
		}
	}
	return out
}
