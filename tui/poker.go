package tui

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/threatdeck/threatdeck/model"
)

// pokerScreen is risk poker on one threat: everyone picks a likelihood
// and an impact privately; the facilitator sees who has voted (never the
// values) and reveals them all at once with the spread, then records the
// agreed value on the threat. The round lives in the model as records
// (model.PokerRound, one model.Vote per voter), so it reaches every
// session through ordinary commits.
type pokerScreen struct {
	a      *app
	threat string
	// axis 0 is likelihood, 1 impact; pick is this session's choice,
	// agreed the facilitator's proposal once the votes are revealed.
	axis   int
	pick   [2]int
	agreed [2]int
	// round is the round agreed was last seeded from.
	round int
}

// stepPoker is the origin of poker commits: they answer to the screen,
// not a page, and votes, starts and reveals are not undone with u.
const stepPoker Step = -2

func newPokerScreen(a *app, threatID string) *pokerScreen {
	p := &pokerScreen{a: a, threat: threatID, pick: [2]int{3, 3}}
	if t, ok := a.s.m.Threat(threatID); ok {
		p.pick = [2]int{t.Likelihood, t.Impact}
	}
	p.refresh()
	return p
}

// refresh follows the model: seeds my pick from my vote and the proposal
// from the revealed votes.
func (p *pokerScreen) refresh() {
	m := p.a.s.m
	r, ok := m.PokerRoundOf(p.threat)
	if !ok {
		return
	}
	for _, v := range m.RoundVotes(p.threat) {
		if v.Voter == p.a.user() && r.State == model.PokerOpen {
			p.pick = [2]int{v.Likelihood, v.Impact}
		}
	}
	if r.State == model.PokerRevealed && p.round != r.Round {
		p.round = r.Round
		p.agreed = proposal(m.RoundVotes(p.threat), p.pick)
	}
}

// proposal is the rounded median of each axis, the usual starting point
// for the room to agree on.
func proposal(votes []model.Vote, fallback [2]int) [2]int {
	if len(votes) == 0 {
		return fallback
	}
	med := func(get func(model.Vote) int) int {
		xs := make([]int, len(votes))
		for i, v := range votes {
			xs[i] = get(v)
		}
		sort.Ints(xs)
		n := len(xs)
		if n%2 == 1 {
			return xs[n/2]
		}
		return (xs[n/2-1] + xs[n/2] + 1) / 2
	}
	return [2]int{med(func(v model.Vote) int { return v.Likelihood }), med(func(v model.Vote) int { return v.Impact })}
}

func (p *pokerScreen) round0() (model.PokerRound, bool) { return p.a.s.m.PokerRoundOf(p.threat) }

// Update handles a key; it has the keyboard while shown.
func (p *pokerScreen) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	cmd := p.key(km)
	// The mutators change the model at once; follow it before the save lands.
	p.refresh()
	return cmd
}

func (p *pokerScreen) key(km tea.KeyPressMsg) tea.Cmd {
	k, a := p.a.keys.Poker, p.a
	r, hasRound := p.round0()
	val := &p.pick
	if hasRound && r.State == model.PokerRevealed && a.facilitator() {
		val = &p.agreed
	}
	s, now := a.s, a.opts.now()
	switch {
	case key.Matches(km, k.Close):
		a.poker = nil
		return nil
	case key.Matches(km, k.Axis):
		// Up and down go to that row (so "4 ↓ 5" reads as it looks);
		// tab switches.
		switch l := a.keys.List; {
		case key.Matches(km, l.Up):
			p.axis = 0
		case key.Matches(km, l.Down):
			p.axis = 1
		default:
			p.axis = 1 - p.axis
		}
	case key.Matches(km, k.Lower):
		val[p.axis] = max(model.MinRating, val[p.axis]-1)
	case key.Matches(km, k.Higher):
		val[p.axis] = min(model.MaxRating, val[p.axis]+1)
	case key.Matches(km, k.Pick):
		val[p.axis] = int(km.Code - '0')
		p.axis = 1 - p.axis
	case key.Matches(km, k.Vote):
		switch {
		case !hasRound || r.State == model.PokerRecorded:
			if a.facilitator() {
				return s.applyFrom(stepPoker)(s.m.StartPoker(p.threat, a.user(), now))
			}
			return s.status("No vote is open on " + p.threat + "; the facilitator starts one")
		case r.State == model.PokerOpen:
			if !a.role().CanEdit() {
				return s.fail(errObserver)
			}
			return s.applyFrom(stepPoker)(s.m.CastVote(p.threat, a.user(), p.pick[0], p.pick[1], now))
		case a.facilitator():
			// Revealed: record the agreed value on the threat (undoable).
			return s.applyFrom(stepNone)(s.m.RecordPoker(p.threat, p.agreed[0], p.agreed[1], a.user(), now))
		}
	case key.Matches(km, k.Reveal) && a.facilitator() && hasRound && r.State == model.PokerOpen:
		return s.applyFrom(stepPoker)(s.m.RevealPoker(p.threat, now))
	case key.Matches(km, k.Again) && a.facilitator() && hasRound:
		return s.applyFrom(stepPoker)(s.m.StartPoker(p.threat, a.user(), now))
	}
	return nil
}

