package model

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// teamJSON is a small valid team library, written the way a team would.
const teamJSON = `{
  "schema": "threatdeck-library/1",
  "name": "acme payments",
  "version": "2024.1",
  "description": "Threats our payment teams keep meeting.",
  "threats": [
    {
      "id": "ACME-001",
      "title": "Replayed payment webhook",
      "category": "spoofing",
      "applies_to": ["webhook"],
      "description": "A captured provider callback is sent again to mark an order paid twice.",
      "mitigations": ["Verify the provider's HMAC signature and reject stale timestamps"],
      "owasp_2025": ["A07:2025"],
      "owasp_2021": ["A07:2021"],
      "cwe": ["CWE-294"],
      "capec": ["CAPEC-60"],
      "vector": "API Security",
      "likelihood": 3,
      "impact": 4
    },
    {
      "id": "ACME-002",
      "title": "Refund endpoint without a per-merchant limit",
      "category": "tampering",
      "applies_to": ["api", "admin"],
      "description": "Refunds can be issued beyond the original charge.",
      "mitigations": ["Cap refunds at the captured amount, server side"],
      "owasp_2025": [],
      "owasp_2021": [],
      "cwe": [],
      "vector": "Business Logic",
      "likelihood": 2,
      "impact": 5
    }
  ]
}
`

func TestParseLibraryAcceptsTeamFile(t *testing.T) {
	l, err := ParseLibrary([]byte(teamJSON))
	if err != nil {
		t.Fatalf("valid team library rejected: %v", err)
	}
	if l.Name != "acme payments" || l.Version != "2024.1" || len(l.Threats) != 2 {
		t.Fatalf("decoded %q %q with %d threats", l.Name, l.Version, len(l.Threats))
	}
	got := l.Threats[0]
	if got.ID != "ACME-001" || got.Category != Spoofing || !reflect.DeepEqual(got.AppliesTo, []ElementKind{KindWebhook}) ||
		got.Likelihood != 3 || got.Impact != 4 || !reflect.DeepEqual(got.CAPEC, []string{"CAPEC-60"}) {
		t.Errorf("first threat decoded as %+v", got)
	}
}

// TestOldTeamLibraryStaysValid: a file written before threats could
// declare traits, exposure and callers (teamJSON has none) still loads,
// and its threats fit every element of their kinds, whatever the
// element's profile; a file using the new fields decodes them.
func TestOldTeamLibraryStaysValid(t *testing.T) {
	l, err := ParseLibrary([]byte(teamJSON))
	if err != nil {
		t.Fatal(err)
	}
	m := newTestModel(t)
	for _, e := range []SurfaceElement{
		{Name: "Hook", Kind: KindWebhook, Exposure: ExposureInternal, Callers: CallersNone},
		{Name: "Refunds API", Kind: KindAPI, Traits: []Trait{TraitSQL}},
		{Name: "Back office", Kind: KindAdmin, Exposure: ExposureThirdParty},
	} {
		must(t)(m.PutElement(e, t0))
	}
	got := map[string][]string{}
	for _, s := range Suggest(m, l) {
		got[s.Threat.ID] = s.Elements
	}
	if !reflect.DeepEqual(got, map[string][]string{"ACME-001": {"SE-001"}, "ACME-002": {"SE-002", "SE-003"}}) {
		t.Errorf("old-format threats suggested as %v", got)
	}

	withNeeds := strings.Replace(teamJSON, `"applies_to": ["webhook"],`,
		`"applies_to": ["webhook"], "requires": ["receives-webhooks", "payments"], "requires_any": ["sql", "nosql"], "exposure": ["internet"], "callers": ["services"],`, 1)
	l, err = ParseLibrary([]byte(withNeeds))
	if err != nil {
		t.Fatal(err)
	}
	th := l.Threats[0]
	if !reflect.DeepEqual(th.Requires, []Trait{TraitReceivesWebhooks, TraitPayments}) || !reflect.DeepEqual(th.RequiresAny, []Trait{TraitSQL, TraitNoSQL}) ||
		!reflect.DeepEqual(th.Exposure, []Exposure{ExposureInternet}) || !reflect.DeepEqual(th.Callers, []Callers{CallersServices}) {
		t.Errorf("needs decoded as %+v", th)
	}
	if _, err := ParseLibrary([]byte(strings.Replace(withNeeds, `"requires_any"`, `"requiresAny"`, 1))); err == nil || !strings.Contains(err.Error(), `did you mean "requires_any"`) {
		t.Errorf("misspelt field: %v", err)
	}
}

