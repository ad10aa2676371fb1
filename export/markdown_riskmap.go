package export

import "github.com/threatdeck/threatdeck/model"

// riskMap writes the 5×5 likelihood × impact grid of open threats as a
// table: likelihood from 5 down, impact from 1 across, each cell the
// number of open threats rated so and their ids (capped like every id
// list), with the cell's risk band.
func (r *report) riskMap() {
	r.heading(2, "Risk Map")
	rm := r.m.RiskMap()
	open := 0
	for l := range rm.Cells {
		for i := range rm.Cells[l] {
			open += len(rm.Cells[l][i])
		}
	}
	if open == 0 {
		r.none("No open threats.")
		return
	}
	r.s("Open threats by likelihood (rows) and impact (columns); each cell gives its risk band, the number of open threats and their ids.\n\n")
	r.s("| Likelihood \\ Impact |")
	for i := model.MinRating; i <= model.MaxRating; i++ {
		r.s(" ")
		r.int(i)
		r.s(" ")
		r.s(model.ImpactLabels[i-1])
		r.s(" |")
	}
	r.s("\n| --- | --- | --- | --- | --- | --- |\n")
	for l := model.MaxRating; l >= model.MinRating; l-- {
		r.s("| **")
		r.int(l)
		r.s(" ")
		r.s(model.LikelihoodLabels[l-1])
		r.s("** |")
		for i := model.MinRating; i <= model.MaxRating; i++ {
			cell := rm.Cell(l, i)
			r.s(" ")
			r.s(model.BandOf(model.RiskScore(l, i)).Label())
			r.s(": ")
			if len(cell) == 0 {
				r.s("0 |")
				continue
			}
			r.s("**")
			r.int(len(cell))
			r.s("** (")
			r.idsOf(len(cell), func(j int) string { return r.m.Threats[cell[j]].ID })
			r.s(") |")
		}
		r.s("\n")
	}
	r.s("\n")
	r.int(open)
	if open == 1 {
		r.s(" open threat.\n\n")
	} else {
		r.s(" open threats.\n\n")
	}
}
