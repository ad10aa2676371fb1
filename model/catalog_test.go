package model

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// These tests guard the embedded catalogs: they are data, but the rest of
// threatdeck relies on their shape, and the reference documents rely on
// their coverage.

func TestBuiltinLibraryValidates(t *testing.T) {
	l := BuiltinLibrary()
	if err := l.Validate(); err != nil {
		t.Fatalf("built-in library fails Validate:\n%v", err)
	}
	if l.Name != "threatdeck built-in" || l.Version != "2" {
		t.Errorf("name/version = %q/%q", l.Name, l.Version)
	}
}

func TestLibraryIDsAreStableAndUnique(t *testing.T) {
	idPattern := regexp.MustCompile(`^TDL-([STRIDE])-[0-9]{3}$`)
	seen := map[string]bool{}
	for i, th := range BuiltinLibrary().Threats {
		m := idPattern.FindStringSubmatch(th.ID)
		if m == nil {
			t.Errorf("threat %d: id %q is not TDL-<letter>-NNN", i, th.ID)
			continue
		}
		if m[1] != th.Category.Letter() {
			t.Errorf("%s: letter %s does not match category %s", th.ID, m[1], th.Category)
		}
		if seen[th.ID] {
			t.Errorf("%s: duplicate id", th.ID)
		}
		seen[th.ID] = true
		if got, ok := LibraryThreatByID(th.ID); !ok || got.Title != th.Title {
			t.Errorf("LibraryThreatByID(%s) = %q, %v", th.ID, got.Title, ok)
		}
	}
}

func TestLibraryCounts(t *testing.T) {
	threats := BuiltinLibrary().Threats
	if len(threats) < 200 {
		t.Errorf("library has %d threats, want at least 200", len(threats))
	}
	per := map[Stride]int{}
	for _, th := range threats {
		per[th.Category]++
	}
	for _, s := range StrideCategories {
		if per[s] < 25 {
			t.Errorf("%s: %d threats, want at least 25", s, per[s])
		}
	}
	t.Logf("threats per category: %v (total %d)", per, len(threats))
}

func TestLibraryEntriesAreComplete(t *testing.T) {
	for _, th := range BuiltinLibrary().Threats {
		t.Run(th.ID, func(t *testing.T) {
			if len(th.Mitigations) == 0 {
				t.Error("no mitigation")
			}
			if len(th.OWASP2025) == 0 || len(th.OWASP2021) == 0 {
				t.Errorf("needs OWASP ids in both editions, has %v / %v", th.OWASP2025, th.OWASP2021)
			}
			for _, tc := range []struct {
				ids []string
				ed  Edition
			}{{th.OWASP2025, OWASP2025}, {th.OWASP2021, OWASP2021}} {
				for _, id := range tc.ids {
					it, ok := OWASPByID(id)
					if !ok || it.Edition != tc.ed {
						t.Errorf("OWASP id %q is not an item of edition %s", id, tc.ed)
					}
				}
			}
			if len(th.CWE) == 0 {
				t.Error("no CWE id")
			}
			for _, id := range th.CWE {
				if !regexp.MustCompile(`^CWE-[1-9][0-9]*$`).MatchString(id) {
					t.Errorf("malformed CWE id %q", id)
				}
			}
			for _, id := range th.CAPEC {
				if !regexp.MustCompile(`^CAPEC-[1-9][0-9]*$`).MatchString(id) {
					t.Errorf("malformed CAPEC id %q", id)
				}
			}
			if th.Likelihood < 1 || th.Likelihood > 5 || th.Impact < 1 || th.Impact > 5 {
				t.Errorf("likelihood/impact %d/%d outside 1..5", th.Likelihood, th.Impact)
			}
			if !slices.Contains(LibraryVectors, th.Vector) {
				t.Errorf("unknown vector %q", th.Vector)
			}
			if len(th.AppliesTo) == 0 {
				t.Error("applies to no element kind")
			}
			for _, k := range th.AppliesTo {
				if !k.Valid() {
					t.Errorf("unknown kind %q", k)
				} else if !KindAllows(k, th.Category) {
					t.Errorf("kind %q (base %s) does not take %s threats", k, k.Base(), th.Category)
				}
			}
			if dup := firstDuplicate(th.AppliesTo); dup != "" {
				t.Errorf("applies_to lists %q twice", dup)
			}
		})
	}
}