// TestBuiltinLibraryExportRoundTrips: the exported built-in library is the
// team format, byte for byte the embedded file, and parses back unchanged.
func TestBuiltinLibraryExportRoundTrips(t *testing.T) {
	out, err := MarshalLibrary(BuiltinLibrary())
	if err != nil {
		t.Fatal(err)
	}
	embedded, err := catalogFS.ReadFile("catalog/library.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, embedded) {
		t.Errorf("export differs from the embedded library file (%d vs %d bytes)", len(out), len(embedded))
	}
	back, err := ParseLibrary(out)
	if err != nil {
		t.Fatalf("exported built-in library does not parse: %v", err)
	}
	if !reflect.DeepEqual(back, BuiltinLibrary()) {
		t.Error("built-in library changed through export and parse")
	}
	again, _ := MarshalLibrary(back)
	if !bytes.Equal(again, out) {
		t.Error("export is not deterministic")
	}
}

func TestMarshalLibraryWritesListsNotNull(t *testing.T) {
	l := goodLibrary()
	l.Threats[0].OWASP2025, l.Threats[0].OWASP2021, l.Threats[0].CWE, l.Threats[0].CAPEC = nil, nil, nil, nil
	out, err := MarshalLibrary(l)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("null")) || bytes.Contains(out, []byte(`"capec": []`)) {
		t.Errorf("export has null lists or an empty optional capec:\n%s", out)
	}
	if !bytes.Contains(out, []byte(`"vector": "Authentication & Authorization"`)) {
		t.Error("HTML characters were escaped in the export")
	}
	if l.Threats[0].CWE != nil {
		t.Error("MarshalLibrary changed its argument")
	}
}

