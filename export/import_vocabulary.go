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

// kindKey is the folded words of texts between dashes, as kindFor
// matches them: "-" + word(strings.Join(texts, " ")) + "-", made once.
func kindKey(texts ...string) string {
	var joined, buf [128]byte
	j := joined[:0]
	for i, t := range texts {
		if i > 0 {
			j = append(j, ' ')
		}
		j = append(j, t...)
	}
	if b, ok := appendWord(append(buf[:0], '-'), j); ok {
		return string(append(b, '-'))
	}
	return "-" + word(strings.Join(texts, " ")) + "-"
}

// kindFor guesses an attack-surface kind from a component's type or name
// ("CD-MICROSOFT-AZURE-DB-POSTGRESQL", "android-device-client"). The
// guess only picks a kind; the original type is kept for export.
func kindFor(texts ...string) model.ElementKind {
	w := kindKey(texts...)
	has := func(keys ...string) bool {
		for _, k := range keys {
			// Whole words, or the start of a word for longer keys ("postgresql15").
			if strings.Contains(w, "-"+k+"-") || (len(k) > 4 && strings.Contains(w, "-"+k)) {
				return true
			}
		}
		return false
	}
	switch {
	case has("db", "database", "sql", "postgresql", "postgres", "mysql", "mongodb", "redis", "storage", "store", "bucket", "s3", "blob", "vault", "datastore", "cache", "queue", "filesystem"):
		return model.KindDataStore
	case has("auth", "authentication", "identity", "idp", "oauth", "sso", "login", "keycloak", "cognito"):
		return model.KindAuth
	case has("admin", "bastion", "management", "console"):
		return model.KindAdmin
	case has("webhook"):
		return model.KindWebhook
	case has("upload", "download", "ftp", "sftp"):
		return model.KindFileTransfer
	case has("client", "browser", "mobile", "android", "ios", "desktop", "spa", "frontend"):
		return model.KindClient
	case has("api", "web-service", "webservice", "gateway", "endpoint", "rest", "graphql", "grpc"):
		return model.KindAPI
	case has("host", "server", "vm", "container", "kubernetes", "k8s", "cluster", "ec2", "instance"):
		return model.KindHost
	case has("third", "external", "saas", "vendor", "partner"):
		return model.KindThirdParty
	}
	return model.KindProcess
}
