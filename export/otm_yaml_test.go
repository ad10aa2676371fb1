package export_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
)

// The OTM sample, written out as YAML, imports to the very model the JSON
// file gives, by detection and by --format otm.
func TestOTMYAMLImportsLikeJSON(t *testing.T) {
	const name = "otm/mobile-cloud.otm.json"
	data := interopFile(t, name)
	want, err := export.ImportForeign(data, name, export.FormatOTM, model.ExampleDate)
	if err != nil {
		t.Fatal(err)
	}
	var tree any // numbers as float64, which YAML writes as numbers
	if err := json.Unmarshal(data, &tree); err != nil {
		t.Fatal(err)
	}
	asYAML, err := yaml.Marshal(tree)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		how    string
		format export.Format
	}{{"detected", ""}, {"named", export.FormatOTM}} {
		got, err := export.ImportForeign(asYAML, "mobile-cloud.otm.yaml", tc.format, model.ExampleDate)
		if err != nil {
			t.Fatalf("%s: %v", tc.how, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the YAML imports to another model than the JSON", tc.how)
		}
	}
	if m, err := export.Import(asYAML, "mobile-cloud.otm.yaml"); err != nil || len(m.Threats) != len(want.Threats) {
		t.Errorf("Import: %v", err)
	}
}

// A hand-written OTM file uses what people write in YAML: comments, block
// text, anchors and aliases, YAML's own numbers.
func TestOTMYAMLHandWritten(t *testing.T) {
	const doc = `# Payments, written by hand
otmVersion: 0.2.0
project:
  name: Payments API
  id: payments
  description: |
    Card payments for the shop.
    Two lines.
trustZones:
  - id: internet
    name: Internet
    risk: {trustRating: 0x0A}
components:
  - &api
    id: api
    name: Public API
    type: web-service
    parent: {trustZone: internet}
    threats:
      - threat: replay
        state: expose
        mitigations: [{mitigation: nonce, state: required}]
threats:
  - id: replay
    name: Replayed payment request
    categories: [Spoofing]
    risk: {likelihood: 80, impact: 1_00}
mitigations:
  - id: nonce
    name: Single-use nonce per request
    riskReduction: 50
`
	m, err := export.Import([]byte(doc), "payments.otm.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if m.Overview.Title != "Payments API" || !strings.Contains(m.Overview.Summary, "Card payments for the shop.\nTwo lines.") {
		t.Errorf("overview %+v", m.Overview)
	}
	if len(m.Threats) != 1 || m.Threats[0].Title != "Replayed payment request" || m.Threats[0].Category != model.Spoofing {
		t.Fatalf("threats %+v", m.Threats)
	}
	th := m.Threats[0]
	if th.Impact != model.MaxRating || len(th.Mitigations) != 1 || th.Mitigations[0].Description != "Single-use nonce per request" {
		t.Errorf("threat %+v", th)
	}
}

func TestOTMYAMLErrors(t *testing.T) {
	laughs := "otmVersion: 0.2.0\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g"} {
		laughs += n + ": &" + n + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n"
		prev = n
	}
	deep := "otmVersion: 0.2.0\nproject: " + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "\n"
	for _, tc := range []struct {
		name, doc, want string
	}{
		{"broken YAML", "otmVersion: 0.2.0\nproject:\n  name: [unclosed\n", "is not valid YAML: line"},
		{"a list as a key", "otmVersion: 0.2.0\n? [a, b]\n: value\n", "YAML line 2: a mapping key must be a plain value"},
		{"not a number", "otmVersion: 0.2.0\nthreats:\n  - id: t\n    risk: {likelihood: .nan}\n", "YAML line 4"},
		{"billion laughs", laughs, "expands to more than"},
		{"too deep", deep, "nested more than 64 levels"},
		{"too big", "otmVersion: 0.2.0\n" + strings.Repeat("# padding\n", export.MaxYAMLBytes/10+1), "threatdeck imports YAML files up to 16 MiB"},
		{"not OTM inside", "otmVersion: 0.2.0\nproject: just a string\n", "otm.yaml: $.project"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := export.Import([]byte(tc.doc), "bad.otm.yaml")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error saying %q", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "internal error") {
				t.Errorf("a panic was caught: %v", err)
			}
		})
	}
}

// FuzzOTMYAML: any text with an otmVersion line imports or fails with an
// error, never a panic (which Import would report as an internal error).
func FuzzOTMYAML(f *testing.F) {
	f.Add([]byte("otmVersion: 0.2.0\nproject: {name: P, id: p}\n"))
	f.Add([]byte("otmVersion: 0.2.0\nx: &a [*a]\n"))
	f.Add([]byte("otmVersion: 0.2.0\nthreats: [{id: t, name: T, risk: {likelihood: 1e400}}]\n"))
	f.Add([]byte("\xef\xbb\xbfotmVersion : 1\n--- \n...\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := export.Import(data, "fuzz.otm.yaml")
		if err != nil {
			if strings.Contains(err.Error(), "internal error") {
				t.Fatalf("panic on %q: %v", data, err)
			}
			return
		}
		if _, err := json.Marshal(m); err != nil {
			t.Fatalf("imported model does not marshal: %v", err)
		}
	})
}
