package model

import "testing"

func TestSessionRecordShared(t *testing.T) {
	tests := []struct {
		name string
		rec  SessionRecord
		want bool
	}{
		{"nobody", SessionRecord{}, false},
		{"the facilitator alone", SessionRecord{Attendees: []Attendance{{Name: "fran"}}}, false},
		{"the facilitator twice", SessionRecord{Attendees: []Attendance{{Name: "fran"}, {Name: "fran"}}}, false},
		{"two people", SessionRecord{Attendees: []Attendance{{Name: "fran"}, {Name: "ann"}}}, true},
		{"timed alone", SessionRecord{Attendees: []Attendance{{Name: "fran"}}, Steps: []StepTime{{Step: "assets", Seconds: 60}}}, true},
	}
	for _, tc := range tests {
		if got := tc.rec.Shared(); got != tc.want {
			t.Errorf("%s: Shared() = %v, want %v", tc.name, got, tc.want)
		}
	}
}
