// Package model is threatdeck's domain: the threat-model types, the built-in
// catalogs, risk scoring, completion and validation. It does no I/O; the
// store, export and tui packages build on it.
package model

import (
	"encoding/json"
	"time"
)

// Model is one threat model. A workbook holds many.
type Model struct {
	// ID is the model's key in its workbook. It is workbook identity, not
	// model content, so it is not part of the JSON form.
	ID string `json:"-"`

	Overview   Overview         `json:"overview"`
	Assets     []Asset          `json:"assets"`
	Actors     []Actor          `json:"actors"`
	Surface    []SurfaceElement `json:"surface"`
	Threats    []Threat         `json:"threats"`
	Stride     []StrideReview   `json:"stride"`
	Checklists []CheckItem      `json:"checklists"`
	Sections   Sections         `json:"sections"`
	Parking    []ParkingItem    `json:"parking"`
	// Dismissed holds the library ids of suggestions the user turned down,
	// so they are never suggested again for this model.
	Dismissed []string `json:"dismissed"`
	// Dismissals holds the reason and date of dismissed suggestions that
	// have them, keyed by library id (a subset of Dismissed).
	Dismissals map[string]Dismissal `json:"dismissals,omitempty"`
	// Extensions keeps data from other tools that has no home in threatdeck
	// (a Threat Dragon diagram's geometry, original ids …), keyed by tool, so
	// an export back to that tool can restore it.
	Extensions map[string]json.RawMessage `json:"extensions,omitempty"`
	// Seq holds the last number issued per id prefix ("T" → 12).
	Seq map[string]int `json:"seq"`

	// Votes are the risk-poker votes of the open rounds, one per threat and
	// voter (RecVote), so concurrent votes never overwrite each other.
	Votes []Vote `json:"votes,omitempty"`
	// Poker holds the latest risk-poker round of each threat (RecPoker).
	Poker []PokerRound `json:"poker,omitempty"`
	// Sessions are the records of facilitated sessions (RecSession).
	Sessions []SessionRecord `json:"sessions,omitempty"`

	// shared marks the lists this model shares with another (Share): they
	// are copied before they are written.
	shared listSet `json:"-"`
}

// Overview is the model's title page.
type Overview struct {
	Title        string       `json:"title"`
	Owner        string       `json:"owner"`
	Summary      string       `json:"summary"`
	Scope        string       `json:"scope"`
	Participants []string     `json:"participants"`
	Status       ReviewStatus `json:"status"`
	Edition      Edition      `json:"owasp_edition"`
	Created      time.Time    `json:"created"`
	Updated      time.Time    `json:"updated"`
}

// Asset is something worth protecting.
type Asset struct {
	ID          string      `json:"id"`
	Name        string      `json:"name"`
	Description string      `json:"description"`
	Sensitivity Sensitivity `json:"sensitivity"`
}

// Actor is someone who might attack.
type Actor struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Motivation  string    `json:"motivation"`
	Capability  Level     `json:"capability"`
	Kind        ActorKind `json:"kind"`
	Risk        Level     `json:"risk"`
}

// SurfaceElement is an entry point or component of the system under review.
type SurfaceElement struct {
	ID          string      `json:"id"`
	Name        string      `json:"name"`
	Kind        ElementKind `json:"kind"`
	Description string      `json:"description"`
	TrustZone   string      `json:"trust_zone"`
	// Source and Target are the ends of a data flow (element ids); empty otherwise.
	Source string `json:"source,omitempty"`
	Target string `json:"target,omitempty"`
	// Traits, Exposure and Callers say what the element does, from where it
	// is reached and who calls it; suggestions use them to offer only the
	// threats that fit. Empty means "not said": suggestions infer them
	// from the kind, name and description (see ProfileOf).
	Traits   []Trait  `json:"traits,omitempty"`
	Exposure Exposure `json:"exposure,omitempty"`
	Callers  Callers  `json:"callers,omitempty"`
}

