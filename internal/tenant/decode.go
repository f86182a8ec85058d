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
	"sort"
	"strconv"
	"strings"

	"github.com/sqlscim/sqlscim/internal/provision"
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
