package model

import "strings"

func indexOf[T comparable](list []T, v T) int {
	for i, x := range list {
		if x == v {
			return i
		}
	}
	return -1
}

// cycle returns the element after v in list, wrapping; an unknown v gives the first.
func cycle[T comparable](list []T, v T) T {
	return list[(indexOf(list, v)+1)%len(list)]
}

// titleWord turns "in-progress" into "In progress".
func titleWord(s string) string {
	s = strings.ReplaceAll(s, "-", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// normalizeWord lowercases and folds separators so "Denial of Service",
// "denial-of-service" and "denial_of_service" compare equal.
func normalizeWord(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return wordSeparators.Replace(s)
}

// wordSeparators is built once: ParseStride runs normalizeWord 13 times per
// call, and building a Replacer each time dominated bulk imports.
var wordSeparators = strings.NewReplacer(" ", "-", "_", "-")
