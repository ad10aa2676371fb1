package model

import "sync"

// Sensitivity classifies how much harm disclosure of an asset would cause.
type Sensitivity string

// Sensitivity levels, least to most sensitive.
const (
	Public       Sensitivity = "public"
	Internal     Sensitivity = "internal"
	Confidential Sensitivity = "confidential"
	Restricted   Sensitivity = "restricted"
)

// Sensitivities lists every sensitivity level in ascending order.
var Sensitivities = []Sensitivity{Public, Internal, Confidential, Restricted}

// Valid reports whether s is a known sensitivity level.
func (s Sensitivity) Valid() bool { return indexOf(Sensitivities, s) >= 0 }

// Rank orders sensitivities: public is 0, restricted is 3, unknown is -1.
func (s Sensitivity) Rank() int { return indexOf(Sensitivities, s) }

// Label is the human-readable name of the level.
func (s Sensitivity) Label() string { return titleWord(string(s)) }

// Stride is one of the six STRIDE threat categories. Threats from other
// methodologies (LINDDUN, CIA …) keep their own category string and set
// Threat.Methodology, so the type is a string rather than a closed enum.
type Stride string

// The six STRIDE categories, in their conventional order.
const (
	Spoofing              Stride = "spoofing"
	Tampering             Stride = "tampering"
	Repudiation           Stride = "repudiation"
	InformationDisclosure Stride = "information-disclosure"
	DenialOfService       Stride = "denial-of-service"
	ElevationOfPrivilege  Stride = "elevation-of-privilege"
)

// StrideCategories lists the six STRIDE categories in order.
var StrideCategories = []Stride{Spoofing, Tampering, Repudiation, InformationDisclosure, DenialOfService, ElevationOfPrivilege}

// Valid reports whether s is one of the six STRIDE categories.
func (s Stride) Valid() bool { return indexOf(StrideCategories, s) >= 0 }

// Letter is the category's initial in the STRIDE acronym ("S", "T" …).
func (s Stride) Letter() string {
	if !s.Valid() {
		return "?"
	}
	return string("STRIDE"[indexOf(StrideCategories, s)])
}

// Label is the category's display name, e.g. "Information Disclosure".
func (s Stride) Label() string {
	switch s {
	case InformationDisclosure:
		return "Information Disclosure"
	case DenialOfService:
		return "Denial of Service"
	case ElevationOfPrivilege:
		return "Elevation of Privilege"
	}
	return titleWord(string(s))
}

// Property is the security property a category violates.
func (s Stride) Property() string {
	switch s {
	case Spoofing:
		return "Authenticity"
	case Tampering:
		return "Integrity"
	case Repudiation:
		return "Non-repudiation"
	case InformationDisclosure:
		return "Confidentiality"
	case DenialOfService:
		return "Availability"
	case ElevationOfPrivilege:
		return "Authorization"
	}
	return ""
}

// ParseStride accepts a category id, its label, or its letter, case-insensitively.
func ParseStride(text string) (Stride, bool) {
	t := normalizeWord(text)
	for _, w := range strideSpellings() {
		if t == string(w.s) || t == w.label || t == w.letter {
			return w.s, true
		}
	}
	return "", false
}

// strideSpelling is a category with its label and letter as normalizeWord
// gives them.
type strideSpelling struct {
	s             Stride
	label, letter string
}

// strideSpellings normalizes the categories' labels and letters once: an
// import parses a category or two per threat, and normalizing twelve
// words each time was most of what that cost.
var strideSpellings = sync.OnceValue(func() []strideSpelling {
	out := make([]strideSpelling, len(StrideCategories))
	for i, s := range StrideCategories {
		out[i] = strideSpelling{s, normalizeWord(s.Label()), normalizeWord(s.Letter())}
	}
	return out
})

// ThreatStatus is where a threat stands in its treatment.
type ThreatStatus string

// Threat statuses.
const (
	StatusOpen          ThreatStatus = "open"
	StatusMitigated     ThreatStatus = "mitigated"
	StatusAccepted      ThreatStatus = "accepted"
	StatusTransferred   ThreatStatus = "transferred"
	StatusNotApplicable ThreatStatus = "not-applicable"
)

// ThreatStatuses lists every threat status in display order.
var ThreatStatuses = []ThreatStatus{StatusOpen, StatusMitigated, StatusAccepted, StatusTransferred, StatusNotApplicable}

// Valid reports whether s is a known threat status.
func (s ThreatStatus) Valid() bool { return indexOf(ThreatStatuses, s) >= 0 }

