// Package textchunk makes many short strings out of a few allocations: a
// load of 10,000 threats makes 60,000 texts, and a check of them 4,000
// messages, and one allocation (and soon one page) each was a large part
// of those commands' time.
package textchunk

import "strings"

// Chunks copies byte slices into strings cut from shared chunks of Size
// bytes. A chunk lives while any of its strings does, so a Chunks suits
// strings that live about as long as one another (the texts of one load,
// the messages of one check). The zero Chunks, of Size 0, allocates each
// string on its own.
type Chunks struct {
	Size int
	cur  strings.Builder
}

// String returns b as a string, cut from the current chunk when it is
// at most an eighth of one. The chunk's earlier strings stay valid: a
// Builder only ever appends.
func (c *Chunks) String(b []byte) string {
	if len(b) > c.Size/8 {
		return string(b)
	}
	if c.cur.Cap()-c.cur.Len() < len(b) {
		c.cur = strings.Builder{}
		c.cur.Grow(c.Size)
	}
	start := c.cur.Len()
	c.cur.Write(b)
	return c.cur.String()[start:]
}
