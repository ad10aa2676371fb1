package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
)

// KeyMap is every key binding of the TUI, grouped by where it applies. The
// help bar is built from these same bindings, so what the help says is
// what the handlers match: a handler matches a binding of KeyMap or
// ScreenKeys (never a raw key name), and help shows that binding, relabelled
// for the screen with rebind or joined with pair, never a binding of its
// own. FullHelp lists every key that acts in the current mode;
// TestHelpListsExactlyTheHandledKeys presses them all.
type KeyMap struct {
	Global  GlobalKeys
	List    ListKeys
	Form    FormKeys
	Confirm ConfirmKeys
	Parking ParkingKeys
	Poker   PokerKeys
	// Filter drives a list's text filter while it has focus.
	Filter FilterKeys
	// Home holds the welcome screen's actions besides the list keys.
	Home HomeKeys
	// Conflict answers "someone changed what you are editing".
	Conflict ConflictKeys
}

// PokerKeys drive the risk-poker screen.
type PokerKeys struct {
	Open                       key.Binding // on the Threats step: start or join a vote
	Lower, Higher              key.Binding // change the value on the current axis
	Axis                       key.Binding // switch between likelihood and impact
	Pick                       key.Binding // 1–5 set the value directly
	Vote, Reveal, Again, Close key.Binding
}

// ConflictKeys choose between this session's form and someone else's edit.
type ConflictKeys struct {
	Keep, Take key.Binding
}

// ParkingKeys act on the parking-lot list (besides the list keys).
type ParkingKeys struct {
	Resolve, MakeThreat, Close key.Binding
}

// GlobalKeys work on every step unless a text field has focus (then only
// ForceQuit does).
type GlobalKeys struct {
	NextStep, PrevStep key.Binding
	// Steps holds the number key of each step, in walk order ("1" is the
	// first step; a walk longer than nine has no keys past "9"); StepKeys
	// is all of them as one help entry.
	Steps      []key.Binding
	StepKeys   key.Binding
	Help       key.Binding
	Quit       key.Binding
	ForceQuit  key.Binding
	Undo       key.Binding
	Park       key.Binding // capture an idea in the parking lot
	ParkingLot key.Binding // review the parking lot
	History    key.Binding // the model's history of edits
	Presenter  key.Binding
	Timer      key.Binding // start / pause
	TimerReset key.Binding
	Timebox    key.Binding // cycle the current step's timebox
	Models     key.Binding // back to the model list
	Follow     key.Binding // follow the facilitator / detach (live sessions)
}

// ListKeys move through and act on a list.
type ListKeys struct {
	Up, Down, PageUp, PageDown, Home, End key.Binding
	Open, Back                            key.Binding
	Add, Edit, Delete                     key.Binding
	Filter, Toggle                        key.Binding
}

// FormKeys drive a form.
type FormKeys struct {
	Next, Prev key.Binding
	// Up and Down move between one-line fields and inside option lists
	// and text areas.
	Up, Down     key.Binding
	Submit, Save key.Binding
	Cancel       key.Binding
	// Toggle picks an option in a select or multi-select; Left/Right cycle
	// a select without opening it.
	Toggle, Left, Right key.Binding
	// Pick picks the highlighted option of a multi-select while its
	// filter has text (space types a space then).
	Pick key.Binding
	// Newline inserts a line break in a text area (enter submits in
	// one-line fields but breaks lines in text areas).
	Newline key.Binding
	// Erase deletes the last character of an option list's filter (an
	// editing key, so not in help).
	Erase key.Binding
}

// FilterKeys drive a text filter while it has focus; every other key types.
type FilterKeys struct {
	Keep, Clear key.Binding
	// Prev and Next move through the matches without leaving the filter.
	Prev, Next key.Binding
	// Erase deletes the last character (an editing key, so not in help).
	Erase key.Binding
}

// HomeKeys start a model from the welcome screen or the model list.
type HomeKeys struct {
	Example, Import key.Binding
}

// ConfirmKeys answer a yes/no question.
type ConfirmKeys struct {
	Yes, No key.Binding
}

func bind(keys []string, helpKey, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(helpKey, desc))
}

