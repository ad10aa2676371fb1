//go:build !linux

package store

import bolt "go.etcd.io/bbolt"

// dropMapped is Linux's (see mmap_drop_linux.go); elsewhere the pages stay.
func dropMapped(*bolt.Tx) {}
