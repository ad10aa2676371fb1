package live

import (
	"github.com/threatdeck/threatdeck/model"
)

// commit applies one edit of member by to model modelID: checked against
// the role, its overview stamp rebased, its new ids renumbered when
// someone else took them first, stamped with who and when, committed in
// one transaction, then broadcast to every member with the next Seq. It
// returns the edit as committed.
func (h *Host) commit(by *Member, modelID string, e model.Edit) (model.Edit, error) {
	e = cloneEdit(e)
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := by.usable(); err != nil {
		return model.Edit{}, err
	}
	if err := allowed(by.me.Role, e); err != nil {
		return model.Edit{}, err
	}
	cur, err := h.cached(modelID)
	if err != nil {
		return model.Edit{}, err
	}
	rebaseOverview(cur, &e)
	at := h.opts.Clock()
	// Live TUIs leave the overview's update stamp out of their edits
	// (model.SplitStamp), so a stale copy cannot revert a rename; the host
	// moves the stamp itself, from the current overview.
	e = cur.Touch(e, at)
	renumbered := renumber(cur, &e)
	e.By, e.At = by.me.Name, at
	if err := h.st.Commit(modelID, e); err != nil {
		return model.Edit{}, err
	}
	// Sessions sharing the cached model's lists take the host's lists
	// after the edit rather than each copying and changing its own; the
	// host copies the lists the edit writes, once (model.WithLists). The
	// author has its own copy of them by now: alone, it takes nothing.
	var before, after *model.Lists
	if h.shared[modelID] && len(h.members) > 1 {
		before = cur.SharedLists()
	}
	cur.Apply(cloneEdit(e))
	if before != nil {
		after = cur.SharedLists()
	}
	h.seq++
	h.dirty[modelID] = true
	for _, m := range h.members {
		ce := cloneEdit(e)
		if before != nil {
			ce = ce.WithLists(before, after)
		}
		m.send(model.LiveEvent{Kind: model.EventEdit, ModelID: modelID, Seq: h.seq, Edit: &ce, Reload: renumbered && m == by})
	}
	return e, nil
}

// allowed refuses an observer's edit that touches anything but the
// parking lot (its id counter and the overview's update stamp go with it).
func allowed(role model.Role, e model.Edit) error {
	if role.CanEdit() {
		return nil
	}
	parking := false
	for _, r := range e.Records {
		switch {
		case r.Kind == model.RecParking:
			parking = true
		case r.Kind == model.RecSeq && r.ID == model.PrefixParking, r.Kind == model.RecOverview:
		default:
			return errObserver
		}
	}
	if !parking {
		return errObserver
	}
	return nil
}

// rebaseOverview keeps an edit from reverting someone else's overview.
// Every mutator rewrites the whole overview to stamp Updated, from the
// sender's copy, which may predate another member's change to the title or
// scope. When the edit is about something else, its overview record
// becomes the host's current overview with the sender's stamp.
func rebaseOverview(cur *model.Model, e *model.Edit) {
	about := false
	for _, r := range e.Records {
		if r.Kind != model.RecOverview && r.Kind != model.RecSeq {
			about = true
		}
	}
	if !about {
		return
	}
	for i, r := range e.Records {
		if ov, ok := r.Value.(model.Overview); ok && r.Kind == model.RecOverview {
			next := cloneOverview(cur.Overview)
			next.Updated = ov.Updated
			e.Records[i].Value = next
		}
	}
}