func TestParseLibraryRejects(t *testing.T) {
	// edit replaces old with new in teamJSON once (old must occur).
	edit := func(pairs ...string) string {
		s := teamJSON
		for i := 0; i < len(pairs); i += 2 {
			if !strings.Contains(s, pairs[i]) {
				panic("test fixture: " + pairs[i] + " not in teamJSON")
			}
			s = strings.Replace(s, pairs[i], pairs[i+1], 1)
		}
		return s
	}
	tests := []struct {
		name  string
		file  string
		wants []string // all must appear in the error
	}{
		{"empty file", "", []string{"invalid JSON", "line 1"}},
		{"not JSON", "schema: threatdeck-library/1\n", []string{"invalid JSON at line 1, column 1"}},
		{"a list", "[]", []string{"want a JSON object, got array"}},
		{"null", "null", []string{"null"}},
		{"truncated", teamJSON[:200], []string{"invalid JSON", "unexpected end"}},
		{"trailing data", teamJSON + "{}", []string{"invalid JSON", "after top-level value"}},
		{"syntax error names line", edit(`"version": "2024.1",`, `"version": "2024.1",,`), []string{"line 4, column"}},
		{"not UTF-8", edit("Threats our", "Threats \xff our"), []string{"not UTF-8"}},
		{"no schema", edit(`"schema": "threatdeck-library/1",`, ""), []string{`no "schema" field`}},
		{"schema not a string", edit(`"threatdeck-library/1"`, `1`), []string{"schema: want a string, got a number"}},
		{"newer schema", edit("threatdeck-library/1", "threatdeck-library/2"), []string{`"threatdeck-library/2"`, "upgrade"}},
		{"model export", edit("threatdeck-library/1", "threatdeck/1"), []string{"model export", "threatdeck import"}},
		{"other schema", edit("threatdeck-library/1", "otm-0.2"), []string{"not a threatdeck library", `"otm-0.2"`}},
		{"unknown top field", edit(`"name":`, `"owner": "x", "name":`), []string{"library: owner: unknown field"}},
		{"wrong case top field", edit(`"name":`, `"Name":`), []string{"Name: unknown field", `did you mean "name"`}},
		{"repeated top field", edit(`"name": "acme payments",`, `"name": "acme payments", "name": "evil",`), []string{"name: the field appears twice"}},
		{"threats not a list", edit(`"threats": [`, `"threats": {"x": [`) + "}", []string{"threats: want a list of"}},
		{"unknown threat field", edit(`"likelihood": 2,`, `"likelihood": 2, "severity": "high",`), []string{"threat 1 (ACME-002): severity: unknown field"}},
		{"misspelt threat field", edit(`"applies_to": ["webhook"]`, `"appliesTo": ["webhook"]`), []string{"threat 0 (ACME-001): appliesTo: unknown field", `did you mean "applies_to"`}},
		{"repeated threat field", edit(`"impact": 4`, `"impact": 4, "impact": 1`), []string{"threat 0 (ACME-001): impact: the field appears twice"}},
		{"likelihood as text", edit(`"likelihood": 3`, `"likelihood": "high"`), []string{"threat 0 (ACME-001): likelihood: want a whole number, got string"}},
		{"fractional impact", edit(`"impact": 5`, `"impact": 4.5`), []string{"threat 1 (ACME-002): impact: want a whole number"}},
		{"mitigations a string", edit(`"mitigations": ["Cap`, `"mitigations": "Cap`, `server side"]`, `server side"`), []string{"threat 1 (ACME-002): mitigations: want a list of strings"}},
		{"threat not an object", edit(`[
    {
      "id": "ACME-001"`, `[ "ACME-000", {
      "id": "ACME-001"`), []string{"threat 0 (no id): want an object, got a string"}},
		{"escape in an unknown key", edit(`"likelihood": 2,`, "\"likelihood\": 2, \"\\u001b[2J\": 1,"), []string{`"\x1b[2J": unknown field`}},
		// Decoded, then refused by Validate, naming entry and field.
		{"kind not allowed", edit(`"applies_to": ["webhook"]`, `"applies_to": ["datastore"]`), []string{"threat 0 (ACME-001): applies_to", `"datastore"`}},
		{"unknown owasp id", edit(`"A07:2021"`, `"A11:2021"`), []string{"threat 0 (ACME-001): owasp_2021", `"A11:2021"`}},
		{"duplicate ids", edit(`"ACME-002"`, `"ACME-001"`), []string{"threat 1 (ACME-001): id: duplicate of threat 0"}},
		{"no mitigation", edit(`["Cap refunds at the captured amount, server side"]`, `[]`), []string{"threat 1 (ACME-002): mitigations: none"}},
		{"escape in id", edit(`"ACME-002"`, `"ACME-\u001b[31m002"`), []string{`threat 1 ("ACME-\x1b[31m002"): id:`, "control characters"}},
		{"id too long", edit(`"ACME-002"`, `"`+strings.Repeat("A", MaxLibraryID+1)+`"`), []string{"id: 65 characters long; the limit is 64"}},
		{"two-line name", edit(`"acme payments"`, `"acme\npayments"`), []string{"library: name: must be one line"}},
		{"escape in version", edit(`"2024.1"`, `"\u001b]0;pwned\u0007"`), []string{"library: version: must be one line"}},
		{"no threats", edit(`"threats": [`, `"threats": [], "x": [`), []string{"x: unknown field"}},
		{"empty threat list", `{"schema": "threatdeck-library/1", "name": "n", "version": "1", "threats": []}`, []string{"library: no threats"}},
		{"null threat", `{"schema": "threatdeck-library/1", "name": "n", "threats": [null]}`, []string{"threat 0 (no id): want an object, got null"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, err := ParseLibrary([]byte(tc.file))
			if err == nil {
				t.Fatalf("accepted: %+v", l)
			}
			if !reflect.DeepEqual(l, Library{}) {
				t.Errorf("half-loaded library returned with the error: %+v", l)
			}
			for _, w := range tc.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\n  does not contain %q", err, w)
				}
			}
			if strings.ContainsRune(err.Error(), 0x1b) {
				t.Errorf("error carries a raw escape: %q", err)
			}
		})
	}
}

