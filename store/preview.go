package store

import (
	"runtime/debug"
	"sync"

	bolt "go.etcd.io/bbolt"

	"github.com/threatdeck/threatdeck/model"
)

// Preview reads model id for a first frame, in one read transaction: every
// record as Load reads it, checksums and counts checked, except that each
// threat holds only what a row of the threats table and the completion
// figures show (see decodeThreatRow): id, title, methodology, category,
// likelihood, impact, status, and as many mitigations as it has, of which
// only those with a due date keep their status and date. It is for drawing
// while Load reads the whole model; it must never be edited or saved.
func (s *Store) Preview(id string) (*model.Model, error) {
	defer pauseGC()()
	var m *model.Model
	err := s.view(func(tx *bolt.Tx) (err error) {
		m, err = s.loadWith(tx, id, newRowDecoder())
		return err
	})
	return m, err
}

// pauseGC turns the collector off until the returned func is called, and
// then back to what it was when the last of the concurrent pauses ends.
// A preview comes first in a fresh process, whose heap goal starts at
// 4 MiB: while it decoded, the collector ran one cycle after another as
// the heap grew to the preview's size, and found almost nothing to free,
// since what a preview makes is the model it returns (a tenth of a
// 100,000-threat start's CPU, marking and the preemptions it asks for).
func pauseGC() (resume func()) {
	gcPause.Lock()
	defer gcPause.Unlock()
	if gcPause.n++; gcPause.n == 1 {
		gcPause.percent = debug.SetGCPercent(-1)
	}
	return func() {
		gcPause.Lock()
		defer gcPause.Unlock()
		if gcPause.n--; gcPause.n == 0 {
			debug.SetGCPercent(gcPause.percent)
		}
	}
}

// gcPause counts the pauses under way (pauseGC) and keeps the percent to
// go back to.
var gcPause struct {
	sync.Mutex
	n, percent int
}
