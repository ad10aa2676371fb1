package model

import "testing"

func TestItemStatePrevUndoesNext(t *testing.T) {
	for _, s := range ItemStates {
		if got := s.Next().Prev(); got != s {
			t.Errorf("%q.Next().Prev() = %q", s, got)
		}
	}
	if got := NotAssessed.Prev(); got != StateNA {
		t.Errorf("NotAssessed.Prev() = %q, want the last state", got)
	}
	if got := ItemState("bogus").Prev(); got != ItemStates[0] {
		t.Errorf("an unknown state gives %q", got)
	}
}
