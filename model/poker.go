package model

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Vote is one participant's private risk estimate of a threat in a round
// of risk poker. Each voter has a record of their own (RecVote, keyed by
// VoteID), so two people voting at once never overwrite each other.
type Vote struct {
	ThreatID   string    `json:"threat_id"`
	Voter      string    `json:"voter"`
	Round      int       `json:"round"`
	Likelihood int       `json:"likelihood"`
	Impact     int       `json:"impact"`
	At         time.Time `json:"at,omitzero"`
}

// VoteID is the record id of voter's vote on a threat.
func VoteID(threatID, voter string) string { return threatID + "/" + voter }

// PokerState is where a round of risk poker is.
type PokerState string

// Poker states: votes are taken while open, shown once revealed, and the
// agreed value is set on the threat when recorded.
const (
	PokerOpen     PokerState = "open"
	PokerRevealed PokerState = "revealed"
	PokerRecorded PokerState = "recorded"
)

// PokerRound is the latest round of risk poker on one threat (RecPoker).
type PokerRound struct {
	ThreatID   string     `json:"threat_id"`
	Round      int        `json:"round"`
	State      PokerState `json:"state"`
	StartedBy  string     `json:"started_by"`
	StartedAt  time.Time  `json:"started_at,omitzero"`
	RevealedAt time.Time  `json:"revealed_at,omitzero"`
	RecordedAt time.Time  `json:"recorded_at,omitzero"`
	// Likelihood and Impact are the agreed values once recorded.
	Likelihood int `json:"likelihood,omitempty"`
	Impact     int `json:"impact,omitempty"`
	// Votes are the round's votes, kept once recorded (the vote records
	// are removed then), so the session record can list every round.
	Votes []Vote `json:"votes,omitempty"`
}

// RiskDecision is the agreed risk of a threat and the votes behind it.
type RiskDecision struct {
	Likelihood int       `json:"likelihood"`
	Impact     int       `json:"impact"`
	By         string    `json:"by"`
	At         time.Time `json:"at,omitzero"`
	Votes      []Vote    `json:"votes"`
}

func (d RiskDecision) equal(o RiskDecision) bool {
	return d.Likelihood == o.Likelihood && d.Impact == o.Impact && d.By == o.By && d.At.Equal(o.At) && slices.Equal(d.Votes, o.Votes)
}

// Spread is the range of a round's votes on each axis.
type Spread struct {
	LikelihoodMin, LikelihoodMax int
	ImpactMin, ImpactMax         int
}

// String reads "L 2–4 · I 3–5".
func (s Spread) String() string {
	return fmt.Sprintf("L %s · I %s", span(s.LikelihoodMin, s.LikelihoodMax), span(s.ImpactMin, s.ImpactMax))
}

func span(lo, hi int) string {
	if lo == hi {
		return fmt.Sprint(lo)
	}
	return fmt.Sprintf("%d–%d", lo, hi)
}

// SpreadOf is the spread of votes; ok is false when there are none.
func SpreadOf(votes []Vote) (s Spread, ok bool) {
	for i, v := range votes {
		if i == 0 {
			s = Spread{v.Likelihood, v.Likelihood, v.Impact, v.Impact}
			continue
		}
		s.LikelihoodMin, s.LikelihoodMax = min(s.LikelihoodMin, v.Likelihood), max(s.LikelihoodMax, v.Likelihood)
		s.ImpactMin, s.ImpactMax = min(s.ImpactMin, v.Impact), max(s.ImpactMax, v.Impact)
	}
	return s, len(votes) > 0
}

// Errors of risk poker.
var (
	ErrNoRound     = errors.New("no risk-poker round is open on this threat")
	ErrNotRevealed = errors.New("reveal the votes before recording a value")
	ErrNoVoter     = errors.New("a vote needs a voter's name")
)

// PokerIndex is the index of threat id's round in m.Poker, or -1.
func (m *Model) PokerIndex(threatID string) int {
	return slices.IndexFunc(m.Poker, func(p PokerRound) bool { return p.ThreatID == threatID })
}

// PokerRoundOf is the latest round on a threat.
func (m *Model) PokerRoundOf(threatID string) (PokerRound, bool) {
	if i := m.PokerIndex(threatID); i >= 0 {
		return m.Poker[i], true
	}
	return PokerRound{}, false
}

func (m *Model) voteIndex(id string) int {
	return slices.IndexFunc(m.Votes, func(v Vote) bool { return VoteID(v.ThreatID, v.Voter) == id })
}

func (m *Model) sessionIndex(id string) int {
	return slices.IndexFunc(m.Sessions, func(s SessionRecord) bool { return s.ID == id })
}

// RoundVotes are the votes of the threat's current round, by voter.
func (m *Model) RoundVotes(threatID string) []Vote {
	r, ok := m.PokerRoundOf(threatID)
	if !ok {
		return nil
	}
	if r.State == PokerRecorded {
		return slices.Clone(r.Votes)
	}
	var out []Vote
	for _, v := range m.Votes {
		if v.ThreatID == threatID && v.Round == r.Round {
			out = append(out, v)
		}
	}
	return out
}

