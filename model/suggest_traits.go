package model

import (
	"slices"
	"strings"
)

// Trait names something a surface element does or is that decides which
// threats fit it: an element that extracts archives meets zip slip, one
// without an LLM never meets prompt injection.
type Trait string

// Surface element traits. The list is closed so that library entries and
// elements speak the same words; team libraries use the same values.
const (
	TraitUploads          Trait = "uploads"           // accepts files from callers
	TraitArchives         Trait = "archives"          // extracts zip/tar archives
	TraitExports          Trait = "exports"           // produces files for download (CSV, PDF …)
	TraitSendsWebhooks    Trait = "sends-webhooks"    // calls URLs its users configure
	TraitReceivesWebhooks Trait = "receives-webhooks" // takes callbacks from another system
	TraitFetchesURLs      Trait = "fetches-urls"      // fetches URLs that callers supply (previews, imports)
	TraitLogin            Trait = "login"             // signs people in with passwords or codes
	TraitSessions         Trait = "sessions"          // keeps a browser or app session (cookies, tokens)
	TraitOAuth            Trait = "oauth"             // OAuth 2 / OpenID Connect flows
	TraitSAML             Trait = "saml"              // SAML single sign-on
	TraitMultiTenant      Trait = "multi-tenant"      // serves several customers from shared parts
	TraitPayments         Trait = "payments"          // takes or moves money
	TraitCommerce         Trait = "commerce"          // sells online: carts, coupons, refunds, referrals
	TraitMFA              Trait = "mfa"               // second factor: one-time codes, push approvals
	TraitImpersonation    Trait = "impersonation"     // lets staff act as a user (support tools)
	TraitBrowser          Trait = "browser"           // a web front end running in browsers
	TraitMobile           Trait = "mobile"            // a mobile app
	TraitDesktop          Trait = "desktop"           // a desktop app
	TraitNotebook         Trait = "notebook"          // a data-science notebook environment
	TraitXML              Trait = "xml"               // parses XML
	TraitSQL              Trait = "sql"               // queries a SQL database
	TraitNoSQL            Trait = "nosql"             // queries a document or key-value store
	TraitJavaScript       Trait = "javascript"        // runs on a JavaScript runtime
	TraitNative           Trait = "native"            // native code in a memory-unsafe language
	TraitKubernetes       Trait = "kubernetes"        // runs on or is a Kubernetes cluster
	TraitContainers       Trait = "containers"        // built and shipped as container images
	TraitServerless       Trait = "serverless"        // functions run by a cloud platform
	TraitCloud            Trait = "cloud"             // cloud account resources managed as code
	TraitCICD             Trait = "ci-cd"             // a build and deployment pipeline
	TraitQueue            Trait = "queue"             // a message queue or event stream
	TraitLLM              Trait = "llm"               // calls or hosts a large language model
	TraitML               Trait = "ml"                // trains or serves a machine-learning model
	TraitGraphQL          Trait = "graphql"           // a GraphQL API
	TraitWebSocket        Trait = "websocket"         // WebSocket connections
	TraitEmail            Trait = "email"             // sends email built from user input
	TraitDirectory        Trait = "directory"         // queries LDAP or another directory
	TraitTemplates        Trait = "templates"         // renders server-side templates
	TraitCache            Trait = "cache"             // behind a shared web cache or CDN
	TraitSecrets          Trait = "secrets"           // holds or hands out credentials and keys
	TraitPersonalData     Trait = "personal-data"     // processes data about people
	TraitSpecialCategory  Trait = "special-category"  // health, beliefs, sexuality, children's or criminal data
	TraitDevices          Trait = "devices"           // a fleet of devices in the field
	// TraitOutOfScope marks an element outside the review: it gets no
	// suggestions (Threat Dragon's "out of scope").
	TraitOutOfScope Trait = "out-of-scope"
)

// Traits lists every trait in display order.
var Traits = []Trait{
	TraitUploads, TraitArchives, TraitExports, TraitSendsWebhooks, TraitReceivesWebhooks, TraitFetchesURLs,
	TraitLogin, TraitMFA, TraitSessions, TraitOAuth, TraitSAML, TraitMultiTenant, TraitPayments, TraitCommerce, TraitImpersonation,
	TraitBrowser, TraitMobile, TraitDesktop, TraitNotebook,
	TraitXML, TraitSQL, TraitNoSQL, TraitJavaScript, TraitNative, TraitGraphQL, TraitWebSocket,
	TraitEmail, TraitDirectory, TraitTemplates, TraitCache,
	TraitKubernetes, TraitContainers, TraitServerless, TraitCloud, TraitCICD, TraitQueue,
	TraitLLM, TraitML, TraitSecrets, TraitPersonalData, TraitSpecialCategory, TraitDevices,
	TraitOutOfScope,
}

