package live

import (
	"strings"

	"github.com/threatdeck/threatdeck/model"
)

// renumber gives an edit's new ids fresh numbers when the model already
// issued them: two sessions that add a threat at once both take the next
// number from their own copy, and the second to reach the host must not
// overwrite the first's threat. The new ids of an edit are the ones its
// RecSeq records issue (one per id, in order, as model's withID emits
// them); a number not ahead of the model's counter, or an id already in
// use, is renumbered past both, and every record of the edit is rewritten
// consistently. It reports whether anything changed.
func renumber(cur *model.Model, e *model.Edit) bool {
	ren := map[string]string{}
	next := map[string]int{}
	var used map[string]bool
	taken := func(prefix, id string) bool {
		if used == nil {
			used = idsInUse(cur)
		}
		return used[id]
	}
	for i, r := range e.Records {
		n, ok := r.Value.(int)
		if r.Kind != model.RecSeq || !ok {
			continue
		}
		prefix := r.ID
		last, seen := next[prefix]
		if !seen {
			last = cur.Seq[prefix]
		}
		old := model.FormatID(prefix, n)
		if n > last && !taken(prefix, old) {
			next[prefix] = n
			continue
		}
		n = last + 1
		for taken(prefix, model.FormatID(prefix, n)) {
			n++
		}
		next[prefix] = n
		ren[old] = model.FormatID(prefix, n)
		e.Records[i].Value = n
	}
	if len(ren) == 0 {
		return false
	}
	for i := range e.Records {
		renameRecord(&e.Records[i], ren)
	}
	e.Label = renameWords(e.Label, ren)
	return true
}

// idsInUse lists every entity id of the model.
func idsInUse(m *model.Model) map[string]bool {
	used := map[string]bool{}
	for _, a := range m.Assets {
		used[a.ID] = true
	}
	for _, a := range m.Actors {
		used[a.ID] = true
	}
	for _, s := range m.Surface {
		used[s.ID] = true
	}
	for _, t := range m.Threats {
		used[t.ID] = true
		for _, mi := range t.Mitigations {
			used[mi.ID] = true
		}
	}
	for _, c := range m.Checklists {
		used[c.ID] = true
	}
	for _, p := range m.Parking {
		used[p.ID] = true
	}
	return used
}

// renameRecord rewrites ids (the record's own, and every id it holds or
// refers to) by ren. Values are fresh copies (see cloneEdit), so they are
// changed in place.
func renameRecord(r *model.Record, ren map[string]string) {
	id := func(s string) string {
		if n, ok := ren[s]; ok {
			return n
		}
		return s
	}
	ids := func(list []string) {
		for i := range list {
			list[i] = id(list[i])
		}
	}
	if r.Kind != model.RecSeq {
		r.ID = id(r.ID)
	}
	switch v := r.Value.(type) {
	case model.Asset:
		v.ID = id(v.ID)
		r.Value = v
	case model.Actor:
		v.ID = id(v.ID)
		r.Value = v
	case model.SurfaceElement:
		v.ID, v.Source, v.Target = id(v.ID), id(v.Source), id(v.Target)
		r.Value = v
	case model.Threat:
		v.ID = id(v.ID)
		ids(v.Assets)
		ids(v.Surface)
		ids(v.Actors)
		for i := range v.Mitigations {
			v.Mitigations[i].ID = id(v.Mitigations[i].ID)
		}
		r.Value = v
	case model.CheckItem:
		v.ID = id(v.ID)
		ids(v.Threats)
		r.Value = v
	case model.ParkingItem:
		v.ID = id(v.ID)
		r.Value = v
	}
}

// renameWords rewrites whole ids in a label ("Added threat T-012").
func renameWords(s string, ren map[string]string) string {
	words := strings.Split(s, " ")
	for i, w := range words {
		if n, ok := ren[w]; ok {
			words[i] = n
		}
	}
	return strings.Join(words, " ")
}
