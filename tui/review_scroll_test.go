package tui

import "testing"

// Beside the missing list, pgdn and pgup scroll the report preview, as
// the help says ("pgup/pgdn scroll preview"), and leave the list's cursor
// where it is.
func TestReviewPageKeysScrollThePreview(t *testing.T) {
	h := openHarness(t, helpModel(t), 120, 40)
	h.goTo(StepReview)
	h.press("j")
	p := pageOf[*reviewPage](h)
	if !p.wide() || p.list.len() < 3 {
		t.Fatalf("want the wide layout and a missing list to page through:\n%s", h.screen())
	}
	sel := p.list.Selected()
	h.a.render() // the preview learns its height when drawn
	h.press("pgdown")
	if p.off == 0 || p.list.Selected() != sel {
		t.Fatalf("pgdn: preview at line %d, cursor on %q (was %q)", p.off, p.list.Selected(), sel)
	}
	h.press("pgup")
	if p.off != 0 || p.list.Selected() != sel {
		t.Fatalf("pgup: preview at line %d, cursor on %q (was %q)", p.off, p.list.Selected(), sel)
	}
}