func firstDuplicate[T comparable](list []T) T {
	var zero T
	for i, v := range list {
		if slices.Contains(list[:i], v) {
			return v
		}
	}
	return zero
}

func TestEveryElementKindIsCovered(t *testing.T) {
	const minPerKind = 5
	count := map[ElementKind]int{}
	for _, th := range BuiltinLibrary().Threats {
		for _, k := range th.AppliesTo {
			count[k]++
		}
	}
	for _, k := range ElementKinds {
		if k == KindTrustBoundary {
			if count[k] != 0 {
				t.Errorf("trust boundaries take no threats of their own, but %d list it", count[k])
			}
			continue
		}
		if count[k] < minPerKind {
			t.Errorf("kind %s is covered by %d threats, want at least %d", k, count[k], minPerKind)
		}
	}
	t.Logf("threats per kind: %v", count)
}

// Kinds with characteristic attacks must have those attacks in the library,
// not just generic threats that happen to list them.
func TestSpecialKindsHaveTypicalThreats(t *testing.T) {
	tests := []struct {
		kind  ElementKind
		words [][]string // each entry: all words must appear in one title of a threat listing kind
	}{
		{KindWebhook, [][]string{{"webhook", "signature"}, {"webhook", "replay"}}},
		{KindFileTransfer, [][]string{{"upload"}, {"path traversal"}, {"zip bomb"}}},
		{KindThirdParty, [][]string{{"third-party", "sdk"}, {"third-party", "endpoint"}}},
		{KindAdmin, [][]string{{"management interfaces"}, {"admin"}}},
	}
	threats := BuiltinLibrary().Threats
	for _, tc := range tests {
		for _, words := range tc.words {
			found := slices.ContainsFunc(threats, func(th LibraryThreat) bool {
				return slices.Contains(th.AppliesTo, tc.kind) && containsAll(th.Title, words)
			})
			if !found {
				t.Errorf("no %s threat titled with %q", tc.kind, words)
			}
		}
	}
}

func containsAll(text string, words []string) bool {
	text = strings.ToLower(text)
	for _, w := range words {
		if !strings.Contains(text, strings.ToLower(w)) {
			return false
		}
	}
	return true
}

// referenceThreats are the threats named in the reference documents
// (example-threat-model.md and required-content.md), each with the words a
// library title must contain to count as covering it.
var referenceThreats = []struct {
	name  string
	words []string
}{
	{"Credential stuffing attacks", []string{"credential stuffing"}},
	{"Brute force login attempts", []string{"brute force", "login"}},
	{"JWT token theft and replay", []string{"jwt", "theft", "replay"}},
	{"JWT token manipulation", []string{"jwt", "manipulation"}},
	{"Session hijacking", []string{"session hijacking"}},
	{"SQL injection through user content", []string{"sql injection"}},
	{"Mass assignment vulnerabilities", []string{"mass assignment"}},
	{"API abuse/scraping", []string{"api abuse", "scraping"}},
	{"Denial of service (DoS)", []string{"denial of service"}},
	{"Data exposure in logs", []string{"data exposure", "logs"}},
	{"Unencrypted data at rest", []string{"unencrypted", "at rest"}},
	{"Unencrypted data in transit", []string{"unencrypted", "in transit"}},
	{"Backup data exposure", []string{"backup", "exposure"}},
	{"Man-in-the-middle attacks", []string{"man-in-the-middle"}},
	{"Insecure data storage (client)", []string{"insecure", "storage", "client"}},
	{"Reverse engineering", []string{"reverse engineering"}},
	{"Certificate pinning bypass", []string{"certificate pinning", "bypass"}},
	{"Unauthorized access to servers", []string{"unauthorized", "servers"}},
	{"Container/pod escape", []string{"container", "pod", "escape"}},
	{"Exposed management interfaces", []string{"exposed management interfaces"}},
	{"Misconfigured security groups", []string{"misconfigured security groups"}},
	{"Cross-site scripting (XSS)", []string{"cross-site scripting", "xss"}},
	{"Cross-site request forgery (CSRF)", []string{"cross-site request forgery", "csrf"}},
	{"Authentication bypass", []string{"authentication bypass"}},
	{"Authorization bypass", []string{"authorization bypass"}},
	{"Rate limit circumvention", []string{"rate-limit circumvention"}},
	{"Data breach scenarios", []string{"data breach"}},
	{"Privilege escalation", []string{"privilege escalation"}},
}

