package model

import "strconv"

// message builds a finding's text with strconv's appends: a model of
// 10,000 threats has a finding or two for most of them, and making each
// message with fmt.Sprintf (its arguments boxed, the format parsed every
// time) was most of Missing's time. The comment above each use gives the
// format it writes exactly: q is %q (strconv.Quote), d is %d.
type message []byte

// newMessage starts a message with room for a typical one.
func newMessage() message { return make(message, 0, 128) }

func (b message) s(s string) message { return append(b, s...) }
func (b message) q(s string) message { return strconv.AppendQuote(b, s) }
func (b message) d(n int) message    { return strconv.AppendInt(b, int64(n), 10) }

// String is the message.
func (b message) String() string { return string(b) }
