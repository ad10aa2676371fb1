package model

import (
	"embed"
	"encoding/json"
	"fmt"
	"sync"
)

// The built-in catalogs are embedded JSON in our own words; the library file
// uses the same format a team library does (LibrarySchema).
//
//go:embed catalog/*.json
var catalogFS embed.FS

// LibrarySchema is the format tag of a threat library file, built-in or a team's.
const LibrarySchema = "threatdeck-library/1"

// StrideInfo explains one STRIDE category and prompts the team to think about it.
type StrideInfo struct {
	Category   Stride   `json:"category"`
	Definition string   `json:"definition"`
	Questions  []string `json:"questions"`
}

// OWASPItem is one entry of an OWASP Top 10 edition.
type OWASPItem struct {
	// ID is the official id with its edition, e.g. "A01:2025".
	ID          string   `json:"id"`
	Edition     Edition  `json:"edition"`
	Rank        int      `json:"rank"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Questions   []string `json:"questions"`
}

// ChecklistTemplate is a catalog item seeded into a new model's controls,
// testing or compliance checklist.
type ChecklistTemplate struct {
	ID     string        `json:"id"`
	List   ChecklistKind `json:"list"`
	Group  string        `json:"group"`
	Title  string        `json:"title"`
	Detail string        `json:"detail"`
}

// LibraryThreat is a suggested threat: what it is, where it applies, and
// what to do about it.
type LibraryThreat struct {
	// ID is stable across releases, e.g. "TDL-S-001"; team libraries choose their own.
	ID       string `json:"id"`
	Title    string `json:"title"`
	Category Stride `json:"category"`
	// AppliesTo lists the attack-surface kinds the threat fits.
	AppliesTo []ElementKind `json:"applies_to"`
	// Requires lists traits an element must all have for the threat to
	// fit it, RequiresAny traits of which it needs at least one; Exposure
	// and Callers, when set, the exposures and callers it needs (an
	// element called by "both" meets people and services). All optional:
	// a threat without them fits every element of its kinds.
	Requires    []Trait    `json:"requires,omitempty"`
	RequiresAny []Trait    `json:"requires_any,omitempty"`
	Exposure    []Exposure `json:"exposure,omitempty"`
	Callers     []Callers  `json:"callers,omitempty"`
	Description string     `json:"description"`
	Mitigations []string   `json:"mitigations"`
	// OWASP2025 and OWASP2021 hold Top 10 ids with edition ("A07:2025").
	OWASP2025 []string `json:"owasp_2025"`
	OWASP2021 []string `json:"owasp_2021"`
	// CWE ids are "CWE-89"; CAPEC ids "CAPEC-66", where one clearly fits.
	CWE   []string `json:"cwe"`
	CAPEC []string `json:"capec,omitempty"`
	// Vector is the attack-vector group the threat is reported under.
	Vector string `json:"vector"`
	// Likelihood and Impact are defaults (1–5) for an accepted suggestion.
	Likelihood int `json:"likelihood"`
	Impact     int `json:"impact"`
}

// Library is a set of library threats: the built-in one, or a team's.
type Library struct {
	Schema      string          `json:"schema"`
	Name        string          `json:"name"`
	Version     string          `json:"version"`
	Description string          `json:"description,omitempty"`
	Threats     []LibraryThreat `json:"threats"`
}

type catalogs struct {
	stride     []StrideInfo
	owasp      []OWASPItem
	checklists []ChecklistTemplate
	library    Library
}

var (
	catalogOnce, libraryOnce sync.Once
	catalogData              catalogs
)

// loadCatalogs parses the embedded files once. They are ours and covered by
// tests, so a failure here is a build defect, reported loudly. The threat
// library, 205 KB of the 235, is parsed on its own first use (see
// loadLibrary): a report or an export needs the OWASP items, which every
// model's Normalize reads, but not the library, and decoding it was 3-4 ms
// of a fresh export.
func loadCatalogs() *catalogs {
	catalogOnce.Do(func() {
		mustCatalog("stride.json", &catalogData.stride)
		mustCatalog("owasp.json", &catalogData.owasp)
		mustCatalog("checklists.json", &catalogData.checklists)
	})
	return &catalogData
}

// loadLibrary parses the embedded threat library once.
func loadLibrary() *Library {
	libraryOnce.Do(func() { mustCatalog("library.json", &catalogData.library) })
	return &catalogData.library
}

// mustCatalog decodes one embedded catalog file into v.
func mustCatalog(name string, v any) {
	data, err := catalogFS.ReadFile("catalog/" + name)
	if err == nil {
		err = json.Unmarshal(data, v)
	}
	if err != nil {
		panic(fmt.Sprintf("threatdeck: embedded catalog %s: %v", name, err))
	}
}

// StrideCatalog returns the explanation and prompting questions of every
// STRIDE category, in STRIDE order.
func StrideCatalog() []StrideInfo { return loadCatalogs().stride }

// StrideInfoFor returns the catalog entry for one category.
func StrideInfoFor(s Stride) (StrideInfo, bool) {
	for _, info := range loadCatalogs().stride {
		if info.Category == s {
			return info, true
		}
	}
	return StrideInfo{}, false
}

// OWASPCatalog returns the ten items of an edition, in rank order.
func OWASPCatalog(e Edition) []OWASPItem {
	var out []OWASPItem
	for _, it := range loadCatalogs().owasp {
		if it.Edition == e {
			out = append(out, it)
		}
	}
	return out
}

// OWASPByID finds an OWASP item by its id with edition ("A03:2021").
func OWASPByID(id string) (OWASPItem, bool) {
	for _, it := range loadCatalogs().owasp {
		if it.ID == id {
			return it, true
		}
	}
	return OWASPItem{}, false
}

// ChecklistCatalog returns the template items of one checklist (controls,
// testing or compliance), in display order.
func ChecklistCatalog(list ChecklistKind) []ChecklistTemplate {
	var out []ChecklistTemplate
	for _, it := range loadCatalogs().checklists {
		if it.List == list {
			out = append(out, it)
		}
	}
	return out
}

// BuiltinLibrary returns the built-in threat library.
func BuiltinLibrary() Library { return *loadLibrary() }

// LibraryThreatByID finds a threat in the built-in library.
func LibraryThreatByID(id string) (LibraryThreat, bool) {
	for _, t := range loadLibrary().Threats {
		if t.ID == id {
			return t, true
		}
	}
	return LibraryThreat{}, false
}
