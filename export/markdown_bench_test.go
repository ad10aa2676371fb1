package export

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

// bigModel generates a valid model of the given size, deterministically:
// realistic text lengths, 1–3 assets, 1–2 surface elements and actors and
// 1–3 mitigations (drawn from a shared pool, so groups de-duplicate) per
// threat. It is built directly for speed; ParseJSON accepting its export
// (TestJSONRoundTrip) proves it valid.
func bigModel(threats, assets, surface int) *model.Model {
	rng := rand.New(rand.NewPCG(1, 2))
	now := model.ExampleDate
	m, err := model.New("Large platform threat model", "Platform Security", now)
	if err != nil {
		panic(err)
	}
	m.Overview.Summary = "A generated model for benchmarks: many threats over many assets and surface elements."
	m.Overview.Scope = "Everything the platform runs."
	m.Seq = map[string]int{}
	next := func(prefix string) string { m.Seq[prefix]++; return model.FormatID(prefix, m.Seq[prefix]) }
	for i := range assets {
		m.Assets = append(m.Assets, model.Asset{ID: next(model.PrefixAsset), Name: fmt.Sprintf("Customer data store %d", i+1),
			Description: "Personal information, credentials and billing history for one region", Sensitivity: model.Sensitivities[i%4]})
	}
	for i := range 50 {
		m.Actors = append(m.Actors, model.Actor{ID: next(model.PrefixActor), Name: fmt.Sprintf("Actor group %d", i+1),
			Description: "Organised attackers with tooling", Motivation: "Financial gain", Capability: model.Levels[i%3], Kind: model.ActorKinds[i%2], Risk: model.Levels[(i+1)%3]})
	}
	zones := []string{"Internet", "DMZ", "Private network", "Admin network (VPN)"}
	for i := range surface {
		m.Surface = append(m.Surface, model.SurfaceElement{ID: next(model.PrefixSurface), Name: fmt.Sprintf("Service endpoint %d", i+1),
			Kind: model.ElementKinds[i%9], TrustZone: zones[i%len(zones)], Description: "Public HTTPS endpoint behind the gateway, validated with schemas"})
	}
	// Data flows between neighbours, for the report's diagram.
	for i := 0; i+1 < surface; i += 4 {
		from, to := m.Surface[i].ID, m.Surface[i+1].ID
		m.Surface = append(m.Surface, model.SurfaceElement{ID: next(model.PrefixSurface), Name: fmt.Sprintf("Flow %d", i/4+1),
			Kind: model.KindDataFlow, TrustZone: zones[i%len(zones)], Source: from, Target: to, Description: "HTTPS with mutual TLS"})
	}
	vectors := []string{"Authentication & Authorization", "API Security", "Data Protection", "Client Security", "Infrastructure", "Supply Chain", "Monitoring", ""}
	titles := []string{"Credential stuffing", "SQL injection through search", "JWT replay", "Mass assignment on profile update", "Scraping of listings",
		"Log exposure of tokens", "Backup bucket made public", "Container escape", "Exposed admin console", "Cross-site scripting in comments"}
	mitigations := make([]string, 60)
	for i := range mitigations {
		mitigations[i] = fmt.Sprintf("Mitigation measure %d: rate limiting, validation | logging <and> review", i+1)
	}
	owasp := model.OWASPCatalog(model.OWASP2025)
	pick := func(list []string, n int) []string {
		out := make([]string, 0, n)
		for len(out) < n {
			id := list[rng.IntN(len(list))]
			if !hasID(out, id) {
				out = append(out, id)
			}
		}
		return out
	}
	ids := func(n int, prefix string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = model.FormatID(prefix, i+1)
		}
		return out
	}
	assetIDs, surfaceIDs, actorIDs := ids(assets, model.PrefixAsset), ids(surface, model.PrefixSurface), ids(50, model.PrefixActor)
	for i := range threats {
		t := model.Threat{
			ID: next(model.PrefixThreat), Title: fmt.Sprintf("%s #%d", titles[i%len(titles)], i+1),
			Description: "An attacker abuses the endpoint to read or change data they should not see, using automated tooling and stolen credentials.",
			Category:    model.StrideCategories[rng.IntN(6)], Vector: vectors[rng.IntN(len(vectors))],
			Assets: pick(assetIDs, 1+rng.IntN(3)), Surface: pick(surfaceIDs, 1+rng.IntN(2)), Actors: pick(actorIDs, 1+rng.IntN(2)),
			Likelihood: 1 + rng.IntN(5), Impact: 1 + rng.IntN(5), Status: model.ThreatStatuses[rng.IntN(5)],
		}
		if len(owasp) > 0 {
			t.OWASP = []string{owasp[rng.IntN(len(owasp))].ID}
		}
		for _, d := range pick(mitigations, 1+rng.IntN(3)) {
			t.Mitigations = append(t.Mitigations, model.Mitigation{ID: next(model.PrefixMitigation), Description: d, Status: model.MitigationStatuses[rng.IntN(4)]})
		}
		m.Threats = append(m.Threats, t)
	}
	for i := range m.Stride {
		m.Stride[i].Reviewed, m.Stride[i].Example, m.Stride[i].Mitigation = true, "Example", "Mitigation"
	}
	m.Normalize()
	return m
}

func hasID(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// BenchmarkMarkdown renders a 10,000-threat model (500 assets, 200
// surface elements and 50 data flows), its data-flow diagram and risk map
// included. Target: < 100 ms and < 64 MB allocated per report.
func BenchmarkMarkdown(b *testing.B) {
	m := bigModel(10000, 500, 200)
	b.ReportAllocs()
	var size int
	for b.Loop() {
		size = len(Markdown(m))
	}
	b.ReportMetric(float64(size)/(1<<20), "MiB/report")
}
