package model

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSelfLoop(t *testing.T) {
	now := time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)
	m, err := New("Loops", "", now)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"API", "DB"} {
		if _, err := m.PutElement(SurfaceElement{Name: name, Kind: KindAPI}, now); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name           string
		source, target string
		loop           bool
	}{
		{"no ends", "", "", false},
		{"source only", "SE-001", "", false},
		{"target only", "", "SE-001", false},
		{"two ends", "SE-001", "SE-002", false},
		{"self-loop", "SE-002", "SE-002", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := SurfaceElement{ID: "SE-009", Name: "Flow \x1b[31mred", Kind: KindDataFlow, Source: tt.source, Target: tt.target}
			if got := e.SelfLoop(); got != tt.loop {
				t.Errorf("SelfLoop() = %v, want %v", got, tt.loop)
			}
			err := e.CheckFlow()
			var v ValidationError
			if tt.loop != (err != nil) || (err != nil && (!errors.As(err, &v) || v.For("target") == "")) {
				t.Errorf("CheckFlow() = %v", err)
			}
			mm := *m
			mm.Surface = append(append([]SurfaceElement(nil), m.Surface...), e)
			w := SelfLoopWarnings(&mm)
			if tt.loop != (len(w) == 1) {
				t.Fatalf("warnings %q", w)
			}
			if tt.loop && (!strings.Contains(w[0], "SE-009") || !strings.Contains(w[0], "SE-002") || strings.Contains(w[0], "\x1b")) {
				t.Errorf("warning %q", w[0])
			}
		})
	}
}
