package export_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
)

// bigHostileModel has enough threats, each with hostile text, for an
// export to run past the writer's 4 MiB chunks: streaming cleans chunk by
// chunk, and a chunk boundary must change nothing.
func bigHostileModel(t *testing.T) *model.Model {
	t.Helper()
	m := model.Example(interopNow)
	for i := range 10000 {
		m.Threats = append(m.Threats, model.Threat{
			ID: model.FormatID(model.PrefixThreat, 1000+i), Title: fmt.Sprintf("Threat %d %s", i, hostile),
			Description: "An attacker " + hostile + " could do something unpleasant here.",
			Category:    model.StrideCategories[i%6], Surface: []string{m.Surface[i%len(m.Surface)].ID},
			Likelihood: 1 + i%5, Impact: 1 + (i/5)%5, Status: model.StatusOpen,
			Mitigations: []model.Mitigation{{ID: model.FormatID(model.PrefixMitigation, 1000+i), Description: "Validate " + hostile, Status: model.MitigationPlanned}},
		})
	}
	m.Normalize()
	return m
}

// TestStreamMatchesExport: every format that streams writes exactly the
// bytes its Export returns, on imported files (their kept documents
// poisoned) and on a model large enough to be written in several chunks.
func TestStreamMatchesExport(t *testing.T) {
	models := map[string]*model.Model{"big": bigHostileModel(t)}
	for _, rel := range []string{"threat-dragon/three-tier-web-app.json", "otm/mobile-cloud.otm.json", "tm-bom/huskyai.tmbom.json"} {
		m, err := export.ImportForeign(poisoned(t, interopFile(t, rel)), rel, "", interopNow)
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		models[rel] = m
	}
	for name, m := range models {
		for _, f := range export.Formats() {
			if f.Stream == nil {
				continue
			}
			t.Run(name+"/"+string(f.Name), func(t *testing.T) {
				want, err := f.Export(m)
				if err != nil {
					t.Fatal(err)
				}
				var got bytes.Buffer
				if err := f.Stream(&got, m); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got.Bytes(), want) {
					t.Fatalf("stream writes %d bytes that differ from the %d Export returns", got.Len(), len(want))
				}
				if name == "big" && len(want) <= 4<<20 {
					t.Fatalf("export is %d bytes: too small to be written in more than one 4 MiB chunk", len(want))
				}
			})
		}
	}
}

// failAfter is a writer that fails once n bytes have gone through.
type failAfter struct{ n int }

var errFull = errors.New("disk full")

func (w *failAfter) Write(p []byte) (int, error) {
	if w.n < len(p) {
		return 0, errFull
	}
	w.n -= len(p)
	return len(p), nil
}

// TestStreamStopsAtWriteError: a streaming export returns the writer's
// first error rather than carrying on or reporting success.
func TestStreamStopsAtWriteError(t *testing.T) {
	m := bigHostileModel(t)
	for _, f := range export.Formats() {
		if f.Stream == nil {
			continue
		}
		t.Run(string(f.Name), func(t *testing.T) {
			if err := f.Stream(&failAfter{n: 1 << 20}, m); !errors.Is(err, errFull) {
				t.Fatalf("got %v, want the writer's error", err)
			}
		})
	}
}
