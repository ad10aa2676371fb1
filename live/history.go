package live

import "github.com/threatdeck/threatdeck/model"

// historyRequest asks for a model's history (see store.History).
type historyRequest struct {
	ModelID string `json:"model_id"`
	Limit   int    `json:"limit"`
}

// History returns model modelID's history, newest first (see
// store.History).
func (h *Host) History(modelID string, limit int) ([]model.HistoryEntry, error) {
	if err := h.checkLocked(); err != nil {
		return nil, err
	}
	return h.st.History(modelID, limit)
}

// History returns model modelID's history through the host, so the TUI's
// History view works for every member.
func (m *Member) History(modelID string, limit int) ([]model.HistoryEntry, error) {
	if err := m.usableLocked(); err != nil {
		return nil, err
	}
	return m.h.History(modelID, limit)
}

// History returns model modelID's history, read by the host.
func (c *Client) History(modelID string, limit int) ([]model.HistoryEntry, error) {
	out := []model.HistoryEntry{}
	if err := c.call(opHistory, historyRequest{ModelID: modelID, Limit: limit}, &out); err != nil {
		return nil, err
	}
	if out == nil {
		out = []model.HistoryEntry{}
	}
	return out, nil
}
