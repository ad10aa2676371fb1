package export

import (
	"strings"

	"github.com/threatdeck/threatdeck/model"
)

// Threat Dragon version 1 files keep each diagram's cells in a JointJS
// graph ("diagramJson": {"cells": [...]}) rather than in "cells", with a
// cell's threats, description and flags on the cell itself rather than in
// its "data", names drawn as attrs.text.text (nodes) or labels[0] (flows)
// and flow ends as {"id": …}. upgradeTDv1 rewrites such a diagram in place
// into the version 2 shape the reader and the export know, so a version 1
// file is read whole (every cell and threat) and exported as a real
// version 2 file.

// tdV1Shapes maps version 1 cell types to version 2 shapes.
var tdV1Shapes = map[string]string{
	"tm.Actor":    "actor",
	"tm.Process":  "process",
	"tm.Store":    "store",
	"tm.Flow":     "flow",
	"tm.Boundary": "trust-boundary-curve",
}

// tdV1DataKeys are the cell members that version 2 keeps under "data".
var tdV1DataKeys = []string{
	"description", "threats", "hasOpenThreats", "outOfScope", "reasonOutOfScope",
	"isEncrypted", "isPublicNetwork", "protocol", "isALog", "storesCredentials",
	"isSigned", "privilegeLevel", "handlesCardPayment", "handlesGoodsOrServices",
	"isWebApplication", "providesAuthentication", "isTrustBoundary", "ruleId",
}

// upgradeTDv1 turns every version 1 diagram of doc into version 2 and
// reports whether there was one. A diagramJson that is not an object with
// a list of cells is left for the reader to report at its path.
func upgradeTDv1(doc map[string]any) (upgraded bool) {
	detail, _ := doc["detail"].(map[string]any)
	diagrams, _ := detail["diagrams"].([]any)
	for _, d := range diagrams {
		diagram, ok := d.(map[string]any)
		if !ok {
			continue
		}
		graph, had := diagram["diagramJson"]
		if !had {
			continue
		}
		upgraded = true
		if graph == nil {
			delete(diagram, "diagramJson")
			continue
		}
		g, ok := graph.(map[string]any)
		if !ok {
			continue
		}
		cells, ok := g["cells"].([]any)
		if !ok && g["cells"] != nil {
			continue
		}
		out := make([]any, 0, len(cells))
		for _, c := range cells {
			if cell, ok := c.(map[string]any); ok {
				out = append(out, upgradeTDv1Cell(cell))
			} else {
				out = append(out, c)
			}
		}
		delete(diagram, "diagramJson")
		diagram["cells"] = out
		diagram["version"] = tdVersion
	}
	if upgraded {
		doc["version"] = tdVersion
	}
	return upgraded
}

// upgradeTDv1Cell rewrites one version 1 cell.
func upgradeTDv1Cell(c map[string]any) map[string]any {
	typ, _ := c["type"].(string)
	out := make(map[string]any, len(c)+2)
	data := map[string]any{}
	if typ != "" {
		data["type"] = typ
	}
	for k, v := range c {
		out[k] = v
	}
	delete(out, "type")
	for _, k := range tdV1DataKeys {
		if v, ok := c[k]; ok {
			data[k] = v
			delete(out, k)
		}
	}
	if shape, ok := tdV1Shapes[typ]; ok {
		out["shape"] = shape
	} else if typ != "" {
		out["shape"] = strings.ToLower(strings.TrimPrefix(typ, "tm."))
	}
	if z, ok := c["z"]; ok {
		out["zIndex"] = z
		delete(out, "z")
	}
	name := tdV1Name(c)
	if name != "" {
		data["name"] = name
	}
	switch typ {
	case "tm.Flow", "tm.Boundary":
		for _, end := range []string{"source", "target"} {
			if e, ok := c[end].(map[string]any); ok {
				if id, ok := e["id"]; ok {
					out[end] = map[string]any{"cell": id}
				}
			}
		}
		if typ == "tm.Boundary" {
			data["isTrustBoundary"] = true
		}
		if name != "" {
			out["labels"] = []any{map[string]any{"position": 0.5, "attrs": map[string]any{"labelText": map[string]any{"text": name}}}}
		} else {
			delete(out, "labels")
		}
		delete(out, "attrs")
	default:
		if name != "" {
			out["attrs"] = map[string]any{"text": map[string]any{"text": name}}
		} else {
			delete(out, "attrs")
		}
	}
	if _, ok := data["hasOpenThreats"]; !ok {
		open := false
		threats, _ := data["threats"].([]any)
		for _, t := range threats {
			status, _ := t.(map[string]any)["status"].(string)
			open = open || statusFrom(status) == model.StatusOpen
		}
		data["hasOpenThreats"] = open
	}
	out["data"] = data
	return out
}

// tdV1Name is the text a version 1 cell shows.
func tdV1Name(c map[string]any) string {
	if attrs, ok := c["attrs"].(map[string]any); ok {
		if text, ok := attrs["text"].(map[string]any); ok {
			if s, ok := text["text"].(string); ok && strings.TrimSpace(s) != "" {
				return s
			}
		}
	}
	if labels, ok := c["labels"].([]any); ok && len(labels) > 0 {
		if l, ok := labels[0].(map[string]any); ok {
			if attrs, ok := l["attrs"].(map[string]any); ok {
				if text, ok := attrs["text"].(map[string]any); ok {
					if s, ok := text["text"].(string); ok {
						return s
					}
				}
			}
		}
	}
	return ""
}