func TestLibraryCoversReferenceThreats(t *testing.T) {
	threats := BuiltinLibrary().Threats
	for _, ref := range referenceThreats {
		t.Run(ref.name, func(t *testing.T) {
			if !slices.ContainsFunc(threats, func(th LibraryThreat) bool { return containsAll(th.Title, ref.words) }) {
				t.Errorf("no library title contains all of %q", ref.words)
			}
		})
	}
}

// referenceMitigations are the mitigations named in the reference documents,
// each with the words one library mitigation must contain.
var referenceMitigations = []struct {
	name  string
	words []string
}{
	{"Rate limiting on auth endpoints", []string{"rate limiting on auth endpoints"}},
	{"Strong password requirements", []string{"strong password requirements"}},
	{"JWT tokens with short expiration", []string{"short-lived jwt"}},
	{"HTTPS only", []string{"https only"}},
	{"HttpOnly, Secure cookies", []string{"httponly, secure cookies"}},
	{"Parameterized queries", []string{"parameterized queries"}},
	{"Input validation with schemas", []string{"input validation with schemas"}},
	{"Rate limiting (per-user quotas)", []string{"rate limiting", "authenticated"}},
	{"Request size limits", []string{"request size limits"}},
	{"CORS configuration", []string{"cors configuration"}},
	{"Never log passwords or tokens", []string{"never log passwords or tokens"}},
	{"Database encryption at rest", []string{"encryption at rest"}},
	{"HTTPS/TLS for all API calls", []string{"https/tls for all api calls"}},
	{"Encrypted backups", []string{"encrypted backups"}},
	{"Secrets management", []string{"secrets management"}},
	{"Certificate pinning (mobile apps)", []string{"certificate pinning (mobile apps)"}},
	{"Secure storage for tokens (Keychain/KeyStore)", []string{"keychain/keystore"}},
	{"Code obfuscation (ProGuard)", []string{"code obfuscation"}},
	{"API key rotation", []string{"api key rotation"}},
	{"No hardcoded secrets", []string{"no hardcoded secrets"}},
	{"VPN for admin access", []string{"vpn for admin access"}},
	{"Security groups/firewall rules", []string{"security groups/firewall rules"}},
	{"Regular security updates", []string{"regular security updates"}},
	{"Container security scanning", []string{"container security scanning"}},
	{"Least privilege IAM policies", []string{"least privilege iam"}},
	{"Audit logging", []string{"audit logging"}},
	{"RBAC", []string{"rbac"}},
	{"Multi-factor authentication", []string{"multi-factor authentication", "mfa"}},
	{"Password hashing with bcrypt", []string{"bcrypt"}},
	{"Failed login attempt tracking", []string{"failed login attempt tracking"}},
	{"Auto-scaling", []string{"auto-scaling"}},
	{"Principle of least privilege", []string{"principle of least privilege"}},
}

func TestLibraryCoversReferenceMitigations(t *testing.T) {
	var all []string
	for _, th := range BuiltinLibrary().Threats {
		all = append(all, th.Mitigations...)
	}
	for _, ref := range referenceMitigations {
		t.Run(ref.name, func(t *testing.T) {
			if !slices.ContainsFunc(all, func(m string) bool { return containsAll(m, ref.words) }) {
				t.Errorf("no library mitigation contains all of %q", ref.words)
			}
		})
	}
}

func TestStrideCatalog(t *testing.T) {
	cat := StrideCatalog()
	if len(cat) != len(StrideCategories) {
		t.Fatalf("stride catalog has %d entries, want %d", len(cat), len(StrideCategories))
	}
	for i, s := range StrideCategories {
		info := cat[i]
		if info.Category != s {
			t.Errorf("entry %d is %q, want %q (STRIDE order)", i, info.Category, s)
		}
		if strings.TrimSpace(info.Definition) == "" {
			t.Errorf("%s: empty definition", s)
		}
		if len(info.Questions) < 8 {
			t.Errorf("%s: %d questions, want at least 8", s, len(info.Questions))
		}
		for _, q := range info.Questions {
			if !strings.HasSuffix(q, "?") {
				t.Errorf("%s: question %q does not end with '?'", s, q)
			}
		}
		if dup := firstDuplicate(info.Questions); dup != "" {
			t.Errorf("%s: question %q repeated", s, dup)
		}
		if got, ok := StrideInfoFor(s); !ok || got.Category != s {
			t.Errorf("StrideInfoFor(%s) = %v, %v", s, got.Category, ok)
		}
	}
}

