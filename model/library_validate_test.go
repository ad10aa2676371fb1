package model

import (
	"fmt"
	"strings"
	"testing"
)

// goodThreat is a minimal threat that passes every rule.
func goodThreat(id string) LibraryThreat {
	return LibraryThreat{
		ID:          id,
		Title:       "Credential stuffing",
		Category:    Spoofing,
		AppliesTo:   []ElementKind{KindAuth, KindExternalEntity},
		Description: "Leaked passwords replayed against our login.",
		Mitigations: []string{"Rate limiting on auth endpoints"},
		OWASP2025:   []string{"A07:2025"},
		OWASP2021:   []string{"A07:2021"},
		CWE:         []string{"CWE-307"},
		CAPEC:       []string{"CAPEC-600"},
		Vector:      "Authentication & Authorization",
		Likelihood:  4,
		Impact:      4,
	}
}

func goodLibrary() Library {
	return Library{Schema: LibrarySchema, Name: "team", Version: "1", Threats: []LibraryThreat{goodThreat("X-1"), goodThreat("X-2")}}
}

func TestValidateAcceptsGoodLibraries(t *testing.T) {
	if err := goodLibrary().Validate(); err != nil {
		t.Fatalf("good library rejected: %v", err)
	}
	// Mappings are optional for team libraries.
	l := goodLibrary()
	l.Threats[0].OWASP2025, l.Threats[0].OWASP2021, l.Threats[0].CWE, l.Threats[0].CAPEC = nil, nil, nil, nil
	if err := l.Validate(); err != nil {
		t.Fatalf("library without optional mappings rejected: %v", err)
	}
}

