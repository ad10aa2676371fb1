package tui

// Minimum terminal size: the spec's 80×24. Below it the TUI shows a clear
// message instead of a broken layout.
const (
	minWidth  = 80
	minHeight = 24
)

func (a *app) tooSmall() bool { return a.width < minWidth || a.height < minHeight }

// chrome is the number of lines the frame takes around the body: header,
// tabs, a gap, the status line and the help bar (more with full help or
// presenter spacing).
func (a *app) chrome() int {
	n := 5
	if a.presenter() {
		n += 2
	}
	if a.showHelp {
		n += a.fullHelpLines() - 1
	}
	return n
}

// margin is the left/right body margin: roomier for a projector.
func (a *app) margin() int {
	if a.presenter() {
		return 3
	}
	return 1
}

// bodySize is the space a page may draw in.
func (a *app) bodySize() (int, int) {
	return max(1, a.width-2*a.margin()), max(1, a.height-a.chrome())
}
