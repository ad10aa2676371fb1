package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// OTM files may be written in YAML as well as JSON (the standard allows
// both, and hand-written ones usually are YAML). A YAML file is turned
// into the JSON document it stands for and read by the same OTM importer,
// so both spellings of a model import alike and errors name the same
// paths.

// maxYAMLNodes bounds the values a YAML document may expand to. Aliases
// can repeat a subtree many times over ("billion laughs"), so the limit is
// on values after expansion, not on the size of the text.
const maxYAMLNodes = 1 << 20

// looksLikeYAML reports whether data cannot be JSON (it does not start
// with an object or an array), so a YAML reader gives the better message.
func looksLikeYAML(data []byte) bool {
	t := bytes.TrimLeft(bytes.TrimPrefix(data, utf8BOM), " \t\r\n")
	return len(t) > 0 && t[0] != '{' && t[0] != '['
}

// isOTMYAML reports whether data looks like an OTM file in YAML: not a
// JSON document, with a top-level otmVersion key.
func isOTMYAML(data []byte) bool {
	data = bytes.TrimPrefix(data, utf8BOM)
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return false
	}
	for line := range bytes.Lines(data) {
		line = bytes.TrimPrefix(bytes.TrimPrefix(line, []byte(`"`)), []byte(`'`))
		if rest, ok := bytes.CutPrefix(line, []byte("otmVersion")); ok {
			rest = bytes.TrimLeft(rest, `"'`)
			if rest = bytes.TrimLeft(rest, " \t"); len(rest) > 0 && rest[0] == ':' {
				return true
			}
		}
	}
	return false
}

// yamlToJSON converts the first document of a YAML file to JSON. Mapping
// keys must be scalars; numbers keep their value (YAML's 0x1F and 1_000
// included), and anything JSON cannot hold (NaN, infinities, a key that
// is a list) is an error that names its line.
func yamlToJSON(data []byte, file string) ([]byte, error) {
	if len(data) > MaxYAMLBytes {
		return nil, &ImportError{File: file, Problem: fmt.Sprintf("is %d MiB of YAML; threatdeck imports YAML files up to %d MiB", len(data)>>20, MaxYAMLBytes>>20)}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(bytes.TrimPrefix(data, utf8BOM), &doc); err != nil {
		return nil, &ImportError{File: file, Problem: "is not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, &ImportError{File: file, Problem: "is empty"}
	}
	c := yamlConverter{file: file}
	v, err := c.value(doc.Content[0], 0)
	if err != nil {
		return nil, err
	}
	out, err := json.Marshal(v)
	if err != nil {
		return nil, &ImportError{File: file, Problem: "could not be converted from YAML: " + err.Error()}
	}
	return out, nil
}

// yamlConverter walks a YAML node tree, counting the values it builds.
type yamlConverter struct {
	file  string
	nodes int
}

func (c *yamlConverter) fail(n *yaml.Node, format string, args ...any) error {
	return &ImportError{File: c.file, Problem: fmt.Sprintf("YAML line %d: ", n.Line) + fmt.Sprintf(format, args...)}
}

func (c *yamlConverter) value(n *yaml.Node, depth int) (any, error) {
	c.nodes++
	if c.nodes > maxYAMLNodes {
		return nil, c.fail(n, "expands to more than %d values (aliases repeated too often?)", maxYAMLNodes)
	}
	if depth > MaxImportDepth {
		return nil, c.fail(n, "is nested more than %d levels deep", MaxImportDepth)
	}
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, c.fail(n, "alias to nothing")
		}
		return c.value(n.Alias, depth+1)
	case yaml.MappingNode:
		obj := make(map[string]any, len(n.Content)/2)
		var merged []map[string]any // from merge keys, in order
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			for k.Kind == yaml.AliasNode && k.Alias != nil {
				k = k.Alias
			}
			if k.Kind != yaml.ScalarNode {
				return nil, c.fail(k, "a mapping key must be a plain value, not a list or mapping")
			}
			v, err := c.value(n.Content[i+1], depth+1)
			if err != nil {
				return nil, err
			}
			if k.ShortTag() == "!!merge" {
				// "<<: *base" or "<<: [*a, *b]": the mappings' keys, where
				// this mapping does not set them itself (YAML 1.1 merge).
				maps, ok := mergeSources(v)
				if !ok {
					return nil, c.fail(k, "a merge key (<<) must be given a mapping or a list of mappings")
				}
				merged = append(merged, maps...)
				continue
			}
			obj[k.Value] = v
		}
		for _, m := range merged {
			for k, v := range m {
				if _, set := obj[k]; !set {
					obj[k] = v
				}
			}
		}
		return obj, nil
	case yaml.SequenceNode:
		arr := make([]any, 0, len(n.Content))
		for _, e := range n.Content {
			v, err := c.value(e, depth+1)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
		return arr, nil
	case yaml.ScalarNode:
		return c.scalar(n)
	}
	return nil, c.fail(n, "unexpected YAML node")
}

// mergeSources reads the value of a merge key: one mapping or a list of
// them, earlier ones winning.
func mergeSources(v any) ([]map[string]any, bool) {
	switch x := v.(type) {
	case map[string]any:
		return []map[string]any{x}, true
	case []any:
		out := make([]map[string]any, 0, len(x))
		for _, e := range x {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, false
			}
			out = append(out, m)
		}
		return out, true
	}
	return nil, false
}

// scalar gives a scalar its JSON value by its resolved tag.
func (c *yamlConverter) scalar(n *yaml.Node) (any, error) {
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return nil, c.fail(n, "%v", err)
		}
		return b, nil
	case "!!int":
		var i int64
		if err := n.Decode(&i); err != nil {
			// Too big for 64 bits: keep the digits, as JSON would.
			var u uint64
			if err := n.Decode(&u); err != nil {
				return nil, c.fail(n, "the number %q is too large", n.Value)
			}
			return json.Number(strconv.FormatUint(u, 10)), nil
		}
		return json.Number(strconv.FormatInt(i, 10)), nil
	case "!!float":
		var f float64
		if err := n.Decode(&f); err != nil {
			return nil, c.fail(n, "%v", err)
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, c.fail(n, "%q is not a number JSON can hold", n.Value)
		}
		return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), nil
	}
	// Strings, timestamps, binary and custom tags keep their text.
	return n.Value, nil
}
