// Package tenant is where tenant configurations come from: the local YAML
// file (for any SCIM client) and the X-OKTA-ONPREM-DATA header the Okta
// Provisioning Agent sends with every request. Both are decoded by the same
// tolerant decoder into a provision.Config, then compiled and cached.
//
// The header's real field names are not public, so the decoder accepts keys
// in any case and spelling (jdbcUrl, jdbc_url, JDBC-URL) and the plausible
// aliases of each field, and names exactly what it cannot understand.
package tenant

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/sqlscim/sqlscim/internal/provision"
	"github.com/sqlscim/sqlscim/internal/secret"
)

// norm folds a key for matching: lower case without _ - . and spaces, so
// jdbcUrl, jdbc_url and JDBC-URL are the same key.
func norm(k string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(k) {
		switch r {
		case '_', '-', ' ', '.':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// aliases maps normalized spellings to a canonical field name.
type aliases map[string]string

func newAliases(fields map[string][]string) aliases {
	a := aliases{}
	for canonical, names := range fields {
		a[norm(canonical)] = canonical
		for _, n := range names {
			a[norm(n)] = canonical
		}
	}
	return a
}

var topFields = newAliases(map[string][]string{
	// Not instance_name: that is the SQL Server instance (databaseFields),
	// which a flat header would otherwise lose to the tenant's name.
	"name":                 {"app", "app_name", "tenant", "tenant_name", "app_instance", "label"},
	"database":             {"db", "connection", "datasource", "data_source", "db_connection", "connection_settings", "database_connection", "database_config"},
	"operations":           {"ops", "actions", "provisioning", "provisioning_operations"},
	"mapping":              {"mappings", "attribute_mapping", "attribute_mappings"},
	"extension_urn":        {"extension_schema", "schema_urn", "extension"},
	"password_sync":        {"sync_password", "password_policy", "user_password"},
	"created_column":       {"created_at_column", "creation_column", "created_at"},
	"secret_columns":       {"secret_column_pattern", "hidden_columns"},
	"ignore_attributes":    {"ignored_attributes", "drop_attributes"},
	"last_modified_column": {"modified_column", "updated_at_column", "last_updated_column", "last_modified"},
})

var passwordSyncFields = newAliases(map[string][]string{
	"column":      {"password_column", "hash_column"},
	"hash":        {"scheme", "hash_scheme", "algorithm"},
	"bcrypt_cost": {"cost"},
	"allow_plain": {"allow_plaintext"},
})

// passwordAliases are the other spellings of the database password. The
// capture redacts the value of every one of them (isPasswordKey), so this
// list is the one place a spelling is added.
var passwordAliases = []string{"pwd", "db_password", "passwd", "pass"}

// isPasswordKey reports a key the decoder reads as the database password,
// in any spelling and case.
func isPasswordKey(k string) bool { return databaseFields[norm(k)] == "password" }

var databaseFields = newAliases(map[string][]string{
	"type":          {"db_type", "database_type", "dbms", "vendor", "driver", "type_of_database", "database_vendor"},
	"host":          {"hostname", "host_name", "ip_or_domain_name", "ip_domain_name", "ip", "ip_address", "server", "server_name", "domain_name", "address", "domain"},
	"port":          {"db_port", "database_port", "port_number"},
	"database":      {"database_name", "db_name", "dbname", "catalog", "service_name", "service"},
	"sid":           {"oracle_sid"},
	"instance":      {"instance_name", "sql_server_instance"},
	"user":          {"username", "user_name", "db_user", "db_username", "login", "uid"},
	"password":      passwordAliases,
	"password_env":  {"password_from_env", "password_environment_variable"},
	"password_file": {"password_from_file"},
	"properties":    {"props", "database_properties", "database_property", "db_properties", "connection_properties", "key_value_pairs", "additional_properties", "extra_properties", "jdbc_properties", "options"},
	"jdbc_url":      {"url", "jdbcurl", "connection_url", "jdbc", "connection_string", "jdbc_connection_string"},
})

var operationFields = newAliases(map[string][]string{
	"enabled":                    {"enable", "is_enabled", "active"},
	"type":                       {"operation_type", "op_type", "mode", "kind", "execution_type"},
	"statement":                  {"sql", "query", "sql_statement", "procedure", "stored_procedure", "command", "text", "call", "sql_query"},
	"parameters":                 {"params", "parameter_mapping", "parameter_mappings", "map_parameters_to_fields", "args", "arguments", "fields"},
	"user_id_column":             {"user_id_col", "user_id"},
	"entitlement_id_column":      {"entitlement_id_col", "ent_id_column", "entitlement_id"},
	"entitlement_display_column": {"entitlement_display_name_column", "display_column", "display_name_column", "ent_display_column", "entitlement_display"},
	"id_column":                  {"id_col"},
	"name":                       {"operation", "op", "operation_name"},
})

var paramFields = newAliases(map[string][]string{
	"type":  {"parameter_type", "param_type", "kind"},
	"field": {"column", "name", "database_field", "field_name", "column_name", "db_field"},
	"value": {"constant", "constant_value", "literal"},
	"index": {"position", "order", "param_index", "parameter_index", "idx"},
})

var opNames = func() map[string]provision.OpName {
	m := map[string]provision.OpName{}
	for _, o := range provision.AllOps {
		m[norm(string(o))] = o
	}
	m["getuserentitlement"] = provision.GetUserEntitlements
	m["addentitlement"] = provision.AddEntitlementToUser
	m["removeentitlement"] = provision.RemoveEntitlementFromUser
	m["getallusers"] = provision.GetUsers
	m["getentitlements"] = provision.GetAllEntitlements
	return m
}()

var opTypes = map[string]provision.OpType{
	"sql": provision.SQLStatement, "sqlstatement": provision.SQLStatement, "statement": provision.SQLStatement,
	"query": provision.SQLStatement, "sqlquery": provision.SQLStatement,
	"storedprocedure": provision.StoredProcedure, "executestoredprocedure": provision.StoredProcedure,
	"procedure": provision.StoredProcedure, "sp": provision.StoredProcedure, "proc": provision.StoredProcedure,
	"storedproc": provision.StoredProcedure, "callprocedure": provision.StoredProcedure, "call": provision.StoredProcedure,
}

var paramTypes = map[string]provision.ParamType{
	"databasefield": provision.DatabaseField, "field": provision.DatabaseField, "column": provision.DatabaseField, "dbfield": provision.DatabaseField,
	"cursor": provision.Cursor, "refcursor": provision.Cursor, "outcursor": provision.Cursor, "sysrefcursor": provision.Cursor,
	"constant": provision.Constant, "literal": provision.Constant, "value": provision.Constant, "fixed": provision.Constant,
}

// Source says where a configuration comes from; it decides what a
// configuration may do.
type Source struct {
	// Path prefixes every problem's path ("tenants[0]", "X-OKTA-ONPREM-DATA").
	Path string
	// Trusted sources (the local file) may read passwords from environment
	// variables and files; the header may not, or it could make the server
	// send a local secret to a database of the header's choosing.
	Trusted bool
	// IgnoreUnknown skips fields the decoder does not know instead of
	// refusing the configuration.
	IgnoreUnknown bool
}

// decoder collects every problem with its path.
type decoder struct {
	src      Source
	problems provision.Problems
}

func (d *decoder) problem(path, format string, args ...any) {
	d.problems = append(d.problems, provision.Problem{Path: d.src.Path + path, Message: fmt.Sprintf(format, args...)})
}

func (d *decoder) unknown(path, key string, known aliases) {
	if d.src.IgnoreUnknown {
		return
	}
	names := map[string]bool{}
	for _, canonical := range known {
		names[canonical] = true
	}
	list := make([]string, 0, len(names))
	for n := range names {
		list = append(list, n)
	}
	sort.Strings(list)
	d.problem(path+"."+key, "unknown field; the fields here are %s", strings.Join(list, ", "))
}

// Decode turns a decoded YAML or JSON document (maps, lists, scalars) into
// a tenant configuration. It reports every problem, each with its path.
func Decode(v any, src Source) (*provision.Config, error) {
	d := &decoder{src: src}
	cfg := d.tenant(v)
	if len(d.problems) > 0 {
		return nil, d.problems
	}
	return cfg, nil
}

func asObject(v any) (map[string]any, bool) {
	switch x := v.(type) {
	case map[string]any:
		return x, true
	case map[any]any: // YAML v2 style
		out := make(map[string]any, len(x))
		for k, val := range x {
			out[fmt.Sprint(k)] = val
		}
		return out, true
	}
	return nil, false
}

// sortedKeys iterates an object in a stable order, so problems are too.
func sortedKeys(obj map[string]any) []string {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (d *decoder) tenant(v any) *provision.Config {
	obj, ok := asObject(v)
	if !ok {
		d.problem("", "must be an object with the tenant's database and operations")
		return nil
	}
	cfg := &provision.Config{Operations: map[provision.OpName]*provision.Operation{}}
	flatDB := map[string]any{}
	for _, k := range sortedKeys(obj) {
		val := obj[k]
		nk := norm(k)
		if name, isOp := opNames[nk]; isOp {
			d.operation(cfg, name, "."+k, val)
			continue
		}
		field, known := topFields[nk]
		if field == "database" {
			if _, isObj := asObject(val); !isObj {
				// "database": "oktademo" (or "db": ...) is the database name.
				flatDB["database"] = val
				if str, ok := val.(string); ok && strings.HasPrefix(strings.ToLower(strings.TrimSpace(str)), "jdbc:") {
					delete(flatDB, "database")
					flatDB["jdbc_url"] = val
				}
				continue
			}
		}
		if !known {
			if _, isDB := databaseFields[nk]; isDB {
				flatDB[k] = val
				continue
			}
			d.unknown("", k, topFields)
			continue
		}
		switch field {
		case "name":
			cfg.Name = d.str("."+k, val)
		case "database":
			d.database(cfg, "."+k, val)
		case "operations":
			d.operations(cfg, "."+k, val)
		case "mapping":
			m, ok := asObject(val)
			if !ok {
				d.problem("."+k, "must map column names to SCIM attributes, e.g. {USERNAME: userName}")
				continue
			}
			cfg.Mapping = map[string]string{}
			for _, col := range sortedKeys(m) {
				cfg.Mapping[col] = d.str("."+k+"."+col, m[col])
			}
		case "extension_urn":
			cfg.ExtensionURN = d.str("."+k, val)
		case "password_sync":
			d.passwordSync(cfg, "."+k, val)
		case "created_column":
			cfg.CreatedColumn = d.str("."+k, val)
		case "secret_columns":
			cfg.SecretColumns = d.str("."+k, val)
		case "ignore_attributes":
			cfg.IgnoreAttributes = d.strings("."+k, val)
		case "last_modified_column":
			cfg.LastModifiedColumn = d.str("."+k, val)
		}
	}
	if len(flatDB) > 0 {
		d.database(cfg, "", flatDB)
	}
	return cfg
}

func (d *decoder) passwordSync(cfg *provision.Config, path string, v any) {
	obj, ok := asObject(v)
	if !ok {
		d.problem(path, "must be an object, e.g. {column: PASSWORD_HASH, hash: bcrypt}")
		return
	}
	p := &cfg.PasswordSync
	for _, k := range sortedKeys(obj) {
		val := obj[k]
		field, known := passwordSyncFields[norm(k)]
		if !known {
			d.unknown(path, k, passwordSyncFields)
			continue
		}
		switch field {
		case "column":
			p.Column = d.str(path+"."+k, val)
		case "hash":
			p.Hash = strings.ToLower(strings.TrimSpace(d.str(path+"."+k, val)))
		case "bcrypt_cost":
			p.BcryptCost = d.integer(path+"."+k, val)
		case "allow_plain":
			p.AllowPlain = d.boolean(path+"."+k, val)
		}
	}
}

func (d *decoder) str(path string, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool, int, int64, float64, json.Number, uint64:
		return fmt.Sprint(x)
	}
	d.problem(path, "must be a text value, not %s", kindOf(v))
	return ""
}

// strings reads a list of text values, or one text of comma-separated ones.
func (d *decoder) strings(path string, v any) []string {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		var out []string
		for _, s := range strings.Split(x, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	case []any:
		out := make([]string, 0, len(x))
		for i, e := range x {
			out = append(out, d.str(fmt.Sprintf("%s[%d]", path, i), e))
		}
		return out
	}
	d.problem(path, "must be a list of attribute names, e.g. [externalId, name.formatted], not %s", kindOf(v))
	return nil
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any, map[any]any:
		return "an object"
	case []any:
		return "a list"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number, float64, int, int64, uint64:
		return "a number"
	}
	return fmt.Sprintf("%T", v)
}

func (d *decoder) boolean(path string, v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "true", "t", "1", "yes", "y", "on":
			return true
		case "false", "f", "0", "no", "n", "off":
			return false
		}
	}
	d.problem(path, "must be true or false")
	return false
}

