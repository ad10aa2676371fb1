package tui

import (
	"slices"
	"strconv"

	"github.com/threatdeck/threatdeck/model"
)

// Each page's part of the resume position (see viewKeeper): what the user
// set on it besides the cursor.

// filterView is a list's text filter as a saved view.
func (l *list) filterView() string { return l.query }

// restoreFilter applies a saved text filter, keeping the cursor on keep
// when set (the filter gives way when it would hide it).
func (l *list) restoreFilter(q, keep string) {
	q = safeLine(q)
	if q == "" || q == l.query {
		return
	}
	l.query = q
	l.filter.SetValue(q)
	l.refilter()
	if keep != "" {
		l.Select(keep)
	}
}

func (p *entityPage) viewState() model.PageView { return model.PageView{Filter: p.ls.filterView()} }

func (p *entityPage) restoreView(v model.PageView, keep string) { p.ls.restoreFilter(v.Filter, keep) }

func (p *reviewPage) viewState() model.PageView { return model.PageView{Filter: p.list.filterView()} }

func (p *reviewPage) restoreView(v model.PageView, keep string) { p.list.restoreFilter(v.Filter, keep) }

// The checklist's view is its tab and the tab's filter.
func (p *checklistPage) viewState() model.PageView {
	v := model.PageView{Filter: p.list.filterView()}
	if p.tab > 0 {
		v.Tab = string(p.kind())
	}
	return v
}

func (p *checklistPage) restoreView(v model.PageView, keep string) {
	if i := slices.Index(checklistLists, model.ChecklistKind(v.Tab)); i >= 0 && v.Tab != "" {
		if keep == "" {
			p.switchTab(i) // else Select showed keep's tab
		}
	}
	p.list.restoreFilter(v.Filter, keep)
}

// OWASP keeps its filter and the item whose detail fills the body.
func (p *owaspPage) viewState() model.PageView {
	v := model.PageView{Filter: p.list.filterView()}
	if p.detailOnly {
		v.Detail = p.list.Selected()
	}
	return v
}

func (p *owaspPage) restoreView(v model.PageView, keep string) {
	p.refresh()
	p.list.restoreFilter(v.Filter, keep)
	if v.Detail != "" {
		p.list.Select(v.Detail)
		p.detailOnly = p.list.Selected() == v.Detail
		p.detailOffset = 0
	}
}

// STRIDE keeps its category and whether every suggestion is shown.
func (p *stridePage) viewState() model.PageView {
	v := model.PageView{}
	if p.cat > 0 {
		v.Tab = string(p.category())
	}
	if p.allSuggestions {
		v.Facets = map[string]string{"suggestions": "all"}
	}
	return v
}

func (p *stridePage) restoreView(v model.PageView, keep string) {
	if c, ok := model.ParseStride(v.Tab); ok && v.Tab != "" && keep == "" {
		p.setCategory(slices.Index(model.StrideCategories, c)) // else Select showed keep's
	}
	p.allSuggestions = v.Facets["suggestions"] == "all"
	if keep != "" {
		p.Select(keep)
	}
	p.clamp()
}

// Facet names of the threats table's filters.
const (
	facetCategory = "category"
	facetStatus   = "status"
	facetAsset    = "asset"
	facetOwner    = "owner"
	facetOverdue  = "overdue"
)

// The threats table keeps its order, every filter and the open detail.
func (p *threatsPage) viewState() model.PageView {
	v := model.PageView{Reverse: p.idx.reverse, Detail: p.detail}
	if p.idx.sort != sortRisk {
		v.Sort = p.idx.sort.String()
	}
	f := p.idx.filter
	v.Filter = f.text
	facets := map[string]string{}
	for name, val := range map[string]string{facetCategory: string(f.category), facetStatus: string(f.status), facetAsset: f.asset, facetOwner: f.owner} {
		if val != "" {
			facets[name] = val
		}
	}
	if f.overdue {
		facets[facetOverdue] = strconv.FormatBool(true)
	}
	if len(facets) > 0 {
		v.Facets = facets
	}
	return v
}

// restoreView applies a saved order and filters, values this model no
// longer has (a deleted asset, an owner gone) dropped, then reopens the
// detail when its threat is still there.
func (p *threatsPage) restoreView(v model.PageView, keep string) {
	s := sortRisk
	for _, c := range threatSorts {
		if c.String() == v.Sort {
			s = c
		}
	}
	p.idx.setSort(s, v.Reverse)
	var f threatFilter
	if c := model.Stride(v.Facets[facetCategory]); c.Valid() {
		f.category = c
	}
	if st := model.ThreatStatus(v.Facets[facetStatus]); st.Valid() {
		f.status = st
	}
	if a := v.Facets[facetAsset]; a != "" && slices.ContainsFunc(p.s.m.Assets, func(x model.Asset) bool { return x.ID == a }) {
		f.asset = a
	}
	if o := v.Facets[facetOwner]; o != "" && slices.Contains(owners(p.s.m), o) {
		f.owner = o
	}
	if v.Facets[facetOverdue] == "true" {
		f.overdue, f.today = true, p.today()
	}
	f.text = safeLine(v.Filter)
	p.idx.setFilter(f)
	if keep != "" {
		p.Select(keep)
	}
	if v.Detail != "" && p.s.m.ThreatIndex(v.Detail) >= 0 {
		p.Select(v.Detail)
		p.detail, p.mitCursor, p.detailOffset = v.Detail, 0, 0
	}
}
