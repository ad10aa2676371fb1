//go:build !unix

package mapfile

import "os"

// Map cannot map here: the caller reads the file instead.
func Map(*os.File, int64) ([]byte, func(), bool) { return nil, nil, false }
