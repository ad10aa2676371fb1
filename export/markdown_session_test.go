package export

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/threatdeck/threatdeck/model"
)

// tableWith is the first table of a section whose first header cell is h.
func tableWith(d mdDoc, section, h string) *mdTable {
	for _, tb := range d.tables() {
		if tb.section == section && len(tb.header) > 0 && tb.header[0] == h {
			return &tb
		}
	}
	return nil
}

func TestMarkdownSessionRecord(t *testing.T) {
	m := liveSessionModel
	out := Markdown(m)
	if !bytes.Equal(out, Markdown(m)) {
		t.Fatal("the report is not deterministic")
	}
	d := parseMD(out)
	hs := d.headings()
	at := slices.Index(hs, "## Session Record")
	if at < 0 || hs[len(hs)-1] != "## Still Open" {
		t.Fatalf("headings %q", hs)
	}
	start := model.ExampleDate.Add(time.Hour)
	when := start.UTC().Format("2006-01-02 15:04") + " UTC"
	end := start.Add(time.Hour).UTC().Format("2006-01-02 15:04") + " UTC"
	if want := []string{"### Session " + model.SessionID(start), "### Risk Poker Results", "### Contributors by Threat"}; !slices.Equal(hs[at+1:at+4], want) {
		t.Fatalf("session headings %q, want %q", hs[at+1:at+4], want)
	}
	att := tableWith(d, "Session Record", "Attendee")
	if att == nil || len(att.rows) != 2 || att.rows[0][0] != "ann" || att.rows[1][1] != "facilitator" {
		t.Fatalf("attendance %+v", att)
	}
	steps := tableWith(d, "Session Record", "Step")
	if steps == nil || len(steps.rows) != 1 || steps.rows[0][0] != "Threats" || steps.rows[0][1] != "30 min" {
		t.Fatalf("steps %+v", steps)
	}
	text := d.plain(d.root)
	a, b := m.Threats[0], m.Threats[1]
	for _, want := range []string{
		"Started: " + when, "Ended: " + end + " (1 h 00 min)",
		a.ID + " " + a.Title + ": round 1, started by fran at " + when + "; 2 votes (ann L2 · I4, bob L4 · I5), spread likelihood 2–4, impact 4–5; agreed likelihood 3, impact 5",
		b.ID + " " + b.Title + ": round 1, started by fran at " + when + "; 1 vote so far, not revealed",
		a.ID + " " + a.Title + ": likelihood 3, impact 5, agreed by fran on " + when + " from 2 votes",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q:\n%s", want, out[bytes.Index(out, []byte("## Session Record")):])
		}
	}
	contrib := tableWith(d, "Session Record", "Threat")
	if contrib == nil || len(contrib.rows) != 2 {
		t.Fatalf("contributors %+v", contrib)
	}
	if r := contrib.rows[1]; r[2] != "ann" || r[3] != "ann" {
		t.Errorf("renamed threat's row %q", r)
	}
}

// A model with no session, vote or attribution has no Session Record, so
// reports of models never worked on live do not change.
func TestMarkdownNoSessionRecord(t *testing.T) {
	if bytes.Contains(Markdown(model.Example(model.ExampleDate)), []byte("Session Record")) {
		t.Fatal("the example has a Session Record")
	}
}

func TestMarkdownSessionRecordHostile(t *testing.T) {
	m := hostileModel()
	at := model.ExampleDate
	rec := model.SessionRecord{ID: hostile[4], Facilitator: hostile[0], Started: at, Steps: []model.StepTime{{Step: hostile[1], Seconds: 60}}}
	for i, h := range hostile[:6] {
		rec.Attendees = append(rec.Attendees, model.Attendance{Name: h, Role: model.Role(hostile[i+6]), Joined: at})
	}
	m.Sessions = []model.SessionRecord{rec}
	votes := []model.Vote{{ThreatID: m.Threats[0].ID, Voter: hostile[8], Likelihood: 2, Impact: 3}, {ThreatID: m.Threats[0].ID, Voter: hostile[3], Likelihood: 4, Impact: 1}}
	m.Threats[0].Vote = &model.RiskDecision{Likelihood: 3, Impact: 2, By: hostile[5], At: at, Votes: votes}
	m.Threats[0].Stamps = model.Stamps{CreatedBy: hostile[0], UpdatedBy: hostile[9]}
	m.Poker = []model.PokerRound{{ThreatID: m.Threats[0].ID, Round: 1, State: model.PokerRecorded, StartedBy: hostile[2], StartedAt: at.Add(time.Minute), Votes: votes, Likelihood: 3, Impact: 2}}
	out := Markdown(m)
	d := parseMD(out)
	if html := d.htmlNodes(); len(html) > 0 {
		t.Errorf("raw HTML reached the report: %q", html)
	}
	checkTables(t, d)
	for _, bad := range []string{"\x1b", "\x9b", "\u202e", "\x00", "\a", "\x7f", "\r"} {
		if bytes.Contains(out, []byte(bad)) {
			t.Errorf("report contains %q", bad)
		}
	}
	att := tableWith(d, "Session Record", "Attendee")
	if att == nil || len(att.rows) != 6 {
		t.Fatalf("attendance %+v", att)
	}
	for i, row := range att.rows {
		if row[0] != normalized(hostile[i]) || row[1] != normalized(hostile[i+6]) {
			t.Errorf("attendee row %d = %q", i, row)
		}
	}
	hs := d.headings()
	if hs[len(hs)-1] != "## Still Open" || !slices.Contains(hs, "### Session "+normalized(hostile[4])) {
		t.Errorf("headings %q", hs)
	}
	contrib := tableWith(d, "Session Record", "Threat")
	if contrib == nil || contrib.rows[0][1] != normalized(hostile[0]) || contrib.rows[0][2] != normalized(hostile[9]) {
		t.Fatalf("contributors %+v", contrib)
	}
}