// Label is the display name of the status.
func (s ThreatStatus) Label() string {
	if s == StatusNotApplicable {
		return "Not applicable"
	}
	return titleWord(string(s))
}

// Next cycles to the following status, wrapping around.
func (s ThreatStatus) Next() ThreatStatus { return cycle(ThreatStatuses, s) }

// MitigationStatus is how far a mitigation has got.
type MitigationStatus string

// Mitigation statuses, in the order work usually goes.
const (
	MitigationPlanned     MitigationStatus = "planned"
	MitigationInProgress  MitigationStatus = "in-progress"
	MitigationImplemented MitigationStatus = "implemented"
	MitigationVerified    MitigationStatus = "verified"
	// MitigationWontDo rules a mitigation out; its Reason says why.
	MitigationWontDo MitigationStatus = "wont-do"
)

// MitigationStatuses lists every mitigation status in order.
var MitigationStatuses = []MitigationStatus{MitigationPlanned, MitigationInProgress, MitigationImplemented, MitigationVerified, MitigationWontDo}

// Valid reports whether s is a known mitigation status.
func (s MitigationStatus) Valid() bool { return indexOf(MitigationStatuses, s) >= 0 }

// Label is the display name of the status.
func (s MitigationStatus) Label() string {
	switch s {
	case MitigationInProgress:
		return "In progress"
	case MitigationWontDo:
		return "Won't do"
	}
	return titleWord(string(s))
}

// Next cycles to the following status, wrapping around.
func (s MitigationStatus) Next() MitigationStatus { return cycle(MitigationStatuses, s) }

// ItemState is the assessment of one checklist item.
type ItemState string

// Checklist item states. The zero value means not assessed.
const (
	NotAssessed  ItemState = ""
	StateDone    ItemState = "done"
	StatePartial ItemState = "partial"
	StateGap     ItemState = "gap"
	StateNA      ItemState = "not-applicable"
	StatePlanned ItemState = "planned"
	StateFuture  ItemState = "future"
)

// ItemStates lists every state in the order space cycles through them.
var ItemStates = []ItemState{NotAssessed, StateDone, StatePartial, StateGap, StatePlanned, StateFuture, StateNA}

// Valid reports whether s is a known state (including not assessed).
func (s ItemState) Valid() bool { return indexOf(ItemStates, s) >= 0 }

// Assessed reports whether someone has decided on the item.
func (s ItemState) Assessed() bool { return s != NotAssessed }

// Checked reports whether the item counts as in place (a ticked box).
func (s ItemState) Checked() bool { return s == StateDone }

// Label is the display name of the state.
func (s ItemState) Label() string {
	switch s {
	case NotAssessed:
		return "Not assessed"
	case StateNA:
		return "Not applicable"
	}
	return titleWord(string(s))
}

// Next cycles to the following state, wrapping around.
func (s ItemState) Next() ItemState { return cycle(ItemStates, s) }

// ActorKind says whether a threat actor is inside or outside the organisation.
type ActorKind string

// Actor kinds.
const (
	External ActorKind = "external"
	Insider  ActorKind = "internal"
)

// ActorKinds lists the actor kinds.
var ActorKinds = []ActorKind{External, Insider}

// Valid reports whether k is a known actor kind.
func (k ActorKind) Valid() bool { return indexOf(ActorKinds, k) >= 0 }

// Label is the display name of the kind.
func (k ActorKind) Label() string { return titleWord(string(k)) }

// Level is a coarse low / medium / high rating (an actor's capability or relative risk).
type Level string

// Levels.
const (
	Low    Level = "low"
	Medium Level = "medium"
	High   Level = "high"
)

// Levels lists the levels in ascending order.
var Levels = []Level{Low, Medium, High}

// Valid reports whether l is a known level.
func (l Level) Valid() bool { return indexOf(Levels, l) >= 0 }

// Label is the display name of the level.
func (l Level) Label() string { return titleWord(string(l)) }

// ReviewStatus is where the model as a whole stands.
type ReviewStatus string

// Review statuses.
const (
	ReviewDraft    ReviewStatus = "draft"
	ReviewInReview ReviewStatus = "in-review"
	ReviewApproved ReviewStatus = "approved"
)

// ReviewStatuses lists the review statuses in order.
var ReviewStatuses = []ReviewStatus{ReviewDraft, ReviewInReview, ReviewApproved}

// Valid reports whether s is a known review status.
func (s ReviewStatus) Valid() bool { return indexOf(ReviewStatuses, s) >= 0 }

