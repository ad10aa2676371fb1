package model

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Suggestion is a library threat that fits a model, with why.
type Suggestion struct {
	Threat LibraryThreat
	// Library is the name of the library the threat comes from.
	Library string
	// Elements and Assets are the ids that triggered it, in the model's
	// order; accepting links them.
	Elements []string
	Assets   []string
	// Why is a one-line reason: the element and rule that matched.
	Why   string
	Score int
}

// Suggest returns the library threats that apply to m's attack surface,
// most relevant first. Applicability is STRIDE-per-element refined by kind:
// a threat applies to an element when the element's kind is listed in the
// threat's AppliesTo and its base allows the category. Confidential and
// restricted assets raise tampering and disclosure suggestions. Threats the
// model already has (same library id or title) and dismissed ones are left
// out, and when several libraries hold the same id or title the first
// library's threat wins (see SuggestionLibraries).
//
// Ranking, strongest factor first: how specific the matched element kind is
// and how squarely the threat aims at it (admin interfaces, webhooks, file
// transfer, third-party integrations and authentication draw threats
// written for them, ranked above threats that matched only a generic
// process; see kindFit), the threat's default risk, how narrowly the
// threat is aimed (fewer AppliesTo kinds), a raise
// for tampering and disclosure when the model holds confidential or
// restricted assets, and, weakest and capped, how many elements matched,
// so a generic threat does not win by matching many elements.
func Suggest(m *Model, libs ...Library) []Suggestion {
	if len(libs) == 0 {
		libs = []Library{BuiltinLibrary()}
	}
	// taken indexes the libraries' ids and titles, true once the model has
	// (or a suggestion already uses) them. Indexing the few library threats
	// and probing with the model's many threats keeps a model of 10,000
	// threats from costing 10,000 map inserts and lowered titles.
	keys := make([][]string, len(libs))
	takenID, takenTitle := map[string]bool{}, map[string]bool{}
	for i, lib := range libs {
		keys[i] = make([]string, len(lib.Threats))
		for j, lt := range lib.Threats {
			keys[i][j] = titleKey(lt.Title)
			takenID[lt.ID], takenTitle[keys[i][j]] = false, false
		}
	}
	var buf []byte
	for _, t := range m.Threats {
		if _, ok := takenID[t.LibraryID]; ok && t.LibraryID != "" {
			takenID[t.LibraryID] = true
		}
		buf = appendTitleKey(buf[:0], t.Title)
		if _, ok := takenTitle[string(buf)]; ok {
			takenTitle[string(buf)] = true
		}
	}
	for _, d := range m.Dismissed {
		if _, ok := takenID[d]; ok {
			takenID[d] = true
		}
	}
	// byKind holds surface indexes, so linked elements come out in the
	// model's own order by sorting small ints rather than ids.
	byKind := map[ElementKind][]int{}
	for i, e := range m.Surface {
		byKind[e.Kind] = append(byKind[e.Kind], i)
	}
	sens := sensitiveAssets(m)
	sensIDs := make([]string, len(sens))
	for i, a := range sens {
		sensIDs[i] = a.ID
	}
	slices.SortFunc(sensIDs, compareIDs)
	var out []Suggestion
	var idx []int
	for i, lib := range libs {
		for j, lt := range lib.Threats {
			key := keys[i][j]
			if takenID[lt.ID] || takenTitle[key] {
				continue
			}
			s, ok := suggestOne(m, lt, byKind, sens, sensIDs, &idx)
			if !ok {
				continue
			}
			s.Library = lib.Name
			out = append(out, s)
			takenID[lt.ID], takenTitle[key] = true, true
		}
	}
	slices.SortStableFunc(out, func(a, b Suggestion) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return strings.Compare(a.Threat.ID, b.Threat.ID)
	})
	return out
}

// suggestOne matches one library threat against the surface; ok is false
// when no element takes it. sens are the sensitive assets, most sensitive
// first, and sensIDs their ids in id order; idx is scratch space reused
// across calls.
func suggestOne(m *Model, lt LibraryThreat, byKind map[ElementKind][]int, sens []Asset, sensIDs []string, idx *[]int) (s Suggestion, ok bool) {
	best, bestFit := -1, -1
	*idx = (*idx)[:0]
	for p, k := range lt.AppliesTo {
		if !kindTakes(k, lt.Category) {
			continue
		}
		fit := kindFit(k, p)
		for _, i := range byKind[k] {
			if fit > bestFit {
				best, bestFit = i, fit
			}
			*idx = append(*idx, i)
		}
	}
	if best < 0 {
		return s, false
	}
	s.Threat = lt
	slices.Sort(*idx)
	*idx = slices.Compact(*idx) // a kind listed twice
	n := len(*idx)
	s.Elements = make([]string, n)
	for j, i := range *idx {
		s.Elements[j] = m.Surface[i].ID
	}
	s.Score = bestFit + 2*RiskScore(lt.Likelihood, lt.Impact) + 24/len(lt.AppliesTo) + 2*min(n, 5)

	e := m.Surface[best]
	var why strings.Builder
	why.WriteString(CleanLine(e.Name))
	why.WriteString(" (" + kindNoun(e.Kind) + ")")
	if n > 1 {
		fmt.Fprintf(&why, " and %d more", n-1)
	}
	label := lt.Category.Label()
	fmt.Fprintf(&why, ": %s %s threat to %s", article(label), label, kindPlural(e.Kind))
	if (lt.Category == Tampering || lt.Category == InformationDisclosure) && len(sens) > 0 {
		top := sens[0]
		s.Score += 20 * (top.Sensitivity.Rank() - Internal.Rank())
		s.Assets = slices.Clone(sensIDs)
		fmt.Fprintf(&why, "; raised by %s asset %s", top.Sensitivity, CleanLine(top.Name))
		if len(sens) > 1 {
			fmt.Fprintf(&why, " and %d more", len(sens)-1)
		}
	}
	s.Why = why.String()
	return s, true
}

