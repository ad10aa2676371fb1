package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/threatdeck/threatdeck/model"
)

// encoderJSON is JSON as it was written before the streaming writer: the
// canonical model through encoding/json's indenting encoder, extensions
// spliced in compact, then cleanJSON. It is the reference the writer must
// match byte for byte.
func encoderJSON(m *model.Model) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	c := canonical(m)
	exts := c.Extensions
	c.Extensions = nil
	if err := enc.Encode(struct {
		Schema string       `json:"schema"`
		Model  *model.Model `json:"model"`
	}{Schema, c}); err != nil {
		return nil, err
	}
	out := buf.Bytes()
	if len(exts) > 0 {
		const seqKey = "\n    \"seq\": "
		at := bytes.Index(out, []byte(seqKey))
		if at < 0 {
			return nil, errors.New("no seq")
		}
		var b bytes.Buffer
		b.Write(out[:at])
		b.WriteString("\n    \"extensions\": {")
		for i, k := range slices.Sorted(maps.Keys(exts)) {
			if i > 0 {
				b.WriteByte(',')
			}
			key, _ := json.Marshal(k)
			b.WriteString("\n      ")
			b.Write(key)
			b.WriteString(": ")
			if err := json.Compact(&b, exts[k]); err != nil {
				return nil, err
			}
		}
		b.WriteString("\n    },")
		b.Write(out[at:])
		out = b.Bytes()
	}
	return cleanJSON(out), nil
}

// everythingModel sets every optional field the writer handles by hand,
// with text that needs escaping and cleaning.
func everythingModel() *model.Model {
	m := hostileModel()
	at := time.Date(2025, 3, 14, 9, 30, 0, 123456789, time.FixedZone("x", 3600))
	for i := range m.Threats {
		t := &m.Threats[i]
		t.LibraryID = "lib.\u2028x<&>"
		t.Stamps = model.Stamps{CreatedBy: "Ana\x01", CreatedAt: at, UpdatedBy: "Bo\xff", UpdatedAt: at.Add(time.Hour)}
		t.Treatment, t.Rationale, t.DecidedBy, t.DecidedAt, t.ReviewBy = model.Treatment("accept"), "cheap\r\n\"quoted\"", "Cy", "2025-01-02", "2026-01-02"
		t.Vote = &model.RiskDecision{Likelihood: 2, Impact: 3, By: "Dee\u2029", At: at, Votes: []model.Vote{{ThreatID: t.ID, Voter: "Ed\b\f", Likelihood: 2, Impact: 3}}}
		for j := range t.Mitigations {
			mt := &t.Mitigations[j]
			mt.Stamps = t.Stamps
			mt.Owner, mt.Due, mt.Ticket, mt.Reason = "Fay\t", "2025-05-05", "https://x.example/<1>", "\x7f"
		}
	}
	m.Threats[0].Assets, m.Threats[0].Mitigations = nil, nil
	m.Threats[1].OWASP = []string{}
	m.Dismissed = []string{"lib.a", "lib.\u00e9"}
	m.Dismissals = map[string]model.Dismissal{"lib.a": {Reason: "no \x1b[31m"}}
	m.Extensions = map[string]json.RawMessage{"z<tool>": json.RawMessage(`{ "b": [1, 2.50, "\u001b"], "a": null }`), "a": json.RawMessage(`[]`)}
	m.Seq["X\u2028"] = 4
	m.Votes = []model.Vote{{ThreatID: "T-001", Voter: "Gil", Likelihood: 1, Impact: 1}}
	m.Poker = []model.PokerRound{{ThreatID: "T-001", StartedBy: "Hal"}}
	m.Sessions = []model.SessionRecord{{ID: "s1", Facilitator: "Ida"}}
	return m
}

func TestJSONWriterMatchesEncoder(t *testing.T) {
	example := model.Example(model.ExampleDate)
	cases := map[string]*model.Model{
		"example":    example,
		"empty":      {Overview: model.Overview{Title: "Empty"}},
		"hostile":    hostileModel(),
		"everything": everythingModel(),
		"big":        bigModel(300, 40, 20),
	}
	for name, m := range cases {
		t.Run(name, func(t *testing.T) {
			want, wantErr := encoderJSON(m)
			got, err := JSON(m)
			if (err != nil) != (wantErr != nil) {
				t.Fatalf("error %v, the encoder's %v", err, wantErr)
			}
			if !bytes.Equal(got, want) {
				i := 0
				for i < min(len(got), len(want)) && got[i] == want[i] {
					i++
				}
				t.Fatalf("differs at byte %d:\n got %q\nwant %q", i, got[max(0, i-80):min(len(got), i+80)], want[max(0, i-80):min(len(want), i+80)])
			}
		})
	}
}

// FuzzJSONWriter: for any text in a threat and a mitigation, the writer
// gives the encoder's bytes.
func FuzzJSONWriter(f *testing.F) {
	for _, s := range []string{"", "plain", "a\"b\\c\n\t", "\x00\x1f\x7f", "\xff\xfe", "é\u2028\u2029", "<&>", "\u202e\u200b",
		"a line of plain text longer than a word, with a \"quote\" at 40\x7f, é after", "0123456789abcdef\\"} {
		f.Add(s, s+"x")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		m := &model.Model{Overview: model.Overview{Title: a}}
		m.Threats = []model.Threat{{ID: a, Title: b, Description: a + b, Methodology: b, Category: model.Stride(a), Assets: []string{a, b},
			Mitigations: []model.Mitigation{{ID: b, Description: a, Owner: b, Reason: a}}, Rationale: b, DecidedBy: a}}
		want, wantErr := encoderJSON(m)
		got, err := JSON(m)
		if (err != nil) != (wantErr != nil) || !bytes.Equal(got, want) {
			t.Fatalf("writer %q %v, encoder %q %v", got, err, want, wantErr)
		}
	})
}

// jsonSpecial flags a word exactly when one of its bytes is one str does
// not copy as it is, for every byte value in every position.
func TestJSONSpecial(t *testing.T) {
	special := func(c byte) bool { return c < 0x20 || c >= 0x7f || c == '"' || c == '\\' }
	for pos := range 8 {
		for c := range 256 {
			for _, fill := range []byte{'a', ' ', '~', '!', '#', '[', ']'} {
				w := bytes.Repeat([]byte{fill}, 8)
				w[pos] = byte(c)
				if got := jsonSpecial(load8(string(w), 0)) != 0; got != special(byte(c)) {
					t.Fatalf("jsonSpecial(%q) = %v, want %v", w, got, special(byte(c)))
				}
			}
		}
	}
}
