package model

import (
	"strings"
	"time"
)

// HistoryEntry is one committed edit of a model as its history keeps it:
// when, who and what. Undo is separate (it lives in the session); the
// history is the lasting record.
type HistoryEntry struct {
	// Seq numbers the entries of one model, from 1, in commit order.
	Seq uint64    `json:"seq"`
	At  time.Time `json:"at"`
	// By is who made the edit: the local user's name or, in a live
	// session, the participant's; "" when it was not known.
	By    string `json:"by"`
	Label string `json:"label"`
	// Records names the records the edit touched ("threat T-003"), at most
	// MaxHistoryRecords of them; More counts the rest.
	Records []string `json:"records"`
	More    int      `json:"more,omitempty"`
}

// MaxHistoryRecords bounds the records one history entry names: an import
// touches thousands, and the label says what it was.
const MaxHistoryRecords = 20

// NewHistoryEntry describes edit e committed at at. The id counters and
// the overview's update stamp, which every edit writes, are left out
// unless they are all the edit touched: they would crowd every entry.
func NewHistoryEntry(e Edit, at time.Time) HistoryEntry {
	h := HistoryEntry{At: at, By: CleanLine(e.By), Label: CleanLine(e.Label), Records: []string{}}
	var overview bool
	for _, r := range e.Records {
		switch r.Kind {
		case RecSeq:
			continue
		case RecOverview:
			overview = true
			continue
		}
		if len(h.Records) == MaxHistoryRecords {
			h.More++
			continue
		}
		h.Records = append(h.Records, strings.TrimSpace(string(r.Kind)+" "+CleanLine(r.ID)))
	}
	if len(h.Records) == 0 && overview {
		h.Records = append(h.Records, string(RecOverview))
	}
	return h
}