// help lists the keys that act in the round's current state.
func (p *pokerScreen) help() []key.Binding {
	k, a := p.a.keys.Poker, p.a
	r, ok := p.round0()
	switch {
	case !ok || r.State == model.PokerRecorded:
		if a.facilitator() {
			b := k.Vote
			b.SetHelp("enter", "start a vote")
			return []key.Binding{b, k.Close}
		}
		return []key.Binding{k.Close}
	case r.State == model.PokerOpen:
		out := []key.Binding{k.Lower, k.Higher, k.Axis, k.Pick}
		if a.role().CanEdit() {
			out = append(out, k.Vote)
		}
		if a.facilitator() {
			out = append(out, k.Reveal)
		}
		return append(out, k.Close)
	}
	if a.facilitator() {
		b := k.Vote
		b.SetHelp("enter", "record agreed")
		return []key.Binding{k.Lower, k.Higher, k.Axis, k.Pick, b, k.Again, k.Close}
	}
	return []key.Binding{k.Close}
}

// View draws the round.
func (p *pokerScreen) View(width, height int) string {
	a, st, m := p.a, p.a.styles, p.a.s.m
	t, _ := m.Threat(p.threat)
	d := newDoc(width)
	d.add(st.Heading.Render("Risk poker") + "  " + st.Bold.Render(truncate(safeLine(t.ID)+" "+safeLine(t.Title), max(10, width-14))))
	r, ok := p.round0()
	if !ok {
		d.add(st.Muted.Render(fmt.Sprintf("Current risk: likelihood %d · impact %d", t.Likelihood, t.Impact)))
		d.blank()
		if a.facilitator() {
			d.add("No vote yet. Press enter to start one: everyone picks a likelihood and an impact privately.")
		} else {
			d.add(st.Muted.Render("No vote is open on this threat; the facilitator starts one."))
		}
		return d.render(height, new(int))
	}
	d.add(st.Muted.Render(fmt.Sprintf("Round %d · %s · started by %s", r.Round, r.State, safeLine(r.StartedBy))))
	d.blank()
	votes := m.RoundVotes(p.threat)
	switch r.State {
	case model.PokerOpen:
		if a.role().CanEdit() {
			d.add(st.Section.Render("Your vote"))
			d.add(p.scale("Likelihood", 0, p.pick[0], likelihoodLabels))
			d.add(p.scale("Impact", 1, p.pick[1], impactLabels))
			mine := "not voted yet"
			for _, v := range votes {
				if v.Voter == a.user() {
					mine = fmt.Sprintf("your vote is in (L %d · I %d); enter changes it", v.Likelihood, v.Impact)
				}
			}
			d.add(st.Muted.Render("  " + mine))
			d.blank()
		}
		names := make([]string, len(votes))
		for i, v := range votes {
			names[i] = safeLine(v.Voter) + " " + st.Glyphs.Done
		}
		line := fmt.Sprintf("Voted (%d): ", len(votes))
		if len(votes) == 0 {
			line += "nobody yet"
		}
		d.wrapped(st.Bold.Render(line)+strings.Join(names, ", "), "  ")
		if waiting := p.waiting(votes); len(waiting) > 0 {
			d.wrapped(st.Muted.Render("Waiting for: "+strings.Join(waiting, ", ")), "  ")
		}
	case model.PokerRevealed, model.PokerRecorded:
		d.add(st.Section.Render("Votes"))
		for _, v := range votes {
			d.add(fmt.Sprintf("  %-16s likelihood %d · impact %d", truncate(safeLine(v.Voter), 16), v.Likelihood, v.Impact))
		}
		if sp, ok := model.SpreadOf(votes); ok {
			d.add(st.Bold.Render("Spread: ") + sp.String())
		} else {
			d.add(st.Muted.Render("No votes were cast."))
		}
		d.blank()
		if r.State == model.PokerRecorded {
			d.add(st.Success.Render(fmt.Sprintf("Recorded: likelihood %d · impact %d", r.Likelihood, r.Impact)))
		} else if a.facilitator() {
			d.add(st.Section.Render("Agreed value"))
			d.add(p.scale("Likelihood", 0, p.agreed[0], likelihoodLabels))
			d.add(p.scale("Impact", 1, p.agreed[1], impactLabels))
		} else {
			d.add(st.Muted.Render("The facilitator records the agreed value."))
		}
	}
	return d.render(height, new(int))
}

