package tenant

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/provision"
	"github.com/sqlscim/sqlscim/internal/scim"
)

// HeaderName is the header in which the Okta Provisioning Agent sends the
// connector configuration (base64 of a JSON document).
const HeaderName = "X-OKTA-ONPREM-DATA"

// decodeBase64 accepts the standard and URL-safe alphabets, with or
// without padding, ignoring white space.
func decodeBase64(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, fmt.Errorf("not valid base64")
}

// parseHeader turns the header's value into the JSON document it carries.
func parseHeader(value string) (map[string]any, error) {
	raw, err := decodeBase64(value)
	if err != nil {
		return nil, scim.BadRequest(scim.InvalidSyntax, "%s is not valid base64; it must be the base64 encoding of a JSON document", HeaderName)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, scim.BadRequest(scim.InvalidSyntax, "%s does not hold valid JSON: %v", HeaderName, err)
	}
	if dec.More() {
		return nil, scim.BadRequest(scim.InvalidSyntax, "%s holds more than one JSON document", HeaderName)
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		return nil, scim.BadRequest(scim.InvalidSyntax, "%s must hold a JSON object, not %s", HeaderName, kindOf(doc))
	}
	return obj, nil
}

// decodeHeader decodes the header into the configuration of tenant app.
// The tenant's name is always the {app} of the URL.
func decodeHeader(app, value string, ignoreUnknown bool) (*provision.Config, map[string]any, error) {
	doc, err := parseHeader(value)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := Decode(doc, Source{Path: HeaderName, IgnoreUnknown: ignoreUnknown})
	if err != nil {
		return nil, doc, &scim.Error{Status: http.StatusBadRequest, Type: scim.InvalidValue, Detail: err.Error(), Cause: err}
	}
	cfg.Name = app
	if d := fileDatabase(cfg); d != nil {
		return nil, doc, scim.BadRequest(scim.InvalidValue, "%s: %s databases are files on this server; configure them in the local tenants file, not in the agent's header", HeaderName, d.Info().Product)
	}
	return cfg, doc, nil
}

// fileDatabase returns the dialect of a configuration naming a database
// file (db.Info.File), which only the local file may do: from a header it
// would let a client open or create any file the server can reach. It is
// nil for a database server.
func fileDatabase(cfg *provision.Config) db.Dialect {
	if d := db.ForJDBC(cfg.JDBCURL); d != nil && d.Info().File {
		return d
	}
	if d, err := db.Lookup(cfg.Database.Type); err == nil && d.Info().File {
		return d
	}
	return nil
}
