package store

import "testing"

// BenchmarkCommitEditNoSync is BenchmarkCommitEdit without the fsync, so
// what the history entry adds to a commit (encoding it, a page or two
// more to write) is not lost in the disk's noise.
func BenchmarkCommitEditNoSync(b *testing.B) { benchCommits(b, true) }
