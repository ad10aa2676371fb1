package export

import (
	"strings"
	"sync"

	"github.com/threatdeck/threatdeck/model"
)

// Vocabulary shared by the importers: other tools' words for threat
// categories, statuses and component types, mapped onto threatdeck's.

// word folds case and separators so "Elevation of Privileges",
// "elevation_of_privileges" and "ELEVATION-OF-PRIVILEGES" compare equal.
func word(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '-' || r == '_' || r == '/' || r == '.'
	}), "-")
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
	if c, ok := strideWords()[word(s)]; ok {
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
	w := "-" + word(strings.Join(texts, " ")) + "-"
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
