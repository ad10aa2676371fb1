package tui

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"

	"github.com/threatdeck/threatdeck/model"
)

// helpState is one screen in one mode, reached by keys from a fresh
// session: start opens the session, keys are then pressed one by one.
type helpState struct {
	name  string
	start func(t *testing.T) *harness
	keys  []string
	// then adjusts the state where no key reaches it offline (the
	// conflict question needs a second person).
	then func(h *harness)
}

// onWelcome starts on the welcome screen of an empty workbook.
func onWelcome(t *testing.T) *harness { return newHarness(t, []int{120, 40}, nil) }

// onModelList starts on the model list of a workbook with three models.
func onModelList(t *testing.T) *harness {
	h := newHarness(t, []int{120, 40}, nil)
	h.seed(fixtureModel(t))
	for _, title := range []string{"Second", "Third"} {
		m, _ := model.New(title, "", coreNow)
		if _, err := h.st.Create(m); err != nil {
			t.Fatal(err)
		}
	}
	h.press("ctrl+o", "j")
	return h
}

// helpModel is the screens' golden model with three of every list's
// records, so that on the middle one every move moves; T-003 has three
// mitigations, one with an owner, and Spoofing two threats.
func helpModel(t testing.TB) *model.Model {
	t.Helper()
	m := scrGoldenModel(t)
	must := mustEdit(t)
	must(m.PutAsset(model.Asset{Name: "Audit log", Sensitivity: model.Internal}, scrNow))
	must(m.PutActor(model.Actor{Name: "Fraudster", Kind: model.External}, scrNow))
	must(m.PutActor(model.Actor{Name: "Support agent", Kind: model.Insider}, scrNow))
	th, _ := m.Threat("T-003")
	th.Mitigations = append(th.Mitigations, model.Mitigation{Description: "Export quotas", Owner: "ann"})
	must(m.PutThreat(th, scrNow))
	must(m.PutThreat(model.Threat{Title: "Stolen API key replayed", Category: model.Spoofing, Likelihood: 3, Impact: 4}, scrNow))
	return m
}

// onModel starts on the Overview of helpModel.
func onModel(t *testing.T) *harness { return openHarness(t, helpModel(t), 120, 40) }

// onNarrowModel is onModel at 80×24 (the review preview is not beside
// the list there).
func onNarrowModel(t *testing.T) *harness { return openHarness(t, helpModel(t), 80, 24) }

