package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/threatdeck/threatdeck/model"
)

// warnImport prints one line per thing an imported model holds that the
// user should fix (a data flow from an element back to itself), without
// refusing the import: the file's content is kept as it is.
func warnImport(w io.Writer, name string, m *model.Model) {
	for _, s := range model.SelfLoopWarnings(m) {
		fmt.Fprintf(w, "threatdeck: warning: %s: %s\n", filepath.Base(name), s)
	}
}
