package export_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
	"go.yaml.in/yaml/v3"
)

// escapeCorpus is hostile text: terminal escapes (OSC 52 clipboard, OSC 0
// window title, CSI, 8-bit CSI), C0 and C1 controls, every bidi control
// and the invisible characters cleaning removes.
var escapeCorpus = []string{
	"\x1b]52;c;SGVsbG8gd29ybGQ=\x07", "\x1b]0;pwned\x07", "\x1b[2J\x1b[H", "\u009b31m", "\u0085", "\x07\x08\x7f",
	"\u202e", "\u202a", "\u2066", "\u2069", "\u200e", "\u200f", "\u061c",
	"\u200b", "\ufeff", "\u2060", "\u2028", "\u2029", "\r",
}

var hostile = strings.Join(escapeCorpus, "x")

// badRune reports a character no export may write.
func badRune(r rune) bool {
	switch {
	case r == 0x1b, r < 0x20 && r != '\n' && r != '\t' && r != '\r', r == 0x7f:
		return true
	case r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	case r == 0x200b, r == 0xfeff, r == 0x2060, r == 0x2028, r == 0x2029:
		return true
	}
	return false
}

// checkClean fails when out holds a bad character, raw or (for JSON) once
// its strings are decoded, as `jq -r` would print them.
func checkClean(t *testing.T, what string, out []byte) {
	t.Helper()
	text := string(out)
	if !utf8.ValidString(text) {
		t.Errorf("%s: invalid UTF-8", what)
	}
	if what != "csv" {
		text = strings.ReplaceAll(text, "\r\n", "\n")
	} else {
		text = strings.ReplaceAll(text, "\r\n", "")
	}
	for _, r := range text {
		if badRune(r) && r != '\r' {
			t.Errorf("%s: writes %U raw", what, r)
			return
		}
	}
	var tree any
	if json.Unmarshal(out, &tree) != nil {
		return
	}
	walkStrings(tree, func(s string) {
		for _, r := range s {
			if badRune(r) {
				t.Errorf("%s: a JSON string decodes to %U: %q", what, r, s)
				return
			}
		}
	})
}

func walkStrings(v any, f func(string)) {
	switch x := v.(type) {
	case string:
		f(x)
	case map[string]any:
		for k, c := range x {
			f(k)
			walkStrings(c, f)
		}
	case []any:
		for _, c := range x {
			walkStrings(c, f)
		}
	}
}

// poison adds the corpus to every text member of a file and an unknown
// member to every object, which importers keep verbatim for the way back.
func poison(v any) any {
	textKeys := map[string]bool{"title": true, "name": true, "description": true, "mitigation": true, "owner": true, "reviewer": true, "text": true, "summary": true}
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			if s, ok := c.(string); ok && textKeys[k] {
				x[k] = s + hostile
			} else {
				x[k] = poison(c)
			}
		}
		x["x-kept"+hostile] = hostile
		return x
	case []any:
		for i, c := range x {
			x[i] = poison(c)
		}
	}
	return v
}

func poisoned(t *testing.T, data []byte) []byte {
	t.Helper()
	out, err := json.Marshal(poison(interopTree(t, data)))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEscapeCorpusEverywhere imports files in every format with hostile
// text in every string, and exports each model in every format: no byte
// 0x1B, no C1 control, no bidi control comes out, raw or JSON-decoded.
func TestEscapeCorpusEverywhere(t *testing.T) {
	native := model.Example(interopNow)
	native.Overview.Summary = hostile // as a file of an older threatdeck could hold
	native.SetExtension("threat-dragon", json.RawMessage(`{"document": {"summary": {"title": "\u001b]52;c;QUFB\u0007", "description": "\u202e\u001b]0;x\u0007"}}, "cells": {}, "threats": {}}`), interopNow)
	native.SetExtension("other-tool", json.RawMessage(`{"k\u001b[31m": "\u009b\u200f"}`), interopNow)
	nativeJSON, err := json.Marshal(map[string]any{"schema": export.Schema, "model": native})
	if err != nil {
		t.Fatal(err)
	}
	var otmTree any
	if err := json.Unmarshal(interopFile(t, "otm/mobile-cloud.otm.json"), &otmTree); err != nil {
		t.Fatal(err)
	}
	otmYAML, err := yaml.Marshal(poison(otmTree))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"threat-dragon v2": poisoned(t, interopFile(t, "threat-dragon/v2-threat-model.json")),
		"threat-dragon v1": poisoned(t, corpusFile(t, "td-v1-demo.json")),
		"otm json":         poisoned(t, interopFile(t, "otm/mobile-cloud.otm.json")),
		"otm yaml":         otmYAML,
		"tm-bom":           poisoned(t, interopFile(t, "tm-bom/huskyai.tmbom.json")),
		"threatdeck json":  nativeJSON,
	}
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			m, err := export.Import(data, "hostile")
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(data, []byte(`\u001b`)) && !bytes.Contains(data, []byte("\x1b")) && !bytes.Contains(data, []byte(`\e`)) {
				t.Fatal("the file holds no escape: the test tests nothing")
			}
			for _, f := range export.Formats() {
				if f.Export == nil {
					continue
				}
				out, err := f.Export(m)
				if err != nil {
					t.Errorf("%s: %v", f.Name, err)
					continue
				}
				checkClean(t, string(f.Name), out)
			}
			for tool, raw := range m.Extensions {
				checkClean(t, "kept "+tool, raw)
			}
			findings := model.Check(m, model.CheckOptions{FailOn: model.RiskLow})
			sarif, err := export.SARIF(m, findings, export.CheckSource{Path: "dir/hostile\u202e.json", Data: data}, "test")
			if err != nil {
				t.Fatal(err)
			}
			checkClean(t, "sarif", sarif)
		})
	}
}