// sensitiveAssets returns m's confidential and restricted assets, most
// sensitive first, then by id: the first one names the raise in Why.
func sensitiveAssets(m *Model) []Asset {
	var out []Asset
	for _, a := range m.Assets {
		if a.Sensitivity.Rank() >= Confidential.Rank() {
			out = append(out, a)
		}
	}
	slices.SortStableFunc(out, func(a, b Asset) int {
		return cmp.Or(cmp.Compare(b.Sensitivity.Rank(), a.Sensitivity.Rank()), compareIDs(a.ID, b.ID))
	})
	return out
}

// titleKey is how titles are compared to spot a threat the model has.
func titleKey(title string) string { return strings.ToLower(strings.TrimSpace(title)) }

// appendTitleKey appends titleKey(title) to buf, without allocating for
// ASCII titles.
func appendTitleKey(buf []byte, title string) []byte {
	for i := 0; i < len(title); i++ {
		if title[i] >= utf8.RuneSelf {
			return append(buf, titleKey(title)...)
		}
	}
	title = strings.TrimSpace(title)
	for i := 0; i < len(title); i++ {
		c := title[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return buf
}

// kindTakes is KindAllows without allocating: Suggest calls it for every
// library threat and kind.
func kindTakes(k ElementKind, c Stride) bool {
	switch k.Base() {
	case BaseExternalEntity:
		return c == Spoofing || c == Repudiation
	case BaseDataStore:
		return c == Tampering || c == Repudiation || c == InformationDisclosure || c == DenialOfService
	case BaseDataFlow:
		return c == Tampering || c == InformationDisclosure || c == DenialOfService
	case BaseProcess:
		return k.Valid() && c.Valid()
	}
	return false
}

// kindFit scores how squarely a threat is aimed at kind k, listed at
// position p of its AppliesTo (the kind a threat is written for comes
// first). Threats written for an admin interface, a webhook, a file
// transfer, a third-party integration or an authentication mechanism are
// what a team most often misses and a generic list does not show, so they
// score highest; a plain process is the most generic and scores nothing.
// Each place further down the list halves the score (twice at most).
//
// A specific kind listed first scores 100, more than the other factors of
// the score together can make up (at most 84 without the sensitivity
// raise), so, without sensitive assets, every threat written for one of
// those kinds ranks above every threat that matched only processes.
func kindFit(k ElementKind, p int) int {
	w := 50
	switch k {
	case KindAdmin, KindWebhook, KindFileTransfer, KindThirdParty, KindAuth:
		w = 100
	case KindProcess:
		w = 0
	}
	return w >> min(p, 2)
}

// kindNoun and kindPlural name a kind in running text.
func kindNoun(k ElementKind) string {
	switch k {
	case KindAPI:
		return "external API endpoint"
	case KindFileTransfer:
		return "file upload/download"
	case KindHost:
		return "host or container"
	}
	return strings.ToLower(k.Label())
}

func kindPlural(k ElementKind) string {
	switch k {
	case KindFileTransfer:
		return "file uploads and downloads"
	case KindHost:
		return "hosts and containers"
	case KindProcess:
		return "processes"
	case KindExternalEntity:
		return "external entities"
	}
	return kindNoun(k) + "s"
}

// article is "an" before a vowel sound, for the category labels.
func article(word string) string {
	if word != "" && strings.ContainsRune("AEIOU", rune(word[0])) {
		return "an"
	}
	return "a"
}

// SuggestFor returns only the suggestions of one STRIDE category.
func SuggestFor(m *Model, c Stride, libs ...Library) []Suggestion {
	return slices.DeleteFunc(Suggest(m, libs...), func(s Suggestion) bool { return s.Threat.Category != c })
}

// Accept turns a suggestion into a threat linked to the elements and assets
// that triggered it, with the library's mitigations as planned mitigations
// and the OWASP references of the model's edition.
func (m *Model) Accept(s Suggestion, now time.Time) (Change, error) {
	lt := s.Threat
	t := Threat{
		Title: lt.Title, Description: lt.Description, Category: lt.Category, Vector: lt.Vector,
		Surface: slices.Clone(s.Elements), Assets: slices.Clone(s.Assets),
		Likelihood: lt.Likelihood, Impact: lt.Impact, Status: StatusOpen, LibraryID: lt.ID,
	}
	t.OWASP = lt.OWASP2025
	if m.Edition() == OWASP2021 {
		t.OWASP = lt.OWASP2021
	}
	t.OWASP = slices.Clone(t.OWASP)
	for _, d := range lt.Mitigations {
		t.Mitigations = append(t.Mitigations, Mitigation{Description: d, Status: MitigationPlanned})
	}
	return m.PutThreat(t, now)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