func (d *decoder) integer(path string, v any) int {
	s := strings.TrimSpace(d.str(path, v))
	n, err := strconv.Atoi(s)
	if err != nil {
		if f, ferr := strconv.ParseFloat(s, 64); ferr == nil && f == float64(int(f)) {
			return int(f)
		}
		d.problem(path, "%q is not a whole number", s)
	}
	return n
}

// port reads a port number, 0 when the value is empty or null (the
// dialect's default port). An explicit 0 is refused like any other number
// outside 1-65535 rather than quietly read as "default".
func (d *decoder) port(path string, v any) int {
	if s := strings.TrimSpace(d.str(path, v)); s == "" {
		return 0
	}
	before := len(d.problems)
	n := d.integer(path, v)
	switch {
	case len(d.problems) > before:
	case n == 0:
		d.problem(path, "0 is not a port number (1-65535); leave the port out to use the database's default port")
	case n < 1 || n > 65535:
		d.problem(path, "%d is not a port number (1-65535)", n)
	}
	return n
}

func (d *decoder) database(cfg *provision.Config, path string, v any) {
	obj, ok := asObject(v)
	if !ok {
		d.problem(path, "must be an object with type, host, port, database, user and password, or a jdbc_url")
		return
	}
	c := &cfg.Database
	var passwordEnv, passwordFile string
	for _, k := range sortedKeys(obj) {
		val := obj[k]
		p := path + "." + k
		field, known := databaseFields[norm(k)]
		if !known {
			d.unknown(path, k, databaseFields)
			continue
		}
		switch field {
		case "type":
			c.Type = d.str(p, val)
		case "host":
			c.Host = d.str(p, val)
		case "port":
			c.Port = d.port(p, val)
		case "database":
			c.Database = d.str(p, val)
		case "sid":
			c.SID = d.str(p, val)
		case "instance":
			c.Instance = d.str(p, val)
		case "user":
			c.User = d.str(p, val)
		case "password":
			c.Password = secret.String(d.str(p, val))
		case "password_env":
			passwordEnv = d.str(p, val)
		case "password_file":
			passwordFile = d.str(p, val)
		case "properties":
			c.Properties = d.properties(p, val)
		case "jdbc_url":
			cfg.JDBCURL = d.str(p, val)
		}
	}
	switch {
	case passwordEnv != "" || passwordFile != "":
		if !d.src.Trusted {
			d.problem(path, "password_env and password_file are only allowed in the local configuration file")
			return
		}
		if !c.Password.IsZero() || (passwordEnv != "" && passwordFile != "") {
			d.problem(path, "set only one of password, password_env and password_file")
			return
		}
		if passwordEnv != "" {
			pw, ok := os.LookupEnv(passwordEnv)
			if !ok {
				d.problem(path+".password_env", "environment variable %s is not set", passwordEnv)
			}
			c.Password = secret.String(pw)
		} else {
			data, err := os.ReadFile(passwordFile)
			if err == nil {
				err = secret.CheckFileMode(passwordFile, "password file")
			}
			if err != nil {
				d.problem(path+".password_file", "%v", err)
				return
			}
			c.Password = secret.String(strings.TrimRight(string(data), "\r\n"))
		}
	}
}

