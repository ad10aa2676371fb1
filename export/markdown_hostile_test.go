package export

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

// hostile is text that tries every way out of its place in the report:
// breaking tables, opening blocks, injecting HTML, escape sequences.
var hostile = []string{
	"pipe | in | the middle",
	"|leading and trailing|",
	`back\slash \| escaped pipe \`,
	"`code | span` and ``double``",
	"<script>alert(1)</script>",
	`<img src=x onerror="alert(1)">`,
	"<!-- comment --> <?php x ?> <![CDATA[x]]>",
	"line one\nline two\n\n\n- not a list\n# not a heading\n> not a quote",
	"\x1b[31mred\x1b[0m \x1b]0;title\x07 \x9b2J bell\a nul\x00 del\x7f",
	"bidi \u202eevil\u202c and \u2066isolate\u2069",
	"**bold** _em_ *star* [link](javascript:alert(1)) ![img](x.png)",
	"&lt;entity&gt; &amp; &#60; &#x3C; R&D A & B &copy",
	"# heading", "## two", "- item", "+ plus", "* star", "1. ordered", "2) paren", "> quote",
	"```", "~~~", "---", "===", "***", "___", "    indented", "\ttab",
	"trailing #", "C# and F#", "  spaces around  ",
	"A | B\n--- | ---\n1 | 2",
	"$x^2$ math and ~~strike~~",
	"<http://auto.link> and www.example.com",
	"[x] fake checkbox", "- [ ] fake task", "[ref]: http://x",
	`\`, "|", "||", `\\|`, "foo_bar_baz _lead trail_ snake_",
	"crlf\r\nline\rcarriage",
}

// normalized is what a reader should see for s in a one-line context:
// cleaned, each line trimmed, blank lines dropped, lines joined by breaks.
func normalized(s string) string {
	var out []string
	for _, l := range strings.Split(model.CleanText(s), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// hostileModel fills every text field with hostile strings. It is built
// directly, not through the mutators, so the escaping is tested on text
// that was never cleaned too.
func hostileModel() *model.Model {
	h := func(i int) string { return hostile[i%len(hostile)] }
	m := &model.Model{Overview: model.Overview{
		Title: h(4), Owner: h(0), Summary: strings.Join(hostile, "\n"), Scope: strings.Join(hostile, "\n\n"),
		Participants: hostile, Edition: model.OWASP2021, Updated: model.ExampleDate,
	}}
	for i := range hostile {
		id := model.FormatID(model.PrefixAsset, i+1)
		m.Assets = append(m.Assets, model.Asset{ID: id, Name: h(i), Description: h(i + 1), Sensitivity: model.Restricted})
		m.Actors = append(m.Actors, model.Actor{ID: model.FormatID(model.PrefixActor, i+1), Name: h(i), Description: h(i + 2), Motivation: h(i + 3)})
		m.Surface = append(m.Surface, model.SurfaceElement{ID: model.FormatID(model.PrefixSurface, i+1), Name: h(i), Kind: model.KindAPI, TrustZone: h(i + 4), Description: h(i + 5)})
		m.Threats = append(m.Threats, model.Threat{
			ID: model.FormatID(model.PrefixThreat, i+1), Title: h(i), Description: h(i + 6), Vector: h(i),
			Category: model.StrideCategories[i%6], Assets: []string{id}, Surface: []string{model.FormatID(model.PrefixSurface, i+1)},
			Actors: []string{model.FormatID(model.PrefixActor, i+1)}, OWASP: []string{"A03:2021", h(i)},
			Likelihood: 1 + i%5, Impact: 1 + (i+2)%5,
			Mitigations: []model.Mitigation{{ID: "M-" + id, Description: h(i + 7), Status: model.MitigationPlanned}, {Description: h(i + 8)}},
		})
		m.Checklists = append(m.Checklists, model.CheckItem{ID: model.FormatID(model.PrefixCheck, i+1), List: model.ListControls, Group: h(i % 3), Title: h(i), Detail: h(i + 9), Note: h(i + 10), State: model.ItemStates[i%len(model.ItemStates)], Threats: []string{h(i)}})
		m.Parking = append(m.Parking, model.ParkingItem{ID: model.FormatID(model.PrefixParking, i+1), Text: h(i)})
	}
	m.Threats = append(m.Threats, model.Threat{ID: "T-999", Title: "other methodology", Methodology: h(0), Category: model.Stride(h(3))})
	m.Surface = append(m.Surface, model.SurfaceElement{ID: "SE-999", Name: "flow", Kind: model.ElementKind(h(1)), Source: "SE-001", Target: h(2)})
	for i, c := range model.StrideCategories {
		m.Stride = append(m.Stride, model.StrideReview{Category: c, Reviewed: i%2 == 0, Example: h(i), Mitigation: h(i + 1), Note: h(i + 2)})
	}
	free := strings.Join(hostile, "\n") + "\n\n<div>\n<script>\nalert(1)\n```\nunclosed fence"
	m.Sections = model.Sections{IncidentResponse: free, RelatedDocs: "~~~~\nunclosed tilde\n", References: "<textarea>\n\n## swallowed?"}
	m.Normalize()
	return m
}

