package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/threatdeck/threatdeck/model"
)

// modelDoc is model.Model with every list left raw, so each element is
// decoded on its own and a problem is reported at its index
// ("model.threats[3]"), which encoding/json's own errors do not say.
// TestModelDocCoversModel keeps it in step with model.Model.
type modelDoc struct {
	Overview   json.RawMessage            `json:"overview"`
	Assets     []json.RawMessage          `json:"assets"`
	Actors     []json.RawMessage          `json:"actors"`
	Surface    []json.RawMessage          `json:"surface"`
	Threats    []json.RawMessage          `json:"threats"`
	Stride     []json.RawMessage          `json:"stride"`
	Checklists []json.RawMessage          `json:"checklists"`
	Sections   json.RawMessage            `json:"sections"`
	Parking    []json.RawMessage          `json:"parking"`
	Dismissed  []json.RawMessage          `json:"dismissed"`
	Dismissals map[string]json.RawMessage `json:"dismissals"`
	Extensions map[string]json.RawMessage `json:"extensions"`
	Seq        map[string]json.RawMessage `json:"seq"`
	Votes      []json.RawMessage          `json:"votes"`
	Poker      []json.RawMessage          `json:"poker"`
	Sessions   []json.RawMessage          `json:"sessions"`
}

// threatDoc is a threat with its mitigations left raw, for the same reason.
type threatDoc struct {
	model.Threat
	Mitigations []json.RawMessage `json:"mitigations"`
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}