// rebind is b with another help text, for a key that means something
// else here (↑ on the map means likelier); the keys stay b's own.
func rebind(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// pair is one help entry for bindings a handler tells apart ("pgup/pgdn
// scroll preview"): their keys and help keys joined, so it changes with
// them. It is for help only; handlers match the bindings themselves.
func pair(desc string, bs ...key.Binding) key.Binding {
	var keys, help []string
	for _, b := range bs {
		keys = append(keys, b.Keys()...)
		help = append(help, b.Help().Key)
	}
	return bind(keys, strings.Join(help, "/"), desc)
}

// enabled is b, turned off unless on: help leaves out a binding that does
// nothing where the cursor is.
func enabled(b key.Binding, on bool) key.Binding {
	b.SetEnabled(on)
	return b
}

// DefaultKeyMap is the key map the TUI ships with; the keys follow the
// spec's conventions (arrows and j/k, enter, esc, a/e/d, /, space, ?, q).
func DefaultKeyMap() KeyMap {
	var k KeyMap
	g := &k.Global
	g.NextStep = bind([]string{"tab"}, "tab", "next step")
	g.PrevStep = bind([]string{"shift+tab"}, "shift+tab", "prev step")
	var numbers []string
	for _, s := range Steps[:min(len(Steps), 9)] {
		n := itoa(int(s) + 1)
		numbers = append(numbers, n)
		g.Steps = append(g.Steps, bind([]string{n}, n, s.String()))
	}
	g.StepKeys = bind(numbers, numbers[0]+"-"+numbers[len(numbers)-1], "go to step")
	g.Help = bind([]string{"?"}, "?", "help")
	g.Quit = bind([]string{"q"}, "q", "quit")
	g.ForceQuit = bind([]string{"ctrl+c"}, "ctrl+c", "quit now")
	g.Undo = bind([]string{"u"}, "u", "undo")
	g.Park = bind([]string{"p"}, "p", "park an idea")
	g.ParkingLot = bind([]string{"L"}, "L", "parking lot")
	g.History = bind([]string{"H"}, "H", "history")
	g.Presenter = bind([]string{"f5"}, "F5", "presenter mode")
	g.Timer = bind([]string{"t"}, "t", "timer start/pause")
	g.TimerReset = bind([]string{"T"}, "T", "reset step timer")
	g.Timebox = bind([]string{"b"}, "b", "step timebox")
	g.Models = bind([]string{"ctrl+o"}, "ctrl+o", "models")
	g.Follow = bind([]string{"f"}, "f", "follow/detach")

	pk := &k.Poker
	pk.Open = bind([]string{"V"}, "V", "risk poker")
	pk.Lower = bind([]string{"left", "h"}, "←/h", "lower")
	pk.Higher = bind([]string{"right", "l"}, "→/l", "higher")
	pk.Axis = bind([]string{"up", "down", "tab", "k", "j"}, "↑/↓", "likelihood/impact")
	pk.Pick = bind([]string{"1", "2", "3", "4", "5"}, "1-5", "pick, then next row")
	pk.Vote = bind([]string{"enter"}, "enter", "vote")
	pk.Reveal = bind([]string{"r"}, "r", "reveal")
	pk.Again = bind([]string{"n"}, "n", "new round")
	pk.Close = bind([]string{"esc"}, "esc", "close")

	cf := &k.Conflict
	cf.Keep = bind([]string{"ctrl+k"}, "ctrl+k", "keep mine")
	cf.Take = bind([]string{"ctrl+t"}, "ctrl+t", "take theirs")

	l := &k.List
	l.Up = bind([]string{"up", "k"}, "↑/k", "up")
	l.Down = bind([]string{"down", "j"}, "↓/j", "down")
	l.PageUp = bind([]string{"pgup"}, "pgup", "page up")
	l.PageDown = bind([]string{"pgdown"}, "pgdn", "page down")
	l.Home = bind([]string{"home", "g"}, "home/g", "first")
	l.End = bind([]string{"end", "G"}, "end/G", "last")
	l.Open = bind([]string{"enter"}, "enter", "open")
	l.Back = bind([]string{"esc"}, "esc", "back")
	l.Add = bind([]string{"a"}, "a", "add")
	l.Edit = bind([]string{"e"}, "e", "edit")
	l.Delete = bind([]string{"d"}, "d", "delete")
	l.Filter = bind([]string{"/"}, "/", "filter")
	l.Toggle = bind([]string{"space"}, "space", "toggle")

	f := &k.Form
	f.Next = bind([]string{"tab"}, "tab", "next field")
	f.Prev = bind([]string{"shift+tab"}, "shift+tab", "prev field")
	f.Up = bind([]string{"up"}, "↑", "up/choose")
	f.Down = bind([]string{"down"}, "↓", "down/choose")
	f.Submit = bind([]string{"enter"}, "enter", "save")
	f.Save = bind([]string{"ctrl+s"}, "ctrl+s", "save")
	f.Cancel = bind([]string{"esc"}, "esc", "cancel")
	f.Toggle = bind([]string{"space"}, "space", "pick")
	f.Pick = bind([]string{"enter"}, "enter", "pick")
	f.Left = bind([]string{"left"}, "←", "previous option")
	f.Right = bind([]string{"right"}, "→", "next option")
	f.Newline = bind([]string{"enter"}, "enter", "new line")
	f.Erase = bind([]string{"backspace", "ctrl+h"}, "backspace", "delete a character")

	fk := &k.Filter
	fk.Keep = bind([]string{"enter"}, "enter", "keep filter")
	fk.Clear = bind([]string{"esc"}, "esc", "clear filter")
	fk.Prev = bind([]string{"up"}, "↑", "previous match")
	fk.Next = bind([]string{"down"}, "↓", "next match")
	fk.Erase = bind([]string{"backspace", "ctrl+h"}, "backspace", "delete a character")

	hk := &k.Home
	hk.Example = bind([]string{"x"}, "x", "example")
	hk.Import = bind([]string{"i"}, "i", "import")

	c := &k.Confirm
	c.Yes = bind([]string{"y", "Y"}, "y", "yes")
	c.No = bind([]string{"n", "N", "esc"}, "n/esc", "no")
	p := &k.Parking
	p.Resolve = bind([]string{"space", "enter"}, "space", "resolve/reopen")
	p.MakeThreat = bind([]string{"t"}, "t", "make a threat")
	p.Close = bind([]string{"esc", "L"}, "esc", "close")
	return k
}

// GlobalHelp is the short help every step ends with.
func (k KeyMap) GlobalHelp() []key.Binding {
	return []key.Binding{k.Global.NextStep, k.Global.Undo, k.Global.Park, k.Global.Help, k.Global.Quit}
}

// GlobalFullHelp is the full-help column for the global keys.
func (k KeyMap) GlobalFullHelp() [][]key.Binding {
	g := k.Global
	return [][]key.Binding{
		{g.NextStep, g.PrevStep, g.StepKeys, g.Models},
		{g.Undo, g.Park, g.ParkingLot, g.History, g.Timer, g.TimerReset, g.Timebox, g.Follow},
		{g.Presenter, g.Help, g.Quit, g.ForceQuit},
	}
}

// ListHelp is the short help of a list that can be edited.
func (k KeyMap) ListHelp() []key.Binding {
	l := k.List
	return []key.Binding{l.Up, l.Down, l.Add, l.Edit, l.Delete, l.Filter}
}

// ListFullHelp is the full help of an editable list.
func (k KeyMap) ListFullHelp() [][]key.Binding {
	l := k.List
	return [][]key.Binding{
		{l.Up, l.Down, l.PageUp, l.PageDown, l.Home, l.End},
		{l.Open, l.Add, l.Edit, l.Delete, l.Filter},
	}
}

// FormHelp is the short help while a form has focus.
func (k KeyMap) FormHelp() []key.Binding {
	f := k.Form
	return []key.Binding{f.Next, f.Prev, f.Submit, f.Save, f.Cancel}
}

// FilterHelp is the short help while a text filter has focus.
func (k KeyMap) FilterHelp() []key.Binding {
	return []key.Binding{k.Filter.Keep, k.Filter.Clear}
}

// FilterFullHelp is every key of a focused text filter.
func (k KeyMap) FilterFullHelp() [][]key.Binding {
	f := k.Filter
	return [][]key.Binding{{f.Prev, f.Next, f.Keep, f.Clear}}
}

// focusFullHelp is the full help of what has focus over a page: a
// question, a form or a list's text filter (ls may be nil); ok is false
// when none has, and the page's own keys apply.
func focusFullHelp(c *confirm, f *form, ls *list) (help [][]key.Binding, ok bool) {
	switch {
	case c != nil:
		return [][]key.Binding{c.help()}, true
	case f != nil:
		return f.fullHelp(), true
	case ls != nil && ls.Capturing():
		return ls.fullHelp(), true
	}
	return nil, false
}

// ConfirmHelp is the help of a yes/no question.
func (k KeyMap) ConfirmHelp() []key.Binding {
	return []key.Binding{k.Confirm.Yes, k.Confirm.No}
}