func TestMarkdownHostileText(t *testing.T) {
	m := hostileModel()
	out := Markdown(m)
	d := parseMD(out)

	// Nothing escapes its place: the sections are exactly the report's.
	var top []string
	for _, h := range d.headings() {
		if strings.HasPrefix(h, "# ") || strings.HasPrefix(h, "## ") {
			top = append(top, h)
		}
	}
	want := reportSections(normalized(m.Overview.Title), "2021")
	if !slices.Equal(top, want) {
		t.Errorf("sections:\n got %q\nwant %q", top, want)
	}
	if html := d.htmlNodes(); len(html) > 0 {
		t.Errorf("raw HTML reached the report: %q", html)
	}
	checkTables(t, d)
	for _, bad := range []string{"\x1b", "\x9b", "\u202e", "\u2066", "\x00", "\a", "\x7f", "\r"} {
		if bytes.Contains(out, []byte(bad)) {
			t.Errorf("report contains %q", bad)
		}
	}

	// Cells read back as exactly the text that went in.
	surface := tableIn(d.tables(), "Attack Surface")
	for i, e := range m.Surface[:len(hostile)] {
		row := surface.rows[i]
		for col, want := range map[int]string{0: e.ID, 1: e.Name, 3: e.TrustZone, 4: e.Description} {
			if row[col] != normalized(want) {
				t.Errorf("surface row %d column %d = %q, want %q", i, col, row[col], normalized(want))
			}
		}
	}
	register := tableIn(d.tables(), "Threat Register")
	for i, th := range m.Threats[:len(hostile)] {
		row := register.rows[i]
		if row[1] != normalized(th.Title) || row[3] != normalized(m.Assets[i].Name) {
			t.Errorf("register row %d = %q; want title %q and asset %q", i, row, normalized(th.Title), normalized(m.Assets[i].Name))
		}
		// The register counts the measures and names them by id; their
		// text is listed once, under Attack Vectors.
		if want := "2 (" + normalized(th.Mitigations[0].ID) + ")"; row[8] != want {
			t.Errorf("register row %d mitigations = %q, want %q", i, row[8], want)
		}
	}
	var vectorItems []string
	for key, list := range groupItems(d.items()) {
		if strings.HasPrefix(key, "Attack Vectors /") {
			for _, it := range list {
				vectorItems = append(vectorItems, it.text)
			}
		}
	}
	for _, th := range m.Threats[:len(hostile)] {
		for _, mt := range th.Mitigations {
			if !slices.ContainsFunc(vectorItems, func(s string) bool { return strings.HasPrefix(s, normalized(mt.Description)+" (") }) {
				t.Errorf("mitigation %q is not listed under Attack Vectors", normalized(mt.Description))
			}
		}
	}
	stride := tableIn(d.tables(), "STRIDE Analysis")
	for i, r := range m.Stride {
		if stride.rows[i][1] != normalized(r.Example) || stride.rows[i][5] != normalized(r.Note) {
			t.Errorf("STRIDE row %d = %q", i, stride.rows[i])
		}
	}

	// List items stay one item each, with their text intact.
	items := groupItems(d.items())
	if got := items["Assets /  / "]; len(got) != len(m.Assets) {
		t.Errorf("%d asset items for %d assets", len(got), len(m.Assets))
	} else {
		for i, a := range m.Assets {
			if want := normalized(a.Name); !strings.HasPrefix(got[i].text, want+" - ") {
				t.Errorf("asset item %d = %q, want it to start with %q", i, got[i].text, want)
			}
		}
	}
	if got := items["Participants /  / "]; len(got) != len(hostile) {
		t.Errorf("%d participant items for %d participants", len(got), len(hostile))
	}
	if got := items["Parking Lot /  / "]; len(got) != len(hostile) {
		t.Errorf("%d parking-lot items for %d items", len(got), len(hostile))
	}
	var controls int
	for key, list := range items {
		if strings.HasPrefix(key, "Security Controls /") {
			controls += len(list)
			for _, it := range list {
				// Not-applicable items carry no box: they are not open work.
				if na := strings.HasPrefix(it.text, "N/A: "); it.box == na {
					t.Errorf("control %q: box %v", it.text, it.box)
				}
			}
		}
	}
	if controls != len(hostile) {
		t.Errorf("%d control items for %d controls", controls, len(hostile))
	}

	// Free sections keep their Markdown but not their HTML; the unclosed
	// fences and the <textarea> did not swallow the sections after them
	// (checked by the section list above).
	paras := strings.Join(d.paragraphs()["Incident Response"], "\n")
	if !strings.Contains(paras, "<script>") {
		t.Errorf("the section's <script> should read as text; paragraphs: %q", paras)
	}
}

// TestSafeMarkdown covers the free-section rules on their own.
func TestSafeMarkdown(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"- [Docs](./docs.md)\n- **bold**", "- [Docs](./docs.md)\n- **bold**"},
		{"<script>alert(1)</script>", "&lt;script>alert(1)&lt;/script>"},
		{"text <b>bold</b> `<kept>`", "text &lt;b>bold&lt;/b> `<kept>`"},
		{"```go\nx := 1 < 2\n", "```go\nx := 1 < 2\n```"},
		{"````\n```\n", "````\n```\n````"},
		{"~~~\ncode", "~~~\ncode\n~~~"},
		{"   ```\nindented fence", "   ```\nindented fence\n```"},
		{"  \n\n", ""},
		{"<https://example.com>", "<https://example.com>"},
	} {
		if got := safeMarkdown(tc.in); got != tc.want {
			t.Errorf("safeMarkdown(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