func elemPath(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// decodeAll decodes each raw element of a list, reporting problems by index.
func decodeAll[T any](p *problems, raws []json.RawMessage, path string) []T {
	out := make([]T, len(raws))
	for i, raw := range raws {
		if err := decodeStrict(raw, &out[i]); err != nil {
			p.decoded(raw, elemPath(path, i), err)
		}
	}
	return out
}

// decoded records a decoding error of the value at path.
func (p *problems) decoded(data []byte, path string, err error) {
	var je *JSONError
	if errors.As(decodeProblem(data, path, err), &je) {
		for _, q := range je.Problems {
			p.add(q.Path, "%s", q.Message)
		}
	}
}

// parts are the decoded pieces of the "model" object, before validation.
type parts struct {
	Overview   *model.Overview            `json:"overview"`
	Assets     []model.Asset              `json:"assets"`
	Actors     []model.Actor              `json:"actors"`
	Surface    []model.SurfaceElement     `json:"surface"`
	Threats    []model.Threat             `json:"threats"`
	Stride     []model.StrideReview       `json:"stride"`
	Checklists []model.CheckItem          `json:"checklists"`
	Sections   *model.Sections            `json:"sections"`
	Parking    []model.ParkingItem        `json:"parking"`
	Dismissed  []string                   `json:"dismissed"`
	Dismissals map[string]model.Dismissal `json:"dismissals"`
	Extensions map[string]json.RawMessage `json:"extensions"`
	Seq        map[string]int             `json:"seq"`
	Votes      []model.Vote               `json:"votes"`
	Poker      []model.PokerRound         `json:"poker"`
	Sessions   []model.SessionRecord      `json:"sessions"`
}

// decodeParts decodes the "model" object in one strict pass. Only when
// that fails is it decoded again element by element (modelDoc), to name
// the path of every problem: the common case pays for one decode.
func decodeParts(raw []byte, root string) (*parts, error) {
	var pt parts
	fastErr := decodeStrict(raw, &pt)
	if fastErr == nil {
		return &pt, checkParts(&pt, root)
	}
	var doc modelDoc
	if err := decodeStrict(raw, &doc); err != nil {
		return nil, decodeProblem(raw, root, err)
	}
	var p problems
	var ov model.Overview
	if isNull(doc.Overview) {
		p.add(root+".overview", "missing")
	} else if err := decodeStrict(doc.Overview, &ov); err != nil {
		p.decoded(doc.Overview, root+".overview", err)
	}
	if !isNull(doc.Sections) {
		var sections model.Sections
		if err := decodeStrict(doc.Sections, &sections); err != nil {
			p.decoded(doc.Sections, root+".sections", err)
		}
	}
	decodeAll[model.Asset](&p, doc.Assets, root+".assets")
	decodeAll[model.Actor](&p, doc.Actors, root+".actors")
	decodeAll[model.SurfaceElement](&p, doc.Surface, root+".surface")
	for i, tr := range decodeAll[threatDoc](&p, doc.Threats, root+".threats") {
		decodeAll[model.Mitigation](&p, tr.Mitigations, elemPath(root+".threats", i)+".mitigations")
	}
	decodeAll[model.StrideReview](&p, doc.Stride, root+".stride")
	decodeAll[model.CheckItem](&p, doc.Checklists, root+".checklists")
	decodeAll[model.ParkingItem](&p, doc.Parking, root+".parking")
	decodeAll[string](&p, doc.Dismissed, root+".dismissed")
	decodeAll[model.Vote](&p, doc.Votes, root+".votes")
	decodeAll[model.PokerRound](&p, doc.Poker, root+".poker")
	decodeAll[model.SessionRecord](&p, doc.Sessions, root+".sessions")
	for _, k := range slices.Sorted(maps.Keys(doc.Dismissals)) {
		var d model.Dismissal
		if err := decodeStrict(doc.Dismissals[k], &d); err != nil {
			p.decoded(doc.Dismissals[k], root+".dismissals."+k, err)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(doc.Seq)) {
		var n int
		if err := decodeStrict(doc.Seq[k], &n); err != nil || n < 0 {
			p.add(root+".seq."+k, "must be a whole number, 0 or more")
		}
	}
	if err := p.result(); err != nil {
		return nil, err
	}
	return nil, decodeProblem(raw, root, fastErr) // not expected: both decoders are equally strict
}

// checkParts reports what the types alone cannot: a missing overview and
// negative counters.
func checkParts(pt *parts, root string) error {
	var p problems
	if pt.Overview == nil {
		p.add(root+".overview", "missing")
	}
	for _, k := range slices.Sorted(maps.Keys(pt.Seq)) {
		if pt.Seq[k] < 0 {
			p.add(root+".seq."+k, "must be a whole number, 0 or more")
		}
	}
	return p.result()
}

// buildModel checks ids and rebuilds the model from its decoded parts
// through the mutators.
func buildModel(pt *parts) (*model.Model, error) {
	const root = "model"
	var p problems
	ov := *pt.Overview
	assets, actors, surface, threats := pt.Assets, pt.Actors, pt.Surface, pt.Threats
	stride, checks, parking := pt.Stride, pt.Checklists, pt.Parking
	seq := pt.Seq
	if seq == nil {
		seq = map[string]int{}
	}

	// Ids: each names one entity, and counters must be past every id in
	// use so an entity added later never takes an existing id.
	nMit := 0
	for _, t := range threats {
		nMit += len(t.Mitigations)
	}
	ids := idChecker{p: &p, seq: seq}
	assetIDs := ids.kind("asset", model.PrefixAsset, root+".assets", "", len(assets))
	for i, a := range assets {
		assetIDs.check(i, 0, a.ID)
	}
	actorIDs := ids.kind("actor", model.PrefixActor, root+".actors", "", len(actors))
	for i, a := range actors {
		actorIDs.check(i, 0, a.ID)
	}
	elementIDs := ids.kind("surface element", model.PrefixSurface, root+".surface", "", len(surface))
	for i, e := range surface {
		elementIDs.check(i, 0, e.ID)
	}
	threatIDs := ids.kind("threat", model.PrefixThreat, root+".threats", "", len(threats))
	mitigationIDs := ids.kind("mitigation", model.PrefixMitigation, root+".threats", ".mitigations", nMit)
	for i, t := range threats {
		threatIDs.check(i, 0, t.ID)
		for j, mt := range t.Mitigations {
			mitigationIDs.check(i, j, mt.ID)
		}
	}
	checkIDs := ids.kind("checklist item", model.PrefixCheck, root+".checklists", "", len(checks))
	for i, c := range checks {
		checkIDs.check(i, 0, c.ID)
	}
	parkingIDs := ids.kind("parking-lot item", model.PrefixParking, root+".parking", "", len(parking))
	for i, pk := range parking {
		parkingIDs.check(i, 0, pk.ID)
	}
	seenStride := map[model.Stride]int{}
	for i, r := range stride {
		if j, dup := seenStride[r.Category]; dup {
			p.add(elemPath(root+".stride", i)+".category", "%q is reviewed twice (also %s)", string(r.Category), elemPath(root+".stride", j))
		}
		seenStride[r.Category] = i
	}
	for _, k := range slices.Sorted(maps.Keys(pt.Extensions)) {
		if k == "" || model.CleanLine(k) != k {
			p.add(root+".extensions", "%q is not a valid tool name", k)
		}
	}
	if err := p.result(); err != nil {
		return nil, err
	}

	// Rebuild through the mutators, so an import is held to exactly the
	// rules an edit is. Assets, actors, elements and threats go through
	// the model's build path (the Put mutators' validation without an undo
	// record per entity); an entity whose validation looks at others is
	// checked in a scratch model holding only those (the targets of its
	// links) and sharing the id counters. Each result is appended to the
	// real model, which is sorted once at the end: putting thousands of
	// entities one by one into growing lists would cost a scan or a sort
	// each time. now is the document's own update time, so the mutators'
	// stamping changes nothing.
	m := &model.Model{Seq: seq}
	now := ov.Updated
	v := validator{p: &p}
	_, err := m.PutOverview(ov, now)
	v.check(root+".overview", err)
	if pt.Sections != nil {
		_, err = m.PutSections(*pt.Sections, now)
		v.check(root+".sections", err)
	}
	scratch := func() *model.Model { return &model.Model{Overview: m.Overview, Seq: m.Seq} }
	for i, a := range assets {
		if a, err := m.BuildAsset(a); v.at(root+".assets", i, err) {
			m.Assets = append(m.Assets, a)
		}
	}
	for i, a := range actors {
		if a, err := m.BuildActor(a); v.at(root+".actors", i, err) {
			m.Actors = append(m.Actors, a)
		}
	}
	// Data flows name other elements, which may come later in the list:
	// every element goes in first, then the flows get their ends.
	for i, e := range surface {
		e.Source, e.Target = "", ""
		if e, err := m.BuildElement(e); v.at(root+".surface", i, err) {
			m.Surface = append(m.Surface, e)
		}
	}
	m.Sort()
	for i, e := range surface {
		at := m.SurfaceIndex(e.ID)
		if at < 0 || (e.Source == "" && e.Target == "") {
			continue
		}
		// The flow is checked against itself and its ends alone (in the
		// model's order): cloning the whole list for each flow made an
		// import quadratic in the number of flows.
		sc := scratch()
		idx := []int{at}
		for _, end := range []string{e.Source, e.Target} {
			if j := m.SurfaceIndex(end); j >= 0 && !slices.Contains(idx, j) {
				idx = append(idx, j)
			}
		}
		slices.Sort(idx)
		for _, j := range idx {
			sc.Surface = append(sc.Surface, m.Surface[j])
		}
		if e, err := sc.BuildElement(e); v.at(root+".surface", i, err) {
			m.Surface[at] = e
		}
	}
	// Each threat is checked against the assets, elements and actors it
	// links to alone, in the model's order: looking each link up among
	// all of them was most of an import's validation.
	sc := scratch()
	links := newLinkIndex(m)
	// The decoded threats are built where they are, into the front of
	// their own list (each is taken out before its place can be reused):
	// a second list of 10,000 threats and a copy of every list of
	// mitigations were a tenth of the memory a check of a file touched.
	m.Threats = threats[:0]
	for i := range threats {
		t := threats[i]
		links.scratch(sc, &t)
		if err := sc.BuildOwnThreat(&t, now); v.at(root+".threats", i, err) {
			m.Threats = append(m.Threats, t)
		}
	}
	m.Sort()
	for i, r := range stride {
		sc := scratch()
		if _, err := sc.PutStride(r, now); v.at(root+".stride", i, err) {
			m.Stride = append(m.Stride, sc.Stride[0])
		}
	}
	for i, c := range checks {
		sc := scratch()
		for _, id := range c.Threats {
			if m.ThreatIndex(id) >= 0 {
				sc.Threats = append(sc.Threats, model.Threat{ID: id})
			}
		}
		if _, err := sc.PutCheck(c, now); v.at(root+".checklists", i, err) {
			m.Checklists = append(m.Checklists, sc.Checklists[0])
		}
	}
	for i, pk := range parking {
		sc := scratch()
		if _, err := sc.PutParking(pk, now); v.at(root+".parking", i, err) {
			m.Parking = append(m.Parking, sc.Parking[0])
		}
	}
	for i, d := range pt.Dismissed {
		_, err := m.PutDismissal(d, pt.Dismissals[d], now)
		v.at(root+".dismissed", i, err)
	}
	for _, k := range slices.Sorted(maps.Keys(pt.Dismissals)) {
		if !slices.Contains(pt.Dismissed, k) {
			p.add(root+".dismissals."+k, "is not in the dismissed list")
		}
	}
	for _, k := range slices.Sorted(maps.Keys(pt.Extensions)) {
		// Kept compact, as the tool that stored it gave it, rather than in
		// the document's indentation.
		// Cleaned like every other string entering a model: a kept
		// original is written out again by an export.
		var data bytes.Buffer
		if err := json.Compact(&data, pt.Extensions[k]); err != nil {
			p.add(root+".extensions."+k, "not valid JSON: %v", err)
			continue
		}
		raw := cleanRaw(data.Bytes())
		if err := checkExtension(k, raw); err != nil {
			p.add(root+".extensions."+k, "is not the %s data threatdeck keeps (%s)", k, strings.TrimPrefix(err.Error(), "json: "))
			continue
		}
		m.SetExtension(k, raw, now)
	}
	if err := p.result(); err != nil {
		return nil, err
	}
	m.Apply(liveRecords(m, pt))
	m.Overview.Updated = ov.Updated
	m.Normalize()
	return m, nil
}

// idChecker checks ids for shape and uniqueness and moves id counters past
// the ids in use, kind by kind (see kind).
type idChecker struct {
	p   *problems
	seq map[string]int
}

// kind returns the checker of the ids of one kind of entity, whose n
// entities are the elements of list (of their parent's sub list, for a
// mitigation) and whose ids are "<prefix>-<n>". Ids of different kinds
// may be equal.
func (c *idChecker) kind(kind, prefix, list, sub string, n int) *kindIDs {
	return &kindIDs{c: c, kind: kind, prefix: prefix, list: list, sub: sub, seen: make(map[string][2]int, n)}
}

// kindIDs checks the ids of one kind. Where an id was first used is kept
// as the indexes of its path, spelled out only for a duplicate: a check
// of 10,000 threats' ids keyed by kind and id, with the whole path, was
// a map of 3.7 MB and an eighth of checking the file.
type kindIDs struct {
	c                       *idChecker
	kind, prefix, list, sub string
	seen                    map[string][2]int // id → where (i, j)
}

// path is the JSON path of entity i (or of mitigation j of entity i).
func (k *kindIDs) path(i, j int) idPath { return idPath{list: k.list, i: i, sub: k.sub, j: j} }

// check checks the id of entity i (mitigation j of entity i).
func (k *kindIDs) check(i, j int, id string) {
	if id == "" {
		return // a new entity: the mutator gives it an id
	}
	if model.CleanLine(id) != id || len(id) > model.MaxTitle {
		k.c.p.add(k.path(i, j).String()+".id", "%q is not a valid id", id)
		return
	}
	if other, dup := k.seen[id]; dup {
		k.c.p.add(k.path(i, j).String()+".id", "%s id %q is used twice (also %s)", k.kind, id, k.path(other[0], other[1]))
		return
	}
	k.seen[id] = [2]int{i, j}
	if n, ok := idNumber(id, k.prefix); ok && n > k.c.seq[k.prefix] {
		k.c.seq[k.prefix] = n
	}
}

// idPath is the JSON path of an entity (list[i]) or of one of its
// mitigations (list[i].mitigations[j]), spelled out only for a problem:
// ids are checked by the ten thousand.
type idPath struct {
	list string
	i    int
	sub  string // "" or ".mitigations"
	j    int
}

func (p idPath) String() string {
	s := elemPath(p.list, p.i)
	if p.sub != "" {
		s = elemPath(s+p.sub, p.j)
	}
	return s
}

// linkIndex finds the assets, surface elements and actors a threat links
// to, by id.
type linkIndex struct {
	m                      *model.Model
	assets, surface, actor map[string]int
	at                     []int
}

func newLinkIndex(m *model.Model) *linkIndex {
	ix := &linkIndex{m: m, assets: make(map[string]int, len(m.Assets)), surface: make(map[string]int, len(m.Surface)), actor: make(map[string]int, len(m.Actors))}
	for i := range m.Assets {
		ix.assets[m.Assets[i].ID] = i
	}
	for i := range m.Surface {
		ix.surface[m.Surface[i].ID] = i
	}
	for i := range m.Actors {
		ix.actor[m.Actors[i].ID] = i
	}
	return ix
}

// scratch gives sc the entities t links to, in the model's order, under
// the ids validation looks them up by (cleaned); a link to nothing finds
// nothing there, as in the whole model.
func (ix *linkIndex) scratch(sc *model.Model, t *model.Threat) {
	sc.Assets = pick(ix, sc.Assets[:0], ix.m.Assets, ix.assets, t.Assets)
	sc.Surface = pick(ix, sc.Surface[:0], ix.m.Surface, ix.surface, t.Surface)
	sc.Actors = pick(ix, sc.Actors[:0], ix.m.Actors, ix.actor, t.Actors)
}

func pick[T any](ix *linkIndex, dst, all []T, byID map[string]int, ids []string) []T {
	ix.at = ix.at[:0]
	for _, id := range ids {
		j, ok := byID[id]
		if !ok {
			j, ok = byID[model.CleanLine(id)]
		}
		if ok && !slices.Contains(ix.at, j) {
			ix.at = append(ix.at, j)
		}
	}
	slices.Sort(ix.at)
	for _, j := range ix.at {
		dst = append(dst, all[j])
	}
	return dst
}

// idNumber returns n for an id "<prefix>-<n>".
func idNumber(id, prefix string) (int, bool) {
	// Not CutPrefix(id, prefix+"-"): that made a string per id.
	if len(id) <= len(prefix) || id[len(prefix)] != '-' || id[:len(prefix)] != prefix {
		return 0, false
	}
	rest := id[len(prefix)+1:]
	n, err := strconv.Atoi(rest)
	return n, err == nil && n >= 0
}

// validator turns the mutators' validation errors into problems at JSON paths.
type validator struct{ p *problems }

// at is check for element i of list, whose path is spelled out only for
// a problem.
func (v validator) at(list string, i int, err error) bool {
	return err == nil || v.check(elemPath(list, i), err)
}

func (v validator) check(path string, err error) bool {
	if err == nil {
		return true
	}
	var ve model.ValidationError
	if !errors.As(err, &ve) {
		v.p.add(path, "%v", err)
		return false
	}
	for _, f := range ve {
		v.p.add(joinPath(path, jsonField(f.Field)), "%s", f.Message)
	}
	return false
}

// jsonField maps a validation field name ("trust zone", "mitigation 2
// status") to its JSON key path ("trust_zone", "mitigations[1].status").
func jsonField(f string) string {
	if rest, ok := strings.CutPrefix(f, "mitigation "); ok {
		num, sub, _ := strings.Cut(rest, " ")
		if n, err := strconv.Atoi(num); err == nil {
			if sub == "" {
				sub = "description"
			}
			return fmt.Sprintf("mitigations[%d].%s", n-1, sub)
		}
	}
	switch f {
	case "edition":
		return "owasp_edition"
	case "related documentation":
		return "related_docs"
	case "library id":
		return ""
	}
	return strings.ReplaceAll(f, " ", "_")
}

// liveRecords are the document's risk-poker votes and rounds (of threats
// the model has) and session records, cleaned, as one edit for m.
func liveRecords(m *model.Model, pt *parts) model.Edit {
	var e model.Edit
	for _, v := range pt.Votes {
		v.Voter = model.CleanLine(v.Voter)
		if m.ThreatIndex(v.ThreatID) >= 0 && v.Voter != "" {
			e.Records = append(e.Records, model.Record{Kind: model.RecVote, ID: model.VoteID(v.ThreatID, v.Voter), Value: v})
		}
	}
	for _, r := range pt.Poker {
		if m.ThreatIndex(r.ThreatID) >= 0 {
			r.StartedBy = model.CleanLine(r.StartedBy)
			for i := range r.Votes {
				r.Votes[i].Voter = model.CleanLine(r.Votes[i].Voter)
			}
			e.Records = append(e.Records, model.Record{Kind: model.RecPoker, ID: r.ThreatID, Value: r})
		}
	}
	for _, rec := range pt.Sessions {
		if rec.ID = model.CleanLine(rec.ID); rec.ID == "" {
			continue
		}
		rec.Facilitator = model.CleanLine(rec.Facilitator)
		for i := range rec.Attendees {
			rec.Attendees[i].Name = model.CleanLine(rec.Attendees[i].Name)
		}
		for i := range rec.Steps {
			rec.Steps[i].Step = model.CleanLine(rec.Steps[i].Step)
		}
		e.Records = append(e.Records, model.Record{Kind: model.RecSession, ID: rec.ID, Value: rec})
	}
	return e
}
