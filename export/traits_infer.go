package export

import (
	"slices"
	"strings"

	"github.com/threatdeck/threatdeck/model"
)

// Threat Dragon and OTM files say things about their elements that
// suggestions use: whether a process is a web application, a store holds
// credentials, an element is out of scope, which protocol a flow speaks,
// and for OTM each component's type and tags. The importers call tdTraits
// and otmTraits on every element they build; what the file states becomes
// the element's traits, exposure and callers, and inference from the kind
// and words (model.ProfileOf) still adds the rest.

// tdTraits reads the properties of a Threat Dragon cell's data object.
func tdTraits(e *model.SurfaceElement, data jnode) {
	obj, _ := data.v.(map[string]any)
	tdTraitsOf(e, func(key string) any { return obj[key] })
}

// tdTraitsOf is tdTraits reading the data object's members with get (nil
// for one that is absent), so a cell read from its bytes shares it.
func tdTraitsOf(e *model.SurfaceElement, get func(key string) any) {
	is := func(key string) bool { b, _ := get(key).(bool); return b }
	var add []model.Trait
	if is("outOfScope") {
		add = append(add, model.TraitOutOfScope)
	}
	if is("isWebApplication") {
		add = append(add, model.TraitBrowser, model.TraitSessions)
		e.Exposure, e.Callers = orExposure(e.Exposure, model.ExposureInternet), orCallers(e.Callers, model.CallersBoth)
	}
	if is("storesCredentials") {
		add = append(add, model.TraitSecrets)
	}
	if is("providesAuthentication") {
		add = append(add, model.TraitLogin)
	}
	if is("isPublicNetwork") {
		e.Exposure = orExposure(e.Exposure, model.ExposureInternet)
	}
	if p, ok := get("protocol").(string); ok {
		add = append(add, typeTraits(p)...)
	}
	addTraits(e, add)
}

// otmTraits reads an OTM component's or data flow's type and tags.
func otmTraits(e *model.SurfaceElement, n jnode) {
	obj, _ := n.v.(map[string]any) // read directly: no path is needed
	words, _ := obj["type"].(string)
	if tags, ok := obj["tags"].([]any); ok {
		for _, t := range tags {
			if s, ok := t.(string); ok {
				words += " " + s
			}
		}
	}
	addTraits(e, typeTraits(words))
}

// typeWords map words of other tools' component types, tags and protocol
// names to traits. Types are ids such as "CD-MICROSOFT-AZURE-DB-POSTGRESQL"
// or "android-device-client", so they are split at dashes first.
var typeWords = []struct {
	t     model.Trait
	words []string
}{
	{model.TraitSQL, []string{"sql", "postgresql", "postgres", "mysql", "mariadb", "rds", "jdbc", "odbc", "aurora", "oracle"}},
	{model.TraitNoSQL, []string{"nosql", "dynamodb", "cosmos", "cosmosdb", "mongodb", "mongo", "cassandra", "redis", "documentdb", "firestore"}},
	{model.TraitCloud, []string{"storage", "s3", "blob", "bucket", "aws", "azure", "gcp"}},
	{model.TraitKubernetes, []string{"kubernetes", "k8s", "eks", "aks", "gke", "openshift"}},
	{model.TraitContainers, []string{"container", "docker", "ecs", "kubernetes", "k8s"}},
	{model.TraitServerless, []string{"lambda", "function", "functions", "serverless"}},
	{model.TraitQueue, []string{"queue", "sqs", "sns", "kafka", "mqtt", "amqp", "pubsub", "eventhub", "servicebus", "kinesis", "rabbitmq"}},
	{model.TraitBrowser, []string{"browser", "web", "spa"}},
	{model.TraitMobile, []string{"android", "ios", "mobile"}},
	{model.TraitDesktop, []string{"desktop", "windows", "macos", "electron"}},
	{model.TraitDevices, []string{"iot", "device", "sensor"}},
	{model.TraitLLM, []string{"llm", "openai", "bedrock", "genai"}},
	{model.TraitML, []string{"ml", "sagemaker", "model"}},
	{model.TraitOAuth, []string{"oauth", "oidc", "cognito", "idp", "entra", "okta", "sso"}},
	{model.TraitSAML, []string{"saml"}},
	{model.TraitDirectory, []string{"ldap", "directory"}},
	{model.TraitEmail, []string{"smtp", "ses", "mail", "email"}},
	{model.TraitCache, []string{"cdn", "cloudfront", "frontdoor", "akamai"}},
	{model.TraitSecrets, []string{"vault", "keyvault", "kms", "secrets", "secretsmanager"}},
	{model.TraitCICD, []string{"ci", "cicd", "pipeline", "jenkins", "actions", "gitlab"}},
	{model.TraitWebSocket, []string{"websocket", "ws", "wss"}},
	{model.TraitGraphQL, []string{"graphql"}},
	{model.TraitXML, []string{"soap", "xml"}},
}

// typeTraits finds traits in a type id, tag list or protocol name, word by
// word ("azure-storage" is cloud storage, "HTTP/S" nothing in particular).
func typeTraits(text string) []model.Trait {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
	// "web-service" is a server, "web-client" a browser front end.
	web := slices.Contains(words, "web") && !slices.Contains(words, "client") && !slices.Contains(words, "browser")
	var out []model.Trait
	for _, tw := range typeWords {
		if tw.t == model.TraitBrowser && web {
			continue
		}
		if slices.ContainsFunc(words, func(w string) bool { return slices.Contains(tw.words, w) }) {
			out = append(out, tw.t)
		}
	}
	return out
}

func addTraits(e *model.SurfaceElement, ts []model.Trait) {
	e.Traits = append(e.Traits, ts...)
	slices.Sort(e.Traits)
	e.Traits = slices.Compact(e.Traits)
}

func orExposure(x, def model.Exposure) model.Exposure {
	if x == "" {
		return def
	}
	return x
}

func orCallers(c, def model.Callers) model.Callers {
	if c == "" {
		return def
	}
	return c
}