// TestParseLibraryReportsEveryBrokenEntry: a team fixes a file in one pass.
func TestParseLibraryReportsEveryBrokenEntry(t *testing.T) {
	file := strings.Replace(teamJSON, `"likelihood": 3`, `"likelihood": "3"`, 1)
	file = strings.Replace(file, `"impact": 5`, `"impact": "5"`, 1)
	_, err := ParseLibrary([]byte(file))
	if err == nil || !strings.Contains(err.Error(), "threat 0 (ACME-001): likelihood") || !strings.Contains(err.Error(), "threat 1 (ACME-002): impact") {
		t.Fatalf("want both entries named, got %v", err)
	}

	var b strings.Builder
	b.WriteString(`{"schema": "threatdeck-library/1", "name": "n", "threats": [`)
	for i := range 30 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"id": "X", "bogus": 1}`)
	}
	b.WriteString("]}")
	_, err = ParseLibrary([]byte(b.String()))
	if err == nil || strings.Count(err.Error(), "bogus: unknown field") != maxLibraryProblems || !strings.Contains(err.Error(), "… and 10 more problems") {
		t.Errorf("problem list not capped at %d: %v", maxLibraryProblems, err)
	}
}

func TestParseLibraryRefusesOversizedFile(t *testing.T) {
	data := make([]byte, MaxLibrarySize+1)
	_, err := ParseLibrary(data)
	if err == nil || !strings.Contains(err.Error(), "the limit is 16777216 (16 MiB)") {
		t.Errorf("oversized file: %v", err)
	}
}

func TestSuggestionLibrariesPutTeamFirst(t *testing.T) {
	team, err := ParseLibrary([]byte(teamJSON))
	if err != nil {
		t.Fatal(err)
	}
	libs := SuggestionLibraries([]Library{team})
	if len(libs) != 2 || libs[0].Name != "acme payments" || libs[1].Name != BuiltinLibrary().Name {
		t.Fatalf("libraries %v", libs)
	}
	if got := SuggestionLibraries(nil); len(got) != 1 || got[0].Name != BuiltinLibrary().Name {
		t.Errorf("without team libraries: %v", got)
	}
}

// FuzzParseLibrary: whatever the bytes, ParseLibrary returns either a
// library that passes Validate and survives export and re-import unchanged,
// or an error with the zero Library, and never panics.
func FuzzParseLibrary(f *testing.F) {
	builtin, err := catalogFS.ReadFile("catalog/library.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(builtin)
	f.Add([]byte(teamJSON))
	for _, s := range []string{
		"", "{}", "null", "[]", `"x"`, "{", teamJSON[:300], teamJSON + "]",
		strings.Replace(teamJSON, `"impact": 4`, `"impact": 9`, 1),
		strings.Replace(teamJSON, `"webhook"`, `"datastore"`, 1),
		strings.Replace(teamJSON, `"name":`, `"NAME":`, 1),
		strings.Replace(teamJSON, `"cwe": ["CWE-294"]`, `"cwe": ["CWE-294"], "cwe": null`, 1),
		strings.Replace(teamJSON, `"threats": [`, `"threats": [null, 1, "x", [], {},`, 1),
		`{"schema":"threatdeck-library/1","name":"\u001b[2J","threats":[{"id":"\u202e"}]}`,
		`{"schema":"threatdeck-library/1","threats":[{"id":"a","likelihood":1e400}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := ParseLibrary(data)
		if err != nil {
			if !reflect.DeepEqual(l, Library{}) {
				t.Fatalf("error %v came with a half-loaded library", err)
			}
			if strings.ContainsRune(err.Error(), 0x1b) {
				t.Fatalf("error carries a raw escape: %q", err)
			}
			return
		}
		if err := l.Validate(); err != nil {
			t.Fatalf("parsed library fails Validate: %v", err)
		}
		out, err := MarshalLibrary(l)
		if err != nil {
			t.Fatalf("parsed library does not export: %v", err)
		}
		back, err := ParseLibrary(out)
		if err != nil {
			t.Fatalf("exported library does not parse: %v", err)
		}
		again, _ := MarshalLibrary(back)
		if !bytes.Equal(out, again) {
			t.Fatal("export, parse, export is not stable")
		}
	})
}

// TestLibraryFormatDocMatchesParser keeps the documentation honest: its
// example parses, and it lists exactly the fields of the format.
func TestLibraryFormatDocMatchesParser(t *testing.T) {
	start, end := strings.Index(LibraryFormat, "{"), strings.Index(LibraryFormat, "\nLibrary fields:")
	if _, err := ParseLibrary([]byte(LibraryFormat[start:end])); err != nil {
		t.Errorf("the documented example does not parse: %v", err)
	}
	section := func(title, next string) map[string]bool {
		body := LibraryFormat[strings.Index(LibraryFormat, title)+len(title):]
		if next != "" {
			body = body[:strings.Index(body, next)]
		}
		got := map[string]bool{}
		for line := range strings.Lines(body) {
			if field, _, ok := strings.Cut(strings.TrimPrefix(line, "  "), "  "); ok && strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "   ") {
				got[field] = true
			}
		}
		return got
	}
	if got := section("Library fields:\n", "Threat fields:"); !reflect.DeepEqual(got, libraryFields()) {
		t.Errorf("documented library fields %v, format has %v", got, libraryFields())
	}
	if got := section("Threat fields:\n", "Reading is strict"); !reflect.DeepEqual(got, threatFields()) {
		t.Errorf("documented threat fields %v, format has %v", got, threatFields())
	}
	for _, v := range LibraryVectors {
		if !strings.Contains(LibraryFormat, `"`+v+`"`) {
			t.Errorf("vector %q is not documented", v)
		}
	}
	for _, k := range ElementKinds {
		if k != KindTrustBoundary && !strings.Contains(LibraryFormat, string(k)) {
			t.Errorf("kind %q is not documented", k)
		}
	}
}

