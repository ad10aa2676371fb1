package store

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/threatdeck/threatdeck/model"
)

var t0 = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

// tick returns successive fixed times, so edits get distinct stamps.
func tick() func() time.Time {
	n := 0
	return func() time.Time { n++; return t0.Add(time.Duration(n) * time.Minute) }
}

// must fails the test when a mutator returns an error.
func must(t testing.TB) func(model.Change, error) model.Change {
	return func(ch model.Change, err error) model.Change {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return ch
	}
}

// richModel builds a model touching every record kind, through the
// mutators, so a round trip exercises the whole encoding.
func richModel(t testing.TB, title string) *model.Model {
	t.Helper()
	now := tick()
	m, err := model.New(title, "Platform security", t0)
	if err != nil {
		t.Fatal(err)
	}
	o := m.Overview
	o.Summary = "Customers log in & pay; \"quotes\", <tags>, ünïcode ✓."
	o.Scope = "Mobile app and API"
	o.Participants = []string{"Ana", "Bo"}
	o.Status = model.ReviewInReview
	must(t)(m.PutOverview(o, now()))
	must(t)(m.SetEdition(model.OWASP2021, now()))
	must(t)(m.PutAsset(model.Asset{Name: "Customer PII", Description: "Names and addresses", Sensitivity: model.Restricted}, now()))
	must(t)(m.PutAsset(model.Asset{Name: "Session tokens", Description: "JWTs", Sensitivity: model.Confidential}, now()))
	must(t)(m.PutActor(model.Actor{Name: "Fraudster", Description: "Buys stolen cards", Motivation: "money", Capability: model.Medium, Kind: model.External, Risk: model.High}, now()))
	must(t)(m.PutElement(model.SurfaceElement{Name: "Login API", Kind: model.KindAPI, Description: "POST /login", TrustZone: "internet"}, now()))
	must(t)(m.PutElement(model.SurfaceElement{Name: "Orders DB", Kind: model.KindDataStore, Description: "Postgres", TrustZone: "private"}, now()))
	must(t)(m.PutThreat(model.Threat{
		Title: "Credential stuffing", Description: "Reused passwords\nfrom other breaches", Category: model.Spoofing,
		Vector: "Authentication & Authorization", Assets: []string{"AS-001", "AS-002"}, Surface: []string{"SE-001"}, Actors: []string{"TA-001"},
		OWASP: []string{"A07:2021"}, Likelihood: 4, Impact: 4, Status: model.StatusOpen,
		Mitigations: []model.Mitigation{{Description: "Rate limiting", Status: model.MitigationImplemented}, {Description: "MFA", Status: model.MitigationPlanned}},
	}, now()))
	must(t)(m.PutThreat(model.Threat{Title: "SQL injection", Category: model.Tampering, Likelihood: 2, Impact: 5, Status: model.StatusMitigated, Surface: []string{"SE-002"}}, now()))
	must(t)(m.PutStride(model.StrideReview{Category: model.Repudiation, Reviewed: true, Note: "considered: none apply because audit log", Example: "Deny order", Mitigation: "Signed logs"}, now()))
	must(t)(m.PutCheck(model.CheckItem{List: model.ListControls, Group: "Custom", Title: "Pen test yearly", State: model.StatePlanned, Threats: []string{"T-001"}}, now()))
	if ci, ok := m.Check("A01:2021"); ok {
		ci.State, ci.Note = model.StateGap, "no RBAC tests"
		must(t)(m.PutCheck(ci, now()))
	}
	must(t)(m.PutSections(model.Sections{IncidentResponse: "1. Page on-call\n2. Rotate keys", RelatedDocs: "- [ADR 7](adr/7.md)", References: "OWASP ASVS"}, now()))
	must(t)(m.PutParking(model.ParkingItem{Text: "Do we log card numbers?"}, now()))
	must(t)(m.Dismiss("lib.spoofing.phishing", now()))
	m.SetExtension("threat-dragon", []byte(`{"cells":[{"id":"x","pos":{"x":1,"y":2}}]}`), now())
	return m
}

// newStore opens a fresh workbook in a temporary directory.
func newStore(t testing.TB) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "wb", "workbook.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// readFile returns a file's bytes, failing the test if it cannot.
func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
