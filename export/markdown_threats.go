package export

import (
	"slices"
	"strings"

	"github.com/threatdeck/threatdeck/model"
)

// vectorGroup is one "### n. <vector>" block of the Attack Vectors section.
type vectorGroup struct {
	name    string
	threats []int // indexes into m.Threats, in id order
}

// otherThreats names the group of threats that have no attack vector.
const otherThreats = "Other threats"

// vectorGroups groups threats by their attack vector in order of first
// appearance; threats without a vector make a last group, "Other threats"
// (merging with a vector of that name).
func vectorGroups(m *model.Model) []vectorGroup {
	var groups []vectorGroup
	index := map[string]int{}
	add := func(name string, i int) {
		g, ok := index[name]
		if !ok {
			g = len(groups)
			index[name] = g
			groups = append(groups, vectorGroup{name: name})
		}
		groups[g].threats = append(groups[g].threats, i)
	}
	var rest []int
	for i := range m.Threats {
		if v := m.Threats[i].Vector; v != "" && v != otherThreats {
			add(v, i)
		} else {
			rest = append(rest, i)
		}
	}
	for _, i := range rest {
		add(otherThreats, i)
	}
	if g, ok := index[otherThreats]; ok {
		// Merged threats keep model order within the group.
		slices.Sort(groups[g].threats)
	}
	return groups
}

// groupMitigation is one line of a group's mitigation list: the de-duplicated
// union of its threats' mitigations, in order.
type groupMitigation struct {
	text   string
	status model.MitigationStatus
	// ids are the mitigation records this line stands for (one per threat
	// that carries the measure), threats the threats they belong to: only
	// the first listCap of each are kept, as the line names no more, and
	// nIDs and nThreats count them all. One measure shared by the 10,000
	// threats of a group made lists of 20,000 ids, grown as they filled.
	ids, threats   []string
	nIDs, nThreats int
	lastThreat     string // the id of the threat counted last
}

func groupMitigations(m *model.Model, g vectorGroup) []groupMitigation {
	var out []groupMitigation
	// byText finds a text seen before as it is, without making its key:
	// the same measure is most often recorded in the same words. seen, by
	// key, joins the texts that differ only in case and white space.
	byText := map[string]int{}
	seen := map[string]int{}
	var key []byte // reused: a lookup by string(key) does not allocate
	for _, i := range g.threats {
		t := &m.Threats[i]
		for _, mt := range t.Mitigations {
			j, ok := byText[mt.Description]
			if !ok {
				key = appendMitigationKey(key[:0], mt.Description)
				if j, ok = seen[string(key)]; !ok {
					j = len(out)
					seen[string(key)] = j
					out = append(out, groupMitigation{text: mt.Description, status: mt.Status})
				}
				byText[mt.Description] = j
			}
			gm := &out[j]
			// One measure recorded on several threats shows its least
			// advanced status: the group is only as far as its weakest copy.
			if statusRank(mt.Status) < statusRank(gm.status) {
				gm.status = mt.Status
			}
			if mt.ID != "" {
				if gm.nIDs < listCap {
					gm.ids = append(gm.ids, mt.ID)
				}
				gm.nIDs++
			}
			if gm.nThreats == 0 || gm.lastThreat != t.ID {
				if gm.nThreats < listCap {
					gm.threats = append(gm.threats, t.ID)
				}
				gm.nThreats++
				gm.lastThreat = t.ID
			}
		}
	}
	return out
}

// mitigationIDs writes " (ids)" for the ids of ms, capped as ids caps a
// list, or nothing when none has one: an imported measure without an id
// is counted in the register but has nothing to name it by. Written from
// ms itself, not from a list of them made for every row.
func (r *report) mitigationIDs(ms []model.Mitigation) {
	n := 0
	for i := range ms {
		if ms[i].ID != "" {
			n++
		}
	}
	if n == 0 {
		return
	}
	r.s(" (")
	// idsOf asks for the ids in order: next steps over those without one.
	next := 0
	r.idsOf(n, func(int) string {
		for ms[next].ID == "" {
			next++
		}
		next++
		return ms[next-1].ID
	})
	r.s(")")
}

// mitigationKey is what makes two mitigation texts the same measure:
// equal ignoring case and runs of white space.
func mitigationKey(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '\t' || c == '\n' || (c == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' ')) {
			return strings.ToLower(strings.Join(strings.Fields(s), " "))
		}
	}
	return strings.ToLower(s)
}