// StartPoker opens a new round of risk poker on a threat. Earlier votes
// stay where they are but belong to the earlier round, so they do not count.
func (m *Model) StartPoker(threatID, by string, now time.Time) (Change, error) {
	t, ok := m.Threat(threatID)
	if !ok {
		return Change{}, ErrNotFound{RecThreat, threatID}
	}
	r := PokerRound{ThreatID: t.ID, Round: 1, State: PokerOpen, StartedBy: CleanLine(by), StartedAt: now}
	if old, ok := m.PokerRoundOf(threatID); ok {
		r.Round = old.Round + 1
	}
	return m.recordOnly(fmt.Sprintf("Started risk poker on %s", t.ID), Record{RecPoker, t.ID, r}), nil
}

// CastVote records voter's vote in the threat's open round (a second vote
// replaces the first).
func (m *Model) CastVote(threatID, voter string, likelihood, impact int, now time.Time) (Change, error) {
	r, ok := m.PokerRoundOf(threatID)
	if !ok || r.State != PokerOpen {
		return Change{}, ErrNoRound
	}
	voter = strings.TrimSpace(CleanLine(voter))
	if voter == "" {
		return Change{}, ErrNoVoter
	}
	if likelihood < MinRating || likelihood > MaxRating || impact < MinRating || impact > MaxRating {
		return Change{}, fmt.Errorf("a vote is a likelihood and an impact from %d to %d", MinRating, MaxRating)
	}
	v := Vote{ThreatID: threatID, Voter: voter, Round: r.Round, Likelihood: likelihood, Impact: impact, At: now}
	return m.recordOnly("Voted on "+threatID, Record{RecVote, VoteID(threatID, voter), v}), nil
}

// RevealPoker shows the round's votes to everyone.
func (m *Model) RevealPoker(threatID string, now time.Time) (Change, error) {
	r, ok := m.PokerRoundOf(threatID)
	if !ok || r.State != PokerOpen {
		return Change{}, ErrNoRound
	}
	r.State, r.RevealedAt = PokerRevealed, now
	return m.recordOnly("Revealed the votes on "+threatID, Record{RecPoker, threatID, r}), nil
}

// RecordPoker sets the agreed likelihood and impact on the threat together
// with the round's votes, closes the round, and removes its vote records.
func (m *Model) RecordPoker(threatID string, likelihood, impact int, by string, now time.Time) (Change, error) {
	r, ok := m.PokerRoundOf(threatID)
	if !ok {
		return Change{}, ErrNoRound
	}
	if r.State != PokerRevealed {
		return Change{}, ErrNotRevealed
	}
	t, ok := m.Threat(threatID)
	if !ok {
		return Change{}, ErrNotFound{RecThreat, threatID}
	}
	votes := m.RoundVotes(threatID)
	t.Likelihood, t.Impact = likelihood, impact
	t.Vote = &RiskDecision{Likelihood: likelihood, Impact: impact, By: CleanLine(by), At: now, Votes: votes}
	t.Mitigations = slices.Clone(t.Mitigations)
	if err := m.validateThreat(&t); err != nil {
		return Change{}, err
	}
	r.State, r.RecordedAt, r.Likelihood, r.Impact, r.Votes = PokerRecorded, now, likelihood, impact, votes
	recs := []Record{{RecThreat, t.ID, t}, {RecPoker, t.ID, r}}
	for _, v := range m.Votes {
		if v.ThreatID == threatID {
			recs = append(recs, Record{Kind: RecVote, ID: VoteID(v.ThreatID, v.Voter)})
		}
	}
	return m.commit(now, fmt.Sprintf("Recorded risk of %s: likelihood %d, impact %d", t.ID, likelihood, impact), recs...), nil
}

// recordOnly applies records that are not part of the model's content (votes,
// rounds, session records) without stamping the overview, so they never
// touch the record everyone else's edits also write.
func (m *Model) recordOnly(label string, recs ...Record) Change {
	do := Edit{Label: label, Records: recs}
	return Change{Do: do, Undo: m.Apply(do)}
}

// setKeyed writes or deletes one record of a list kept in key order.
func setKeyed[T any](list []T, r Record, i int, key func(T) string) []T {
	return upsertAt(list, r, i, func(list []T, v T) int {
		at, _ := slices.BinarySearchFunc(list, key(v), func(e T, k string) int { return strings.Compare(key(e), k) })
		return at
	})
}

func (m *Model) sortLive(unsorted *bool) {
	sortList(m, listVotes, &m.Votes, func(a, b Vote) int {
		return strings.Compare(VoteID(a.ThreatID, a.Voter), VoteID(b.ThreatID, b.Voter))
	}, unsorted)
	sortList(m, listPoker, &m.Poker, func(a, b PokerRound) int { return strings.Compare(a.ThreatID, b.ThreatID) }, unsorted)
	sortList(m, listSessions, &m.Sessions, func(a, b SessionRecord) int { return strings.Compare(a.ID, b.ID) }, unsorted)
}
