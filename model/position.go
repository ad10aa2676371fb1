package model

import (
	"maps"
	"time"
)

// PageView is how one step's page was left: its order, its filters and
// the record whose detail view was open, so a resume shows the page as it
// was. Zero values mean the page's defaults; a page ignores what it does
// not have (and a value it no longer knows).
type PageView struct {
	// Sort names the column the page is ordered by; Reverse reverses it.
	Sort    string `json:"sort,omitempty"`
	Reverse bool   `json:"reverse,omitempty"`
	// Filter is the "/" text filter.
	Filter string `json:"filter,omitempty"`
	// Facets are the page's other filters by name (category, status …),
	// each with its value.
	Facets map[string]string `json:"facets,omitempty"`
	// Tab is the page's own tab (a checklist, a STRIDE category).
	Tab string `json:"tab,omitempty"`
	// Detail is the id of the record whose detail view was open.
	Detail string `json:"detail,omitempty"`
}

// IsZero reports whether v holds nothing but the defaults.
func (v PageView) IsZero() bool {
	return v.Sort == "" && !v.Reverse && v.Filter == "" && len(v.Facets) == 0 && v.Tab == "" && v.Detail == ""
}

// Equal reports whether v and w are the same view.
func (v PageView) Equal(w PageView) bool {
	return v.Sort == w.Sort && v.Reverse == w.Reverse && v.Filter == w.Filter && v.Tab == w.Tab &&
		v.Detail == w.Detail && maps.Equal(v.Facets, w.Facets)
}

// TimerState is the facilitator's session timer as last saved.
//
// Total and Steps are the time counted up to Since; a timer that was
// running when saved (Running) had been counting since then. The time
// after Since is not known for sure (the program may have been killed), so
// a resume counts only up to Since and starts paused: the time while
// threatdeck was closed is never counted.
type TimerState struct {
	Running bool          `json:"running,omitempty"`
	Since   time.Time     `json:"since,omitzero"`
	Total   time.Duration `json:"total,omitempty"`
	// Steps is the time counted on each step, by step name.
	Steps map[string]time.Duration `json:"steps,omitempty"`
	// Boxes are the timeboxes set per step, by step name (0 = none,
	// overriding the default).
	Boxes map[string]time.Duration `json:"boxes,omitempty"`
}

// Equal reports whether t and u are the same state.
func (t *TimerState) Equal(u *TimerState) bool {
	if t == nil || u == nil {
		return t == u
	}
	return t.Running == u.Running && t.Since.Equal(u.Since) && t.Total == u.Total &&
		maps.Equal(t.Steps, u.Steps) && maps.Equal(t.Boxes, u.Boxes)
}

// Equal reports whether p and q are the same position.
func (p Position) Equal(q Position) bool {
	return p.ModelID == q.ModelID && p.Step == q.Step && p.Item == q.Item && p.Presenter == q.Presenter &&
		p.Timer.Equal(q.Timer) && maps.EqualFunc(p.Views, q.Views, PageView.Equal)
}

// Clean drops what a stored position cannot mean: negative times, empty
// views. A position is read from a file anything may have written.
func (p Position) Clean() Position {
	for name, v := range p.Views {
		if v.IsZero() || name == "" {
			delete(p.Views, name)
		}
	}
	if len(p.Views) == 0 {
		p.Views = nil
	}
	if t := p.Timer; t != nil {
		c := *t
		c.Total = max(0, c.Total)
		c.Steps, c.Boxes = positiveDurations(c.Steps), positiveDurations(c.Boxes)
		p.Timer = &c
	}
	return p
}

func positiveDurations(m map[string]time.Duration) map[string]time.Duration {
	var out map[string]time.Duration
	for k, d := range m {
		if d < 0 {
			continue
		}
		if out == nil {
			out = map[string]time.Duration{}
		}
		out[k] = d
	}
	return out
}
