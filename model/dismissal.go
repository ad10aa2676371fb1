package model

import (
	"bytes"
	"encoding/json"
	"time"
)

// Dismissal is why and when a suggestion was dismissed. It is the value of
// a RecDismissed record; workbooks and exports from before reasons were
// kept stored true, which decodes as a dismissal without either.
type Dismissal struct {
	// Reason is one line, optional ("we have no file uploads").
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at,omitzero"`
}

// UnmarshalJSON reads a dismissal object, or true as older builds wrote.
// Unknown fields are refused, as every other record's are on import.
func (d *Dismissal) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("true")) {
		*d = Dismissal{}
		return nil
	}
	type plain Dismissal
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var p plain
	if err := dec.Decode(&p); err != nil {
		return err
	}
	*d = Dismissal(p)
	return nil
}

// DismissalOf returns the reason and date of a dismissed suggestion (zero
// when it has none), and whether libraryID is dismissed at all.
func (m *Model) DismissalOf(libraryID string) (Dismissal, bool) {
	i := indexOf(m.Dismissed, libraryID)
	if i < 0 {
		return Dismissal{}, false
	}
	return m.Dismissals[libraryID], true
}

// DismissWithReason records that a library suggestion does not apply and
// why (reason is optional, one line), so it is not suggested again and the
// report can say what was ruled out.
func (m *Model) DismissWithReason(libraryID, reason string, now time.Time) (Change, error) {
	return m.PutDismissal(libraryID, Dismissal{Reason: reason, At: now}, now)
}

// PutDismissal saves a dismissal as given (an import keeps its date).
func (m *Model) PutDismissal(libraryID string, d Dismissal, now time.Time) (Change, error) {
	id := CleanLine(libraryID)
	var c checker
	if id == "" {
		c.add("library id", "is required")
	}
	if r := controlRune(d.Reason); r >= 0 {
		c.add("reason", "contains the control character U+%04X; use plain text", r)
	}
	c.title("reason", &d.Reason, false)
	if err := c.err(); err != nil {
		return Change{}, err
	}
	return m.commit(now, "Dismissed suggestion "+id, Record{RecDismissed, id, d}), nil
}

// Restore takes a suggestion off the dismissed list, so it is suggested again.
func (m *Model) Restore(libraryID string, now time.Time) (Change, error) {
	if _, ok := m.DismissalOf(libraryID); !ok {
		return Change{}, ErrNotFound{RecDismissed, libraryID}
	}
	return m.commit(now, "Restored suggestion "+libraryID, Record{Kind: RecDismissed, ID: libraryID}), nil
}

// setDismissal keeps Dismissals in step with Dismissed: details are kept
// only for a dismissal that has some, so a model without reasons has no map.
func (m *Model) setDismissal(id string, d *Dismissal) {
	if d == nil || *d == (Dismissal{}) {
		delete(m.Dismissals, id)
		if len(m.Dismissals) == 0 {
			m.Dismissals = nil
		}
		return
	}
	if m.Dismissals == nil {
		m.Dismissals = map[string]Dismissal{}
	}
	m.Dismissals[id] = *d
}