// scale draws "Likelihood  1 2 [3] 4 5  Possible", the current axis marked.
func (p *pokerScreen) scale(label string, axis, v int, names []string) string {
	st := p.a.styles
	ptr := "  "
	if p.axis == axis {
		ptr = st.Cursor.Render(st.Glyphs.Pointer) + " "
	}
	var parts []string
	for i := model.MinRating; i <= model.MaxRating; i++ {
		if i == v {
			parts = append(parts, st.Selected.Render("["+itoa(i)+"]"))
		} else {
			parts = append(parts, " "+itoa(i)+" ")
		}
	}
	return ptr + padRight(label, 11) + strings.Join(parts, "") + "  " + st.Muted.Render(ratingLabel(names, v))
}

// waiting lists who is here, may vote, and has not voted.
func (p *pokerScreen) waiting(votes []model.Vote) []string {
	voted := map[string]bool{}
	for _, v := range votes {
		voted[v.Voter] = true
	}
	var out []string
	seen := map[string]bool{}
	for _, pr := range p.a.live.presence {
		n := pr.Participant.Name
		if pr.Participant.Role.CanEdit() && !voted[n] && !seen[n] && pr.ModelID == p.a.s.m.ID {
			seen[n] = true
			out = append(out, safeLine(n))
		}
	}
	sort.Strings(out)
	return out
}

// openPoker opens risk poker on the selected threat; the facilitator's
// press starts a round when none is open.
func (a *app) openPoker(threatID string) tea.Cmd {
	if threatID == "" {
		a.setStatus("Select a threat to vote on", false)
		return nil
	}
	a.poker = newPokerScreen(a, threatID)
	a.startRecord() // risk poker makes this a facilitated session
	_, ok := a.s.m.PokerRoundOf(threatID)
	if a.facilitator() && !a.readOnly() && !ok {
		return a.s.applyFrom(stepPoker)(a.s.m.StartPoker(threatID, a.user(), a.opts.now()))
	}
	return nil
}

// pokerArrived opens the vote for a participant when the facilitator
// starts a round (they can close it with esc and reopen it with V).
func (a *app) pokerArrived(e model.Edit) tea.Cmd {
	if a.facilitator() || !a.role().CanEdit() || a.poker != nil || a.capturing() {
		return nil
	}
	for _, r := range e.Records {
		if pr, ok := plain(r.Value).(model.PokerRound); ok && r.Kind == model.RecPoker && pr.State == model.PokerOpen {
			a.poker = newPokerScreen(a, pr.ThreatID)
			a.setStatus(safeLine(e.By)+" started risk poker on "+safeLine(pr.ThreatID)+": pick your likelihood and impact", true)
		}
	}
	return nil
}

// pokerOpenMsg asks the root to open risk poker on a threat.
type pokerOpenMsg struct{ ID string }
