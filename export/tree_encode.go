package export

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"unicode/utf8"
)

// appendTree appends v, a decoded document tree (map[string]any, []any,
// string, json.Number, bool, nil), as JSON: what json.Marshal writes, keys
// sorted, no HTML escaping, indented by indent per level when indent is
// not "" (as json.Encoder.SetIndent("", indent) would). It exists because
// encoding/json reaches every value of such a tree through reflection,
// which made writing a 100,000-cell Threat Dragon document take seconds.
// Any other type is written by encoding/json.
func appendTree(dst []byte, v any, indent string, depth int) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case string:
		return appendJSONString(dst, x), nil
	case json.Number:
		if x == "" {
			return append(dst, '0'), nil
		}
		return append(dst, x...), nil
	case bool:
		return strconv.AppendBool(dst, x), nil
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case map[string]any:
		if len(x) == 0 {
			return append(dst, "{}"...), nil
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		dst = append(dst, '{')
		var err error
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = newline(dst, indent, depth+1)
			dst = appendJSONString(dst, k)
			dst = append(dst, ':')
			if indent != "" {
				dst = append(dst, ' ')
			}
			if dst, err = appendTree(dst, x[k], indent, depth+1); err != nil {
				return nil, err
			}
		}
		dst = newline(dst, indent, depth)
		return append(dst, '}'), nil
	case []any:
		if len(x) == 0 {
			return append(dst, "[]"...), nil
		}
		dst = append(dst, '[')
		var err error
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = newline(dst, indent, depth+1)
			if dst, err = appendTree(dst, e, indent, depth+1); err != nil {
				return nil, err
			}
		}
		dst = newline(dst, indent, depth)
		return append(dst, ']'), nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	raw := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if indent == "" {
		return append(dst, raw...), nil
	}
	var out bytes.Buffer
	if err := json.Indent(&out, raw, prefixFor(indent, depth), indent); err != nil {
		return nil, err
	}
	return append(dst, out.Bytes()...), nil
}

func newline(dst []byte, indent string, depth int) []byte {
	if indent == "" {
		return dst
	}
	dst = append(dst, '\n')
	for range depth {
		dst = append(dst, indent...)
	}
	return dst
}

func prefixFor(indent string, depth int) string {
	var b []byte
	for range depth {
		b = append(b, indent...)
	}
	return string(b)
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s as encoding/json does without HTML escaping:
// controls as \n, \r, \t, \b, \f or \u00XX, U+2028 and U+2029 escaped,
// invalid UTF-8 as U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// jsonAppender is kept data that writes itself faster than encoding/json
// (see builder.build).
type jsonAppender interface {
	appendJSON(dst []byte) ([]byte, error)
}

// appendJSON writes the extension as json.Marshal would, through
// appendTree: the document is the whole Threat Dragon file.
func (x *tdExtension) appendJSON(dst []byte) ([]byte, error) {
	dst = append(dst, `{"document":`...)
	var err error
	if x.Document == nil {
		dst = append(dst, "null"...)
	} else if dst, err = appendTree(dst, x.Document, "", 0); err != nil {
		return nil, err
	}
	for _, part := range []struct {
		key  string
		refs map[string]tdRef
	}{{"cells", x.Cells}, {"threats", x.Threats}} {
		dst = append(dst, `,"`...)
		dst = append(dst, part.key...)
		dst = append(dst, `":`...)
		dst = appendRefs(dst, part.refs)
	}
	if len(x.Defaults) > 0 {
		dst = append(dst, `,"defaults":`...)
		tree := make(map[string]any, len(x.Defaults))
		for k, v := range x.Defaults {
			tree[k] = v
		}
		if dst, err = appendTree(dst, tree, "", 0); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

func appendRefs(dst []byte, refs map[string]tdRef) []byte {
	if refs == nil {
		return append(dst, "null"...)
	}
	keys := make([]string, 0, len(refs))
	for k := range refs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		r := refs[k]
		dst = appendJSONString(dst, k)
		dst = append(dst, `:{"diagram":`...)
		dst = strconv.AppendInt(dst, int64(r.Diagram), 10)
		dst = append(dst, `,"cell":`...)
		dst = appendJSONString(dst, r.Cell)
		if r.Index != 0 {
			dst = append(dst, `,"index":`...)
			dst = strconv.AppendInt(dst, int64(r.Index), 10)
		}
		dst = append(dst, '}')
	}
	return append(dst, '}')
}
