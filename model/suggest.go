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
	// Elements are the ids of the elements the threat fits (kind, traits,
	// exposure and callers), and Assets the ids of the assets it concerns
	// (see suggestAssets), both in the model's order; accepting links them.
	Elements []string
	Assets   []string
	// Likelihood and Impact are the defaults an accepted suggestion gets:
	// the library's, moved by the elements' exposure and the linked
	// assets' sensitivity (see adjustRisk).
	Likelihood, Impact int
	// Why is a one-line reason: the element and rule that matched.
	Why   string
	Score int
}

// DefaultShown is how many suggestions per STRIDE category a model view
// and `threatdeck suggest` show unless asked for all.
const DefaultShown = 5

// libraryReplaced maps built-in ids that were merged or re-filed to the
// entry that holds them now, so a threat accepted or dismissed under the
// old id is not suggested again under the new one.
var libraryReplaced = map[string]string{
	"TDL-S-014": "TDL-T-013", // compromised SDK: tampering, the same as a hijacked dependency
	"TDL-D-002": "TDL-I-027", // API abuse and scraping: disclosure
	"TDL-T-005": "TDL-T-004", // DOM XSS, merged into cross-site scripting
}

// Suggest returns the library threats that apply to m's attack surface,
// most relevant first. A threat fits an element when the element's kind is
// listed in the threat's AppliesTo and takes the category
// (STRIDE-per-element, see KindAllows), and the element's profile (see
// ProfileOf) has every trait the threat requires, one of those it
// requires any of, an exposure it accepts and the callers it needs.
// Threats the model already has (same library id or title) and dismissed
// ones are left out, and when several libraries hold the same id or title
// the first library's threat wins (see SuggestionLibraries).
//
// Ranking, strongest factor first: how specific the match is (the traits
// it needs, so a zip slip on an archive extractor ranks above a generic
// threat, and the kind the threat is written for, see kindFit), the
// threat's adjusted risk, a raise for tampering and disclosure by the
// sensitivity of the assets it concerns, how narrowly the threat is aimed
// (fewer AppliesTo kinds), and, weakest and capped, how many elements
// matched. Top keeps the first DefaultShown of each category.
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
	take := func(id string) {
		if _, ok := takenID[id]; ok && id != "" {
			takenID[id] = true
		}
		if to, ok := libraryReplaced[id]; ok {
			takenID[to] = true
		}
	}
	var buf []byte
	for _, t := range m.Threats {
		take(t.LibraryID)
		buf = appendTitleKey(buf[:0], t.Title)
		if _, ok := takenTitle[string(buf)]; ok {
			takenTitle[string(buf)] = true
		}
	}
	for _, d := range m.Dismissed {
		take(d)
	}
	sc := newSuggestScan(m)
	var out []Suggestion
	for i, lib := range libs {
		for j, lt := range lib.Threats {
			key := keys[i][j]
			if takenID[lt.ID] || takenTitle[key] {
				continue
			}
			s, ok := sc.suggestOne(lt)
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

// Top keeps, in order, the first n suggestions of each STRIDE category of
// a ranked list: what a model view shows by default.
func Top(sugg []Suggestion, n int) []Suggestion {
	count := map[Stride]int{}
	var out []Suggestion
	for _, s := range sugg {
		if count[s.Threat.Category] < n {
			count[s.Threat.Category]++
			out = append(out, s)
		}
	}
	return out
}

// suggestScan is what Suggest learns of a model once and reuses for every
// library threat.
type suggestScan struct {
	m *Model
	// byKind holds surface indexes, so linked elements come out in the
	// model's own order by sorting small ints rather than ids.
	byKind   map[ElementKind][]int
	profiles []elemProfile
	// elemAssets[i] are the indexes of the assets element i mentions or
	// that mention it (see suggestAssets).
	elemAssets [][]int
	assetTopic []topicSet
	idx        []int
	assetMark  []bool
}

// elemProfile is a Profile with its traits as a bit set, for speed.
type elemProfile struct {
	traits   uint64
	exposure Exposure
	callers  Callers
}

func traitBits(ts []Trait) uint64 {
	var b uint64
	for _, t := range ts {
		if i := indexOf(Traits, t); i >= 0 {
			b |= 1 << i
		}
	}
	return b
}

func newSuggestScan(m *Model) *suggestScan {
	sc := &suggestScan{m: m, byKind: map[ElementKind][]int{}, profiles: make([]elemProfile, len(m.Surface)), assetMark: make([]bool, len(m.Assets))}
	for i, e := range m.Surface {
		sc.byKind[e.Kind] = append(sc.byKind[e.Kind], i)
		p := ProfileOf(e)
		sc.profiles[i] = elemProfile{traitBits(p.Traits), p.Exposure, p.Callers}
	}
	sc.elemAssets, sc.assetTopic = linkAssets(m)
	return sc
}

// outOfScope is the bit of TraitOutOfScope: such elements take nothing.
var outOfScope = traitBits([]Trait{TraitOutOfScope})

// fits reports whether element i's profile meets lt's needs.
func (sc *suggestScan) fits(lt *LibraryThreat, req, reqAny uint64, i int) bool {
	p := sc.profiles[i]
	if p.traits&outOfScope != 0 || p.traits&req != req || reqAny != 0 && p.traits&reqAny == 0 {
		return false
	}
	if len(lt.Exposure) > 0 && !slices.Contains(lt.Exposure, p.exposure) {
		return false
	}
	if len(lt.Callers) > 0 && !slices.ContainsFunc(lt.Callers, p.callers.takes) {
		return false
	}
	return true
}

// Fits reports whether lt would be suggested for element e, ignoring
// what the model already has: e's kind takes it and e's profile meets
// its requirements.
func (lt LibraryThreat) Fits(e SurfaceElement) bool {
	if !slices.Contains(lt.AppliesTo, e.Kind) || !kindTakes(e.Kind, lt.Category) {
		return false
	}
	sc := &suggestScan{profiles: []elemProfile{{}}}
	p := ProfileOf(e)
	sc.profiles[0] = elemProfile{traitBits(p.Traits), p.Exposure, p.Callers}
	return sc.fits(&lt, traitBits(lt.Requires), traitBits(lt.RequiresAny), 0)
}

// suggestOne matches one library threat against the surface; ok is false
// when no element takes it.
func (sc *suggestScan) suggestOne(lt LibraryThreat) (s Suggestion, ok bool) {
	m := sc.m
	req, reqAny := traitBits(lt.Requires), traitBits(lt.RequiresAny)
	best, bestFit := -1, -1
	sc.idx = sc.idx[:0]
	for p, k := range lt.AppliesTo {
		if !kindTakes(k, lt.Category) {
			continue
		}
		fit := kindFit(k, p)
		for _, i := range sc.byKind[k] {
			if !sc.fits(&lt, req, reqAny, i) {
				continue
			}
			if fit > bestFit {
				best, bestFit = i, fit
			}
			sc.idx = append(sc.idx, i)
		}
	}
	if best < 0 {
		return s, false
	}
	s.Threat = lt
	slices.Sort(sc.idx)
	sc.idx = slices.Compact(sc.idx) // a kind listed twice
	n := len(sc.idx)
	s.Elements = make([]string, n)
	exposure := ExposureInternal
	for j, i := range sc.idx {
		s.Elements[j] = m.Surface[i].ID
		switch sc.profiles[i].exposure {
		case ExposureInternet:
			exposure = ExposureInternet
		case ExposureThirdParty:
			if exposure == ExposureInternal {
				exposure = ExposureThirdParty
			}
		}
	}
	top := sc.suggestAssets(&s, lt)
	sens := Sensitivity("")
	if top >= 0 {
		sens = m.Assets[top].Sensitivity
	}
	s.Likelihood, s.Impact = adjustRisk(lt, exposure, sens)
	// A threat that needs traits the element has is the most specific
	// match there is (zip slip on an archive extractor): it ranks above
	// threats that matched on kind alone.
	specific := 0
	if req|reqAny != 0 {
		specific = 100 + 20*min(bits(req)+min(bits(reqAny), 1)-1, 2)
	}
	s.Score = bestFit + specific + 2*RiskScore(s.Likelihood, s.Impact) + 24/len(lt.AppliesTo) + 2*min(n, 5)

	e := m.Surface[best]
	var why strings.Builder
	why.WriteString(CleanLine(e.Name))
	why.WriteString(" (" + kindNoun(e.Kind) + ")")
	if n > 1 {
		fmt.Fprintf(&why, " and %d more", n-1)
	}
	label := lt.Category.Label()
	fmt.Fprintf(&why, ": %s %s threat to %s", article(label), label, kindPlural(e.Kind))
	if need := slices.Concat(lt.Requires, lt.RequiresAny); len(need) > 0 {
		names := make([]string, 0, len(need))
		for _, t := range need {
			if sc.profiles[best].traits&traitBits([]Trait{t}) != 0 {
				names = append(names, strings.ToLower(t.Label()))
			}
		}
		fmt.Fprintf(&why, " (%s)", strings.Join(names, ", "))
	}
	if exposure == ExposureInternet {
		why.WriteString(", internet-facing")
	}
	if top >= 0 {
		a := m.Assets[top]
		if (lt.Category == Tampering || lt.Category == InformationDisclosure) && a.Sensitivity.Rank() > Internal.Rank() {
			s.Score += 20 * (a.Sensitivity.Rank() - Internal.Rank())
		}
		fmt.Fprintf(&why, "; concerns %s asset %s", a.Sensitivity, CleanLine(a.Name))
		if len(s.Assets) > 1 {
			fmt.Fprintf(&why, " and %d more", len(s.Assets)-1)
		}
	}
	s.Why = why.String()
	return s, true
}

func bits(b uint64) int {
	n := 0
	for ; b != 0; b &= b - 1 {
		n++
	}
	return n
}

// adjustRisk moves the library's defaults to the model: likelihood one
// up when an element the threat fits is internet-facing and one down when
// all are internal (third-party elements keep it); impact one up when the
// most sensitive asset concerned is restricted, one down when it is
// internal and two down when it is public (no asset keeps it). Both stay
// in 1–5.
func adjustRisk(lt LibraryThreat, exposure Exposure, top Sensitivity) (likelihood, impact int) {
	likelihood, impact = lt.Likelihood, lt.Impact
	switch exposure {
	case ExposureInternet:
		likelihood++
	case ExposureInternal:
		likelihood--
	}
	switch top {
	case Restricted:
		impact++
	case Internal:
		impact--
	case Public:
		impact -= 2
	}
	return clamp(likelihood), clamp(impact)
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
		if k == KindThirdParty {
			return c == Spoofing || c == Repudiation || c == Tampering || c == InformationDisclosure || c == DenialOfService
		}
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
// that triggered it, rated with the suggestion's likelihood and impact, with the library's mitigations as planned mitigations
// and the OWASP references of the model's edition.
func (m *Model) Accept(s Suggestion, now time.Time) (Change, error) {
	lt := s.Threat
	t := Threat{
		Title: lt.Title, Description: lt.Description, Category: lt.Category, Vector: lt.Vector,
		Surface: slices.Clone(s.Elements), Assets: slices.Clone(s.Assets),
		Likelihood: lt.Likelihood, Impact: lt.Impact, Status: StatusOpen, LibraryID: lt.ID,
	}
	if s.Likelihood != 0 && s.Impact != 0 {
		t.Likelihood, t.Impact = s.Likelihood, s.Impact
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
