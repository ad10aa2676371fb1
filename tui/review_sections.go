package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/threatdeck/threatdeck/model"
)

// The report's written sections (Incident Response, Related Documentation,
// References) are edited from the Review step, where the report is read:
// w opens them in one form, and a "not written" gap opens it on that
// section.

// openSections opens the sections form, focused on the section whose key
// is focus (model.ReportSection.Key; "" for the first).
func (p *reviewPage) openSections(focus string) {
	secs := p.s.m.Sections
	fields := make([]*field, 0, len(model.ReportSections))
	at := 0
	for i, rs := range model.ReportSections {
		if rs.Key == focus {
			at = i
		}
		fields = append(fields, areaField(rs.Key, rs.Title).value(rs.Text(secs)).lines(4).withHint(rs.Hint+". Markdown."))
	}
	p.sections = newForm(p.s, "Report sections", fields...)
	p.sections.focusField(at)
}

// submitSections saves the three sections as one edit.
func (p *reviewPage) submitSections() tea.Cmd {
	secs := p.s.m.Sections
	for _, rs := range model.ReportSections {
		secs = rs.Set(secs, p.sections.value(rs.Key))
	}
	return p.s.apply(p.s.m.PutSections(secs, p.s.now()))
}
