package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/threatdeck/threatdeck/model"
)

// riskMapView is the Review step's risk map: the 5×5 likelihood × impact
// grid of open threats (model.RiskMap), each cell coloured by its band and
// showing its count, with a selected cell whose threats are listed below.
type riskMapView struct {
	rm model.RiskMap
	// l and i are the selected cell's likelihood and impact (1–5).
	l, i int
}

// refresh places the threats again; the selection stays where it is.
func (v *riskMapView) refresh(rm model.RiskMap) {
	v.rm = rm
	if v.l == 0 {
		v.l, v.i = v.worst()
	}
}

// worst is the most severe cell holding a threat (the top-right corner of
// an empty map).
func (v *riskMapView) worst() (int, int) {
	bl, bi, best := model.MaxRating, model.MaxRating, -1
	for l := model.MaxRating; l >= model.MinRating; l-- {
		for i := model.MaxRating; i >= model.MinRating; i-- {
			if len(v.rm.Cell(l, i)) > 0 && l*i > best {
				bl, bi, best = l, i, l*i
			}
		}
	}
	return bl, bi
}

// update moves the selection; it reports whether the key was a move.
func (v *riskMapView) update(km tea.KeyPressMsg, l ListKeys, k ScreenKeys) bool {
	switch {
	case key.Matches(km, l.Up):
		v.l = min(model.MaxRating, v.l+1)
	case key.Matches(km, l.Down):
		v.l = max(model.MinRating, v.l-1)
	case key.Matches(km, k.CellLeft):
		v.i = max(model.MinRating, v.i-1)
	case key.Matches(km, k.CellRight):
		v.i = min(model.MaxRating, v.i+1)
	default:
		return false
	}
	return true
}

// first is the id of the selected cell's first threat ("" when empty).
func (v *riskMapView) first(m *model.Model) string {
	for _, ti := range v.rm.Cell(v.l, v.i) {
		if ti < len(m.Threats) {
			return m.Threats[ti].ID
		}
	}
	return ""
}

// bandLetters mark a cell's band in its text, so the map reads without
// colour (NO_COLOR, accessible mode).
var bandLetters = map[model.RiskBand]string{model.RiskLow: "L", model.RiskMedium: "M", model.RiskHigh: "H", model.RiskCritical: "C"}

// mapLayout is the widths of the map's label column and cells for a pane
// width: roomy when it fits, then narrower cells, then ratings without
// their names, so the five columns always show.
func mapLayout(width int) (labelW, cellW int) {
	labelW = 17
	if width < labelW+5*8 {
		labelW = 3
	}
	return labelW, max(8, min(10, (width-labelW)/5))
}

// view draws the grid and the selected cell's threats in width×height.
func (v *riskMapView) view(s *session, width, height int) string {
	st := s.styles
	mapLabelW, mapCellW := mapLayout(width)
	var lines []string
	head := padRight("", mapLabelW)
	for i := model.MinRating; i <= model.MaxRating; i++ {
		head += " " + padRight(truncate(itoa(i)+" "+model.ImpactLabels[i-1], mapCellW-2), mapCellW-1)
	}
	corner := "Likelihood"
	if mapLabelW < len(corner)+1 {
		corner = "L"
	}
	lines = append(lines, st.Muted.Render(padRight(corner, mapLabelW)+head[mapLabelW:]))
	for l := model.MaxRating; l >= model.MinRating; l-- {
		label := itoa(l)
		if mapLabelW > 3 {
			label += " " + model.LikelihoodLabels[l-1]
		}
		row := padRight(truncate(label, mapLabelW-1), mapLabelW)
		for i := model.MinRating; i <= model.MaxRating; i++ {
			band := model.BandOf(model.RiskScore(l, i))
			n := len(v.rm.Cell(l, i))
			count := "·"
			if n > 0 {
				count = itoa(n)
			}
			text := bandLetters[band] + " " + count
			if l == v.l && i == v.i {
				text = "[" + text + "]"
			} else {
				text = " " + text + " "
			}
			// The badge's own padding counts in the cell's width.
			badge := st.Badge(band)
			textW := mapCellW - 1 - lipgloss.Width(badge.Render(""))
			row += badge.Render(padRight(truncate(text, textW), textW)) + " "
		}
		lines = append(lines, row)
	}
	cell := v.rm.Cell(v.l, v.i)
	score := model.RiskScore(v.l, v.i)
	lines = append(lines, "", st.Bold.Render(fmt.Sprintf("Likelihood %d × impact %d = %d %s", v.l, v.i, score, model.BandOf(score).Label()))+
		st.Muted.Render(fmt.Sprintf(" · %d open", len(cell))))
	room := height - len(lines)
	shown := cell
	if len(cell) > room {
		shown = cell[:max(0, room-1)]
	}
	for _, ti := range shown {
		if ti < len(s.m.Threats) { // the map is as of the last refresh
			t := &s.m.Threats[ti]
			lines = append(lines, "  "+safeLine(t.ID)+" "+safeLine(t.Title))
		}
	}
	if len(shown) < len(cell) && room > 0 {
		lines = append(lines, st.Muted.Render(fmt.Sprintf("  … and %d more", len(cell)-len(shown))))
	}
	if len(cell) == 0 && room > 0 {
		lines = append(lines, st.Placeholder.Render("  No open threat here."))
	}
	for j, l := range lines {
		lines[j] = truncate(l, width)
	}
	return clampLines(strings.Join(lines, "\n"), height)
}
