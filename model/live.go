package model

import "time"

// Role is what a participant of a live session may do.
type Role string

// Roles. The facilitator leads (follow, risk poker, reveal); participants
// edit; observers only read and add to the parking lot.
const (
	RoleFacilitator Role = "facilitator"
	RoleParticipant Role = "participant"
	RoleObserver    Role = "observer"
)

// CanEdit reports whether the role may change the model (observers may
// still add to the parking lot).
func (r Role) CanEdit() bool { return r == RoleFacilitator || r == RoleParticipant }

// Participant is one person in a live session.
type Participant struct {
	// Name comes from the authorized_keys comment, --name, or the local user.
	Name string `json:"name"`
	Role Role   `json:"role"`
	// Session tells two connections of the same person apart.
	Session string `json:"session"`
}

// Presence is where a participant is: the model, step and selection they
// see, shown in everybody's header and followed by participants.
type Presence struct {
	Participant Participant `json:"participant"`
	ModelID     string      `json:"model_id,omitempty"`
	Step        string      `json:"step,omitempty"`
	Item        string      `json:"item,omitempty"`
	// Following is true while the participant follows the facilitator.
	Following bool      `json:"following,omitempty"`
	Since     time.Time `json:"since,omitzero"`
}

// LiveEventKind says what a LiveEvent carries.
type LiveEventKind string

// Live event kinds.
const (
	// EventEdit: an edit was committed (Edit, ModelID, Seq).
	EventEdit LiveEventKind = "edit"
	// EventModels: the list of models changed (a model created, imported
	// or deleted); re-read List.
	EventModels LiveEventKind = "models"
	// EventPresence: who is here and where (Presence holds everyone).
	EventPresence LiveEventKind = "presence"
	// EventNotice: a line to show in the status bar ("alice joined").
	EventNotice LiveEventKind = "notice"
	// EventClosed: the host went away or refused us; Text says why.
	EventClosed LiveEventKind = "closed"
)

// LiveEvent is one thing that happened in a live session, delivered to
// every session in the order the host applied it.
type LiveEvent struct {
	Kind    LiveEventKind `json:"kind"`
	ModelID string        `json:"model_id,omitempty"`
	// Seq numbers committed edits per host, so a session applies them in
	// the host's order (its own edits included, echoed back).
	Seq      uint64     `json:"seq,omitempty"`
	Edit     *Edit      `json:"edit,omitempty"`
	Presence []Presence `json:"presence,omitempty"`
	Text     string     `json:"text,omitempty"`
	// Reload tells the session to read the model again from the workbook
	// instead of applying Edit: the host renumbered this session's own
	// edit (two people took the same new id at once), or the session fell
	// behind and events were dropped.
	Reload bool `json:"reload,omitempty"`
}
