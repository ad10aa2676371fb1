package tui

import (
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

// richModel is bigModel with what real threats carry: a description of a
// few sentences and two mitigations each, which the text filter searches.
func richModel(b *testing.B) *model.Model {
	m := bigModel(b)
	for i := range m.Threats {
		t := &m.Threats[i]
		t.Description = "An attacker who controls a partner account replays signed webhook calls " +
			"against the settlement service " + itoa(i) + ", so refunds are paid twice and the ledger drifts."
		t.Mitigations = []model.Mitigation{
			{ID: model.FormatID(model.PrefixMitigation, 2*i+1), Description: "Reject webhook calls older than five minutes", Status: model.MitigationPlanned},
			{ID: model.FormatID(model.PrefixMitigation, 2*i+2), Description: "Keep a nonce per call and refuse repeats", Status: model.MitigationImplemented},
		}
	}
	return m
}

// BenchmarkFirstTextFilterRich is BenchmarkFirstTextFilter on threats with
// descriptions and mitigations; FilterKeystrokeRich is each later
// keystroke, once the index is built.
func BenchmarkFirstTextFilterRich(b *testing.B) {
	m := richModel(b)
	for b.Loop() {
		x := newThreatIndex()
		x.setFilter(threatFilter{text: "cred"})
		x.ensure(m)
	}
}

func BenchmarkFilterKeystrokeRich(b *testing.B) {
	m := richModel(b)
	x := newThreatIndex()
	x.setFilter(threatFilter{text: "x"})
	x.ensure(m)
	qs := []string{"nonce", "nonce per", "nonce pe"}
	i := 0
	for b.Loop() {
		x.setFilter(threatFilter{text: qs[i%len(qs)]})
		x.ensure(m)
		i++
	}
}
