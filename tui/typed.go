package tui

import (
	"strings"

	"github.com/threatdeck/threatdeck/model"
)

// typedText cleans text typed or pasted into a filter. Unlike safeLine it
// keeps surrounding spaces: a filter is built one key at a time, so the
// space between "rate" and "limit" arrives alone and must survive.
func typedText(s string) string {
	s = model.CleanText(s)
	if strings.ContainsAny(s, "\n\t") {
		s = strings.Map(func(r rune) rune {
			if r == '\n' || r == '\t' {
				return ' '
			}
			return r
		}, s)
	}
	return s
}
