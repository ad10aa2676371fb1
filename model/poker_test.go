package model

import (
	"testing"
	"time"
)

var pokerNow = time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)

func pokerModel(t *testing.T) *Model {
	t.Helper()
	m, err := New("Poker", "Team", pokerNow)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.PutThreat(Threat{Title: "Card testing", Category: Spoofing, Likelihood: 2, Impact: 2}, pokerNow); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestRiskPokerRound(t *testing.T) {
	m := pokerModel(t)
	id := m.Threats[0].ID
	if _, err := m.CastVote(id, "ann", 3, 3, pokerNow); err != ErrNoRound {
		t.Fatalf("vote before a round: %v", err)
	}
	must := func(ch Change, err error) Change {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return ch
	}
	start := must(m.StartPoker(id, "fran", pokerNow))
	for _, r := range start.Do.Records {
		if r.Kind == RecOverview {
			t.Fatal("starting a round stamped the overview")
		}
	}
	must(m.CastVote(id, "ann", 2, 5, pokerNow))
	must(m.CastVote(id, "bob", 4, 3, pokerNow))
	must(m.CastVote(id, "ann", 1, 5, pokerNow)) // changes her mind
	if _, err := m.CastVote(id, "bob", 6, 3, pokerNow); err == nil {
		t.Fatal("a vote of 6 was taken")
	}
	if _, err := m.RecordPoker(id, 3, 4, "fran", pokerNow); err != ErrNotRevealed {
		t.Fatalf("record before reveal: %v", err)
	}
	votes := m.RoundVotes(id)
	if len(votes) != 2 || votes[0].Voter != "ann" || votes[0].Likelihood != 1 {
		t.Fatalf("votes %+v", votes)
	}
	sp, _ := SpreadOf(votes)
	if got := sp.String(); got != "L 1–4 · I 3–5" {
		t.Fatalf("spread %q", got)
	}
	must(m.RevealPoker(id, pokerNow))
	if _, err := m.CastVote(id, "cy", 3, 3, pokerNow); err != ErrNoRound {
		t.Fatalf("vote after reveal: %v", err)
	}
	rec := must(m.RecordPoker(id, 3, 4, "fran", pokerNow))
	th, _ := m.Threat(id)
	if th.Likelihood != 3 || th.Impact != 4 || th.Vote == nil || len(th.Vote.Votes) != 2 || th.Vote.By != "fran" {
		t.Fatalf("threat after record: %+v", th)
	}
	if len(m.Votes) != 0 {
		t.Fatalf("vote records left: %+v", m.Votes)
	}
	if r, _ := m.PokerRoundOf(id); r.State != PokerRecorded || len(r.Votes) != 2 {
		t.Fatalf("round %+v", r)
	}
	// Undo puts the votes back.
	m.Apply(rec.Undo)
	if len(m.Votes) != 2 {
		t.Fatalf("undo lost votes: %+v", m.Votes)
	}
	// A second round starts empty.
	must(m.RecordPoker(id, 3, 4, "fran", pokerNow))
	must(m.StartPoker(id, "fran", pokerNow))
	if v := m.RoundVotes(id); len(v) != 0 {
		t.Fatalf("new round has votes %+v", v)
	}
}

func TestStamp(t *testing.T) {
	m := pokerModel(t)
	t1, t2 := pokerNow.Add(time.Hour), pokerNow.Add(2*time.Hour)
	ch, err := m.PutThreat(Threat{Title: "New", Category: Tampering, Mitigations: []Mitigation{{Description: "sign it"}}}, t1)
	if err != nil {
		t.Fatal(err)
	}
	st := Stamp(ch, "ann", t1)
	if st.Do.By != "ann" || !st.Do.At.Equal(t1) {
		t.Fatalf("edit not attributed: %+v", st.Do)
	}
	m.Apply(st.Do)
	id := ""
	for _, r := range st.Do.Records {
		if r.Kind == RecThreat {
			id = r.ID
		}
	}
	th, _ := m.Threat(id)
	if th.CreatedBy != "ann" || th.UpdatedBy != "ann" || th.Mitigations[0].CreatedBy != "ann" {
		t.Fatalf("new threat stamps %+v", th)
	}
	tests := []struct {
		name        string
		edit        func(*Threat)
		updated     string
		mitUpdated  string
		mitsCreated []string
	}{
		{"unchanged re-save keeps credit", func(*Threat) {}, "ann", "ann", []string{"ann"}},
		{"title change", func(t *Threat) { t.Title = "Renamed" }, "bob", "ann", []string{"ann"}},
		{"mitigation added", func(t *Threat) {
			t.Mitigations = append(t.Mitigations, Mitigation{Description: "log it"})
		}, "bob", "ann", []string{"ann", "bob"}},
		{"mitigation changed", func(t *Threat) { t.Mitigations[0].Status = MitigationVerified }, "bob", "bob", []string{"ann"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := *m
			c.Threats = append([]Threat(nil), m.Threats...)
			th, _ := c.Threat(id)
			th.Mitigations = append([]Mitigation(nil), th.Mitigations...)
			tc.edit(&th)
			ch, err := c.PutThreat(th, t2)
			if err != nil {
				t.Fatal(err)
			}
			c.Apply(Stamp(ch, "bob", t2).Do)
			got, _ := c.Threat(id)
			if got.CreatedBy != "ann" || got.UpdatedBy != tc.updated || got.Mitigations[0].UpdatedBy != tc.mitUpdated {
				t.Fatalf("stamps %+v", got)
			}
			for i, want := range tc.mitsCreated {
				if got.Mitigations[i].CreatedBy != want {
					t.Fatalf("mitigation %d created by %q, want %q", i, got.Mitigations[i].CreatedBy, want)
				}
			}
		})
	}
}

func TestSessionAttend(t *testing.T) {
	rec := SessionRecord{ID: SessionID(pokerNow), Started: pokerNow}
	p := func(n string) Participant { return Participant{Name: n, Role: RoleParticipant} }
	rec = rec.Attend([]Participant{p("fran"), p("ann")}, pokerNow)
	rec = rec.Attend([]Participant{p("fran")}, pokerNow.Add(time.Minute))
	rec = rec.Attend([]Participant{p("fran"), p("ann\x1b[31m")}, pokerNow.Add(2*time.Minute))
	if len(rec.Attendees) != 3 {
		t.Fatalf("attendees %+v", rec.Attendees)
	}
	if a := rec.Attendees[0]; a.Name != "ann" || !a.Left.Equal(pokerNow.Add(time.Minute)) {
		t.Fatalf("ann's first stay %+v", a)
	}
	if a := rec.Attendees[2]; a.Name != "ann[31m" && a.Name != "ann" {
		t.Fatalf("ann's second stay %+v", a)
	}
	if !rec.SameAs(rec.Attend([]Participant{p("fran"), p("ann\x1b[31m")}, pokerNow.Add(3*time.Minute))) {
		t.Fatal("no change in who is here changed the record")
	}
}

func TestSplitStampAndTouch(t *testing.T) {
	m := pokerModel(t)
	later := pokerNow.Add(time.Hour)
	ch, err := m.PutAsset(Asset{Name: "Keys", Sensitivity: Restricted}, later)
	if err != nil {
		t.Fatal(err)
	}
	out, restore := SplitStamp(ch)
	if restore == nil || !deref[Overview](restore.Value).Updated.Equal(pokerNow) {
		t.Fatalf("restore %+v", restore)
	}
	for _, r := range append(out.Do.Records, out.Undo.Records...) {
		if r.Kind == RecOverview {
			t.Fatal("the overview stamp is still in the edit")
		}
	}
	if len(out.Do.Records) != len(ch.Do.Records)-1 {
		t.Fatalf("records %+v", out.Do.Records)
	}
	touched := m.Touch(out.Do, later)
	if ov := deref[Overview](touched.Records[len(touched.Records)-1].Value); !ov.Updated.Equal(later) || ov.Title != m.Overview.Title {
		t.Fatalf("touched overview %+v", ov)
	}
	// A real overview edit keeps its record.
	o := m.Overview
	o.Title = "Renamed"
	ch, err = m.PutOverview(o, later)
	if err != nil {
		t.Fatal(err)
	}
	if _, restore := SplitStamp(ch); restore != nil {
		t.Fatal("an overview edit lost its overview record")
	}
}
