package textchunk

import (
	"strings"
	"testing"
)

// TestStringsKeepTheirBytes checks that every string a Chunks hands out
// keeps the bytes it was made from, across chunk boundaries, whatever is
// done to the source slice afterwards, for small and large inputs and the
// zero Chunks.
func TestStringsKeepTheirBytes(t *testing.T) {
	for _, size := range []int{0, 64, 1 << 10} {
		c := Chunks{Size: size}
		var want, got []string
		buf := make([]byte, 0, 256)
		for i := range 500 {
			buf = buf[:0]
			for j := range i % 40 {
				buf = append(buf, byte('a'+(i+j)%26))
			}
			s := c.String(buf)
			want = append(want, string(buf))
			got = append(got, s)
			for j := range buf {
				buf[j] = '!' // the source is reused, as a scratch buffer is
			}
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("size %d: string %d = %q, want %q", size, i, got[i], want[i])
			}
		}
		if s := c.String([]byte(strings.Repeat("x", 300))); s != strings.Repeat("x", 300) {
			t.Fatalf("size %d: a long string came back as %q", size, s)
		}
	}
}