// Label is the display name of the status.
func (s ReviewStatus) Label() string {
	if s == ReviewInReview {
		return "In review"
	}
	return titleWord(string(s))
}

// Edition is an OWASP Top 10 edition.
type Edition string

// OWASP Top 10 editions. 2025 is the default for new models; the reference
// document uses 2021.
const (
	OWASP2025 Edition = "2025"
	OWASP2021 Edition = "2021"
)

// Editions lists the supported editions, newest first.
var Editions = []Edition{OWASP2025, OWASP2021}

// Valid reports whether e is a supported edition.
func (e Edition) Valid() bool { return indexOf(Editions, e) >= 0 }

// ElementKind is the kind of an attack-surface element. Each kind has a
// STRIDE-per-element base (see Base) that decides which categories apply.
type ElementKind string

// Attack-surface element kinds.
const (
	KindAPI            ElementKind = "api"             // external API endpoint
	KindAuth           ElementKind = "auth"            // authentication mechanism
	KindDataStore      ElementKind = "datastore"       // data store / database access
	KindFileTransfer   ElementKind = "file-transfer"   // file upload / download
	KindThirdParty     ElementKind = "third-party"     // third-party integration
	KindAdmin          ElementKind = "admin"           // admin interface
	KindWebhook        ElementKind = "webhook"         // webhook endpoint
	KindClient         ElementKind = "client"          // web, mobile or desktop client
	KindHost           ElementKind = "host"            // server, container, cluster
	KindProcess        ElementKind = "process"         // any other running component
	KindDataFlow       ElementKind = "dataflow"        // data moving between elements
	KindTrustBoundary  ElementKind = "trust-boundary"  // line where trust changes
	KindExternalEntity ElementKind = "external-entity" // person or system outside our control
)

// ElementKinds lists every attack-surface kind in display order.
var ElementKinds = []ElementKind{KindAPI, KindAuth, KindDataStore, KindFileTransfer, KindThirdParty, KindAdmin, KindWebhook, KindClient, KindHost, KindProcess, KindDataFlow, KindTrustBoundary, KindExternalEntity}

// Valid reports whether k is a known kind.
func (k ElementKind) Valid() bool { return indexOf(ElementKinds, k) >= 0 }

// Label is the display name of the kind.
func (k ElementKind) Label() string {
	switch k {
	case KindAPI:
		return "External API endpoint"
	case KindAuth:
		return "Authentication mechanism"
	case KindDataStore:
		return "Data store"
	case KindFileTransfer:
		return "File upload/download"
	case KindThirdParty:
		return "Third-party integration"
	case KindAdmin:
		return "Admin interface"
	case KindWebhook:
		return "Webhook endpoint"
	case KindClient:
		return "Client application"
	case KindHost:
		return "Host / container"
	case KindProcess:
		return "Process"
	case KindDataFlow:
		return "Data flow"
	case KindTrustBoundary:
		return "Trust boundary"
	case KindExternalEntity:
		return "External entity"
	}
	return string(k)
}

// ElementBase is the STRIDE-per-element shape of a kind.
type ElementBase string

// STRIDE-per-element bases.
const (
	BaseExternalEntity ElementBase = "external-entity"
	BaseProcess        ElementBase = "process"
	BaseDataStore      ElementBase = "datastore"
	BaseDataFlow       ElementBase = "dataflow"
	BaseBoundary       ElementBase = "trust-boundary"
)

// Base maps a kind to its STRIDE-per-element shape.
func (k ElementKind) Base() ElementBase {
	switch k {
	case KindDataStore:
		return BaseDataStore
	case KindDataFlow:
		return BaseDataFlow
	case KindThirdParty, KindExternalEntity:
		return BaseExternalEntity
	case KindTrustBoundary:
		return BaseBoundary
	}
	return BaseProcess
}

// Categories lists the STRIDE categories that apply to an element base
// under STRIDE-per-element: external entities S, R; data stores T, R, I, D;
// processes all six; data flows T, I, D; trust boundaries none of their own.
func (b ElementBase) Categories() []Stride {
	switch b {
	case BaseExternalEntity:
		return []Stride{Spoofing, Repudiation}
	case BaseDataStore:
		return []Stride{Tampering, Repudiation, InformationDisclosure, DenialOfService}
	case BaseProcess:
		return StrideCategories
	case BaseDataFlow:
		return []Stride{Tampering, InformationDisclosure, DenialOfService}
	}
	return nil
}
