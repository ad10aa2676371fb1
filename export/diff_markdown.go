package export

import (
	"strconv"
	"strings"

	"github.com/threatdeck/threatdeck/model"
)

// maxDiffRows bounds each table of a Markdown diff: a pull-request comment
// has a size limit (65,536 characters on GitHub), and past a few hundred
// rows a table is not read anyway.
const maxDiffRows = 200

// DiffMarkdown renders a model diff for a pull-request comment: a summary
// line, then tables of added, removed and changed items, a changed item
// with one row per field as "before → after". User text is escaped so it
// cannot break a table or inject HTML.
func DiffMarkdown(d model.ModelDiff) []byte {
	var b []byte
	b = append(b, "**Threat model diff:** "...)
	b = appendInline(b, d.Summary())
	b = append(b, '\n')
	if d.Equal() {
		return b
	}
	items := func(title string, list []model.DiffItem) {
		if len(list) == 0 {
			return
		}
		b = append(b, "\n### "+title+" ("+strconv.Itoa(len(list))+")\n\n| Kind | ID | Name |\n| --- | --- | --- |\n"...)
		for i, it := range list {
			if i == maxDiffRows {
				b = append(b, "\n… and "+strconv.Itoa(len(list)-i)+" more.\n"...)
				break
			}
			b = diffRow(b, string(it.Kind), it.ID, clip(it.Name, 100))
		}
	}
	items("Added", d.Added)
	items("Removed", d.Removed)
	if len(d.Changed) > 0 {
		b = append(b, "\n### Changed ("+strconv.Itoa(len(d.Changed))+")\n\n| Kind | ID | Name | Field | Before → after |\n| --- | --- | --- | --- | --- |\n"...)
		rows := 0
		for i, it := range d.Changed {
			if rows >= maxDiffRows {
				b = append(b, "\n… and "+strconv.Itoa(len(d.Changed)-i)+" more changed items.\n"...)
				break
			}
			for _, c := range it.Changes {
				b = diffRow(b, string(it.Kind), it.ID, clip(it.Name, 60), c.Field, shown(c.Before, 80)+" → "+shown(c.After, 80))
				rows++
			}
		}
	}
	return b
}

// diffRow appends one table row of escaped cells.
func diffRow(b []byte, cells ...string) []byte {
	b = append(b, '|')
	for _, c := range cells {
		b = append(b, ' ')
		b = appendInline(b, strings.TrimSpace(c))
		b = append(b, " |"...)
	}
	return append(b, '\n')
}
