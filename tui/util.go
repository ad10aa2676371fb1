package tui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

func itoa(n int) string { return strconv.Itoa(n) }

// truncate cuts s to width cells, marking the cut.
func truncate(s string, width int) string {
	if width <= 0 {
		return ""
	}
	if isASCII(s) && len(s) <= width {
		return s // the common case, without measuring graphemes
	}
	return ansi.Truncate(s, width, "…")
}

// isASCII reports whether s is printable ASCII, whose width is its length.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// cellWidth is the display width of s.
func cellWidth(s string) int {
	if isASCII(s) {
		return len(s)
	}
	return ansi.StringWidth(s)
}

// wrap breaks s into lines of at most width cells, at word boundaries
// where it can.
func wrap(s string, width int) string {
	if width <= 0 {
		return s
	}
	return ansi.Wrap(s, width, " -")
}

// padRight pads s with spaces to width cells (no-op when wider).
func padRight(s string, width int) string {
	if w := cellWidth(s); w < width {
		return s + strings.Repeat(" ", width-w)
	}
	return s
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
