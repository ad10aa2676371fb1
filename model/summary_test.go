package model

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// rawModel builds a model straight from records, as the store reads one
// before Normalize: some of everything, done or not by the seed.
func rawModel(r *rand.Rand) *Model {
	m := &Model{}
	pick := func(s ...string) string { return s[r.IntN(len(s))] }
	m.Overview = Overview{Title: pick("", "T"), Owner: pick("", "O"), Summary: pick("", "S"), Scope: pick("", "x"),
		Edition: Edition(pick("", "2021", "2025", "1999")), Updated: time.Unix(r.Int64N(1e9), 0).UTC()}
	m.Sections = Sections{IncidentResponse: pick("", " ", "call"), References: pick("", "ASVS")}
	for i := range r.IntN(4) {
		m.Assets = append(m.Assets, Asset{ID: FormatID(PrefixAsset, i+1), Description: pick("", "d")})
	}
	for i := range r.IntN(3) {
		m.Actors = append(m.Actors, Actor{ID: FormatID(PrefixActor, i+1), Description: pick("", "d")})
	}
	for i := range r.IntN(3) {
		m.Surface = append(m.Surface, SurfaceElement{ID: FormatID(PrefixSurface, i+1), Description: pick("", "d")})
	}
	for i := range r.IntN(6) {
		th := Threat{ID: FormatID(PrefixThreat, i+1), Status: ThreatStatus(pick("", string(StatusOpen), string(StatusMitigated)))}
		if r.IntN(2) == 0 {
			th.Mitigations = []Mitigation{{ID: "M-1"}}
		}
		m.Threats = append(m.Threats, th)
	}
	for _, c := range StrideCategories {
		if r.IntN(2) == 0 {
			m.Stride = append(m.Stride, StrideReview{Category: c, Reviewed: r.IntN(2) == 0})
		}
	}
	for _, e := range Editions {
		for _, it := range OWASPCatalog(e) {
			if r.IntN(3) == 0 {
				m.Checklists = append(m.Checklists, CheckItem{ID: it.ID, List: ChecklistKind(pick(string(ListOWASP), string(ListOWASP), string(ListControls))), State: ItemState(pick(string(NotAssessed), string(StateDone), string(StateGap)))})
			}
		}
	}
	for i := range r.IntN(5) {
		m.Checklists = append(m.Checklists, CheckItem{ID: fmt.Sprintf("CK-%d", i), List: ChecklistKind(pick(string(ListControls), string(ListTesting), string(ListCompliance), string(ListOWASP))), State: ItemState(pick(string(NotAssessed), string(StateNA)))})
	}
	return m
}

func TestTallyMatchesSummarize(t *testing.T) {
	for seed := range uint64(500) {
		raw := rawModel(rand.New(rand.NewPCG(seed, 1)))
		tl := TallyOf(raw)
		// The same records counted in one by one, and some counted out.
		added := NewTally()
		for _, rec := range raw.Records() {
			added.Add(rec.Kind, rec.Value, 1)
		}
		extra := Threat{ID: "T-999", Status: StatusOpen}
		added.Add(RecThreat, &extra, 1)
		added.Add(RecThreat, extra, -1)
		norm := *raw
		norm.Normalize()
		want := norm.Summarize()
		for name, got := range map[string]Tally{"TallyOf": tl, "Add": added} {
			if !got.Exact() {
				t.Fatalf("seed %d: %s not exact", seed, name)
			}
			if s := got.Summary(); s != want {
				t.Fatalf("seed %d: %s summary %+v, Summarize %+v", seed, name, s, want)
			}
		}
	}
}

func TestTallyOfUndecidableStride(t *testing.T) {
	tl := NewTally()
	tl.Add(RecStride, StrideReview{Category: Spoofing, Reviewed: true}, 1)
	if !tl.Exact() {
		t.Fatal("one review per category is exact")
	}
	tl.Add(RecStride, StrideReview{Category: Spoofing}, 1)
	if tl.Exact() {
		t.Fatal("two reviews of one category, one reviewed, cannot be decided")
	}
}

// TestTallyVersionPinsCompletion fails when what the completion is made
// of changes, until TallyVersion (and this pin) are updated with it, so
// stored tallies of the old meaning are rebuilt.
func TestTallyVersionPinsCompletion(t *testing.T) {
	var b strings.Builder
	fmt.Fprintln(&b, AllSections, StrideCategories, ChecklistKinds, Editions)
	for _, e := range Editions {
		for _, it := range OWASPCatalog(e) {
			fmt.Fprintln(&b, it.ID)
		}
	}
	for _, rs := range ReportSections {
		fmt.Fprintln(&b, rs.Key)
	}
	sum := sha256.Sum256([]byte(b.String()))
	got := fmt.Sprintf("%d %s", TallyVersion, hex.EncodeToString(sum[:8]))
	if want := "1 6b9fa86eed16a6ad"; got != want {
		t.Fatalf("completion inputs changed: bump TallyVersion and set the pin to %q", got)
	}
}
