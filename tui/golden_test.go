package tui

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/threatdeck/threatdeck/store"
)

// fixedPathWorkbook shows a stable path, so goldens do not depend on
// t.TempDir().
type fixedPathWorkbook struct{ Workbook }

func (fixedPathWorkbook) Path() string { return "/home/alice/.local/share/threatdeck/workbook.db" }

// The core screens as the real program draws them, at the spec's two
// reference sizes, with a fixed ASCII colour profile and clock. Run with
// -update to rewrite testdata/TestGoldenCoreScreens/*.golden after a
// deliberate change, and read the diff.
func TestGoldenCoreScreens(t *testing.T) {
	screens := []struct {
		name string
		seed bool
		keys []string
		// wait is text that shows once the screen is drawn.
		wait string
	}{
		{"Welcome", false, nil, "Welcome to threatdeck"},
		{"Overview", true, nil, "Progress"},
		{"Assets", true, []string{"2"}, "Sensitivity"},
		{"Actors", true, []string{"3"}, "Capability"},
		{"Surface", true, []string{"4"}, "Trust zone"},
		{"AssetForm", true, []string{"2", "e"}, "Edit asset AS-001"},
		{"SurfaceForm", true, []string{"4", "j", "j", "e", "tab"}, "Trust zone"},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, sc := range screens {
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				st, err := store.Open(filepath.Join(t.TempDir(), "workbook.db"), store.Options{})
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				opts := Options{Workbook: fixedPathWorkbook{st}, Clock: func() time.Time { return coreNow }, Location: time.UTC, NoColor: true}
				if sc.seed {
					m := fixtureModel(t)
					if opts.ModelID, err = st.Create(m); err != nil {
						t.Fatal(err)
					}
				}
				a := newApp(opts)
				a.timer.every = 0
				tm := teatest.NewTestModel(t, a,
					teatest.WithInitialTermSize(size[0], size[1]),
					teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
				waitFor := func(text string) {
					t.Helper()
					teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
						teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
				}
				if sc.seed && len(sc.keys) > 0 {
					// Keys typed before the model has loaded would go to
					// the home screen.
					waitFor("Payments API")
				}
				for _, k := range sc.keys {
					tm.Send(coreKey(k))
				}
				waitFor(sc.wait)
				requireGoldenFrame(t, tm, size[1])
			})
		}
	}
}

// requireGoldenFrame quits the program and compares its last frame, drawn
// with the fixed ASCII colour profile, with the test's golden file; the
// frame must fill the terminal's height exactly.
func requireGoldenFrame(t *testing.T, tm *teatest.TestModel, height int) {
	t.Helper()
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	compareGoldenFrame(t, tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*app), height)
}

// compareGoldenFrame compares the frame final draws, with the fixed ASCII
// colour profile, with the test's golden file.
func compareGoldenFrame(t *testing.T, final *app, height int) {
	t.Helper()
	var out bytes.Buffer
	w := &colorprofile.Writer{Forward: &out, Profile: colorprofile.Ascii}
	if _, err := w.WriteString(final.render()); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(out.String(), "\n") + 1; got != height {
		t.Errorf("frame has %d lines, want %d", got, height)
	}
	teatest.RequireEqualOutput(t, out.Bytes())
}
