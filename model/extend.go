package model

// Extend appends n zero records of kind k to m and returns at, which gives
// a pointer to the i-th of them (0 ≤ i < n), so a loader can decode each
// record straight into its place in the list. Decoding into values of its
// own and copying them in afterwards doubled a load's memory for threats,
// and on a fresh process touching new memory is most of a load's cost.
// ok is false for kinds that are not lists of records (singletons,
// dismissed ids, extensions, counters): those go through NewRecordValue and
// AppendRecord. Call Sort afterwards, as with AppendRecord.
func (m *Model) Extend(k RecordKind, n int) (at func(i int) any, ok bool) {
	m.ownList(kindList(k))
	switch k {
	case RecAsset:
		return extend(&m.Assets, n), true
	case RecActor:
		return extend(&m.Actors, n), true
	case RecSurface:
		return extend(&m.Surface, n), true
	case RecThreat:
		return extend(&m.Threats, n), true
	case RecStride:
		return extend(&m.Stride, n), true
	case RecCheck:
		return extend(&m.Checklists, n), true
	case RecParking:
		return extend(&m.Parking, n), true
	case RecVote:
		return extend(&m.Votes, n), true
	case RecPoker:
		return extend(&m.Poker, n), true
	case RecSession:
		return extend(&m.Sessions, n), true
	}
	return nil, false
}

// extend grows *list by n zero values, allocating at most once.
func extend[T any](list *[]T, n int) func(int) any {
	start := len(*list)
	*list = append(*list, make([]T, n)...)
	s := (*list)[start:]
	return func(i int) any { return &s[i] }
}
