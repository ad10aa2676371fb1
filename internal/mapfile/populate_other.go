//go:build unix && !linux

package mapfile

// populate is Linux's MAP_POPULATE, which other systems lack.
const populate = 0