// TestParseLibraryReportsDecodeAndRuleProblemsTogether: a threat that does
// not decode does not hide a rule broken by another.
func TestParseLibraryReportsDecodeAndRuleProblemsTogether(t *testing.T) {
	file := strings.Replace(teamJSON, `"likelihood": 3`, `"likelihood": "3"`, 1)
	file = strings.Replace(file, `"applies_to": ["api", "admin"]`, `"applies_to": ["datastore", "admin"], "category": "spoofing"`, 1)
	file = strings.Replace(file, `"category": "tampering",`, "", 1)
	_, err := ParseLibrary([]byte(file))
	if err == nil {
		t.Fatal("accepted")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "threat 0 (ACME-001): likelihood") || !strings.HasPrefix(lines[1], `threat 1 (ACME-002): applies_to: kind "datastore"`) {
		t.Errorf("problems %q", lines)
	}
}

// TestLibraryFormatListsEveryTrait: the documented trait list is the
// model's, so a new trait cannot go undocumented.
func TestLibraryFormatListsEveryTrait(t *testing.T) {
	list := LibraryFormat[strings.Index(LibraryFormat, "Traits: "):strings.Index(LibraryFormat, "Reading is strict")]
	words := strings.FieldsFunc(list, func(r rune) bool {
		return r == ',' || r == ' ' || r == '\n' || r == '(' || r == ')' || r == '.' || r == ':'
	})
	for _, tr := range Traits {
		if !slices.Contains(words, string(tr)) {
			t.Errorf("trait %q is not documented in LibraryFormat", tr)
		}
	}
}
