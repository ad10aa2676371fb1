package export

// decodeOTMExtension reads the data an OTM import kept through the one
// tree decoder. The shape threatdeck writes is read directly; anything
// else goes to encoding/json, whose reading of it is what an export has
// always used.
func decodeOTMExtension(raw []byte) (otmExtension, error) {
	if ext, ok := readOTMExtension(raw); ok {
		return ext, nil
	}
	var ext otmExtension
	err := decodeExtension(raw, &ext)
	return ext, err
}

func readOTMExtension(raw []byte) (otmExtension, bool) {
	var ext otmExtension
	if tooDeep(raw, MaxJSONDepth+2) >= 0 || duplicateKeys(raw, 3) {
		return ext, false
	}
	v, ok := parseTree(raw)
	root, isObj := v.(map[string]any)
	if !ok || !isObj {
		return ext, false
	}
	for k, v := range root {
		ok := true
		switch k {
		case "document":
			ext.Document, ok = keptObject(v)
		case "project":
			ext.Project, ok = keptObject(v)
		case "elements":
			ext.Elements, ok = keptObjects(v)
		case "assets":
			ext.Assets, ok = keptObjects(v)
		case "threats":
			ext.Threats, ok = keptObjects(v)
		case "states":
			ext.States, ok = keptStates(v)
		case "mitigation_states":
			ext.MitigationStates, ok = keptStates(v)
		case "mitigations":
			ext.Mitigations, ok = keptMitigations(v)
		case "unlinked":
			list, isList := v.([]any)
			if v == nil {
				break
			}
			ok = isList
			ext.Unlinked = make([]map[string]any, 0, len(list)) // [] stays [], as encoding/json reads it
			for _, e := range list {
				obj, isObj := e.(map[string]any)
				if !isObj {
					return ext, false
				}
				ext.Unlinked = append(ext.Unlinked, obj)
			}
		default:
			ok = false
		}
		if !ok {
			return ext, false
		}
	}
	return ext, true
}

// keptObject is an object or null.
func keptObject(v any) (map[string]any, bool) {
	if v == nil {
		return nil, true
	}
	obj, ok := v.(map[string]any)
	return obj, ok
}

// keptMap is an object (or null) whose every member each reads.
func keptMap[T any](v any, each func(any) (T, bool)) (map[string]T, bool) {
	obj, ok := keptObject(v)
	if !ok || obj == nil {
		return nil, ok
	}
	out := make(map[string]T, len(obj))
	for id, e := range obj {
		t, ok := each(e)
		if !ok {
			return nil, false
		}
		out[id] = t
	}
	return out, true
}

// keptObjects is an object of objects (entities by threatdeck id).
func keptObjects(v any) (map[string]map[string]any, bool) {
	return keptMap(v, func(e any) (map[string]any, bool) {
		o, ok := e.(map[string]any)
		return o, ok
	})
}

// keptStates is an object of objects of strings.
func keptStates(v any) (map[string]map[string]string, bool) {
	return keptMap(v, func(e any) (map[string]string, bool) {
		o, ok := e.(map[string]any)
		if !ok {
			return nil, false
		}
		return keptMap(o, func(s any) (string, bool) {
			str, ok := s.(string)
			return str, ok
		})
	})
}

func keptMitigations(v any) (map[string]otmMitigationRef, bool) {
	return keptMap(v, func(e any) (otmMitigationRef, bool) {
		var ref otmMitigationRef
		o, ok := e.(map[string]any)
		if !ok {
			return ref, false
		}
		for k, f := range o {
			switch k {
			case "object":
				if ref.Object, ok = keptObject(f); !ok {
					return ref, false
				}
			case "state", "text":
				s, ok := f.(string)
				if !ok {
					return ref, false
				}
				if k == "state" {
					ref.State = s
				} else {
					ref.Text = s
				}
			default:
				return ref, false
			}
		}
		return ref, true
	})
}