// properties reads extra key/value pairs: an object, a list of
// {key, value} pairs as Okta's form has them, or "k=v;k2=v2".
func (d *decoder) properties(path string, v any) map[string]string {
	out := map[string]string{}
	switch x := v.(type) {
	case nil:
	case string:
		for i, part := range strings.FieldsFunc(x, func(r rune) bool { return r == ';' || r == '&' || r == '\n' }) {
			k, val, ok := strings.Cut(part, "=")
			if !ok || strings.TrimSpace(k) == "" {
				// The part is not repeated: "password:S3cret" is a
				// password written with the wrong separator.
				d.problem(path, "part %d is not key=value (it is not shown, as it may hold a password); separate the pairs with ';' and write each as key=value", i+1)
				continue
			}
			out[strings.TrimSpace(k)] = strings.TrimSpace(val)
		}
	case []any:
		for i, e := range x {
			obj, ok := asObject(e)
			if !ok {
				d.problem(fmt.Sprintf("%s[%d]", path, i), "must be {key, value}")
				continue
			}
			var key, value string
			for _, k := range sortedKeys(obj) {
				switch norm(k) {
				case "key", "name", "property", "propertyname", "propertykey":
					key = d.str(fmt.Sprintf("%s[%d].%s", path, i, k), obj[k])
				case "value", "propertyvalue":
					value = d.str(fmt.Sprintf("%s[%d].%s", path, i, k), obj[k])
				default:
					if !d.src.IgnoreUnknown {
						d.problem(fmt.Sprintf("%s[%d].%s", path, i, k), "unknown field; a property has key and value")
					}
				}
			}
			if key == "" {
				d.problem(fmt.Sprintf("%s[%d]", path, i), "missing key")
				continue
			}
			out[key] = value
		}
	default:
		obj, ok := asObject(v)
		if !ok {
			d.problem(path, "must be an object of key/value pairs")
			return nil
		}
		for _, k := range sortedKeys(obj) {
			out[k] = d.str(path+"."+k, obj[k])
		}
	}
	return out
}

