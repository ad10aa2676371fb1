package store

import (
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
	var m *model.Model
	err := s.view(func(tx *bolt.Tx) (err error) {
		m, err = s.loadWith(tx, id, newRowDecoder())
		return err
	})
	return m, err
}