func TestOWASPCatalog(t *testing.T) {
	names := map[string]string{
		"A01:2021": "Broken Access Control",
		"A02:2021": "Cryptographic Failures",
		"A03:2021": "Injection",
		"A04:2021": "Insecure Design",
		"A05:2021": "Security Misconfiguration",
		"A06:2021": "Vulnerable and Outdated Components",
		"A07:2021": "Identification and Authentication Failures",
		"A08:2021": "Software and Data Integrity Failures",
		"A09:2021": "Security Logging and Monitoring Failures",
		"A10:2021": "Server-Side Request Forgery",
		"A01:2025": "Broken Access Control",
		"A02:2025": "Security Misconfiguration",
		"A03:2025": "Software Supply Chain Failures",
		"A04:2025": "Cryptographic Failures",
		"A05:2025": "Injection",
		"A06:2025": "Insecure Design",
		"A07:2025": "Authentication Failures",
		"A08:2025": "Software or Data Integrity Failures",
		"A09:2025": "Security Logging and Alerting Failures",
		"A10:2025": "Mishandling of Exceptional Conditions",
	}
	seen := map[string]bool{}
	for _, e := range Editions {
		items := OWASPCatalog(e)
		if len(items) != 10 {
			t.Errorf("edition %s has %d items, want 10", e, len(items))
		}
		for i, it := range items {
			wantID := fmt.Sprintf("A%02d:%s", i+1, e)
			if it.Rank != i+1 || it.ID != wantID {
				t.Errorf("edition %s position %d: id %q rank %d, want %q rank %d", e, i, it.ID, it.Rank, wantID, i+1)
			}
			if seen[it.ID] {
				t.Errorf("duplicate OWASP id %q", it.ID)
			}
			seen[it.ID] = true
			if want := names[it.ID]; !strings.HasPrefix(it.Name, want) || want == "" {
				t.Errorf("%s: name %q, want %q", it.ID, it.Name, want)
			}
			if strings.TrimSpace(it.Description) == "" || strings.Contains(it.Description, "\n") {
				t.Errorf("%s: description must be one non-empty line", it.ID)
			}
			if len(it.Questions) < 5 {
				t.Errorf("%s: %d questions, want at least 5", it.ID, len(it.Questions))
			}
			if got, ok := OWASPByID(it.ID); !ok || got.Edition != e {
				t.Errorf("OWASPByID(%s) = %v, %v", it.ID, got.Edition, ok)
			}
		}
	}
	if len(seen) != len(names) {
		t.Errorf("catalog has %d OWASP ids, want %d", len(seen), len(names))
	}
}

func TestChecklistCatalog(t *testing.T) {
	idPrefix := map[ChecklistKind]string{ListControls: "ctl.", ListTesting: "test.", ListCompliance: "comp."}
	groups := map[ChecklistKind][]string{
		ListControls:   {"Authentication", "Authorization", "Data Protection", "Input & Output Handling", "Monitoring"},
		ListTesting:    {"Testing & Validation"},
		ListCompliance: {"Compliance"},
	}
	idPattern := regexp.MustCompile(`^[a-z]+\.[a-z0-9]+(-[a-z0-9]+)*$`)
	seen := map[string]bool{}
	for _, list := range []ChecklistKind{ListControls, ListTesting, ListCompliance} {
		items := ChecklistCatalog(list)
		if len(items) == 0 {
			t.Errorf("checklist %s has no templates", list)
		}
		used := map[string]bool{}
		for _, it := range items {
			if !idPattern.MatchString(it.ID) || !strings.HasPrefix(it.ID, idPrefix[list]) {
				t.Errorf("%s: id %q should be %s<slug>", list, it.ID, idPrefix[list])
			}
			if seen[it.ID] {
				t.Errorf("duplicate checklist id %q", it.ID)
			}
			seen[it.ID] = true
			if !slices.Contains(groups[list], it.Group) {
				t.Errorf("%s: group %q not one of %q", it.ID, it.Group, groups[list])
			}
			used[it.Group] = true
			if strings.TrimSpace(it.Title) == "" || strings.TrimSpace(it.Detail) == "" {
				t.Errorf("%s: title and detail are required", it.ID)
			}
		}
		for _, g := range groups[list] {
			if !used[g] {
				t.Errorf("%s: group %q has no items", list, g)
			}
		}
	}
	if n := len(ChecklistCatalog(ListOWASP)); n != 0 {
		t.Errorf("OWASP items come from owasp.json, but checklists.json has %d", n)
	}
}

// The required-content document's controls, tests and compliance items must
// each appear as a template title.
func TestChecklistsCoverRequiredContent(t *testing.T) {
	required := map[ChecklistKind][][]string{
		ListControls: {
			{"input validation", "sanitization"}, {"output encoding"}, {"authentication controls"},
			{"authorization controls"}, {"encryption at rest"}, {"encryption in transit"},
			{"rate limiting"}, {"cors"}, {"security headers"}, {"session management"},
			{"failed login"}, {"alert"}, {"audit logging"},
		},
		ListTesting: {
			{"security testing checklist"}, {"penetration testing"}, {"vulnerability scanning"},
			{"security code review"}, {"automated security testing", "ci/cd"},
		},
		ListCompliance: {{"gdpr"}, {"ccpa"}, {"soc 2"}, {"pci dss"}, {"industry-specific", "hipaa"}},
	}
	for list, wants := range required {
		items := ChecklistCatalog(list)
		for _, words := range wants {
			if !slices.ContainsFunc(items, func(it ChecklistTemplate) bool { return containsAll(it.Title, words) }) {
				t.Errorf("%s: no template titled with %q", list, words)
			}
		}
	}
}

// Every built-in threat must survive the path a user takes: suggested for a
// model that has every element kind, then accepted (which validates it as a
// model threat) with the OWASP ids of the model's edition.
func TestEveryLibraryThreatCanBeAccepted(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	lib := BuiltinLibrary()
	for _, ed := range Editions {
		t.Run(string(ed), func(t *testing.T) {
			m, err := New("Catalog check", "tests", now)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := m.SetEdition(ed, now); err != nil {
				t.Fatal(err)
			}
			// Two of every kind, with every trait, so that every need a
			// threat can declare (internet or internal, people or services
			// or nothing calling) is met by one of them.
			for _, k := range ElementKinds {
				for _, e := range []SurfaceElement{
					{Name: "a " + string(k), Kind: k, Traits: everyTrait(), Exposure: ExposureInternet, Callers: CallersBoth},
					{Name: "an internal " + string(k), Kind: k, Traits: everyTrait(), Exposure: ExposureInternal, Callers: CallersNone},
				} {
					if _, err := m.PutElement(e, now); err != nil {
						t.Fatalf("element %s: %v", k, err)
					}
				}
			}
			sugg := Suggest(m, lib)
			if len(sugg) != len(lib.Threats) {
				t.Errorf("%d suggestions for a model with every kind, want all %d library threats", len(sugg), len(lib.Threats))
			}
			for _, s := range sugg {
				if _, err := m.Accept(s, now); err != nil {
					t.Errorf("%s: accept: %v", s.Threat.ID, err)
				}
			}
			for _, th := range m.Threats {
				lt, ok := LibraryThreatByID(th.LibraryID)
				if !ok {
					t.Errorf("accepted threat %s lost its library id %q", th.ID, th.LibraryID)
					continue
				}
				want := lt.OWASP2025
				if ed == OWASP2021 {
					want = lt.OWASP2021
				}
				if !slices.Equal(th.OWASP, want) || th.Title != lt.Title || len(th.Mitigations) != len(lt.Mitigations) {
					t.Errorf("%s accepted as %q %v with %d mitigations, want %q %v with %d",
						lt.ID, th.Title, th.OWASP, len(th.Mitigations), lt.Title, want, len(lt.Mitigations))
				}
			}
			if left := Suggest(m, lib); len(left) != 0 {
				t.Errorf("%d suggestions left after accepting them all, first %s", len(left), left[0].Threat.ID)
			}
		})
	}
}