// appendMitigationKey appends mitigationKey(s) to dst. The common text,
// ASCII with nothing to collapse, is lowered in place without the string
// strings.ToLower makes for every mitigation of a 10,000-threat report.
func appendMitigationKey(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 || c == '\t' || c == '\n' || (c == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' ')) {
			return append(dst, mitigationKey(s)...)
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

func statusRank(s model.MitigationStatus) int {
	for i, x := range model.MitigationStatuses {
		if x == s {
			return i
		}
	}
	return -1
}

func (r *report) vectors() {
	r.heading(2, "Attack Vectors")
	groups := vectorGroups(r.m)
	if len(groups) == 0 {
		r.none("No threats yet.")
		return
	}
	for gi, g := range groups {
		r.s("### ")
		r.int(gi + 1)
		r.s(". ")
		r.t(g.name)
		r.s("\n\n#### Threats\n\n")
		for _, i := range g.threats {
			r.vectorThreat(&r.m.Threats[i])
		}
		r.s("\n#### Mitigations\n\n")
		ms := groupMitigations(r.m, g)
		if len(ms) == 0 {
			r.none("None yet.")
			continue
		}
		for _, gm := range ms {
			r.spill()
			r.s("- ")
			r.t(gm.text)
			r.s(" _(")
			r.s(r.mitStatus(gm.status))
			if gm.nIDs > 0 {
				r.s(" · ")
				r.idsOf(gm.nIDs, func(i int) string { return gm.ids[i] })
			}
			r.s(" · for ")
			r.idsOf(gm.nThreats, func(i int) string { return gm.threats[i] })
			r.s(")_\n")
		}
		r.s("\n")
	}
}

// vectorThreat writes one threat of an attack-vector group:
//
//   - **T-001 Credential stuffing attacks** - description _(Spoofing · risk 16 (High) · Open · …)_
func (r *report) vectorThreat(t *model.Threat) {
	r.spill()
	r.s("- **")
	r.t(t.ID)
	r.s(" ")
	r.t(t.Title)
	r.s("**")
	if t.Description != "" {
		r.s(" - ")
		r.t(t.Description)
	}
	r.s(" _(")
	r.s(r.category(t))
	r.s(" · risk ")
	r.risk(t)
	r.s(" · ")
	r.s(r.status(t.Status))
	if len(t.OWASP) > 0 {
		r.s(" · OWASP ")
		r.ids(t.OWASP)
	}
	if len(t.Surface) > 0 {
		r.s(" · surface: ")
		r.names(t.Surface, r.elementNames)
	}
	if len(t.Actors) > 0 {
		r.s(" · actors: ")
		r.names(t.Actors, r.actorNames)
	}
	r.s(")_\n")
}

func (r *report) stride() {
	r.heading(2, "STRIDE Analysis")
	count := map[model.Stride]int{}
	// The highest-risk threat of each category (the first of equals) fills
	// the Example and Mitigation cells the reviewer left empty.
	top := map[model.Stride]*model.Threat{}
	for i := range r.m.Threats {
		if t := &r.m.Threats[i]; t.Methodology == "" {
			count[t.Category]++
			if cur, ok := top[t.Category]; !ok || t.Risk() > cur.Risk() {
				top[t.Category] = t
			}
		}
	}
	r.s("| Threat | Example | Mitigation | Threats | Reviewed | Notes |\n| --- | --- | --- | --- | --- | --- |\n")
	reviewed := 0
	for _, c := range model.StrideCategories {
		rv := r.m.StrideReviewFor(c)
		r.s("| **")
		r.s(c.Label())
		r.s("** | ")
		t := top[c]
		switch {
		case rv.Example != "":
			r.t(rv.Example)
		case t != nil:
			r.t(t.Title)
			r.s(" (")
			r.t(t.ID)
			r.s(")")
		}
		r.s(" | ")
		switch {
		case rv.Mitigation != "":
			r.t(rv.Mitigation)
		case t != nil:
			for j, mt := range t.Mitigations {
				if j == listCap {
					r.s("; …")
					break
				}
				if j > 0 {
					r.s("; ")
				}
				r.t(mt.Description)
			}
		}
		r.s(" | ")
		r.int(count[c])
		r.s(" | ")
		if rv.Reviewed {
			r.s("Yes")
			reviewed++
		} else {
			r.s("No")
		}
		r.s(" | ")
		r.t(rv.Note)
		r.s(" |\n")
	}
	r.s("\n")
	r.int(reviewed)
	r.s(" of 6 categories reviewed.\n\n")
}

func (r *report) register() {
	r.heading(2, "Threat Register")
	if len(r.m.Threats) == 0 {
		r.none("No threats yet.")
		return
	}
	r.s("| ID | Threat | STRIDE | Assets | Likelihood | Impact | Risk | Status | Mitigations |\n" +
		"| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for i := range r.m.Threats {
		r.spill()
		t := &r.m.Threats[i]
		r.s("| ")
		r.t(t.ID)
		r.s(" | ")
		r.t(t.Title)
		r.s(" | ")
		r.s(r.category(t))
		r.s(" | ")
		r.names(t.Assets, r.assetNames)
		r.s(" | ")
		r.int(t.Likelihood)
		r.s(" | ")
		r.int(t.Impact)
		r.s(" | ")
		r.risk(t)
		r.s(" | ")
		r.s(r.status(t.Status))
		r.s(" | ")
		// By count and id: the measures themselves are listed once, under
		// Attack Vectors.
		r.int(len(t.Mitigations))
		r.mitigationIDs(t.Mitigations)
		r.s(" |\n")
	}
	r.s("\n")
}
