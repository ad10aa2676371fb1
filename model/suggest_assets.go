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
	{"credential", "password", "passwords", "token", "tokens", "session", "secret", "secrets", "api key", "private key", "signing key", "jwt", "mfa", "otp", "login"},
	{"personal", "pii", "profile", "customer", "patient", "identity", "address", "phone number", "email address", "privacy", "consent", "biometric"},
	{"payment", "card", "cards", "bank", "account number", "balance", "transaction", "refund", "invoice", "money", "wallet"},
	{"file", "files", "upload", "document", "documents", "attachment", "archive"},
	{"log", "logs", "audit", "telemetry"},
	{"model weights", "training data", "ml model", "embedding", "embeddings", "prompt", "dataset", "features"},
	{"source code", "build artifact", "artifact", "container image", "pipeline", "release"},
	{"backup", "backups", "snapshot"},
	{"firmware", "device", "devices", "sensor", "reading", "readings"},
}

func topicsOf(text string) topicSet {
	text = " " + strings.ToLower(text) + " "
	var t topicSet
	for i, words := range assetTopics {
		if hasWord(text, words...) {
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

// linkAssets finds, for every element, the assets that share a significant
// word with it, and every asset's topics.
func linkAssets(m *Model) (elemAssets [][]int, topics []topicSet) {
	topics = make([]topicSet, len(m.Assets))
	byWord := map[string][]int{}
	for i, a := range m.Assets {
		topics[i] = topicsOf(a.Name + " " + a.Description)
		for _, w := range significantWords(a.Name) {
			byWord[w] = append(byWord[w], i)
		}
	}
	elemAssets = make([][]int, len(m.Surface))
	if len(byWord) == 0 {
		return elemAssets, topics
	}
	for i, e := range m.Surface {
		var hit []int
		for _, w := range significantWords(e.Name + " " + e.Description) {
			hit = append(hit, byWord[w]...)
		}
		slices.Sort(hit)
		elemAssets[i] = slices.Compact(hit)
	}
	return elemAssets, topics
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
		case TraitPayments:
			t |= 1 << 2
		case TraitPersonalData:
			t |= 1 << 1
		case TraitLLM, TraitML:
			t |= 1 << 5
		case TraitCICD:
			t |= 1 << 6
		case TraitSecrets, TraitLogin:
			t |= 1 << 0
		}
	}
	return t
}
