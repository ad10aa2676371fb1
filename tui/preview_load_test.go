package tui

import (
	"runtime/debug"
	"slices"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// The load behind a preview is let go once View has drawn the preview, or
// at once when the preview is not shown; never while it is only set up.
func TestPreviewLoadWaitsForTheDrawnFrame(t *testing.T) {
	tests := []struct {
		name string
		// openFirst delivers the load before the preview, which is then
		// not shown.
		openFirst bool
		// afterUpdate and afterView are the calls of previewDrawn wanted
		// after the preview's Update and after the View that follows.
		afterUpdate, afterView int
	}{
		{"shown", false, 0, 1},
		{"not shown, the model already open", true, 1, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, _ := previewWorkbook(t, 60, "")
			a, preview, load := previewApp(t, st, 120, 40, false)
			if a.previewDrawn == nil {
				t.Fatal("Init set no previewDrawn for a workbook that previews")
			}
			calls := 0
			a.previewDrawn = func() { calls++ }
			if tc.openFirst {
				a.Update(load)
			}
			a.Update(preview)
			if calls != tc.afterUpdate {
				t.Fatalf("after the preview's Update: previewDrawn called %d times, want %d", calls, tc.afterUpdate)
			}
			a.View()
			if calls < tc.afterView {
				t.Fatalf("after View: previewDrawn called %d times, want at least %d", calls, tc.afterView)
			}
		})
	}
}

// afterPreview turns the collector back on before the load it runs.
func TestAfterPreviewResumesTheCollectorFirst(t *testing.T) {
	drawn := make(chan struct{})
	close(drawn)
	var order []string
	cmd := afterPreview(drawn, func() { order = append(order, "collector") }, func() tea.Msg {
		order = append(order, "load")
		return nil
	})
	cmd()
	if want := []string{"collector", "load"}; !slices.Equal(order, want) {
		t.Fatalf("order %v, want %v", order, want)
	}
}

// readEarly turns the collector off for the preview and its frame, and its
// resume puts back the percent there was, once however often it is called.
func TestReadEarlyPausesTheCollector(t *testing.T) {
	before := debug.SetGCPercent(77)
	defer debug.SetGCPercent(before)
	st, _ := previewWorkbook(t, 10, "")
	read, resume := readEarly(Options{Workbook: st})
	if read == nil || resume == nil {
		t.Fatal("no early read for a workbook that previews")
	}
	msg := <-read
	if _, ok := msg.(previewedMsg); !ok {
		t.Fatalf("read %#v, want a preview", msg)
	}
	if got := debug.SetGCPercent(-1); got != -1 {
		t.Fatalf("collector at %d%% after the preview's read, want off", got)
	}
	resume()
	debug.SetGCPercent(50) // a later change resume must not undo
	resume()
	if got := debug.SetGCPercent(77); got != 50 {
		t.Fatalf("collector at %d%% after a second resume, want 50", got)
	}
	if read, resume := readEarly(Options{Workbook: &memWorkbook{}}); read != nil || resume != nil {
		t.Fatal("an early read for a workbook that does not preview")
	}
}
