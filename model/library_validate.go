package model

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// LibraryVectors lists the attack-vector groups a library threat may be
// reported under, in report order.
var LibraryVectors = []string{
	"Authentication & Authorization",
	"API Security",
	"Data Protection",
	"Client Security",
	"Infrastructure",
	"Supply Chain",
	"Logging & Monitoring",
	"Business Logic",
}

// maxLibraryProblems caps how many problems Validate reports, so a badly
// broken file yields a readable error rather than thousands of lines.
const maxLibraryProblems = 20

// The id patterns are compiled when a library is first checked, not at
// every start of the binary.
var (
	cweIDPattern   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^CWE-[1-9][0-9]*$`) })
	capecIDPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^CAPEC-[1-9][0-9]*$`) })
)

// ValidCWEID reports whether id is a well-formed CWE id such as "CWE-89".
func ValidCWEID(id string) bool { return cweIDPattern().MatchString(id) }

// ValidCAPECID reports whether id is a well-formed CAPEC id such as "CAPEC-66".
func ValidCAPECID(id string) bool { return capecIDPattern().MatchString(id) }

// KindAllows reports whether STRIDE-per-element lets a threat of category s
// apply to an element of kind k (its base decides; trust boundaries take none).
//
// Third-party integrations are the exception: besides the spoofing and
// repudiation of an external entity they take tampering, disclosure and
// denial of service across the integration (a partner that alters what it
// returns, leaks what we send it or goes down), which is what a team
// integrating one most needs to consider.
func KindAllows(k ElementKind, s Stride) bool {
	if k == KindThirdParty {
		return s.Valid() && s != ElevationOfPrivilege
	}
	return k.Valid() && slices.Contains(k.Base().Categories(), s)
}

// Validate checks a library, the built-in one or a team's, and returns nil
// or an error listing the first problems found (at most 20),
// each naming the entry by index and id and the offending field.
//
// The rules: the schema is LibrarySchema; the library has a name and at
// least one threat; name and version are single clean lines of at most
// MaxTitle characters; every threat has a unique id without spaces or
// control characters (at most MaxLibraryID characters), a one-line
// title of at most MaxTitle characters, a description, a STRIDE category, at least one applies_to kind, each valid
// and allowed for the category by its STRIDE-per-element base, at least one
// non-blank mitigation, a vector from LibraryVectors, and likelihood and
// impact between 1 and 5. Texts hold no control or escape characters and
// stay within MaxText, so any threat can be accepted into a model. OWASP ids, when given, must exist in the edition
// of their field; CWE and CAPEC ids, when given, must be well formed.
// Mappings are optional here; the built-in library's tests also require them.
func (l Library) Validate() error {
	var errs []error
	total := 0
	add := func(err error) {
		total++
		if len(errs) < maxLibraryProblems {
			errs = append(errs, err)
		}
	}
	if l.Schema != LibrarySchema {
		add(fmt.Errorf("library: schema is %q, want %q", l.Schema, LibrarySchema))
	}
	if strings.TrimSpace(l.Name) == "" {
		add(errors.New("library: name is empty"))
	}
	// The name keys the library in a workbook and, like the version, is
	// printed by `library list`: one clean line, so it cannot carry escapes.
	for _, p := range headerProblems(l) {
		add(errors.New("library: " + p))
	}
	if len(l.Threats) == 0 {
		add(errors.New("library: no threats"))
	}
	seen := map[string]int{}
	for i, t := range l.Threats {
		for _, p := range t.problems() {
			add(fmt.Errorf("threat %d (%s): %s", i, entryName(t.ID), p))
		}
		if t.ID == "" {
			continue
		}
		if j, dup := seen[t.ID]; dup {
			add(fmt.Errorf("threat %d (%s): id: duplicate of threat %d", i, t.ID, j))
		} else {
			seen[t.ID] = i
		}
	}
	if total > len(errs) {
		errs = append(errs, fmt.Errorf("… and %d more problems", total-len(errs)))
	}
	return errors.Join(errs...)
}

// MaxLibraryID bounds a library threat id, in characters: ids appear in
// tables and key the model's dismissals.
const MaxLibraryID = 64

// headerProblems checks the library's own fields as "field: problem".
func headerProblems(l Library) []string {
	var out []string
	for _, f := range []struct{ field, value string }{{"name", l.Name}, {"version", l.Version}} {
		switch {
		case CleanLine(f.value) != strings.TrimSpace(f.value):
			out = append(out, f.field+": must be one line without control characters")
		case utf8.RuneCountInString(f.value) > MaxTitle:
			out = append(out, fmt.Sprintf("%s: %d characters long; the limit is %d", f.field, utf8.RuneCountInString(f.value), MaxTitle))
		}
	}
	switch {
	case CleanText(l.Description) != l.Description:
		out = append(out, "description: contains control characters")
	case len(l.Description) > MaxText:
		out = append(out, fmt.Sprintf("description: %d bytes long; the limit is %d", len(l.Description), MaxText))
	}
	return out
}