// helpStates are every screen and every mode of it: lists, details,
// filters, forms (one-line field, choice, text area, filtered option
// list), questions, overlays, the model list and the welcome screen.
func helpStates() []helpState {
	park := []string{"p", "o", "n", "e", "enter", "p", "t", "w", "o", "enter", "p", "t", "h", "r", "e", "e", "enter"}
	return []helpState{
		{name: "welcome", start: onWelcome, keys: []string{"j"}},
		{name: "welcome form", start: onWelcome, keys: []string{"a"}},
		{name: "model list", start: onModelList},
		{name: "model list filter", start: onModelList, keys: []string{"/"}},
		{name: "model delete question", start: onModelList, keys: []string{"d"}},
		{name: "overview", start: onModel},
		{name: "overview form", start: onModel, keys: []string{"e"}},
		{name: "assets", start: onModel, keys: []string{"2", "j"}},
		{name: "asset form", start: onModel, keys: []string{"2", "e"}},
		// AS-002 is confidential: both up and down change the choice.
		{name: "asset form on a choice", start: onModel, keys: []string{"2", "j", "e", "tab", "tab"}},
		{name: "asset form on a text area", start: onModel, keys: []string{"2", "e", "tab"}},
		{name: "asset delete question", start: onModel, keys: []string{"2", "d"}},
		{name: "asset filter", start: onModel, keys: []string{"2", "/", "a", "down"}},
		{name: "assets with a kept filter", start: onModel, keys: []string{"2", "/", "a", "enter", "j"}},
		{name: "parking lot with a kept filter", start: onModel, keys: []string{"p", "o", "x", "enter", "p", "o", "y", "enter", "p", "o", "z", "enter", "L", "/", "o", "enter", "j"}},
		{name: "owasp with a kept filter", start: onModel, keys: []string{"7", "/", "a", "enter", "j"}},
		{name: "actors", start: onModel, keys: []string{"3", "j"}},
		{name: "surface", start: onModel, keys: []string{"4", "j"}},
		{name: "stride", start: onModel, keys: []string{"5", "j"}},
		{name: "stride on a threat row", start: onModel, keys: []string{"5", "G", "k"}},
		{name: "stride all suggestions", start: onModel, keys: []string{"5", "m", "j"}},
		{name: "stride dismiss prompt", start: onModel, keys: []string{"5", "j", "x"}},
		{name: "stride dismissed list", start: onModel, keys: []string{"5", "x", "enter", "x", "enter", "x", "enter", "X", "j"}},
		{name: "threats", start: onModel, keys: []string{"6", "j"}},
		{name: "threats filter", start: onModel, keys: []string{"6", "/", "e", "down"}},
		{name: "threat detail", start: onModel, keys: []string{"6", "j", "enter", "j"}},
		{name: "threat form", start: onModel, keys: []string{"6", "e"}},
		// A multi-select whose filter has text: space types, enter picks.
		{name: "threat form on a filtered multi-select", start: onModel, keys: []string{"6", "a", "R", "tab", "tab", "tab", "tab", "tab", "tab", "tab", "tab", "a", "down"}},
		{name: "mitigation form", start: onModel, keys: []string{"6", "enter", "e"}},
		{name: "threat delete question", start: onModel, keys: []string{"6", "d"}},
		{name: "risk poker", start: onModel, keys: []string{"6", "j", "V"}},
		{name: "risk poker revealed", start: onModel, keys: []string{"6", "j", "V", "enter", "r"}},
		{name: "owasp", start: onModel, keys: []string{"7", "j"}},
		{name: "owasp detail", start: onModel, keys: []string{"7", "j", "enter"}},
		{name: "owasp note form", start: onModel, keys: []string{"7", "n"}},
		{name: "checklists", start: onModel, keys: []string{"8", "j"}},
		{name: "checklist filter", start: onModel, keys: []string{"8", "/", "a", "down"}},
		{name: "review", start: onModel, keys: []string{"9", "j"}},
		{name: "review narrow", start: onNarrowModel, keys: []string{"9", "j"}},
		{name: "report preview", start: onNarrowModel, keys: []string{"9", "v", "j"}},
		{name: "risk map", start: onModel, keys: []string{"9", "m"}},
		{name: "report sections", start: onModel, keys: []string{"9", "w"}},
		{name: "export form", start: onModel, keys: []string{"9", "x"}},
		{name: "park prompt", start: onModel, keys: []string{"p"}},
		{name: "parking lot", start: onModel, keys: append(park, "L", "j")},
		{name: "parking lot filter", start: onModel, keys: append(park, "L", "/", "down")},
		{name: "history", start: onModel, keys: append(park, "H", "j")},
		{name: "conflict question", start: onModel, keys: []string{"2", "e"}, then: func(h *harness) {
			h.a.conflict = &conflict{by: "fran", kind: model.RecAsset, id: "AS-001", step: StepAssets}
		}},
	}
}

// reach opens a fresh session in the state.
func (s helpState) reach(t *testing.T) *harness {
	h := s.start(t)
	h.press(s.keys...)
	if s.then != nil {
		s.then(h)
	}
	// The program draws a frame after every message; some help depends
	// on the layout drawn.
	h.a.render()
	return h
}

