// Package mapfile maps a whole file read-only into memory, for a reader
// that walks the file once and copies nothing it keeps past the map: the
// store's open-time check of a workbook and check of a model file. Mapped,
// a file's bytes are the page cache's rather than a heap of its size
// faulted in and copied into. Where files cannot be mapped, Map reports so
// and the caller reads the file instead.
package mapfile
