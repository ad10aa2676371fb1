package model

import "fmt"

// SelfLoop reports whether e is a data flow from an element back to
// that same element, which draws nothing and is almost always a slip.
func (e SurfaceElement) SelfLoop() bool { return e.Source != "" && e.Source == e.Target }

// CheckFlow refuses a data flow from an element back to itself, as a
// field error on its target, for a form to show. It is not part of
// PutElement: models written before this check (and other tools' files)
// may hold such flows, and they must still load and import; importers
// warn about them instead (SelfLoopWarnings).
func (e SurfaceElement) CheckFlow() error {
	if e.SelfLoop() {
		return ValidationError{{Field: "target", Message: "must differ from where the flow comes from: a flow cannot go from an element back to itself"}}
	}
	return nil
}

// SelfLoopWarnings has one sentence per data flow of m that goes from an
// element back to itself, for an import to print.
func SelfLoopWarnings(m *Model) []string {
	var out []string
	for _, e := range m.Surface {
		if e.SelfLoop() {
			out = append(out, fmt.Sprintf("data flow %s %q goes from %s back to itself; give it another end", e.ID, CleanLine(e.Name), CleanLine(e.Source)))
		}
	}
	return out
}
