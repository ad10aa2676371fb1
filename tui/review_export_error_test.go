package tui

import (
	"path/filepath"
	"strings"
	"testing"
)

// A failed export says why once: the writer's error names the file, and
// the form does not wrap it in another "could not write" naming it again.
func TestExportErrorSaysItOnce(t *testing.T) {
	h := openHarness(t, scrModel(t), 120, 40)
	h.goTo(StepReview)
	path := filepath.Join(t.TempDir(), "gone", "report.md")
	h.press("x", "ctrl+u")
	h.typeText(path)
	h.press("enter")
	s := strings.Join(strings.Fields(h.screen()), " ") // the form wraps the message
	if !strings.Contains(s, "cannot write "+path+": directory "+filepath.Dir(path)+" does not exist") {
		t.Fatalf("no error beside the file name:\n%s", h.screen())
	}
	if strings.Contains(s, "could not write") {
		t.Errorf("the error repeats itself:\n%s", h.screen())
	}
}
