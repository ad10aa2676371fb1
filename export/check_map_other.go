//go:build !unix

package export

// mapFile reads the file where it cannot be mapped (see the unix mapFile).
func mapFile(path string) (data []byte, unmap func(), err error) { return readWhole(path) }
