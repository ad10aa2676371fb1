// Package export reads and writes threat models as files. It never draws
// and never touches the workbook.
//
// # Layout
//
// One format table (formats.go: Formats, LookupFormat) names every format
// with its aliases, file extension, detection, importer and exporter; the
// CLI's --format flags and help, the TUI (through the funcs main injects)
// and check all read it. Each format has its own files, prefixed by its
// name: markdown*.go (the report), json_*.go (threatdeck's own JSON),
// threatdragon_*.go, otm_*.go, tmbom_*.go, csv_*.go and sarif_*.go. Every
// importer reads its input through input.go (limits, depth, line and
// column of a problem); the foreign importers share import_*.go (one sniff
// of the top-level keys, the builder that validates through the model's
// mutators, other tools' vocabulary). Every JSON export ends in cleanJSON
// (clean_output.go), so no string leaves threatdeck unclean, kept
// originals included.
//
// # The threatdeck/1 JSON document
//
// A document is one JSON object with two keys:
//
//	{
//	  "schema": "threatdeck/1",
//	  "model": { … }
//	}
//
// "schema" names the format and its version. ParseJSON reads version 1
// only: a newer version ("threatdeck/2") is refused with a message to
// upgrade threatdeck, a threat library ("threatdeck-library/1") or any other
// value is refused as not a model export. Any change that an older reader
// would misread or drop gets a new version; unknown fields are refused, not
// ignored, so nothing is ever lost silently.
//
// JSON writes the keys in the order below, lists in canonical order (by id
// number: "T-9" before "T-10"; STRIDE rows in STRIDE order; checklist items
// in catalog order, then custom items by id), two-space indentation, and
// "<", ">" and "&" unescaped. Times are RFC 3339 with their zone. Empty
// lists are written as [], never null; every string has been cleaned
// (no escape sequences, control or bidi characters). The workbook id is not
// part of the document: importing gives a new model in the workbook.
//
// "model" holds:
//
//	overview     object, required
//	  title          string, 1–200 characters
//	  owner          string, ≤ 200 characters
//	  summary        string, plain text, ≤ 64 KiB
//	  scope          string, plain text, ≤ 64 KiB
//	  participants   [string]
//	  status         "draft" | "in-review" | "approved"
//	  owasp_edition  "2025" | "2021": the OWASP Top 10 edition the model uses
//	  created, updated  time
//	assets       [object]
//	  id           "AS-001" …; empty means "give it a new id"
//	  name         string, 1–200 characters
//	  description  string
//	  sensitivity  "public" | "internal" | "confidential" | "restricted"
//	actors       [object]
//	  id           "TA-001" …
//	  name, description, motivation  string
//	  capability   "low" | "medium" | "high"
//	  kind         "external" | "internal"
//	  risk         "low" | "medium" | "high": relative risk
//	surface      [object]: attack-surface elements
//	  id           "SE-001" …
//	  name, description  string
//	  kind         "api" | "auth" | "datastore" | "file-transfer" | "third-party" |
//	               "admin" | "webhook" | "client" | "host" | "process" |
//	               "dataflow" | "trust-boundary" | "external-entity"
//	  trust_zone   string
//	  source, target  element ids, for a data flow (omitted when empty)
//	threats      [object]
//	  id           "T-001" …
//	  title        string, 1–200 characters
//	  description  string
//	  methodology  omitted for STRIDE; else the framework ("LINDDUN" …)
//	  category     for STRIDE "spoofing" | "tampering" | "repudiation" |
//	               "information-disclosure" | "denial-of-service" |
//	               "elevation-of-privilege"; else the framework's category
//	  vector       string: the attack-vector group in the report
//	  assets, surface, actors  [id]: each must exist in the model
//	  owasp        [OWASP id with edition, "A03:2021"]
//	  likelihood, impact  integer 1–5 (risk = likelihood × impact)
//	  status       "open" | "mitigated" | "accepted" | "transferred" | "not-applicable"
//	  mitigations  [object]
//	    id           "M-001" …
//	    description  string, required
//	    status       "planned" | "in-progress" | "implemented" | "verified" |
//	                 "wont-do"
//	    owner        string (omitted when none)
//	    due          date "2006-01-02" (omitted when none)
//	    ticket       http or https URL (omitted when none)
//	    reason       string: why it will not be done; required for "wont-do"
//	  library_id   the library threat it was accepted from (omitted when none)
//	  treatment    "mitigate" | "accept" | "transfer" | "avoid" (omitted when
//	               not decided)
//	  rationale    string, no control characters; required for accept,
//	               transfer and avoid
//	  decided_by   string; decided_at, review_by  dates "2006-01-02", review_by
//	               not before decided_at (each omitted when none)
//	stride       [object]: one per STRIDE category
//	  category     a STRIDE category, as above
//	  reviewed     bool
//	  note, example, mitigation  string
//	checklists   [object]: OWASP Top 10 items of both editions, security
//	             controls, testing & validation and compliance items
//	  id           catalog id ("A01:2021", "ctl.mfa") or "C-001" for custom items
//	  list         "owasp" | "controls" | "testing" | "compliance"
//	  group, title, detail, note  string
//	  state        "" (not assessed) | "done" | "partial" | "gap" |
//	               "not-applicable" | "planned" | "future"
//	  threats      [threat id]
//	sections     object: free Markdown
//	  incident_response, related_docs, references  string
//	parking      [object]: questions parked during a session
//	  id           "P-001" …
//	  text         string, 1–200 characters
//	  created      time
//	  resolved     bool
//	dismissed    [library threat id]: suggestions turned down
//	dismissals   object (omitted when empty): by dismissed id, why and when
//	  reason       string, one line (omitted when none)
//	  at           time (omitted when unknown)
//	extensions   object (omitted when empty): other tools' data, by tool
//	             name, kept verbatim for a round trip back to that tool
//	seq          object: the last number issued per id prefix ("T": 20)
//
// ParseJSON checks the document as an edit in the TUI is checked: every
// entity goes through the model's validation (text cleaned, lengths, enum
// values, links to existing ids), ids must be unique, and id counters are
// moved past every id in use. Problems are reported with their JSON path,
// for example "model.threats[3].likelihood: must be between 1 and 5".
// Documents over 512 MiB or nested deeper than 64 levels are refused before
// decoding.
//
// The document is lossless: exporting a model, importing the document into
// an empty workbook and exporting again gives identical bytes.
package export
