package store

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"sync"

	"github.com/threatdeck/threatdeck/model"
)

// damage is what a Store knows to be damaged in its file: found at open by
// inspect, or later while reading. Once anything is known, every write is
// refused with the same error (the first damage found), so the file's
// bytes stay as they were; reading goes on, except for damaged models,
// which are never read through bbolt again.
type damage struct {
	mu     sync.Mutex
	first  *CorruptError
	models map[string]string // model id → what is damaged in it
	titles map[string]string // model id → its title, when that verified
	// rolledBack is set when the newest header page was invalid and the
	// file reads as of an earlier transaction.
	rolledBack bool
}

// note records damage: modelID "" for the workbook as a whole.
func (d *damage) note(path, modelID, detail string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if modelID != "" {
		if d.models == nil {
			d.models = map[string]string{}
		}
		if d.models[modelID] != "" {
			return
		}
		d.models[modelID] = detail
		detail = "model " + modelID + ": " + detail
	}
	if d.first == nil {
		d.first = &CorruptError{Path: path, Detail: detail}
	}
}

// refusal is the error writes are refused with, or nil.
func (d *damage) refusal() *CorruptError {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.first
}

// model returns what is damaged in model id ("" when nothing is known).
func (d *damage) model(id string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.models[id]
}

// damagedModels returns a copy of the damaged models and their titles.
func (d *damage) damagedModels() (map[string]string, map[string]string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return maps.Clone(d.models), maps.Clone(d.titles)
}

// fromSummary takes what inspect found.
func (d *damage) fromSummary(path string, sum *fileSummary) {
	for id, detail := range sum.damagedModels {
		d.note(path, id, detail)
		var ov model.Overview
		if raw := sum.titles[id]; raw != nil && json.Unmarshal(raw, &ov) == nil {
			d.mu.Lock()
			if d.titles == nil {
				d.titles = map[string]string{}
			}
			d.titles[id] = ov.Title
			d.mu.Unlock()
		}
	}
	d.rolledBack = sum.rolledBack
	if len(sum.damage) > 0 {
		// The workbook-wide damage goes first: it says the most.
		d.mu.Lock()
		d.first = &CorruptError{Path: path, Detail: strings.Join(sum.damage, "; ")}
		d.mu.Unlock()
	}
}

// Damaged returns the *CorruptError every write to this workbook is refused
// with, or nil when no damage is known. A damaged workbook still opens:
// healthy models list, load and export; model.Summary.Damage marks the
// others.
func (s *Store) Damaged() error {
	if ce := s.damage.refusal(); ce != nil {
		return ce
	}
	return nil
}

// modelErr is the error for reading a damaged model.
func (s *Store) modelErr(id, detail string) error {
	return &CorruptError{Path: s.path, Detail: fmt.Sprintf("model %s: %s", id, detail)}
}