// keyUniverse is every key any binding of the TUI names, plus every
// printable ASCII character: the keys a handler could answer to.
func keyUniverse() []string {
	var out []string
	add := func(v reflect.Value) {
		var walk func(v reflect.Value)
		walk = func(v reflect.Value) {
			switch b, ok := v.Interface().(key.Binding); {
			case ok:
				out = append(out, b.Keys()...)
			case v.Kind() == reflect.Struct:
				for i := range v.NumField() {
					walk(v.Field(i))
				}
			case v.Kind() == reflect.Slice, v.Kind() == reflect.Array:
				for i := range v.Len() {
					walk(v.Index(i))
				}
			}
		}
		walk(v)
	}
	add(reflect.ValueOf(DefaultKeyMap()))
	add(reflect.ValueOf(DefaultScreenKeys()))
	for r := '!'; r <= '~'; r++ {
		out = append(out, string(r))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// editingKeys are the keys a focused text field answers to itself
// (cursor moves, deletions): typing, not commands, so help need not list
// them. Enter, the vertical arrows and tab are not among them.
func editingKeys() map[string]bool {
	out := map[string]bool{}
	skip := map[string]bool{"AcceptSuggestion": true, "NextSuggestion": true, "PrevSuggestion": true,
		"InsertNewline": true, "LineNext": true, "LinePrevious": true}
	for _, km := range []any{textinput.DefaultKeyMap(), textarea.DefaultKeyMap()} {
		v := reflect.ValueOf(km)
		for i := range v.NumField() {
			if b, ok := v.Field(i).Interface().(key.Binding); ok && !skip[v.Type().Field(i).Name] {
				for _, k := range b.Keys() {
					out[k] = true
				}
			}
		}
	}
	return out
}

// The help bar is built from the same bindings the handlers match. This
// test closes the loop on every screen in every mode: every key the help
// shows (short or full) is pressed on a fresh session and must visibly
// do something; and every key that does something there must be shown
// in the help, so neither can drift from the other. While a text field
// has focus, printable keys and the field's own editing keys type.
func TestHelpListsExactlyTheHandledKeys(t *testing.T) {
	universe := keyUniverse()
	editing := editingKeys()
	for _, s := range helpStates() {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			h := s.reach(t)
			short, full := h.a.helpBindings()
			shown := slices.Concat(append(full, short)...)
			if len(shown) == 0 {
				t.Fatal("no help")
			}
			capturing := h.a.capturing()
			// acts presses k in the state and reports whether anything
			// changed. A key that changed nothing leaves the session as it
			// was, so the next key is tried on the same one: fresh
			// sessions (a workbook file each) only after a key acted.
			acted := map[string]bool{}
			f, base := h, snapshot(h)
			acts := func(k string) bool {
				if done, ok := acted[k]; ok {
					return done
				}
				if f == nil {
					f = s.reach(t)
					base = snapshot(f)
				}
				f.press(k)
				f.a.render()
				acted[k] = snapshot(f) != base
				if acted[k] {
					f = nil
				}
				return acted[k]
			}
			helpKeys := map[string]bool{}
			seen := map[string]bool{}
			for _, b := range shown {
				if !b.Enabled() {
					continue // not drawn
				}
				if len(b.Keys()) == 0 {
					t.Errorf("help shows %q but it has no keys", b.Help().Key)
					continue
				}
				for _, k := range b.Keys() {
					helpKeys[k] = true
				}
				if id := b.Help().Key + "\x00" + b.Help().Desc; !seen[id] {
					seen[id] = true
					// Some key of the binding must act ("1-9" stays put
					// on step 1, but 2 moves).
					if !slices.ContainsFunc(b.Keys(), acts) {
						t.Errorf("help shows %q (%s) but none of its keys %v changes anything", b.Help().Key, b.Help().Desc, b.Keys())
					}
				}
			}
			for _, k := range universe {
				// ctrl+c quits from everywhere, text fields included; the
				// global help names it.
				if helpKeys[k] || slices.Contains(h.a.keys.Global.ForceQuit.Keys(), k) ||
					(capturing && (coreKey(k).Text != "" || editing[k])) {
					continue
				}
				if acts(k) {
					t.Errorf("%q does something here but the help does not show it", k)
				}
			}
		})
	}
}

// snapshot is everything a key could change: the frame (with cursor), the
// step, quitting, the timer and the model in memory and on disk.
func snapshot(h *harness) string {
	var b strings.Builder
	// The raw frame: a cursor move shows only in its attributes.
	b.WriteString(h.a.render())
	b.WriteString(h.a.step.Name())
	if h.a.quitting {
		b.WriteString("quitting")
	}
	if h.a.timer.running {
		b.WriteString("running")
	}
	if h.a.s != nil {
		b.WriteString(h.a.s.m.Overview.Updated.String())
		b.WriteString(itoa(len(h.a.undo)) + "/" + itoa(int(h.a.s.rev)))
	}
	return b.String()
}

// The global keys never collide with one another, and no list key shadows
// a global one (it would never be reached).
func TestKeyMapHasNoCollisions(t *testing.T) {
	k := DefaultKeyMap()
	owner := map[string]string{}
	claim := func(group string, bs ...key.Binding) {
		for _, b := range bs {
			for _, kk := range b.Keys() {
				if prev, dup := owner[kk]; dup && prev != group+"/"+b.Help().Desc {
					t.Errorf("key %q is bound to %q and %q", kk, prev, group+"/"+b.Help().Desc)
				}
				owner[kk] = group + "/" + b.Help().Desc
			}
		}
	}
	g := k.Global
	claim("global", g.NextStep, g.PrevStep, g.Help, g.Quit, g.ForceQuit, g.Undo, g.Park, g.ParkingLot, g.Presenter, g.Timer, g.TimerReset, g.Timebox, g.Models)
	claim("global", g.Steps[:]...)
	l := k.List
	claim("list", l.Up, l.Down, l.PageUp, l.PageDown, l.Home, l.End, l.Open, l.Back, l.Add, l.Edit, l.Delete, l.Filter, l.Toggle)
}
