package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/threatdeck/threatdeck/model"
)

// strideDetailLines is the height of the STRIDE detail pane under the
// rows on a small screen: the why in two lines and the mitigations in one
// leave room for eight or more suggestions at 80×24.
const strideDetailLines = 3

// compactInfo is the category's explanation in two lines, for a small
// screen: the first question and the conclusion (i shows it all).
func (p *stridePage) compactInfo(d *doc) {
	st := p.s.styles
	c := p.category()
	info, _ := model.StrideInfoFor(c)
	if n := len(info.Questions); n > 0 {
		head := "Ask the team: "
		if n > 1 {
			head = fmt.Sprintf("Ask the team (+%d more, i): ", n-1)
		}
		d.add(st.Section.Render(head) + safeLine(info.Questions[0]))
	}
	r := p.s.m.StrideReviewFor(c)
	switch {
	case r.Note != "":
		d.add(st.Section.Render("Conclusion: ") + safeLine(r.Note))
	case !r.Reviewed:
		d.add(st.Muted.Render("Not reviewed yet. Press r to record the outcome, even when nothing applies."))
	}
}

// detail explains the row under the cursor: a suggestion's risk, why it
// is suggested, what it links and its mitigations; a threat's status and
// description. full is the side pane (everything, wrapped); otherwise
// the lines fit the small screen's pane (strideDetailLines). It reports
// whether it added anything.
func (p *stridePage) detail(d *doc, full bool) bool {
	st := p.s.styles
	sugg, threats := p.suggestions(), p.threats()
	p.clamp()
	switch {
	case p.cursor < len(sugg):
		s := sugg[p.cursor]
		lt := s.Threat
		if full {
			d.add(st.Section.Render("Selected suggestion"))
			d.wrapped(st.Bold.Render(safeLine(lt.Title)), "")
			score := model.RiskScore(s.Likelihood, s.Impact)
			d.add(st.RiskBadge(model.BandOf(score), score) + st.Muted.Render(fmt.Sprintf(" likelihood %d · impact %d", s.Likelihood, s.Impact)))
			if lt.Description != "" {
				d.wrapped(safe(lt.Description), "")
			}
			d.wrapped(st.Muted.Render("Why: ")+safeLine(s.Why), "")
			if links := p.linked(s); links != "" {
				d.wrapped(st.Muted.Render("Links: ")+links, "")
			}
			from := safeLine(lt.ID)
			if s.Library != "" {
				from += " from " + safeLine(s.Library)
			}
			d.wrapped(st.Muted.Render("Library: ")+from, "")
			if len(lt.Mitigations) > 0 {
				d.add(st.Muted.Render(fmt.Sprintf("%d planned %s when accepted:", len(lt.Mitigations), pluralWord(len(lt.Mitigations), "mitigation", "mitigations"))))
				for _, m := range lt.Mitigations {
					d.hanging(safeLine(m), st.Glyphs.Bullet+" ")
				}
			}
			return true
		}
		why := lineClamp(safeLine("why: "+s.Why), d.width, strideDetailLines-1)
		for _, l := range why {
			d.add(st.Muted.Render(l))
		}
		if len(lt.Mitigations) > 0 {
			d.add(st.Muted.Render(fmt.Sprintf("%d %s, e.g. %s", len(lt.Mitigations), pluralWord(len(lt.Mitigations), "mitigation", "mitigations"), safeLine(lt.Mitigations[0]))))
		}
		return true
	case p.cursor-len(sugg) < len(threats):
		t := threats[p.cursor-len(sugg)]
		line := fmt.Sprintf("%s · %s · %d %s · enter opens it in Threats", safeLine(t.ID), t.Status.Label(), len(t.Mitigations), pluralWord(len(t.Mitigations), "mitigation", "mitigations"))
		if full {
			d.add(st.Section.Render("Selected threat"))
			d.wrapped(st.Bold.Render(safeLine(t.Title)), "")
			d.wrapped(st.Muted.Render(line), "")
			if t.Description != "" {
				d.wrapped(safe(t.Description), "")
			}
			for _, m := range t.Mitigations {
				d.hanging(safeLine(m.Description)+st.Muted.Render(" ("+m.Status.Label()+")"), st.Glyphs.Bullet+" ")
			}
			return true
		}
		d.add(st.Muted.Render(line))
		if t.Description != "" {
			for _, l := range lineClamp(safeLine(t.Description), d.width, strideDetailLines-1) {
				d.add(l)
			}
		}
		return true
	}
	return false
}

// linked names the elements and assets accepting s links.
func (p *stridePage) linked(s model.Suggestion) string {
	var names []string
	for _, id := range s.Elements {
		names = append(names, elementName(p.s.m, id))
	}
	for _, id := range s.Assets {
		if a, ok := p.s.m.Asset(id); ok {
			names = append(names, id+" "+safeLine(a.Name))
		} else {
			names = append(names, id)
		}
	}
	return strings.Join(names, ", ")
}

// lineClamp wraps s to width and keeps at most n lines, the last cut with
// "…" when there was more.
func lineClamp(s string, width, n int) []string {
	lines := strings.Split(wrap(s, width), "\n")
	if len(lines) <= n {
		return lines
	}
	lines = lines[:n]
	if last := lines[n-1]; cellWidth(last) < width {
		lines[n-1] = last + "…"
	} else {
		lines[n-1] = ansi.Truncate(last, width-1, "") + "…"
	}
	return lines
}
