package export

import (
	"strings"
	"unicode/utf8"

	"github.com/threatdeck/threatdeck/model"
)

// DiffText renders a model diff for a terminal: the summary line, then
// each added, removed and changed item on its own line, a changed item's
// fields indented under it as "field: before → after".
func DiffText(d model.ModelDiff) []byte {
	var b strings.Builder
	b.WriteString(model.CleanLine(d.Summary()))
	b.WriteByte('\n')
	for _, sec := range []struct {
		mark  string
		items []model.DiffItem
	}{{"+", d.Added}, {"-", d.Removed}, {"~", d.Changed}} {
		for _, it := range sec.items {
			b.WriteString(sec.mark + " " + string(it.Kind) + " " + model.CleanLine(it.ID))
			if it.Name != "" {
				b.WriteString("  " + clip(it.Name, 80))
			}
			b.WriteByte('\n')
			for _, c := range it.Changes {
				b.WriteString("    " + c.Field + ": " + shown(c.Before, 60) + " → " + shown(c.After, 60) + "\n")
			}
		}
	}
	return []byte(b.String())
}

// shown is a field value for a diff line: one line, bounded, "(none)"
// for an empty value so a cleared field is visible.
func shown(s string, limit int) string {
	if s = clip(s, limit); s == "" {
		return "(none)"
	}
	return s
}

// clip makes s one clean line of at most limit characters, ending in "…"
// when cut.
func clip(s string, limit int) string {
	s = model.CleanLine(s)
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	return string([]rune(s)[:limit-1]) + "…"
}
