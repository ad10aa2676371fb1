package main

import (
	"github.com/threatdeck/threatdeck/model"
	"github.com/threatdeck/threatdeck/store"
)

// readModel calls read with the model ref names in wb. When wb is the
// store itself the model is read in place (store.ReadModel: its texts are
// the workbook's bytes, valid until read returns), which spares a one-shot
// export or check the copy of every text; through a live host's client it
// is the model Find returns. Either way read must not keep the model.
func readModel(wb workbook, ref string, read func(*model.Model) error) error {
	if s, ok := wb.(*store.Store); ok {
		return s.ReadModel(ref, read)
	}
	m, err := wb.Find(ref)
	if err != nil {
		return err
	}
	return read(m)
}
