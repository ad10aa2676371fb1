package model

import "time"

// Summary is a model's line in a workbook listing.
type Summary struct {
	ID         string    `json:"id"`
	Title      string    `json:"title"`
	Owner      string    `json:"owner"`
	Updated    time.Time `json:"updated"`
	Completion int       `json:"completion"`
	Threats    int       `json:"threats"`
	// Damage, when set, says what is damaged in the model: it cannot be
	// opened, and only ID (and Title, when it could be read) are filled.
	Damage string `json:"damage,omitempty"`
}

// Summarize describes m for a listing.
func (m *Model) Summarize() Summary {
	return Summary{ID: m.ID, Title: m.Overview.Title, Owner: m.Overview.Owner, Updated: m.Overview.Updated, Completion: m.Overall(), Threats: len(m.Threats)}
}

// Position is where a user last was, so a session resumes exactly there.
type Position struct {
	ModelID string `json:"model_id"`
	// Step is the TUI step's name; Item the id of the selected record.
	Step string `json:"step"`
	Item string `json:"item"`
	// Views is how each page was left, by step name (pages at their
	// defaults are left out).
	Views map[string]PageView `json:"views,omitempty"`
	// Timer is the session timer; nil when it never ran.
	Timer *TimerState `json:"timer,omitempty"`
	// Presenter is presenter mode.
	Presenter bool `json:"presenter,omitempty"`
}
