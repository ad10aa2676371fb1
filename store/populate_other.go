//go:build unix && !linux

package store

// populate is Linux's MAP_POPULATE, which other systems lack.
const populate = 0
