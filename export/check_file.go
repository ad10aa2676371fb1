package export

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime/debug"

	"github.com/threatdeck/threatdeck/model"
)

// ReadModelFile imports the model file at path (any format Import
// detects) and calls use with the model and the file as a CheckSource,
// returning use's error, or the import's, or one saying why the file
// could not be read ("cannot read PATH: …").
//
// It is for a one-shot reader such as check: the file is mapped read-only
// instead of copied onto the heap, and the texts of a threatdeck JSON
// document that need no unescaping or cleaning are strings over the
// mapped bytes. So the model, src.Data and every string in them are valid
// only until use returns: use must not keep any of it or hand it to a
// goroutine. A fault reading the map (the file cut short while it is
// read) is an error, never a crash.
func ReadModelFile(path string, use func(m *model.Model, src CheckSource) error) (err error) {
	data, unmap, err := mapFile(path)
	if err != nil {
		if pe, ok := errors.AsType[*fs.PathError](err); ok {
			err = pe.Err
		}
		return fmt.Errorf("cannot read %s: %w", path, err)
	}
	defer unmap()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if p := recover(); p != nil {
			if _, fault := p.(interface{ Addr() uintptr }); !fault {
				panic(p)
			}
			err = fmt.Errorf("cannot read %s: it changed while it was being read", path)
		}
	}()
	m, err := importDetected(data, path, true)
	if err != nil {
		return err
	}
	return use(m, CheckSource{Path: path, Data: data})
}

// readWhole is mapFile's fallback: the file read onto the heap.
func readWhole(path string) (data []byte, unmap func(), err error) {
	data, err = os.ReadFile(path)
	return data, func() {}, err
}