func (d *decoder) operations(cfg *provision.Config, path string, v any) {
	if list, ok := v.([]any); ok {
		for i, e := range list {
			p := fmt.Sprintf("%s[%d]", path, i)
			obj, ok := asObject(e)
			if !ok {
				d.problem(p, "must be an object naming the operation")
				continue
			}
			var name provision.OpName
			found := false
			for _, k := range sortedKeys(obj) {
				if operationFields[norm(k)] == "name" {
					n, known := opNames[norm(d.str(p+"."+k, obj[k]))]
					if !known {
						d.problem(p+"."+k, "%q is not an operation; the operations are %s", obj[k], opList())
					}
					name, found = n, known
				}
			}
			if !found {
				if !d.hasProblemAt(p) {
					d.problem(p, "missing the operation's name (e.g. \"name\": \"get_users\")")
				}
				continue
			}
			d.operation(cfg, name, p, obj)
		}
		return
	}
	obj, ok := asObject(v)
	if !ok {
		d.problem(path, "must be an object keyed by operation name (get_users, create_user, ...)")
		return
	}
	for _, k := range sortedKeys(obj) {
		name, known := opNames[norm(k)]
		if !known {
			if !d.src.IgnoreUnknown {
				d.problem(path+"."+k, "unknown operation; the operations are %s", opList())
			}
			continue
		}
		d.operation(cfg, name, path+"."+k, obj[k])
	}
}

func (d *decoder) hasProblemAt(prefix string) bool {
	for _, p := range d.problems {
		if strings.HasPrefix(p.Path, d.src.Path+prefix) {
			return true
		}
	}
	return false
}

func opList() string {
	names := make([]string, len(provision.AllOps))
	for i, o := range provision.AllOps {
		names[i] = string(o)
	}
	return strings.Join(names, ", ")
}

func (d *decoder) operation(cfg *provision.Config, name provision.OpName, path string, v any) {
	obj, ok := asObject(v)
	if !ok {
		d.problem(path, "must be an object with type, statement and parameters")
		return
	}
	if _, dup := cfg.Operations[name]; dup {
		d.problem(path, "%s is configured twice", name)
		return
	}
	op := &provision.Operation{Enabled: true}
	typeGiven := false
	for _, k := range sortedKeys(obj) {
		val := obj[k]
		p := path + "." + k
		field, known := operationFields[norm(k)]
		if !known {
			d.unknown(path, k, operationFields)
			continue
		}
		switch field {
		case "name":
		case "enabled":
			op.Enabled = d.boolean(p, val)
		case "type":
			typeGiven = true
			s := d.str(p, val)
			t, ok := opTypes[norm(s)]
			if !ok {
				d.problem(p, "%q is not an operation type; use sql (\"SQL Statement\") or stored_procedure (\"Execute Stored Procedure\")", s)
			}
			op.Type = t
		case "statement":
			op.Statement = d.str(p, val)
		case "parameters":
			op.Parameters = d.parameters(p, val)
		case "user_id_column":
			op.UserIDColumn = d.str(p, val)
		case "entitlement_id_column":
			op.EntitlementIDColumn = d.str(p, val)
		case "entitlement_display_column":
			op.EntitlementDisplayColumn = d.str(p, val)
		case "id_column":
			if name == provision.GetAllEntitlements {
				op.EntitlementIDColumn = d.str(p, val)
			} else {
				op.UserIDColumn = d.str(p, val)
			}
		}
	}
	if !typeGiven && op.Enabled {
		d.problem(path+".type", "missing: set sql (\"SQL Statement\") or stored_procedure (\"Execute Stored Procedure\")")
	}
	cfg.Operations[name] = op
}

func (d *decoder) parameters(path string, v any) []provision.Param {
	type indexed struct {
		p   provision.Param
		idx int
	}
	var list []indexed
	add := func(p string, e any, defaultIdx int) {
		param, idx := d.parameter(p, e)
		if idx == 0 {
			idx = defaultIdx
		}
		list = append(list, indexed{param, idx})
	}
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		for i, e := range x {
			add(fmt.Sprintf("%s[%d]", path, i), e, i+1)
		}
	case string:
		if strings.TrimSpace(x) == "" {
			return nil
		}
		for i, f := range strings.Split(x, ",") {
			add(fmt.Sprintf("%s[%d]", path, i), strings.TrimSpace(f), i+1)
		}
	default:
		obj, ok := asObject(v)
		if !ok {
			d.problem(path, "must be a list of parameters")
			return nil
		}
		for _, k := range sortedKeys(obj) {
			idx, err := strconv.Atoi(strings.TrimSpace(k))
			if err != nil || idx < 1 {
				d.problem(path+"."+k, "parameters keyed by position must use 1, 2, 3 ...")
				continue
			}
			add(path+"."+k, obj[k], idx)
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].idx < list[j].idx })
	out := make([]provision.Param, len(list))
	for i, e := range list {
		if e.idx != i+1 {
			d.problem(path, "parameter positions must run 1, 2, 3 ... without gaps or repeats; position %d is missing or repeated", i+1)
			return nil
		}
		out[i] = e.p
	}
	return out
}

// parameter reads one parameter: a bare column name, or an object.
func (d *decoder) parameter(path string, v any) (provision.Param, int) {
	if s, ok := v.(string); ok {
		if t, isType := paramTypes[norm(s)]; isType && t == provision.Cursor {
			return provision.Param{Type: provision.Cursor}, 0
		}
		if s == "" {
			d.problem(path, "empty parameter; name a column such as USER_ID")
		}
		return provision.Param{Type: provision.DatabaseField, Field: s}, 0
	}
	obj, ok := asObject(v)
	if !ok {
		d.problem(path, "must be a column name or {type, field}")
		return provision.Param{}, 0
	}
	var p provision.Param
	idx := 0
	typeGiven := false
	for _, k := range sortedKeys(obj) {
		val := obj[k]
		field, known := paramFields[norm(k)]
		if !known {
			d.unknown(path, k, paramFields)
			continue
		}
		switch field {
		case "type":
			typeGiven = true
			s := d.str(path+"."+k, val)
			t, ok := paramTypes[norm(s)]
			if !ok {
				d.problem(path+"."+k, "%q is not a parameter type; use DATABASE_FIELD, CURSOR or CONSTANT", s)
			}
			p.Type = t
		case "field":
			p.Field = d.str(path+"."+k, val)
		case "value":
			p.Value = d.str(path+"."+k, val)
		case "index":
			idx = d.integer(path+"."+k, val)
		}
	}
	if p.Type == "" && !typeGiven {
		switch {
		case p.Field != "":
			p.Type = provision.DatabaseField
		case p.Value != "":
			p.Type = provision.Constant
		default:
			d.problem(path, "missing type; use DATABASE_FIELD with a field, CURSOR, or CONSTANT with a value")
		}
	}
	return p, idx
}
