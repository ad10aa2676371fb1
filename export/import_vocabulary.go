package export

import (
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/threatdeck/threatdeck/model"
)

// Vocabulary shared by the importers: other tools' words for threat
// categories, statuses and component types, mapped onto threatdeck's.

// word folds case and separators so "Elevation of Privileges",
// "elevation_of_privileges" and "ELEVATION-OF-PRIVILEGES" compare equal.
func word(s string) string {
	var buf [64]byte
	if w, ok := appendWord(buf[:0], s); ok {
		if string(w) == s {
			return s // already folded: most are
		}
		return string(w)
	}
	return slowWord(s)
}

// slowWord is word for any text.
func slowWord(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.Join(strings.FieldsFunc(s, wordSeparator), "-")
}

func wordSeparator(r rune) bool { return r == ' ' || r == '-' || r == '_' || r == '/' || r == '.' }

// appendWord appends word(s) to dst, for ASCII s (false for any other,
// whose case and space folding slowWord leaves to package strings): the
// same trimming, lowering and joining of the parts between separators,
// without the copies they make.
func appendWord[T string | []byte](dst []byte, s T) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return dst, false
		}
	}
	// strings.TrimSpace, for ASCII.
	space := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' }
	lo, hi := 0, len(s)
	for lo < hi && space(s[lo]) {
		lo++
	}
	for hi > lo && space(s[hi-1]) {
		hi--
	}
	sep := false
	start := len(dst)
	for i := lo; i < hi; i++ {
		c := s[i]
		if wordSeparator(rune(c)) {
			sep = len(dst) > start
			continue
		}
		if sep {
			dst = append(dst, '-')
			sep = false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst, true
}

// strideAliases are spellings tools use for STRIDE categories beyond the
// ones model.ParseStride knows (id, label, letter).
var strideAliases = map[string]model.Stride{
	"spoof":                   model.Spoofing,
	"tamper":                  model.Tampering,
	"info-disclosure":         model.InformationDisclosure,
	"disclosure":              model.InformationDisclosure,
	"information-leak":        model.InformationDisclosure,
	"dos":                     model.DenialOfService,
	"eop":                     model.ElevationOfPrivilege,
	"elevation-of-privileges": model.ElevationOfPrivilege,
	"privilege-escalation":    model.ElevationOfPrivilege,
	"elevation":               model.ElevationOfPrivilege,
}

// strideWords maps every folded spelling (id, label, letter, alias) to
// its category; built once, as imports classify every threat.
var strideWords = sync.OnceValue(func() map[string]model.Stride {
	out := map[string]model.Stride{}
	for _, c := range model.StrideCategories {
		out[word(string(c))] = c
		out[word(c.Label())] = c
		out[word(c.Letter())] = c
	}
	for k, c := range strideAliases {
		out[k] = c
	}
	return out
})

// parseStride reads a STRIDE category in any of the usual spellings.
func parseStride(s string) (model.Stride, bool) {
	var buf [64]byte
	if w, ok := appendWord(buf[:0], s); ok {
		if c, ok := strideWords()[string(w)]; ok { // no string made for the look-up
			return c, true
		}
	} else if c, ok := strideWords()[slowWord(s)]; ok {
		return c, true
	}
	return model.ParseStride(s)
}

// methodologyTerms recognises categories of other methodologies, so a
// file that does not name its methodology still gets the right one.
var methodologyTerms = map[string]string{
	"linkability":               "LINDDUN",
	"identifiability":           "LINDDUN",
	"non-repudiation":           "LINDDUN",
	"detectability":             "LINDDUN",
	"disclosure-of-information": "LINDDUN",
	"unawareness":               "LINDDUN",
	"non-compliance":            "LINDDUN",
	"confidentiality":           "CIA",
	"integrity":                 "CIA",
	"availability":              "CIA",
}

// classify turns a tool's threat category into threatdeck's methodology
// and category. STRIDE categories become model.Stride values (methodology
// ""); any other methodology's category is kept as written, never forced
// into STRIDE. hint is the methodology the file names, if any; fallback
// is used when neither the hint nor the category says.
func classify(category, hint, fallback string) (string, model.Stride) {
	category = strings.TrimSpace(category)
	hint = strings.TrimSpace(hint)
	if hint == "" || strings.EqualFold(hint, "STRIDE") {
		if c, ok := parseStride(category); ok {
			return "", c
		}
		if m, ok := methodologyTerms[word(category)]; ok && hint == "" {
			return m, model.Stride(category)
		}
		hint = fallback
	}
	if category == "" {
		category = "Unclassified"
	}
	return hint, model.Stride(category)
}

// statusFrom maps another tool's threat status to threatdeck's. Unknown
// words mean the threat still needs attention, so they are open.
func statusFrom(s string) model.ThreatStatus {
	switch word(s) {
	case "mitigated", "fixed", "closed", "resolved", "done", "avoided", "eliminated", "implemented", "remediated", "partly-mitigated", "partially-mitigated":
		// A partly mitigated threat still needs work.
		if strings.Contains(word(s), "part") {
			return model.StatusOpen
		}
		return model.StatusMitigated
	case "accepted", "accept", "risk-accepted":
		return model.StatusAccepted
	case "transferred", "transfer":
		return model.StatusTransferred
	case "na", "n-a", "notapplicable", "not-applicable", "not-relevant", "false-positive":
		return model.StatusNotApplicable
	}
	return model.StatusOpen
}

// mitigationStatusFrom maps another tool's mitigation or control state.
func mitigationStatusFrom(s string) model.MitigationStatus {
	switch word(s) {
	case "implemented", "active", "assumed", "done", "in-place", "applied":
		return model.MitigationImplemented
	case "verified", "tested", "validated":
		return model.MitigationVerified
	case "in-progress", "implementation-in-progress", "inprogress", "started", "scheduled", "approved":
		return model.MitigationInProgress
	}
	return model.MitigationPlanned
}

// kindFor guesses an attack-surface kind from a component's type or name
// ("CD-MICROSOFT-AZURE-DB-POSTGRESQL", "android-device-client"). The
// guess only picks a kind; the original type is kept for export.
func kindFor(texts ...string) model.ElementKind {
	words := strings.Split(word(strings.Join(texts, " ")), "-")
	for _, g := range kindGuesses {
		for _, k := range g.keys {
			if k.in(words) {
				return g.kind
			}
		}
	}
	return model.KindProcess
}

// kindGuesses are the words that make kindFor guess each kind, in the
// order it tries them.
var kindGuesses = func() []struct {
	kind model.ElementKind
	keys []kindKey
} {
	table := []struct {
		kind model.ElementKind
		keys []string
	}{
		{model.KindDataStore, []string{"db", "database", "sql", "postgresql", "postgres", "mysql", "mongodb", "redis", "storage", "store", "bucket", "s3", "blob", "vault", "datastore", "cache", "queue", "filesystem"}},
		{model.KindAuth, []string{"auth", "authentication", "identity", "idp", "oauth", "sso", "login", "keycloak", "cognito"}},
		{model.KindAdmin, []string{"admin", "bastion", "management", "console"}},
		{model.KindWebhook, []string{"webhook"}},
		{model.KindFileTransfer, []string{"upload", "download", "ftp", "sftp"}},
		{model.KindClient, []string{"client", "browser", "mobile", "android", "ios", "desktop", "spa", "frontend"}},
		{model.KindAPI, []string{"api", "web-service", "webservice", "gateway", "endpoint", "rest", "graphql", "grpc"}},
		{model.KindHost, []string{"host", "server", "vm", "container", "kubernetes", "k8s", "cluster", "ec2", "instance"}},
		{model.KindThirdParty, []string{"third", "external", "saas", "vendor", "partner"}},
	}
	out := make([]struct {
		kind model.ElementKind
		keys []kindKey
	}, len(table))
	for i, g := range table {
		out[i].kind = g.kind
		for _, k := range g.keys {
			out[i].keys = append(out[i].keys, kindKey{parts: strings.Split(k, "-"), prefix: len(k) > 4})
		}
	}
	return out
}()

// kindKey is a key of kindGuesses: its words, and whether the last may
// be only the start of a word ("postgresql15"), as it may for keys
// longer than four letters.
type kindKey struct {
	parts  []string
	prefix bool
}

// in reports whether the key's words come one after another in words,
// whole (the last perhaps only begun).
func (k kindKey) in(words []string) bool {
	n := len(k.parts)
	for i := 0; i+n <= len(words); i++ {
		match := true
		for j, p := range k.parts[:n-1] {
			if words[i+j] != p {
				match = false
				break
			}
		}
		if last := words[i+n-1]; match && (last == k.parts[n-1] || k.prefix && strings.HasPrefix(last, k.parts[n-1])) {
			return true
		}
	}
	return false
}
