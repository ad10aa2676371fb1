package model

// Prev cycles to the preceding state, wrapping around: Next undone.
func (s ItemState) Prev() ItemState {
	i := indexOf(ItemStates, s)
	if i < 0 {
		return ItemStates[0]
	}
	return ItemStates[(i+len(ItemStates)-1)%len(ItemStates)]
}