// Threat is one thing that could go wrong, with its treatment.
type Threat struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description"`
	// Methodology is empty for STRIDE; otherwise the framework the category
	// belongs to (LINDDUN, CIA …), kept as imported rather than forced into STRIDE.
	Methodology string `json:"methodology,omitempty"`
	Category    Stride `json:"category"`
	// Vector groups threats in the report's "Attack Vectors" section
	// ("Authentication & Authorization", "API Security" …).
	Vector      string       `json:"vector"`
	Assets      []string     `json:"assets"`
	Surface     []string     `json:"surface"`
	Actors      []string     `json:"actors"`
	OWASP       []string     `json:"owasp"`
	Likelihood  int          `json:"likelihood"`
	Impact      int          `json:"impact"`
	Status      ThreatStatus `json:"status"`
	Mitigations []Mitigation `json:"mitigations"`
	// LibraryID names the library threat this one was accepted from, if any.
	LibraryID string `json:"library_id,omitempty"`
	// Vote is the outcome of a risk-poker round: the agreed likelihood and
	// impact (also set above) and the votes they were agreed from.
	Vote *RiskDecision `json:"risk_vote,omitempty"`
	// Attribution: who added the threat and who changed it last (see Stamp).
	Stamps
	// Treatment is the decision taken ("" before one was recorded; see
	// Decision). Accept, transfer and avoid need a Rationale.
	Treatment Treatment `json:"treatment,omitempty"`
	Rationale string    `json:"rationale,omitempty"`
	// DecidedBy and DecidedAt say who took the decision and on which day;
	// ReviewBy is the day it must be looked at again.
	DecidedBy string `json:"decided_by,omitempty"`
	DecidedAt Date   `json:"decided_at,omitempty"`
	ReviewBy  Date   `json:"review_by,omitempty"`
}

// Mitigation is one measure against a threat.
type Mitigation struct {
	ID          string           `json:"id"`
	Description string           `json:"description"`
	Status      MitigationStatus `json:"status"`
	Stamps
	// Owner is who is doing the work, by Due; Ticket links the work item
	// (an http or https URL).
	Owner  string `json:"owner,omitempty"`
	Due    Date   `json:"due,omitempty"`
	Ticket string `json:"ticket,omitempty"`
	// Reason says why a mitigation will not be done (status wont-do).
	Reason string `json:"reason,omitempty"`
}

// StrideReview records that a category was considered, and what was found.
type StrideReview struct {
	Category Stride `json:"category"`
	Reviewed bool   `json:"reviewed"`
	// Note is the reviewer's conclusion; "considered: none apply because …"
	// is a valid outcome.
	Note string `json:"note"`
	// Example and Mitigation fill the report's STRIDE analysis table.
	Example    string `json:"example"`
	Mitigation string `json:"mitigation"`
}

// ChecklistKind names one of the model's checklists.
type ChecklistKind string

// The model's checklists.
const (
	ListOWASP      ChecklistKind = "owasp"
	ListControls   ChecklistKind = "controls"
	ListTesting    ChecklistKind = "testing"
	ListCompliance ChecklistKind = "compliance"
)

// ChecklistKinds lists the checklists in report order.
var ChecklistKinds = []ChecklistKind{ListOWASP, ListControls, ListTesting, ListCompliance}

// Label is the display name of the checklist.
func (k ChecklistKind) Label() string {
	switch k {
	case ListOWASP:
		return "OWASP Top 10"
	case ListControls:
		return "Security Controls"
	case ListTesting:
		return "Testing & Validation"
	case ListCompliance:
		return "Compliance"
	}
	return string(k)
}

// CheckItem is one item of a checklist. Items from the catalogs keep the
// catalog id (OWASP items are "A01:2025"; both editions live side by side so
// switching edition loses nothing); items a user adds get "C-n" ids.
type CheckItem struct {
	ID    string        `json:"id"`
	List  ChecklistKind `json:"list"`
	Group string        `json:"group"`
	Title string        `json:"title"`
	// Detail is a short explanation ("User data protection, right to deletion").
	Detail  string    `json:"detail"`
	State   ItemState `json:"state"`
	Note    string    `json:"note"`
	Threats []string  `json:"threats"`
}

// Sections are the report's free-form Markdown sections.
type Sections struct {
	IncidentResponse string `json:"incident_response"`
	RelatedDocs      string `json:"related_docs"`
	References       string `json:"references"`
}

// ParkingItem is a question or idea captured during a session, to be
// reviewed later (and perhaps turned into a threat).
type ParkingItem struct {
	ID      string    `json:"id"`
	Text    string    `json:"text"`
	Created time.Time `json:"created"`
	// Resolved is set when the item has been dealt with (turned into a threat,
	// answered, or dropped).
	Resolved bool `json:"resolved"`
}
