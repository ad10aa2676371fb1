package model

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Suggestion is a library threat that fits a model, with why.
type Suggestion struct {
	Threat LibraryThreat
	// Elements and Assets are the ids that triggered it; accepting links them.
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
// model already has (same library id or title) and dismissed ones are left out.
func Suggest(m *Model, libs ...Library) []Suggestion {
	if len(libs) == 0 {
		libs = []Library{BuiltinLibrary()}
	}
	have := make(map[string]bool, len(m.Threats)*2+len(m.Dismissed))
	for _, t := range m.Threats {
		if t.LibraryID != "" {
			have["id:"+t.LibraryID] = true
		}
		have["title:"+strings.ToLower(t.Title)] = true
	}
	for _, d := range m.Dismissed {
		have["id:"+d] = true
	}
	byKind := map[ElementKind][]SurfaceElement{}
	for _, e := range m.Surface {
		byKind[e.Kind] = append(byKind[e.Kind], e)
	}
	var sensitive []string
	maxRank := -1
	for _, a := range m.Assets {
		if a.Sensitivity.Rank() >= Confidential.Rank() {
			sensitive = append(sensitive, a.ID)
		}
		maxRank = max(maxRank, a.Sensitivity.Rank())
	}
	var out []Suggestion
	for _, lib := range libs {
		for _, lt := range lib.Threats {
			if have["id:"+lt.ID] || have["title:"+strings.ToLower(lt.Title)] {
				continue
			}
			s := Suggestion{Threat: lt}
			var first SurfaceElement
			for _, k := range lt.AppliesTo {
				if !slices.Contains(k.Base().Categories(), lt.Category) {
					continue
				}
				for _, e := range byKind[k] {
					if len(s.Elements) == 0 {
						first = e
					}
					s.Elements = append(s.Elements, e.ID)
				}
			}
			if len(s.Elements) == 0 {
				continue
			}
			slices.SortFunc(s.Elements, compareIDs)
			s.Elements = slices.Compact(s.Elements)
			s.Score = 10*len(s.Elements) + 4*RiskScore(lt.Likelihood, lt.Impact)
			s.Why = fmt.Sprintf("%s is a %s: %s applies", first.Name, strings.ToLower(first.Kind.Label()), lt.Category.Label())
			if n := len(s.Elements); n > 1 {
				s.Why = fmt.Sprintf("%s and %d more %s", first.Name, n-1, plural(n-1, "element", "elements")) + s.Why[len(first.Name):]
			}
			if (lt.Category == Tampering || lt.Category == InformationDisclosure) && len(sensitive) > 0 {
				s.Assets = slices.Clone(sensitive)
				s.Score += 25 * maxRank
				s.Why += "; raised by " + plural(len(sensitive), "a confidential or restricted asset", "confidential or restricted assets")
			}
			out = append(out, s)
			have["id:"+lt.ID] = true
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
