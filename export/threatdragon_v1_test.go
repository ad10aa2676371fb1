package export_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
)

func corpusFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "corpus", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// A Threat Dragon 1.x file is read whole, every cell and every threat on
// it, and exported as a real version 2 file that validates.
func TestThreatDragonV1(t *testing.T) {
	m, err := export.Import(corpusFile(t, "td-v1-demo.json"), "td-v1-demo.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Surface) != 6 || len(m.Threats) != 5 {
		t.Fatalf("%d elements, %d threats; want 6 and 5", len(m.Surface), len(m.Threats))
	}
	byName := map[string]model.SurfaceElement{}
	for _, e := range m.Surface {
		byName[e.Name] = e
	}
	for name, kind := range map[string]model.ElementKind{"Shopper": model.KindExternalEntity, "Checkout API": model.KindProcess, "Orders DB": model.KindDataStore, "Pay": model.KindDataFlow, "Store order": model.KindDataFlow} {
		if byName[name].Kind != kind {
			t.Errorf("%s: kind %q, want %q", name, byName[name].Kind, kind)
		}
	}
	if pay := byName["Pay"]; pay.Source != byName["Shopper"].ID || pay.Target != byName["Checkout API"].ID {
		t.Errorf("flow Pay runs %s → %s", pay.Source, pay.Target)
	}
	if byName["Shopper"].Description != "A customer paying by card" {
		t.Errorf("description %q", byName["Shopper"].Description)
	}
	open := 0
	for _, th := range m.Threats {
		if th.IsOpen() && th.Band() == model.RiskHigh {
			open++
		}
	}
	if open != 4 {
		t.Errorf("%d open high threats, want 4", open)
	}
	if f := model.Check(m, model.CheckOptions{FailOn: model.RiskHigh}); len(f) == 0 {
		t.Error("check passes a model with four open high threats")
	}

	out, err := export.ThreatDragon(m)
	if err != nil {
		t.Fatal(err)
	}
	mustValidate(t, interopSchema(t, "threat-dragon/threat-dragon-v2.schema.json"), out)
	tree := interopTree(t, out)
	d := arr(tree, "detail", "diagrams")[0]
	if _, v1 := obj(d)["diagramJson"]; v1 {
		t.Error("the export keeps the version 1 diagram")
	}
	cells := arr(d, "cells")
	if len(cells) != 6 {
		t.Fatalf("%d cells exported, want 6", len(cells))
	}
	threats := 0
	for _, c := range cells {
		threats += len(arr(c, "data", "threats"))
	}
	if threats != 5 {
		t.Errorf("%d threats exported, want 5", threats)
	}
	again, err := export.Import(out, "again.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Surface) != 6 || len(again.Threats) != 5 {
		t.Errorf("re-import: %d elements, %d threats", len(again.Surface), len(again.Threats))
	}
}

// "type": null (an unclassified Threat Dragon threat) comes back null.
func TestThreatDragonNullType(t *testing.T) {
	in := []byte(`{"version": "2.3.0", "summary": {"title": "n"}, "detail": {"contributors": [], "diagrams": [{"id": 0, "title": "d", "diagramType": "STRIDE", "version": "2.3.0", "cells": [
	  {"id": "p", "shape": "process", "position": {"x": 0, "y": 0}, "size": {"width": 10, "height": 10},
	   "data": {"type": "tm.Process", "name": "P", "hasOpenThreats": true, "threats": [{"id": "t1", "title": "T", "type": null, "status": "Open", "severity": "High", "number": 1}]}}]}]}}`)
	m, err := export.Import(in, "null.json")
	if err != nil {
		t.Fatal(err)
	}
	out, err := export.ThreatDragon(m)
	if err != nil {
		t.Fatal(err)
	}
	threat := obj(arr(arr(interopTree(t, out), "detail", "diagrams")[0], "cells")[0], "data")["threats"].([]any)[0].(map[string]any)
	if v, ok := threat["type"]; !ok || v != nil {
		t.Errorf("type = %#v, want null", v)
	}
}

// A mitigation that is only an escape sequence is no mitigation, as an
// empty one is: the import goes on without it.
func TestEscapeOnlyMitigation(t *testing.T) {
	for _, mitigation := range []string{"", `\u001b]0;x\u0007`, `\u001b[31m \u202e`} {
		in := []byte(`{"summary": {"title": "n"}, "detail": {"diagrams": [{"cells": [
		  {"id": "p", "shape": "process", "data": {"type": "tm.Process", "name": "P", "threats": [{"title": "T", "status": "Open", "mitigation": "` + mitigation + `"}]}}]}]}}`)
		m, err := export.Import(in, "m.json")
		if err != nil {
			t.Errorf("mitigation %q: %v", mitigation, err)
			continue
		}
		if n := len(m.Threats[0].Mitigations); n != 0 {
			t.Errorf("mitigation %q: %d mitigations, want none", mitigation, n)
		}
	}
}

// A title too long to keep even in the description is reported as the
// title, not as the description it would have been moved into.
func TestHugeTitleIsReportedAsTitle(t *testing.T) {
	huge := strings.Repeat("word ", 1<<18) // over 1 MB
	in := []byte(`{"summary": {"title": "n"}, "detail": {"diagrams": [{"cells": [
	  {"id": "p", "shape": "process", "data": {"type": "tm.Process", "name": "P", "threats": [{"title": "` + huge + `", "status": "Open"}]}}]}]}}`)
	_, err := export.Import(in, "huge.json")
	if err == nil || !strings.Contains(err.Error(), "data.threats[0]: title: is 1280 KiB; the limit is 64 KiB") {
		t.Errorf("error %v, want the title named", err)
	}
}