func TestValidateRejectsBrokenLibraries(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(l *Library)
		wants []string // substrings that must all appear in the error
	}{
		{"wrong schema", func(l *Library) { l.Schema = "threatdeck-library/0" }, []string{"schema"}},
		{"no name", func(l *Library) { l.Name = " " }, []string{"name is empty"}},
		{"no threats", func(l *Library) { l.Threats = nil }, []string{"no threats"}},
		{"empty id", func(l *Library) { l.Threats[1].ID = "" }, []string{"threat 1 (no id)", "id: empty"}},
		{"id with space", func(l *Library) { l.Threats[0].ID = "X 1" }, []string{"threat 0", "whitespace"}},
		{"duplicate id", func(l *Library) { l.Threats[1].ID = "X-1" }, []string{"threat 1 (X-1)", "duplicate of threat 0"}},
		{"no title", func(l *Library) { l.Threats[0].Title = "" }, []string{"threat 0 (X-1)", "title: empty"}},
		{"no description", func(l *Library) { l.Threats[0].Description = "" }, []string{"description: empty"}},
		{"bad category", func(l *Library) { l.Threats[0].Category = "spoof" }, []string{"category", `"spoof"`}},
		{"no kinds", func(l *Library) { l.Threats[0].AppliesTo = nil }, []string{"applies_to: empty"}},
		{"unknown kind", func(l *Library) { l.Threats[0].AppliesTo = []ElementKind{"mainframe"} }, []string{"applies_to", `"mainframe"`}},
		{"spoofing a datastore", func(l *Library) { l.Threats[0].AppliesTo = []ElementKind{KindDataStore} }, []string{"threat 0 (X-1)", "applies_to", `"datastore"`}},
		{"elevation on a third party", func(l *Library) {
			l.Threats[1].Category = ElevationOfPrivilege
			l.Threats[1].AppliesTo = []ElementKind{KindAPI, KindThirdParty}
		}, []string{"threat 1 (X-2)", `"third-party"`}},
		{"elevation on a data flow", func(l *Library) {
			l.Threats[0].Category = ElevationOfPrivilege
			l.Threats[0].AppliesTo = []ElementKind{KindDataFlow}
		}, []string{`"dataflow"`}},
		{"trust boundary", func(l *Library) { l.Threats[0].AppliesTo = []ElementKind{KindTrustBoundary} }, []string{`"trust-boundary"`}},
		{"unknown trait", func(l *Library) { l.Threats[0].Requires = []Trait{"telepathy"} }, []string{"threat 0 (X-1)", "requires", `"telepathy"`}},
		{"unknown any-of trait", func(l *Library) { l.Threats[0].RequiresAny = []Trait{TraitSQL, "mainframe"} }, []string{"requires", `"mainframe"`}},
		{"unknown exposure", func(l *Library) { l.Threats[1].Exposure = []Exposure{"moon"} }, []string{"threat 1 (X-2)", "exposure", `"moon"`}},
		{"callers both", func(l *Library) { l.Threats[0].Callers = []Callers{CallersBoth} }, []string{"callers", `"both"`, "people, services or none"}},
		{"no mitigation", func(l *Library) { l.Threats[0].Mitigations = nil }, []string{"mitigations: none"}},
		{"blank mitigation", func(l *Library) { l.Threats[0].Mitigations = []string{"MFA", "  "} }, []string{"mitigations: entry 2 is blank"}},
		{"escape in mitigation", func(l *Library) { l.Threats[0].Mitigations = []string{"MFA \x1b[31mnow"} }, []string{"mitigations: entry 1", "control characters"}},
		{"two-line title", func(l *Library) { l.Threats[0].Title = "Credential\nstuffing" }, []string{"title: must be one line"}},
		{"title too long", func(l *Library) { l.Threats[0].Title = strings.Repeat("x", MaxTitle+1) }, []string{"title:", "the limit is 200"}},
		{"bidi override in description", func(l *Library) { l.Threats[0].Description = "abc\u202edef" }, []string{"description: contains control characters"}},
		{"description too long", func(l *Library) { l.Threats[0].Description = strings.Repeat("x", MaxText+1) }, []string{"description: 65537 bytes", "limit is 65536"}},
		{"unknown owasp id", func(l *Library) { l.Threats[0].OWASP2025 = []string{"A11:2025"} }, []string{"owasp_2025", `"A11:2025"`}},
		{"owasp id of the other edition", func(l *Library) { l.Threats[0].OWASP2021 = []string{"A07:2025"} }, []string{"owasp_2021", "edition 2025"}},
		{"malformed cwe", func(l *Library) { l.Threats[0].CWE = []string{"CWE89"} }, []string{"cwe", `"CWE89"`}},
		{"cwe zero", func(l *Library) { l.Threats[0].CWE = []string{"CWE-0"} }, []string{"cwe"}},
		{"malformed capec", func(l *Library) { l.Threats[0].CAPEC = []string{"capec-66"} }, []string{"capec", `"capec-66"`}},
		{"unknown vector", func(l *Library) { l.Threats[0].Vector = "Physical" }, []string{"vector", `"Physical"`}},
		{"likelihood 0", func(l *Library) { l.Threats[0].Likelihood = 0 }, []string{"likelihood: 0"}},
		{"impact 6", func(l *Library) { l.Threats[1].Impact = 6 }, []string{"threat 1", "impact: 6"}},
		{"several problems joined", func(l *Library) {
			l.Threats[0].Title = ""
			l.Threats[1].Impact = 9
		}, []string{"threat 0 (X-1): title", "threat 1 (X-2): impact"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := goodLibrary()
			tc.edit(&l)
			err := l.Validate()
			if err == nil {
				t.Fatal("Validate returned nil for a broken library")
			}
			for _, w := range tc.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestValidateCapsProblems(t *testing.T) {
	l := goodLibrary()
	l.Threats = nil
	for i := range 50 {
		th := goodThreat(fmt.Sprintf("X-%d", i))
		th.Title = ""
		l.Threats = append(l.Threats, th)
	}
	err := l.Validate()
	if err == nil {
		t.Fatal("Validate returned nil")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != maxLibraryProblems+1 {
		t.Errorf("got %d lines, want %d problems plus a summary", len(lines), maxLibraryProblems)
	}
	if last := lines[len(lines)-1]; !strings.Contains(last, "30 more") {
		t.Errorf("summary line %q does not count the 30 problems left out", last)
	}
}

func TestKindAllows(t *testing.T) {
	tests := []struct {
		kind ElementKind
		cat  Stride
		want bool
	}{
		{KindAPI, ElevationOfPrivilege, true},
		{KindWebhook, Spoofing, true},
		{KindThirdParty, Spoofing, true},
		{KindThirdParty, Repudiation, true},
		{KindThirdParty, Tampering, true},
		{KindThirdParty, DenialOfService, true},
		{KindThirdParty, ElevationOfPrivilege, false},
		{KindExternalEntity, InformationDisclosure, false},
		{KindDataStore, Repudiation, true},
		{KindDataStore, Spoofing, false},
		{KindDataFlow, DenialOfService, true},
		{KindDataFlow, Repudiation, false},
		{KindTrustBoundary, Tampering, false},
		{"nonsense", Tampering, false},
	}
	for _, tc := range tests {
		if got := KindAllows(tc.kind, tc.cat); got != tc.want {
			t.Errorf("KindAllows(%s, %s) = %v, want %v", tc.kind, tc.cat, got, tc.want)
		}
	}
}

func TestIDPatterns(t *testing.T) {
	for id, want := range map[string]bool{"CWE-89": true, "CWE-1395": true, "CWE-0": false, "CWE-089": false, "cwe-89": false, "CWE-": false, "CWE-89 ": false} {
		if got := ValidCWEID(id); got != want {
			t.Errorf("ValidCWEID(%q) = %v, want %v", id, got, want)
		}
	}
	for id, want := range map[string]bool{"CAPEC-66": true, "CAPEC-0": false, "CAPEC-x": false, "CWE-66": false} {
		if got := ValidCAPECID(id); got != want {
			t.Errorf("ValidCAPECID(%q) = %v, want %v", id, got, want)
		}
	}
}
