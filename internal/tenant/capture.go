package tenant

import (
	"crypto/sha256"
	"encoding/json"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/secret"
)

// Capture records each distinct configuration the agent sends, one JSON
// document per line, so that an admin running the real agent can learn and
// share its exact shape. Capture exists to learn the names sqlscim does not
// know, and a password may hide under any of them (pw, dbPass, dsn, a
// misspelling), so values are redacted by default: every key is kept, but
// a value is kept only where the decoder knows the field and it holds no
// secret (host, port, statements, column names, well-known properties).
// Every other string or number becomes ***.
type Capture struct {
	path string
	mu   sync.Mutex
	seen map[[32]byte]bool
}

// NewCapture records into path (created with mode 0600 on first use).
func NewCapture(path string) *Capture {
	return &Capture{path: path, seen: map[[32]byte]bool{}}
}

// Path is the file the capture writes.
func (c *Capture) Path() string { return c.path }

// Record writes doc, redacted, unless the same document was recorded before.
func (c *Capture) Record(app string, doc map[string]any) {
	red := redact(doc)
	body, err := json.Marshal(red)
	if err != nil {
		return
	}
	key := sha256.Sum256(append([]byte(app+"\x00"), body...))
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen[key] || len(c.seen) > 1000 {
		return
	}
	c.seen[key] = true
	line, _ := json.Marshal(map[string]any{"time": time.Now().UTC().Format(time.RFC3339), "app": app, "config": json.RawMessage(body)})
	f, err := os.OpenFile(c.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return
	}
	defer f.Close()
	_, _ = f.Write(append(line, '\n'))
}

// redact copies a header document with every value that is not known
// to be harmless replaced by ***.
func redact(doc any) any {
	return redactTop(doc)
}

// redacted stands for a value the capture does not show. Booleans and
// nulls are kept: they show a field's type and hold no secret.
func redacted(v any) any {
	switch v.(type) {
	case nil, bool:
		return v
	}
	return secret.Redacted
}

// redactUnknown keeps the keys and shape of a value the decoder does not
// know, and none of its strings or numbers.
func redactUnknown(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = redactUnknown(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = redactUnknown(e)
		}
		return out
	}
	return redacted(v)
}

// keep keeps a scalar of a field known to hold no secret, but for any
// password=... written into it; a list or object where the decoder
// expects a scalar is redacted like an unknown value.
func keep(v any) any {
	switch x := v.(type) {
	case map[string]any, []any:
		return redactUnknown(v)
	case string:
		return db.RedactURL(x)
	}
	return v
}

// redactTop redacts the top level: the tenant's fields, operations keyed
// by name, and database fields written flat.
func redactTop(v any) any {
	obj, ok := v.(map[string]any)
	if !ok {
		return redactUnknown(v)
	}
	out := make(map[string]any, len(obj))
	for k, val := range obj {
		nk := norm(k)
		if _, isOp := opNames[nk]; isOp {
			out[k] = redactOperation(val)
			continue
		}
		if field, known := topFields[nk]; known {
			switch field {
			case "name", "extension_urn", "created_column", "last_modified_column":
				out[k] = keep(val)
			case "database":
				if _, isObj := val.(map[string]any); isObj {
					out[k] = redactDatabase(val)
				} else {
					out[k] = redactDatabaseField("database", val)
				}
			case "operations":
				out[k] = redactOperations(val)
			case "mapping", "password_sync":
				out[k] = redactStrings(val)
			}
			continue
		}
		if field, isDB := databaseFields[nk]; isDB {
			out[k] = redactDatabaseField(field, val)
			continue
		}
		out[k] = redactUnknown(val)
	}
	return out
}

// redactStrings keeps an object of strings (the column mapping).
func redactStrings(v any) any {
	obj, ok := v.(map[string]any)
	if !ok {
		return redactUnknown(v)
	}
	out := make(map[string]any, len(obj))
	for k, e := range obj {
		out[k] = keep(e)
	}
	return out
}

func redactDatabase(v any) any {
	obj, ok := v.(map[string]any)
	if !ok {
		return redactUnknown(v)
	}
	out := make(map[string]any, len(obj))
	for k, val := range obj {
		field, known := databaseFields[norm(k)]
		if !known {
			out[k] = redactUnknown(val)
			continue
		}
		out[k] = redactDatabaseField(field, val)
	}
	return out
}

// redactDatabaseField redacts the value of a known database field.
func redactDatabaseField(field string, v any) any {
	switch field {
	case "password":
		return redacted(v)
	case "properties":
		return redactProperties(v)
	case "jdbc_url":
		if s, ok := v.(string); ok {
			return redactJDBC(s)
		}
		return redactUnknown(v)
	}
	// type, host, port, database, sid, instance, user, and the names of
	// the variable or file a password would come from.
	return keep(v)
}

// redactJDBC shows a JDBC URL with its password replaced by ***. A URL
// with a property not known to be harmless is shown as sqlscim reads it,
// every such value replaced; a URL it cannot read is not shown at all.
func redactJDBC(u string) string {
	c, err := db.ParseJDBC(u)
	if err != nil {
		return secret.Redacted
	}
	harmless := true
	for k, v := range c.Properties {
		harmless = harmless && redactProperty(k, v) == v
	}
	if !harmless {
		props := make(map[string]string, len(c.Properties))
		for k, v := range c.Properties {
			props[k] = redactProperty(k, v)
		}
		c.Properties = props
		if !c.Password.IsZero() {
			c.User += ":" + secret.Redacted
		}
		return "jdbc:" + c.String()
	}
	if pw := c.Password.Reveal(); pw != "" {
		u = strings.ReplaceAll(u, pw, secret.Redacted)
		u = strings.ReplaceAll(u, url.QueryEscape(pw), secret.Redacted)
		u = strings.ReplaceAll(u, url.PathEscape(pw), secret.Redacted)
	}
	return db.RedactURL(u)
}

// redactProperties redacts the properties in each form the decoder
// reads: an object, a list of {key, value} pairs, or "k=v;k2=v2".
func redactProperties(v any) any {
	switch x := v.(type) {
	case string:
		parts := strings.FieldsFunc(x, func(r rune) bool { return r == ';' || r == '&' || r == '\n' })
		for i, part := range parts {
			k, val, ok := strings.Cut(part, "=")
			if !ok {
				parts[i] = secret.Redacted // not key=value: it may be a password, whole
				continue
			}
			parts[i] = k + "=" + redactProperty(k, val)
		}
		return strings.Join(parts, ";")
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = redactPair(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if s, ok := e.(string); ok {
				out[k] = redactProperty(k, s)
			} else if knownProperty(k) {
				out[k] = keep(e)
			} else {
				out[k] = redactUnknown(e)
			}
		}
		return out
	}
	return redactUnknown(v)
}

// redactPair redacts one {key, value} property pair: the value is kept
// only when the key names a known harmless property.
func redactPair(v any) any {
	obj, ok := v.(map[string]any)
	if !ok {
		return redactUnknown(v)
	}
	name := ""
	for k, e := range obj {
		if s, isStr := e.(string); isStr && pairKeys[norm(k)] {
			name = s
		}
	}
	out := make(map[string]any, len(obj))
	for k, e := range obj {
		switch {
		case pairKeys[norm(k)]:
			out[k] = keep(e)
		case pairValues[norm(k)] && knownProperty(name):
			out[k] = keep(e)
		default:
			out[k] = redactUnknown(e)
		}
	}
	return out
}

// redactProperty is the value of property k as the capture shows it.
func redactProperty(k, v string) string {
	if knownProperty(k) && !db.HoldsCredentials(v) {
		return v
	}
	return secret.Redacted
}

// knownProperty reports a property name whose value is shown: a setting
// of the drivers' or the JDBC drivers' that holds no secret.
func knownProperty(k string) bool { return harmlessProperties[norm(k)] }

// harmlessProperties are the JDBC and driver properties, in norm form,
// whose values the capture keeps (unless a value holds a password, such
// as a connection string). Every other property shows ***.
var harmlessProperties = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range []string{
		// JDBC, any database
		"ssl", "sslmode", "usessl", "sslverify", "ssl verify", "encrypt", "trustservercertificate", "hostnameincertificate",
		"connecttimeout", "connect_timeout", "logintimeout", "sockettimeout", "querytimeout", "locktimeout", "timeout",
		"readtimeout", "writetimeout", "applicationname", "application_name", "app name", "program", "v$session.program",
		"user", "username", "databasename", "database", "servername", "portnumber", "port", "instancename", "instance name",
		"currentschema", "search_path", "schema",
		// MySQL
		"servertimezone", "characterencoding", "useunicode", "allowmultiqueries", "multistatements", "zerodatetimebehavior",
		"autoreconnect", "uselegacydatetimecode", "cacheprepstmts", "prepstmtcachesize", "prepstmtcachesqllimit",
		"useserverprepstmts", "rewritebatchedstatements", "allowpublickeyretrieval", "tls", "charset", "collation", "loc",
		"parsetime", "allowcleartextpasswords", "allowfallbacktoplaintext", "allownativepasswords", "allowoldpasswords",
		"checkconnliveness", "clientfoundrows", "columnswithalias", "compress", "maxallowedpacket", "rejectreadonly",
		"timetruncate", "interpolateparams",
		// PostgreSQL
		"sslfactory", "targetservertype", "target_session_attrs", "tcpkeepalive", "preparethreshold",
		"preparedstatementcachequeries", "preparedstatementcachesizemib", "defaultrowfetchsize", "stringtype",
		"rewritebatchedinserts", "binarytransfer", "loggerlevel", "assumeminserverversion", "sslrootcert", "sslcert",
		"sslsni", "sslnegotiation", "channel_binding",
		// SQL Server
		"applicationintent", "multisubnetfailover", "workstationid", "workstation id", "packetsize", "packet size",
		"failoverpartner", "failoverport", "serverspn", "sslprotocol", "authentication", "integratedsecurity",
		"certificate", "tlsmin", "connection timeout", "dial timeout", "keepalive", "disableretry",
		"sendstringparametersasunicode", "selectmethod", "responsebuffering", "sendtimeasdatetime",
		// Oracle
		"oracle.net.connect_timeout", "defaultrowprefetch", "oracle.jdbc.defaultrowprefetch", "internal_logon",
		"oracle.jdbc.timezoneasregion", "oracle.jdbc.fanenabled", "oracle.jdbc.implicitstatementcachesize",
		"oracle.net.disableoob", "oracle.jdbc.readtimeout", "oracle.net.read_timeout", "oracle.net.ssl_server_dn_match",
		"retry_count", "retry_delay", "prefetch_rows", "lob fetch", "language", "territory", "client charset",
		"data integrity", "dba privilege", "server", "cid", "sid", "service name",
	} {
		m[norm(n)] = true
	}
	return m
}()

// redactOperations redacts the operations: an object keyed by name or a
// list of operations that name themselves.
func redactOperations(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if _, known := opNames[norm(k)]; known {
				out[k] = redactOperation(e)
			} else {
				out[k] = redactUnknown(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = redactOperation(e)
		}
		return out
	}
	return redactUnknown(v)
}

// redactOperation keeps an operation's type, statement, columns and
// parameter names; only the values of constant parameters are hidden.
func redactOperation(v any) any {
	obj, ok := v.(map[string]any)
	if !ok {
		return redactUnknown(v)
	}
	out := make(map[string]any, len(obj))
	for k, val := range obj {
		switch field, known := operationFields[norm(k)]; {
		case !known:
			out[k] = redactUnknown(val)
		case field == "parameters":
			out[k] = redactParameters(val)
		default:
			out[k] = keep(val)
		}
	}
	return out
}

// redactParameters keeps the parameters' types, fields and positions,
// written as a list, a comma-separated string or an object keyed by
// position; a constant's value is hidden.
func redactParameters(v any) any {
	switch x := v.(type) {
	case string:
		return keep(x) // column names
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = redactParameter(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = redactParameter(e)
		}
		return out
	}
	return redactUnknown(v)
}

func redactParameter(v any) any {
	switch x := v.(type) {
	case string:
		return keep(x) // a column name
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			switch field, known := paramFields[norm(k)]; {
			case known && field != "value":
				out[k] = keep(e)
			default:
				out[k] = redactUnknown(e)
			}
		}
		return out
	}
	return redactUnknown(v)
}

// pairKeys and pairValues are the spellings of a property pair's name and
// value the decoder accepts.
var (
	pairKeys   = map[string]bool{"key": true, "name": true, "property": true, "propertyname": true, "propertykey": true}
	pairValues = map[string]bool{"value": true, "propertyvalue": true}
)