func entryName(id string) string {
	switch {
	case id == "":
		return "no id"
	case utf8.RuneCountInString(id) > MaxLibraryID:
		return strconv.Quote(string([]rune(id)[:MaxLibraryID])) + "…"
	case CleanLine(id) != id:
		return strconv.Quote(id) // never print a stray escape sequence
	}
	return id
}

// problems lists what is wrong with one threat, each as "field: problem".
func (t LibraryThreat) problems() []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }

	switch {
	case t.ID == "":
		bad("id: empty")
	case strings.ContainsFunc(t.ID, isSpace):
		bad("id: %q contains whitespace", t.ID)
	case CleanLine(t.ID) != t.ID:
		// Dismissals store the cleaned id; an id that cleaning changes
		// could never be dismissed, and would reach the terminal raw.
		bad("id: %q contains control characters", t.ID)
	case utf8.RuneCountInString(t.ID) > MaxLibraryID:
		bad("id: %d characters long; the limit is %d", utf8.RuneCountInString(t.ID), MaxLibraryID)
	}
	switch title := strings.TrimSpace(t.Title); {
	case title == "":
		bad("title: empty")
	case CleanLine(title) != title:
		bad("title: must be one line without control characters")
	case utf8.RuneCountInString(title) > MaxTitle:
		bad("title: %d characters long; the limit is %d", utf8.RuneCountInString(title), MaxTitle)
	}
	if strings.TrimSpace(t.Description) == "" {
		bad("description: empty")
	}
	checkText := func(field, s string) {
		switch {
		case CleanText(s) != s:
			bad("%s: contains control characters", field)
		case len(s) > MaxText:
			bad("%s: %d bytes long; the limit is %d", field, len(s), MaxText)
		}
	}
	checkText("description", t.Description)
	catOK := t.Category.Valid()
	if !catOK {
		bad("category: %q is not a STRIDE category", t.Category)
	}
	if len(t.AppliesTo) == 0 {
		bad("applies_to: empty")
	}
	for _, k := range t.AppliesTo {
		switch {
		case !k.Valid():
			bad("applies_to: unknown element kind %q", k)
		case catOK && !KindAllows(k, t.Category):
			bad("applies_to: kind %q (base %s) does not take %s threats", k, k.Base(), t.Category)
		}
	}
	if slices.IndexFunc(t.Mitigations, func(m string) bool { return strings.TrimSpace(m) != "" }) < 0 {
		bad("mitigations: none")
	}
	for j, m := range t.Mitigations {
		if strings.TrimSpace(m) == "" {
			bad("mitigations: entry %d is blank", j+1)
		} else {
			checkText(fmt.Sprintf("mitigations: entry %d", j+1), m)
		}
	}
	for _, tr := range slices.Concat(t.Requires, t.RequiresAny) {
		if !tr.Valid() {
			bad("requires: unknown trait %q", tr)
		}
	}
	for _, x := range t.Exposure {
		if !x.Valid() {
			bad("exposure: %q is not internet, internal or third-party", x)
		}
	}
	for _, c := range t.Callers {
		if c != CallersPeople && c != CallersServices && c != CallersNone {
			bad("callers: %q is not people, services or none", c)
		}
	}
	checkOWASP := func(field string, ids []string, want Edition) {
		for _, id := range ids {
			it, ok := OWASPByID(id)
			switch {
			case !ok:
				bad("%s: unknown OWASP id %q", field, id)
			case it.Edition != want:
				bad("%s: %q belongs to edition %s, not %s", field, id, it.Edition, want)
			}
		}
	}
	checkOWASP("owasp_2025", t.OWASP2025, OWASP2025)
	checkOWASP("owasp_2021", t.OWASP2021, OWASP2021)
	for _, id := range t.CWE {
		if !ValidCWEID(id) {
			bad("cwe: %q is not of the form CWE-<n>", id)
		}
	}
	for _, id := range t.CAPEC {
		if !ValidCAPECID(id) {
			bad("capec: %q is not of the form CAPEC-<n>", id)
		}
	}
	if !slices.Contains(LibraryVectors, t.Vector) {
		bad("vector: %q is not one of the known vectors", t.Vector)
	}
	if t.Likelihood < 1 || t.Likelihood > 5 {
		bad("likelihood: %d is outside 1..5", t.Likelihood)
	}
	if t.Impact < 1 || t.Impact > 5 {
		bad("impact: %d is outside 1..5", t.Impact)
	}
	return out
}

func isSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }
