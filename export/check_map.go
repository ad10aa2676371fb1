package export

import (
	"os"

	"github.com/threatdeck/threatdeck/internal/mapfile"
)

// mapFile maps the file at path read-only (mapfile.Map): the bytes of a
// 12 MB export are then the page cache's, not 12 MB of fresh heap faulted
// in and copied into (os.ReadFile). A file that is not regular, is empty
// or cannot be mapped is read instead. unmap ends the mapping; nothing
// read from data may be used after it.
func mapFile(path string) (data []byte, unmap func(), err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if st.Mode().IsRegular() {
		if data, unmap, ok := mapfile.Map(f, st.Size()); ok {
			return data, unmap, nil
		}
	}
	return readWhole(path)
}
