package model

import (
	"slices"
	"strings"
)

// A suggestion links only the assets it concerns, found two ways: an
// asset shares a significant word with an element the threat fits ("Orders
// database" and the asset "Order history"), or the asset's topic is the
// threat's (a credential-theft threat concerns the asset "User
// passwords"). An asset neither way is left out, however sensitive: the
// old rule linked every confidential asset to every tampering threat.

// topicSet is a bit set of assetTopics.
type topicSet uint16

// assetTopics are the kinds of data a threat can be about, each with the
// words that name it in an asset or a library threat.
var assetTopics = [][]string{
	{"credential", "credentials", "password", "passwords", "token", "tokens", "session", "sessions", "jwt", "mfa", "otp", "login", "account takeover"},
	{"personal", "pii", "profile", "customer", "patient", "identity", "address", "phone number", "email address", "privacy", "consent", "biometric"},
	{"payment", "card", "cards", "bank", "account number", "balance", "transaction", "refund", "invoice", "money", "wallet"},
	{"file", "files", "upload", "document", "documents", "attachment", "archive"},
	{"log", "logs", "audit", "telemetry"},
	{"model weights", "training data", "ml model", "embedding", "embeddings", "prompt", "dataset", "features"},
	{"source code", "build artifact", "artifact", "container image", "pipeline", "release"},
	{"backup", "backups", "snapshot"},
	{"secret", "secrets", "api key", "api keys", "private key", "private keys", "signing key", "certificate", "certificates", "cloud credentials"},
	{"firmware", "device", "devices", "sensor", "reading", "readings"},
}

func topicsOf(text string) topicSet {
	wt := newWordText(text)
	var t topicSet
	for i, words := range assetTopics {
		if hasWord(wt, words...) {
			t |= 1 << i
		}
	}
	return t
}

// stopWords are too common to tie an asset to an element.
var stopWords = map[string]bool{
	"data": true, "the": true, "and": true, "for": true, "with": true, "from": true, "into": true,
	"that": true, "this": true, "service": true, "services": true, "system": true, "server": true,
	"store": true, "stores": true, "stored": true, "information": true, "records": true, "record": true,
	"user": true, "users": true, "all": true, "our": true, "their": true, "each": true, "used": true,
	"uses": true, "api": true, "app": true, "internal": true, "public": true, "other": true,
}

// significantWords returns the distinct lower-case words of text of at
// least four letters that are not stop words, with a trailing "s" dropped
// so "orders" meets "order".
func significantWords(text string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r >= 0x80)
	}) {
		if len(w) < 4 || stopWords[w] {
			continue
		}
		w = strings.TrimSuffix(w, "s")
		if !stopWords[w] {
			out = append(out, w)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// linkAssets finds, for every element, the assets it shares words with:
// two significant words of their names and descriptions, or one that is
// in both names ("Telemetry database" and "Home telemetry"). One word of
// a description alone is too weak a tie. It also returns every asset's
// topics.
func linkAssets(m *Model) (elemAssets [][]int, topics []topicSet) {
	topics = make([]topicSet, len(m.Assets))
	// wordID numbers the assets' words; byWord[id] are the assets using
	// word id, inName[id] those with it in their name.
	wordID := map[string]int{}
	var byWord, inName [][]int
	for i, a := range m.Assets {
		topics[i] = topicsOf(a.Name + " " + a.Description)
		names := significantWords(a.Name)
		for _, w := range significantWords(a.Name + " " + a.Description) {
			id, ok := wordID[w]
			if !ok {
				id = len(byWord)
				wordID[w] = id
				byWord, inName = append(byWord, nil), append(inName, nil)
			}
			byWord[id] = append(byWord[id], i)
			if slices.Contains(names, w) {
				inName[id] = append(inName[id], i)
			}
		}
	}
	elemAssets = make([][]int, len(m.Surface))
	if len(byWord) == 0 {
		return elemAssets, topics
	}
	shared := make([]int, len(m.Assets))
	var buf []byte
	var found, own []int
	for i, e := range m.Surface {
		found, own = found[:0], own[:0]
		buf = eachWord(buf, e.Name, func(w []byte) {
			if id, ok := wordID[string(w)]; ok {
				own = append(own, id)
			}
		})
		buf = eachWord(buf, e.Name+" "+e.Description, func(w []byte) {
			if id, ok := wordID[string(w)]; ok && !slices.Contains(found, id) {
				found = append(found, id)
			}
		})
		if len(found) == 0 {
			continue
		}
		clear(shared)
		for _, id := range found {
			for _, a := range byWord[id] {
				shared[a]++
			}
			if slices.Contains(own, id) {
				for _, a := range inName[id] {
					shared[a] += 2
				}
			}
		}
		for a, n := range shared {
			if n >= 2 {
				elemAssets[i] = append(elemAssets[i], a)
			}
		}
	}
	return elemAssets, topics
}

// eachWord calls fn with every significant word of text as
// significantWords finds them, lower-cased into buf (returned for reuse),
// without allocating.
func eachWord(buf []byte, text string, fn func(w []byte)) []byte {
	flush := func() {
		if len(buf) >= 4 && !stopWords[string(buf)] {
			w := buf
			if w[len(w)-1] == 's' {
				w = w[:len(w)-1]
			}
			if !stopWords[string(w)] {
				fn(w)
			}
		}
		buf = buf[:0]
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case 'A' <= c && c <= 'Z':
			buf = append(buf, c+'a'-'A')
		case 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c >= 0x80:
			buf = append(buf, c)
		default:
			flush()
		}
	}
	flush()
	return buf
}

// suggestAssets sets s.Assets to the assets the threat concerns, in id
// order, and returns the index of the most sensitive, or -1.
func (sc *suggestScan) suggestAssets(s *Suggestion, lt LibraryThreat) int {
	m := sc.m
	if len(m.Assets) == 0 {
		return -1
	}
	clear(sc.assetMark)
	for _, i := range sc.idx {
		for _, a := range sc.elemAssets[i] {
			sc.assetMark[a] = true
		}
	}
	if want := threatTopics(lt); want != 0 {
		for a, t := range sc.assetTopic {
			if t&want != 0 {
				sc.assetMark[a] = true
			}
		}
	}
	top := -1
	for a, on := range sc.assetMark {
		if !on {
			continue
		}
		s.Assets = append(s.Assets, m.Assets[a].ID)
		if top < 0 || m.Assets[a].Sensitivity.Rank() > m.Assets[top].Sensitivity.Rank() {
			top = a
		}
	}
	slices.SortFunc(s.Assets, compareIDs)
	return top
}

// threatTopics are the data topics a library threat's title names, and
// those its required traits imply.
func threatTopics(lt LibraryThreat) topicSet {
	t := topicsOf(lt.Title)
	for _, tr := range slices.Concat(lt.Requires, lt.RequiresAny) {
		switch tr {
		case TraitPayments, TraitCommerce:
			t |= 1 << 2
		case TraitPersonalData:
			t |= 1 << 1
		case TraitLLM, TraitML:
			t |= 1 << 5
		case TraitCICD:
			t |= 1 << 6
		case TraitLogin:
			t |= 1 << 0
		case TraitSecrets:
			t |= 1 << 9
		}
	}
	return t
}
