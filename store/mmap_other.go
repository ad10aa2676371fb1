//go:build !unix

package store

import "io"

// mapForCheck is not available here; the check reads the file instead.
func mapForCheck(io.ReaderAt, int64) ([]byte, func(), bool) { return nil, nil, false }
