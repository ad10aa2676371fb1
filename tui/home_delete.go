package tui

import (
	tea "charm.land/bubbletea/v2"
)

// deleteModel deletes a model from the workbook and lists the rest,
// saying which model went (the model list has no undo).
func (h *home) deleteModel(id string) tea.Cmd {
	wb := h.a.opts.Workbook
	title := id
	for _, s := range h.models {
		if s.ID == id {
			title = safeLine(s.Title)
		}
	}
	return func() tea.Msg {
		if err := wb.Delete(id); err != nil {
			return homeMsg{err: err}
		}
		list, err := wb.List()
		return homeMsg{models: list, err: err, status: "Deleted the model “" + title + "”"}
	}
}
