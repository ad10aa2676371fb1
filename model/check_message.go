package model

import (
	"strconv"

	"github.com/threatdeck/threatdeck/internal/textchunk"
)

// message builds a finding's text with strconv's appends: a model of
// 10,000 threats has a finding or two for most of them, and making each
// message with fmt.Sprintf (its arguments boxed, the format parsed every
// time) was most of Missing's time. The comment above each use gives the
// format it writes exactly: q is %q (strconv.Quote), d is %d.
type message []byte

// messages makes the texts of one check's findings. Each is built in one
// scratch buffer and copied into a shared chunk (textchunk), as the
// store's texts are: each of the 4,000 findings of a 10,000-threat report
// had a 128-byte buffer and then its string of its own (a fresh export:
// 6,970 -> 6,870 page faults).
type messages struct {
	scratch message
	chunks  textchunk.Chunks
}

// start begins a message in the scratch buffer.
func (ms *messages) start() message { return ms.scratch[:0] }

// text is the finished message b as a string; b's buffer becomes the
// scratch buffer again.
func (ms *messages) text(b message) string {
	ms.scratch = b[:0]
	if ms.chunks.Size == 0 {
		ms.chunks.Size = 16 << 10
	}
	return ms.chunks.String(b)
}

func (b message) s(s string) message { return append(b, s...) }
func (b message) q(s string) message { return strconv.AppendQuote(b, s) }
func (b message) d(n int) message    { return strconv.AppendInt(b, int64(n), 10) }
