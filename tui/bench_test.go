package tui

import (
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/threatdeck/threatdeck/model"
)

// memWorkbook keeps one model in memory: benchmarks measure the TUI, not
// the disk.
type memWorkbook struct {
	mu  sync.Mutex
	m   *model.Model
	pos model.Position
}

func (w *memWorkbook) Path() string { return "memory" }
func (w *memWorkbook) List() ([]model.Summary, error) {
	return []model.Summary{{ID: "bench", Title: w.m.Overview.Title}}, nil
}
func (w *memWorkbook) Create(*model.Model) (string, error)          { return "bench", nil }
func (w *memWorkbook) Load(string) (*model.Model, error)            { w.m.ID = "bench"; return w.m, nil }
func (w *memWorkbook) Commit(string, model.Edit) error              { return nil }
func (w *memWorkbook) Delete(string) error                          { return nil }
func (w *memWorkbook) ModelPosition(string) (model.Position, error) { return w.Position() }
func (w *memWorkbook) Position() (model.Position, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.pos, nil
}
func (w *memWorkbook) SetPosition(p model.Position) error {
	w.mu.Lock()
	w.pos = p
	w.mu.Unlock()
	return nil
}

// bigModel has 10,000 threats linked to 200 assets, 50 actors and 100
// surface elements, and 300 parking-lot items.
func bigModel(b *testing.B) *model.Model { return sizedModel(b, 10000) }

// sizedModel is bigModel with n threats.
func sizedModel(b testing.TB, n int) *model.Model {
	b.Helper()
	now := coreNow
	m, err := model.New("Big model", "Bench", now)
	if err != nil {
		b.Fatal(err)
	}
	for i := range 200 {
		m.Assets = append(m.Assets, model.Asset{ID: model.FormatID(model.PrefixAsset, i+1), Name: "Asset number " + itoa(i), Description: "Something worth protecting", Sensitivity: model.Sensitivities[i%4]})
	}
	for i := range 50 {
		m.Actors = append(m.Actors, model.Actor{ID: model.FormatID(model.PrefixActor, i+1), Name: "Actor " + itoa(i), Kind: model.External, Capability: model.Medium, Risk: model.High})
	}
	for i := range 100 {
		m.Surface = append(m.Surface, model.SurfaceElement{ID: model.FormatID(model.PrefixSurface, i+1), Name: "Element " + itoa(i), Kind: model.ElementKinds[i%len(model.ElementKinds)], TrustZone: "Internet"})
	}
	for i := range n {
		m.Threats = append(m.Threats, model.Threat{
			ID: model.FormatID(model.PrefixThreat, i+1), Title: "Threat number " + itoa(i) + " against the service",
			Category: model.StrideCategories[i%6], Likelihood: i%5 + 1, Impact: (i/5)%5 + 1, Status: model.StatusOpen,
			Assets:  []string{model.FormatID(model.PrefixAsset, i%200+1)},
			Surface: []string{model.FormatID(model.PrefixSurface, i%100+1)},
			Actors:  []string{model.FormatID(model.PrefixActor, i%50+1)},
		})
	}
	for i := range 300 {
		m.Parking = append(m.Parking, model.ParkingItem{ID: model.FormatID(model.PrefixParking, i+1), Text: "Parked idea " + itoa(i), Created: now})
	}
	m.Seq = map[string]int{model.PrefixAsset: 200, model.PrefixActor: 50, model.PrefixSurface: 100, model.PrefixThreat: n, model.PrefixParking: 300}
	m.Normalize()
	return m
}

// BenchmarkKeyPress measures one key press handled and the screen drawn
// (Update + View), on a 10,000-threat model at 120×40. The spec's budget
// is 2 ms.
func BenchmarkKeyPress(b *testing.B) {
	m := bigModel(b)
	type bench struct {
		name  string
		step  Step
		setup []string
		// keys cycle, so the state stays comparable across iterations.
		keys []string
	}
	benches := []bench{
		{"Assets/cursor", StepAssets, nil, []string{"j", "j", "k", "k"}},
		{"Assets/filter", StepAssets, []string{"/"}, []string{"1", "backspace"}},
		{"Threats/cursor", StepThreats, nil, []string{"j", "j", "k", "k"}},
		{"Threats/filter", StepThreats, []string{"/"}, []string{"1", "backspace"}},
		{"Threats/toggle", StepThreats, nil, []string{"space"}},
		{"ParkingLot/toggle", StepAssets, []string{"L"}, []string{"space"}},
	}
	for _, bc := range benches {
		b.Run(bc.name, func(b *testing.B) {
			if !bc.step.Valid() || walk[bc.step].build == nil {
				b.Skip("step not in this build")
			}
			wb := &memWorkbook{m: cloneBig(m)}
			a := newApp(Options{Workbook: wb, ModelID: "bench", Clock: func() time.Time { return coreNow }, NoColor: true})
			a.timer.every = 0
			a.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
			a.Update(openModel(wb, "bench"))
			a.Update(coreKey(itoa(int(bc.step) + 1)))
			for _, k := range bc.setup {
				a.Update(coreKey(k))
			}
			keys := make([]tea.KeyPressMsg, len(bc.keys))
			for i, k := range bc.keys {
				keys[i] = coreKey(k)
			}
			i := 0
			for b.Loop() {
				a.Update(keys[i%len(keys)])
				_ = a.View()
				i++
			}
			a.s.writes.wait()
		})
	}
}

// cloneBig gives each sub-benchmark its own model (toggles mutate it).
func cloneBig(m *model.Model) *model.Model {
	c := *m
	c.Threats = append([]model.Threat(nil), m.Threats...)
	c.Parking = append([]model.ParkingItem(nil), m.Parking...)
	c.Assets = append([]model.Asset(nil), m.Assets...)
	c.Overview.Participants = append([]string(nil), m.Overview.Participants...)
	c.Seq = map[string]int{}
	for k, v := range m.Seq {
		c.Seq[k] = v
	}
	return &c
}