// Valid reports whether t is a known trait.
func (t Trait) Valid() bool { return indexOf(Traits, t) >= 0 }

// Label is the trait's display name.
func (t Trait) Label() string {
	switch t {
	case TraitOAuth:
		return "OAuth/OIDC"
	case TraitSAML, TraitXML, TraitSQL, TraitLLM:
		return strings.ToUpper(string(t))
	case TraitML:
		return "ML model"
	case TraitNoSQL:
		return "NoSQL"
	case TraitFetchesURLs:
		return "Fetches URLs"
	case TraitCICD:
		return "CI/CD"
	case TraitMFA:
		return "MFA"
	case TraitGraphQL:
		return "GraphQL"
	case TraitWebSocket:
		return "WebSocket"
	case TraitJavaScript:
		return "JavaScript runtime"
	case TraitNative:
		return "Native code"
	case TraitBrowser:
		return "Browser SPA"
	case TraitDirectory:
		return "LDAP/directory"
	}
	return titleWord(strings.ReplaceAll(string(t), "-", " "))
}

// Exposure says from where an element can be reached.
type Exposure string

// Exposures.
const (
	ExposureInternet   Exposure = "internet"    // reachable from the internet
	ExposureInternal   Exposure = "internal"    // reachable only from our own network
	ExposureThirdParty Exposure = "third-party" // operated by someone else
)

// Exposures lists the exposures in display order.
var Exposures = []Exposure{ExposureInternet, ExposureInternal, ExposureThirdParty}

// Valid reports whether x is a known exposure.
func (x Exposure) Valid() bool { return indexOf(Exposures, x) >= 0 }

// Label is the exposure's display name.
func (x Exposure) Label() string {
	switch x {
	case ExposureInternet:
		return "Internet-facing"
	case ExposureThirdParty:
		return "Operated by a third party"
	}
	return titleWord(string(x))
}

// Callers says who calls an element.
type Callers string

// Callers.
const (
	CallersPeople   Callers = "people"   // people, through a UI or their own client
	CallersServices Callers = "services" // other programs only
	CallersBoth     Callers = "both"
	CallersNone     Callers = "none" // nothing calls it: a scheduled job with no listener
)

// CallerKinds lists the caller values in display order.
var CallerKinds = []Callers{CallersPeople, CallersServices, CallersBoth, CallersNone}

// Valid reports whether c is a known caller value.
func (c Callers) Valid() bool { return indexOf(CallerKinds, c) >= 0 }

// Label is the display name.
func (c Callers) Label() string {
	switch c {
	case CallersBoth:
		return "People and services"
	case CallersNone:
		return "Nobody (no listener)"
	}
	return titleWord(string(c))
}

// takes reports whether an element called by c meets a threat that needs
// callers want: "both" meets either, "none" meets nothing.
func (c Callers) takes(want Callers) bool {
	switch want {
	case CallersPeople, CallersServices:
		return c == want || c == CallersBoth
	case CallersBoth:
		return c == CallersBoth
	case CallersNone:
		return c == CallersNone
	}
	return false
}

// Profile is what suggestions know of an element: its traits, exposure and
// callers as set by the user, completed by inference where the user left
// them open.
type Profile struct {
	Traits   []Trait
	Exposure Exposure
	Callers  Callers
}

// Has reports whether the profile holds trait t.
func (p Profile) Has(t Trait) bool { return slices.Contains(p.Traits, t) }

// ProfileOf returns e's profile: the traits set on e plus those InferTraits
// finds, and e's exposure and callers, or the inferred ones when unset.
func ProfileOf(e SurfaceElement) Profile {
	inf := InferTraits(e)
	p := Profile{Exposure: e.Exposure, Callers: e.Callers}
	if p.Exposure == "" {
		p.Exposure = inf.Exposure
	}
	if p.Callers == "" {
		p.Callers = inf.Callers
	}
	p.Traits = append(slices.Clone(e.Traits), inf.Traits...)
	slices.Sort(p.Traits)
	p.Traits = slices.Compact(p.Traits)
	return p
}

