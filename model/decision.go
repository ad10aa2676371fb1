package model

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// Treatment is what the team decided to do about a threat. It sits beside
// the threat's status: the status says where the threat stands, the
// treatment says what was chosen and, with the rationale, why.
type Treatment string

// Treatments. The zero value means no decision has been recorded yet.
const (
	TreatMitigate Treatment = "mitigate"
	TreatAccept   Treatment = "accept"
	TreatTransfer Treatment = "transfer"
	TreatAvoid    Treatment = "avoid"
)

// Treatments lists every treatment in display order.
var Treatments = []Treatment{TreatMitigate, TreatAccept, TreatTransfer, TreatAvoid}

// Valid reports whether t is a known treatment or none.
func (t Treatment) Valid() bool { return t == "" || indexOf(Treatments, t) >= 0 }

// Label is the display name of the treatment.
func (t Treatment) Label() string {
	if t == "" {
		return "Undecided"
	}
	return titleWord(string(t))
}

// NeedsRationale reports whether the treatment leaves the risk in place
// (accepted, transferred, avoided), which a reviewer must be able to
// justify: these require a rationale.
func (t Treatment) NeedsRationale() bool {
	return t == TreatAccept || t == TreatTransfer || t == TreatAvoid
}

// Decision is the treatment in effect: the recorded one or, for a threat
// from before treatments were recorded, the one its status implies.
func (t Threat) Decision() Treatment {
	if t.Treatment != "" {
		return t.Treatment
	}
	switch t.Status {
	case StatusAccepted:
		return TreatAccept
	case StatusTransferred:
		return TreatTransfer
	}
	return TreatMitigate
}

// Date is a calendar day, "2006-01-02". Decisions and due dates are days,
// not instants: "review by 31 March" means the same day everywhere.
type Date string

// DateLayout is the format of a Date.
const DateLayout = "2006-01-02"

// ParseDate reads a date in DateLayout; an empty string is no date.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return "", fmt.Errorf("%q is not a date: use YYYY-MM-DD", shortText(s))
	}
	return Date(t.Format(DateLayout)), nil
}

// DateOf is the day of t in t's own location.
func DateOf(t time.Time) Date { return Date(t.Format(DateLayout)) }

// Before reports whether d is a day earlier than e; an empty date is
// never before or after anything.
func (d Date) Before(e Date) bool { return d != "" && e != "" && d < e }

// IsOpen reports whether a mitigation still has work to do: it is neither
// in place nor ruled out.
func (mt Mitigation) IsOpen() bool {
	return mt.Status == MitigationPlanned || mt.Status == MitigationInProgress || mt.Status == ""
}

// Overdue reports whether an open mitigation's due date is before today.
func (mt Mitigation) Overdue(today Date) bool { return mt.IsOpen() && mt.Due.Before(today) }

// ReviewOverdue reports whether an accepted threat's review-by date has
// passed: the acceptance must be looked at again.
func (t Threat) ReviewOverdue(today Date) bool {
	return t.Decision() == TreatAccept && t.ReviewBy.Before(today)
}

// MaxURL bounds a ticket link, in bytes.
const MaxURL = 2048

// ValidTicket checks a ticket link: an absolute http or https URL with a
// host and nothing a terminal or a Markdown link would misread.
func ValidTicket(s string) error {
	if len(s) > MaxURL {
		return fmt.Errorf("is %d bytes long; the limit is %d", len(s), MaxURL)
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == '<' || r == '>' || r == '"' || r == '`' {
			return fmt.Errorf("must be a URL without spaces, quotes or control characters")
		}
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not a URL", shortText(s))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%q must start with https:// or http://", shortText(s))
	}
	if u.Host == "" || u.Hostname() == "" {
		return fmt.Errorf("%q has no host", shortText(s))
	}
	return nil
}

// controlRune returns the first control character in s (C0 other than
// newline and tab, DEL, C1, escape), or -1. A rationale is a record a
// reviewer relies on, so one carrying such characters is refused with a
// message rather than silently altered.
func controlRune(s string) rune {
	for _, r := range s {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			return r
		}
	}
	return -1
}

// shortText bounds user text quoted in a message.
func shortText(s string) string {
	const limit = 40
	s = CleanLine(s)
	if utf8.RuneCountInString(s) > limit {
		return string([]rune(s)[:limit]) + "…"
	}
	return s
}

// stampDecision dates a decision the user did not date: a treatment that
// is new or changed (or whose rationale changed) is decided today.
func (m *Model) stampDecision(t *Threat, now time.Time) {
	if t.Treatment == "" {
		return
	}
	if i := m.ThreatIndex(t.ID); t.ID != "" && i >= 0 {
		old := m.Threats[i]
		changed := old.Treatment != t.Treatment || old.Rationale != t.Rationale
		if changed && t.DecidedAt == old.DecidedAt {
			t.DecidedAt = DateOf(now)
		}
		return
	}
	if t.DecidedAt == "" {
		t.DecidedAt = DateOf(now)
	}
}

// decision checks a threat's treatment, rationale, decider and
// dates.
func (c *checker) decision(t *Threat) {
	if !t.Treatment.Valid() {
		c.add("treatment", "%q is not a known treatment: use mitigate, accept, transfer or avoid", shortText(string(t.Treatment)))
	}
	if r := controlRune(t.Rationale); r >= 0 {
		c.add("rationale", "contains the control character U+%04X; use plain text", r)
	} else {
		c.text("rationale", &t.Rationale)
	}
	if t.Treatment.NeedsRationale() && strings.TrimSpace(t.Rationale) == "" {
		c.add("rationale", "is required when the treatment is %s", t.Treatment)
	}
	c.title("decided by", &t.DecidedBy, false)
	c.date("decided at", &t.DecidedAt)
	c.date("review by", &t.ReviewBy)
	if t.ReviewBy.Before(t.DecidedAt) {
		c.add("review by", "%s is before the decision on %s", t.ReviewBy, t.DecidedAt)
	}
}

// mitigationPlan checks a mitigation's owner, due date, ticket and the
// reason a "won't do" needs.
func (c *checker) mitigationPlan(field string, mt *Mitigation) {
	c.title(field+" owner", &mt.Owner, false)
	c.date(field+" due", &mt.Due)
	mt.Ticket = strings.TrimSpace(mt.Ticket)
	if mt.Ticket != "" {
		if err := ValidTicket(mt.Ticket); err != nil {
			c.add(field+" ticket", "%s", err.Error())
		}
	}
	c.title(field+" reason", &mt.Reason, false)
	if mt.Status == MitigationWontDo && mt.Reason == "" {
		c.add(field+" reason", "is required when the mitigation will not be done")
	}
}

// date checks a date field and puts it in canonical form.
func (c *checker) date(field string, d *Date) {
	v, err := ParseDate(string(*d))
	if err != nil {
		c.add(field, "%s", err.Error())
		return
	}
	*d = v
}
