package tui

import "github.com/threatdeck/threatdeck/model"

// stateWidth is the width of the widest item state as the lists show it
// ("[-] Not applicable"), so a state column never cuts one.
func stateWidth() int {
	w := 0
	for _, s := range model.ItemStates {
		w = max(w, cellWidth(stateMark(s)+" "+s.Label()))
	}
	return w
}