// traitWords are the keywords in an element's name or description that
// imply a trait. A word matches at a word start ("upload" finds
// "uploads" and "uploader" but "sql" does not find "nosql").
var traitWords = []struct {
	t     Trait
	words []string
}{
	{TraitUploads, []string{"upload", "attachment", "file drop", "import file"}},
	{TraitArchives, []string{"zip", "archive", "tarball", "unpack", "extract"}},
	{TraitExports, []string{"export", "csv", "spreadsheet", "report download", "pdf"}},
	{TraitSendsWebhooks, []string{"outgoing webhook", "webhook sender", "sends webhook", "callback url"}},
	{TraitFetchesURLs, []string{"link preview", "fetches url", "import from url", "url fetch", "crawler", "crawls", "scraper"}},
	{TraitReceivesWebhooks, []string{"webhook receiver", "incoming webhook", "receives webhook", "callback from"}},
	{TraitLogin, []string{"login", "log in", "sign in", "sign-in", "signin", "password", "credential"}},
	{TraitMFA, []string{"mfa", "two-factor", "2fa", "one-time code", "one-time codes", "otp", "push approval", "authenticator app", "step-up"}},
	{TraitCommerce, []string{"shop", "storefront", "cart", "checkout", "coupon", "promo", "referral", "refund", "online store"}},
	{TraitSpecialCategory, []string{"health", "patient", "medical", "religio", "sexual", "dating", "children", "criminal", "whistle", "anonymous"}},
	{TraitSessions, []string{"session", "cookie", "jwt", "bearer token", "access token"}},
	{TraitOAuth, []string{"oauth", "oidc", "openid", "sso", "single sign-on"}},
	{TraitSAML, []string{"saml"}},
	{TraitMultiTenant, []string{"tenant", "multi-tenant", "saas", "workspace", "organisation account", "organization account"}},
	{TraitPayments, []string{"payment page", "payments service", "payment service", "card payment", "takes payment", "checkout", "billing", "refund", "money transfer", "transfers between accounts", "payout", "wallet", "banking"}},
	{TraitImpersonation, []string{"impersonat", "support tool", "act as user", "log in as"}},
	{TraitBrowser, []string{"spa", "single-page", "web app", "web ui", "browser", "frontend", "front end", "react", "portal", "dashboard", "web site", "website"}},
	{TraitMobile, []string{"mobile", "ios", "android", "phone app"}},
	{TraitDesktop, []string{"desktop", "electron", "windows app", "macos app"}},
	{TraitNotebook, []string{"notebook", "jupyter"}},
	{TraitXML, []string{"xml", "soap", "svg", "docx", "xlsx"}},
	{TraitSQL, []string{"sql", "postgres", "mysql", "mariadb", "sqlite", "relational", "warehouse"}},
	{TraitNoSQL, []string{"nosql", "mongo", "document store", "dynamo", "couch", "key-value"}},
	{TraitJavaScript, []string{"node", "javascript", "typescript", "deno", "bun"}},
	{TraitNative, []string{"firmware", "native", "c++", "embedded", "codec"}},
	{TraitKubernetes, []string{"kubernetes", "k8s", "pod", "pods", "helm"}},
	{TraitContainers, []string{"container", "docker", "base image", "kubernetes", "k8s", "pod", "pods"}},
	{TraitServerless, []string{"serverless", "lambda", "cloud function", "function app"}},
	{TraitCloud, []string{"cloud account", "terraform", "iac", "infrastructure as code", "bucket", "object storage", "cloud console"}},
	{TraitCICD, []string{"ci/cd", "ci ", "pipeline runner", "build pipeline", "deploy pipeline", "github actions", "build server", "continuous integration", "release pipeline"}},
	{TraitQueue, []string{"queue", "kafka", "topic", "event stream", "message bus", "broker", "mqtt", "pub/sub"}},
	{TraitLLM, []string{"llm", "llms", "language model", "gpt", "chatbot", "ai assistant", "chat assistant", "rag", "prompt", "ai agent"}},
	{TraitML, []string{"machine learning", "ml model", "model serving", "inference", "scoring", "training", "classifier", "feature store"}},
	{TraitGraphQL, []string{"graphql"}},
	{TraitWebSocket, []string{"websocket", "web socket", "socket.io", "real-time", "realtime"}},
	{TraitEmail, []string{"sends email", "sends emails", "notification email", "notification emails", "email notification", "email notifications", "smtp", "newsletter", "mailer", "contact form"}},
	{TraitDirectory, []string{"ldap", "active directory", "directory service"}},
	{TraitTemplates, []string{"template", "server-rendered", "server rendered"}},
	{TraitCache, []string{"cdn", "web cache", "caching proxy", "reverse proxy cache"}},
	{TraitSecrets, []string{"vault", "secret", "key management", "kms", "credential store"}},
	{TraitPersonalData, []string{"personal", "customer", "patient", "user data", "profile", "pii", "account holder"}},
	{TraitDevices, []string{"iot", "sensor", "sensors", "device fleet", "fleet", "firmware", "iot gateway", "devices in the field"}},
}

// noListenerWords mark an element that nothing calls: a scheduled job, or a
// worker that only pulls.
var noListenerWords = []string{"cron", "scheduled", "batch job", "nightly", "no listener", "no users", "timer job"}

// serviceWords mark an element only programs call.
var serviceWords = []string{"worker", "consumer", "internal service", "microservice", "backend service", "etl", "pipeline", "job", "daemon", "machine-to-machine", "service-to-service", "ingest"}

// peopleWords mark an element people use.
var peopleWords = []string{"user", "users", "customer", "web app", "portal", "dashboard", "ui", "frontend", "browser", "mobile", "staff", "operator", "employee", "login", "sign in", "chat"}

// internetWords and internalWords set exposure from the text.
var (
	internetWords = []string{"public", "internet", "internet-facing", "customer-facing", "external", "online", "exposed"}
	internalWords = []string{"internal", "private", "intranet", "vpn", "back office", "back-office", "corporate network", "not exposed", "no listener", "offline"}
)

// InferTraits guesses an element's profile from its kind and from
// keywords in its name, description and (for exposure) trust zone. The user's own settings win over
// it (see ProfileOf); importers add what the source format states.
func InferTraits(e SurfaceElement) Profile {
	text := newWordText(e.Name + " \n " + e.Description)
	var p Profile
	for _, tw := range traitWords {
		if hasWord(text, tw.words...) {
			p.Traits = append(p.Traits, tw.t)
		}
	}
	switch e.Kind {
	case KindFileTransfer:
		p.Traits = append(p.Traits, TraitUploads)
	case KindWebhook:
		p.Traits = append(p.Traits, TraitReceivesWebhooks)
	case KindAuth:
		// Sign-in delegated to an identity provider takes no passwords of
		// ours; machine authentication keeps no sessions.
		machine := hasWord(text, "service account", "machine", "mtls", "api key", "workload identity")
		federated := p.Has(TraitOAuth) || p.Has(TraitSAML)
		switch {
		case machine || federated && !hasWord(text, "password", "passcode", "pin", "one-time code", "otp"):
			p.Traits = slices.DeleteFunc(p.Traits, func(t Trait) bool { return t == TraitLogin })
		default:
			p.Traits = append(p.Traits, TraitLogin)
		}
		if !machine {
			p.Traits = append(p.Traits, TraitSessions)
		}
	case KindClient:
		if !p.Has(TraitMobile) && !p.Has(TraitDesktop) && !p.Has(TraitDevices) {
			p.Traits = append(p.Traits, TraitBrowser)
		}
	}
	// Browser front ends and people-facing admin consoles keep sessions.
	if (e.Kind == KindAdmin || e.Kind == KindClient) && (p.Has(TraitBrowser) || e.Kind == KindAdmin) {
		p.Traits = append(p.Traits, TraitSessions)
	}
	slices.Sort(p.Traits)
	p.Traits = slices.Compact(p.Traits)

	zone := newWordText(e.TrustZone)
	switch {
	case e.Kind == KindThirdParty || hasWord(zone, "third party", "third-party", "vendor"):
		p.Exposure = ExposureThirdParty
	case hasWord(zone, "internet", "public", "dmz", "edge"):
		p.Exposure = ExposureInternet
	case hasWord(zone, "internal", "private", "intranet", "corporate", "back office", "back-office"):
		p.Exposure = ExposureInternal
	case hasWord(text, internalWords...):
		p.Exposure = ExposureInternal
	case hasWord(text, internetWords...):
		p.Exposure = ExposureInternet
	case e.Kind == KindAPI || e.Kind == KindAuth || e.Kind == KindWebhook || e.Kind == KindClient || e.Kind == KindFileTransfer:
		p.Exposure = ExposureInternet
	case e.Kind == KindExternalEntity:
		p.Exposure = ExposureThirdParty
	default:
		p.Exposure = ExposureInternal
	}

	switch {
	case hasWord(text, noListenerWords...) && (e.Kind == KindProcess || e.Kind == KindHost):
		p.Callers = CallersNone
	case e.Kind == KindClient || e.Kind == KindAdmin || e.Kind == KindAuth:
		p.Callers = CallersPeople
	case e.Kind == KindExternalEntity:
		p.Callers = CallersPeople
		if hasWord(text, "system", "service", "partner api", "provider", "device", "sensor") {
			p.Callers = CallersServices
		}
	case e.Kind == KindWebhook || e.Kind == KindThirdParty || e.Kind == KindDataStore || e.Kind == KindDataFlow:
		p.Callers = CallersServices
	case e.Kind == KindAPI || e.Kind == KindFileTransfer:
		p.Callers = CallersBoth
		if hasWord(text, serviceWords...) && !hasWord(text, peopleWords...) || hasWord(text, "machine-to-machine", "service-to-service", "devices only") {
			p.Callers = CallersServices
		}
	default: // process, host
		p.Callers = CallersServices
		if hasWord(text, peopleWords...) && !hasWord(text, serviceWords...) {
			p.Callers = CallersBoth
		}
	}
	return p
}

// wordText is lower-case text padded with spaces, with the first two
// bytes of every word noted: a keyword can only match where a word starts,
// so most keywords are ruled out without searching the text. Suggest infers
// the profile of every element on every call, and this keeps 500 elements
// within the benchmark's budget.
type wordText struct {
	s      string
	starts [32]uint64 // a 2048-bit set of hashed word starts
}

// startBit hashes the first two or three bytes of a word start.
func startBit(s string) (int, uint64) {
	h := uint(s[0])*961 + uint(s[1])*31
	if len(s) > 2 {
		h += uint(s[2]) + 7919
	}
	h &= 2047
	return int(h >> 6), 1 << (h & 63)
}

func newWordText(text string) wordText {
	t := wordText{s: " " + strings.ToLower(text) + " "}
	for i := 1; i+1 < len(t.s); i++ {
		// Keywords start at a word or, for "/" or "." ones, at a symbol.
		if isWordByte(t.s[i]) && !isWordByte(t.s[i-1]) || !isWordByte(t.s[i]) && t.s[i] != ' ' {
			w, bit := startBit(t.s[i : i+2])
			t.starts[w] |= bit
			if i+2 < len(t.s) {
				w, bit = startBit(t.s[i : i+3])
				t.starts[w] |= bit
			}
		}
	}
	return t
}

// hasWord reports whether t holds one of words starting at a word
// boundary; a keyword shorter than five characters must also end at one
// ("spa" is not "space").
func hasWord(t wordText, words ...string) bool {
	text := t.s
	for _, w := range words {
		if len(w) >= 2 {
			if i, bit := startBit(w[:min(len(w), 3)]); t.starts[i]&bit == 0 {
				continue
			}
		}
		for i := 0; ; {
			j := strings.Index(text[i:], w)
			if j < 0 {
				break
			}
			j += i
			end := j + len(w)
			if (j == 0 || !isWordByte(text[j-1])) && (len(w) >= 5 || end >= len(text) || !isWordByte(text[end])) {
				return true
			}
			i = j + 1
		}
	}
	return false
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 0x80
}

// profile validates and normalises the user-set traits, exposure and
// callers of an element: known values only, traits sorted and unique.
func (c *checker) profile(e *SurfaceElement) {
	out := e.Traits[:0:0]
	for _, t := range e.Traits {
		t = Trait(strings.TrimSpace(string(t)))
		switch {
		case t == "":
		case !t.Valid():
			c.add("traits", "%q is not a known trait", CleanLine(string(t)))
		default:
			out = append(out, t)
		}
	}
	slices.Sort(out)
	e.Traits = slices.Compact(out)
	if len(e.Traits) == 0 {
		e.Traits = nil
	}
	if e.Exposure != "" && !e.Exposure.Valid() {
		c.add("exposure", "%q is not a known exposure", CleanLine(string(e.Exposure)))
	}
	if e.Callers != "" && !e.Callers.Valid() {
		c.add("callers", "%q is not a known caller value", CleanLine(string(e.Callers)))
	}
}
