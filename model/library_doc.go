package model

// LibraryFormat documents the team library file format (LibrarySchema) for
// people: the CLI prints it as the long help of `threatdeck library`, and
// the README carries the same text. It must describe exactly what
// ParseLibrary accepts; library_io_test.go checks that every field it
// names is a field of the format and the other way round.
const LibraryFormat = `A team threat library is one JSON file (UTF-8, at most 16 MiB):

  {
    "schema": "threatdeck-library/1",
    "name": "acme payments",
    "version": "2024.1",
    "description": "Threats our payment teams keep meeting.",
    "threats": [
      {
        "id": "ACME-001",
        "title": "Replayed payment webhook",
        "category": "spoofing",
        "applies_to": ["webhook"],
        "requires": ["receives-webhooks", "payments"],
        "exposure": ["internet"],
        "description": "A captured provider callback is sent again.",
        "mitigations": ["Verify the HMAC signature; reject stale timestamps"],
        "owasp_2025": ["A07:2025"],
        "owasp_2021": ["A07:2021"],
        "cwe": ["CWE-294"],
        "capec": ["CAPEC-60"],
        "vector": "API Security",
        "likelihood": 3,
        "impact": 4
      }
    ]
  }

Library fields:
  schema       required, exactly "threatdeck-library/1".
  name         required, one line, at most 200 characters. It names the
               library in the workbook: adding a file with the same name
               again stores a new version, and the newest version is used.
  version      optional, one line: the team's own label ("2024.1").
  description  optional text.
  threats      required, at least one threat.

Threat fields:
  id           required, unique in the file, no spaces, at most 64
               characters. Dismissals and accepted threats remember it, so
               keep it stable. A threat with the id of a built-in threat
               replaces the built-in one in suggestions.
  title        required, one line, at most 200 characters.
  category     required STRIDE category: spoofing, tampering, repudiation,
               information-disclosure, denial-of-service,
               elevation-of-privilege.
  applies_to   required, at least one attack-surface kind: api, auth,
               datastore, file-transfer, third-party, admin, webhook,
               client, host, process, dataflow, external-entity. Each kind
               must take the category under STRIDE-per-element: external
               entities S, R; third-party integrations S, R and T, I, D
               across the integration; data stores T, R, I, D; data flows
               T, I, D; every other kind all six.
               List the kind the threat is written for first: suggestions
               rank a threat highest on the kinds listed first.
  requires     optional traits an element must all have for the threat to
               fit it (see the traits below); an element lacking one does
               not get the threat.
  requires_any  optional traits of which the element needs at least one.
  exposure     optional exposures the threat needs: internet, internal,
               third-party (operated by someone else).
  callers      optional: who must call the element, people or services
               (an element called by both meets either), or none for a
               threat only to jobs nothing calls.
               Files without these four fields stay valid: their threats
               fit every element of their kinds, as before.
  description  required text.
  mitigations  required, at least one non-blank suggested mitigation.
               Accepting the suggestion adds each as a planned mitigation.
  owasp_2025   optional OWASP Top 10 2025 ids, "A01:2025" … "A10:2025".
  owasp_2021   optional OWASP Top 10 2021 ids, "A01:2021" … "A10:2021".
  cwe          optional CWE ids, "CWE-89".
  capec        optional CAPEC ids, "CAPEC-66".
  vector       required report group: "Authentication & Authorization",
               "API Security", "Data Protection", "Client Security",
               "Infrastructure", "Supply Chain", "Logging & Monitoring",
               "Business Logic".
  likelihood   required whole number 1-5, the accepted threat's default.
  impact       required whole number 1-5, the accepted threat's default.

Traits: uploads, archives, exports, sends-webhooks, receives-webhooks,
fetches-urls, login, mfa, sessions, oauth, saml, multi-tenant, payments,
commerce, impersonation, browser, mobile, desktop, notebook, xml, sql, nosql,
javascript, native, graphql, websocket, email, directory, templates, cache,
kubernetes, containers, serverless, cloud, ci-cd, queue, llm, ml, secrets,
personal-data, special-category, devices, and out-of-scope (an element
outside the review: it gets no suggestions).

Reading is strict: an unknown, misspelt or repeated field, a wrong type,
or text with control or escape characters is an error naming the entry
(its index, counted from 0, and id) and the field, and nothing of the
file is loaded until every problem is fixed. "threatdeck library export"
writes the built-in library in this format as a starting point.
`
