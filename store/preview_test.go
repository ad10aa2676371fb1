package store

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

// rows projects a loaded model's threats to what a preview holds, its
// lists normalized as a load leaves them.
func rows(m *model.Model) []model.Threat {
	var slab mitSlab
	out := &model.Model{Threats: make([]model.Threat, len(m.Threats))}
	for i, t := range m.Threats {
		out.Threats[i] = threatRow(t, &slab)
	}
	out.Normalize()
	return out.Threats
}

// A preview is the loaded model with its threats cut down to their rows:
// every other record the same, every row field the same.
func TestPreviewIsLoadsRows(t *testing.T) {
	due := func(t testing.TB) *model.Model {
		m := richModel(t, "Due dates")
		th := m.Threats[0]
		th.Mitigations = append(th.Mitigations, model.Mitigation{Description: "Rotate keys", Status: model.MitigationInProgress, Due: "2025-01-31", Owner: "ops"},
			model.Mitigation{Description: "Done long ago", Status: model.MitigationImplemented, Due: "2024-01-01"})
		must(t)(m.PutThreat(th, t0))
		return m
	}
	full := func(t testing.TB) *model.Model {
		m := richModel(t, "Every field")
		th := fullThreat(t.(*testing.T))
		th.ID = "T-900"
		m.Threats = append(m.Threats, th)
		return m
	}
	many := func(t testing.TB) *model.Model {
		m := richModel(t, "Split decode")
		for i := range 40 {
			must(t)(m.PutThreat(model.Threat{Title: "Threat", Category: model.StrideCategories[i%6], Likelihood: i%5 + 1, Impact: 3,
				Mitigations: slices.Repeat([]model.Mitigation{{Description: "Rate limiting"}}, i%4)}, t0))
		}
		return m
	}
	empty := func(t testing.TB) *model.Model {
		m, err := model.New("Empty", "", t0)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	old := parallelDecodeMin
	parallelDecodeMin = 4 // split the buckets across decoders
	t.Cleanup(func() { parallelDecodeMin = old })
	for name, build := range map[string]func(testing.TB) *model.Model{"rich": richModel2, "due": due, "full": full, "many": many, "empty": empty} {
		t.Run(name, func(t *testing.T) {
			s := newStore(t)
			id, err := s.Create(build(t))
			if err != nil {
				t.Fatal(err)
			}
			loaded, err := s.Load(id)
			if err != nil {
				t.Fatal(err)
			}
			pre, err := s.Preview(id)
			if err != nil {
				t.Fatal(err)
			}
			if want := rows(loaded); !reflect.DeepEqual(pre.Threats, want) {
				t.Fatalf("preview threats\n%+v\nwant\n%+v", pre.Threats, want)
			}
			for i := range pre.Threats {
				if pre.Threats[i].Risk() != loaded.Threats[i].Risk() || pre.Threats[i].Treated() != loaded.Threats[i].Treated() {
					t.Fatalf("threat %s: risk or treatment differs", pre.Threats[i].ID)
				}
			}
			if !reflect.DeepEqual(pre.Completion(), loaded.Completion()) {
				t.Fatalf("completion %v, want %v", pre.Completion(), loaded.Completion())
			}
			pre.Threats, loaded.Threats = nil, nil
			if !reflect.DeepEqual(pre, loaded) {
				t.Fatalf("preview\n%+v\nwant\n%+v", pre, loaded)
			}
		})
	}
}

func richModel2(t testing.TB) *model.Model { return richModel(t, "Rich") }

// A model that does not load does not preview either, with the same error.
func TestPreviewMissing(t *testing.T) {
	s := newStore(t)
	_, errLoad := s.Load("7")
	_, errPre := s.Preview("7")
	if errLoad == nil || errPre == nil || errLoad.Error() != errPre.Error() {
		t.Fatalf("preview error %v, load error %v", errPre, errLoad)
	}
}

// FuzzDecodeThreatRow checks the row decoder against encoding/json:
// whatever encoding/json decodes, the record decoder's row of it is the
// row of encoding/json's threat.
func FuzzDecodeThreatRow(f *testing.F) {
	m := richModel(f, "Fuzz")
	for _, th := range m.Threats {
		data, _ := json.Marshal(th)
		f.Add(data)
	}
	f.Add([]byte(`{"id":"T-1","title":"a\u00e9\ud83d\ude00\/\b\f\r","description":"\u0041\n\"q\"","likelihood":-0,"assets":null,"mitigations":[{"id":"M-1","due":"2025-01-01","status":"planned"}]}`))
	f.Add([]byte(`{"id":"T-2","created_at":"2025-06-02T10:00:00Z","risk_vote":{"likelihood":3,"impact":4,"by":"fran"},"owasp":["A01:2025"],"mitigations":[]}`))
	f.Add([]byte(`{"description":"raw` + "\x01" + `control","vector":"\x"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var std model.Threat
		if err := json.Unmarshal(data, &std); err != nil {
			return
		}
		var got model.Threat
		if err := newRowDecoder().decode(model.RecThreat, data, &got); err != nil {
			t.Fatalf("encoding/json decodes %q, the row decoder fails: %v", data, err)
		}
		var slab mitSlab
		if want := threatRow(std, &slab); !reflect.DeepEqual(got, want) {
			t.Fatalf("rows disagree on %q:\n got %#v\nwant %#v", data, got, want)
		}
	})
}

// BenchmarkPreview reads the 10,000-threat model for a first frame; set
// beside BenchmarkLoad it is what a preview saves.
func BenchmarkPreview(b *testing.B) {
	s, id := benchStore(b)
	b.ReportAllocs()
	for b.Loop() {
		m, err := s.Preview(id)
		if err != nil || len(m.Threats) != 10000 {
			b.Fatal(err)
		}
	}
}
