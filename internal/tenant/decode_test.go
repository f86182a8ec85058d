package tenant

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/sqlscim/sqlscim/internal/db"
	_ "github.com/sqlscim/sqlscim/internal/db/all"
	"github.com/sqlscim/sqlscim/internal/provision"
	"github.com/sqlscim/sqlscim/internal/scim"
	"github.com/sqlscim/sqlscim/internal/secret"
)

// jsonDoc decodes JSON the way the header is decoded (numbers as json.Number).
func jsonDoc(t *testing.T, s string) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("test JSON %s: %v", s, err)
	}
	return v
}

// decodeOK decodes a JSON document from the header (untrusted).
func decodeOK(t *testing.T, s string) *provision.Config {
	t.Helper()
	cfg, err := Decode(jsonDoc(t, s), Source{Path: HeaderName})
	if err != nil {
		t.Fatalf("Decode(%s): %v", s, err)
	}
	return cfg
}

// problemsOf returns the problems of a Decode error as "path: message".
func problemsOf(t *testing.T, err error) []string {
	t.Helper()
	var ps provision.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error %v is not a provision.Problems", err)
	}
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

func testB64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestDecodeBase64(t *testing.T) {
	data := []byte{0xfb, 0xff, 0xfe, '{', '}'}
	std := base64.StdEncoding.EncodeToString(data)
	if !strings.ContainsAny(std, "+/") || !strings.HasSuffix(std, "=") {
		t.Fatalf("test data must use + or / and padding: %s", std)
	}
	url := base64.URLEncoding.EncodeToString(data)
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"standard, padded", std, true},
		{"standard, unpadded", strings.TrimRight(std, "="), true},
		{"URL-safe, padded", url, true},
		{"URL-safe, unpadded", strings.TrimRight(url, "="), true},
		{"line breaks", std[:4] + "\r\n" + std[4:], true},
		{"spaces and tabs", " " + std[:2] + "\t" + std[2:] + " \n", true},
		{"mixed alphabets", "+-" + std[2:], false},
		{"not base64", "{\"a\":1}", false},
		{"one character", "Q", false},
		{"padding in the middle", std[:4] + "=" + std[4:], false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeBase64(tc.in)
			if !tc.ok {
				if err == nil || err.Error() != "not valid base64" {
					t.Fatalf("got (%x, %v), want the error not valid base64", got, err)
				}
				return
			}
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("got (%x, %v), want %x", got, err, data)
			}
		})
	}
	if got, err := decodeBase64(""); err != nil || len(got) != 0 {
		t.Errorf("empty: (%x, %v)", got, err)
	}
}

func TestParseHeader(t *testing.T) {
	tests := []struct {
		name  string
		value string
		want  map[string]any
		err   string
	}{
		{name: "object", value: testB64(`{"name": "x", "port": 3306}`), want: map[string]any{"name": "x", "port": json.Number("3306")}},
		{name: "URL-safe, unpadded, trailing newline", value: strings.TrimRight(base64.URLEncoding.EncodeToString([]byte(`{"a":"??>"}`+"\n")), "="), want: map[string]any{"a": "??>"}},
		{name: "not base64", value: "{plain json}", err: HeaderName + " is not valid base64; it must be the base64 encoding of a JSON document"},
		{name: "not JSON", value: testB64("{"), err: HeaderName + " does not hold valid JSON: unexpected EOF"},
		{name: "not JSON either", value: testB64("database=x"), err: HeaderName + " does not hold valid JSON: invalid character 'd' looking for beginning of value"},
		{name: "array", value: testB64(`[{"name": "x"}]`), err: HeaderName + " must hold a JSON object, not a list"},
		{name: "two documents", value: testB64(`{} {}`), err: HeaderName + " holds more than one JSON document"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseHeader(tc.value)
			if tc.err != "" {
				var se *scim.Error
				if !errors.As(err, &se) || se.Status != 400 || se.Type != scim.InvalidSyntax || se.Detail != tc.err {
					t.Fatalf("got (%v, %v), want 400 invalidSyntax %q", got, err, tc.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got (%v, %v), want %v", got, err, tc.want)
			}
		})
	}
}

// The decoder has no size limit of its own: the server bounds the header
// block (server.max_header_bytes, 64KB by default), so a header that
// reaches the decoder is decoded whatever its size.
func TestParseHeaderLarge(t *testing.T) {
	stmt := "SELECT " + strings.Repeat("A, ", 40000) + "USER_ID FROM USERS"
	doc, _ := json.Marshal(map[string]any{"get_users": map[string]any{"type": "sql", "statement": stmt}})
	value := testB64(string(doc))
	if len(value) < 128<<10 {
		t.Fatalf("header is only %d bytes", len(value))
	}
	cfg, _, err := decodeHeader("big", value, false)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Operations[provision.GetUsers].Statement != stmt {
		t.Error("statement mangled")
	}
}

func TestDecodeHeader(t *testing.T) {
	cfg, doc, err := decodeHeader("jdbc_on_prem", testB64(`{"name": "other", "jdbcUrl": "jdbc:mysql://db:3306/oktademo"}`), false)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Name != "jdbc_on_prem" {
		t.Errorf("the tenant's name is the {app} of the URL, got %q", cfg.Name)
	}
	if doc["name"] != "other" || cfg.JDBCURL != "jdbc:mysql://db:3306/oktademo" {
		t.Errorf("doc %v, cfg %+v", doc, cfg)
	}

	_, doc, err = decodeHeader("app", testB64(`{"colour": "blue", "database": {"pasword": "x"}}`), false)
	var se *scim.Error
	want := HeaderName + ".colour: unknown field; the fields here are created_column, database, extension_urn, ignore_attributes, last_modified_column, mapping, name, operations, password_sync, secret_columns; " +
		HeaderName + ".database.pasword: unknown field; the fields here are database, host, instance, jdbc_url, password, password_env, password_file, port, properties, sid, type, user"
	if !errors.As(err, &se) || se.Status != 400 || se.Type != scim.InvalidValue || se.Detail != want {
		t.Fatalf("got %v, want 400 invalidValue %q", err, want)
	}
	if doc == nil {
		t.Error("the document of a configuration that does not decode is returned for capture")
	}

	if _, _, err := decodeHeader("app", testB64(`{"colour": "blue", "database": {"pasword": "x"}}`), true); err != nil {
		t.Errorf("ignoring unknown fields: %v", err)
	}
	if _, doc, err := decodeHeader("app", "%%%", false); err == nil || doc != nil {
		t.Errorf("bad base64: doc %v, err %v", doc, err)
	}
}

func TestDecodeDatabaseAliases(t *testing.T) {
	tests := []struct {
		name string
		json string // the database object
		want db.Conn
		url  string
	}{
		{name: "canonical", json: `{"type": "mysql", "host": "h", "port": 3306, "database": "d", "user": "u", "password": "p"}`,
			want: db.Conn{Type: "mysql", Host: "h", Port: 3306, Database: "d", User: "u", Password: "p"}},
		{name: "camel case", json: `{"dbType": "MySQL", "hostname": "h", "portNumber": "3307", "databaseName": "d", "username": "u", "pwd": "p"}`,
			want: db.Conn{Type: "MySQL", Host: "h", Port: 3307, Database: "d", User: "u", Password: "p"}},
		{name: "okta form labels", json: `{"Type of Database": "PostgreSQL", "IP or Domain Name": "10.0.0.5", "Port": 5432, "Database Name": "d", "User Name": "u", "Password": "p"}`,
			want: db.Conn{Type: "PostgreSQL", Host: "10.0.0.5", Port: 5432, Database: "d", User: "u", Password: "p"}},
		{name: "snake and kebab case", json: `{"database_type": "oracle", "ip-or-domain-name": "h", "db_name": "XEPDB1", "db-user": "u", "db_password": "p", "oracle_sid": "XE"}`,
			want: db.Conn{Type: "oracle", Host: "h", Database: "XEPDB1", User: "u", Password: "p", SID: "XE"}},
		{name: "more aliases", json: `{"vendor": "sqlserver", "server": "h", "dbname": "d", "login": "u", "passwd": "p", "sqlServerInstance": "SQLEXPRESS"}`,
			want: db.Conn{Type: "sqlserver", Host: "h", Database: "d", User: "u", Password: "p", Instance: "SQLEXPRESS"}},
		{name: "jdbcUrl", json: `{"jdbcUrl": "jdbc:mysql://h/d"}`, url: "jdbc:mysql://h/d"},
		{name: "url", json: `{"url": "jdbc:mysql://h/d"}`, url: "jdbc:mysql://h/d"},
		{name: "jdbc_url", json: `{"jdbc_url": "jdbc:mysql://h/d"}`, url: "jdbc:mysql://h/d"},
		{name: "JDBC-URL", json: `{"JDBC-URL": "jdbc:mysql://h/d"}`, url: "jdbc:mysql://h/d"},
		{name: "connectionString", json: `{"connectionString": "jdbc:mysql://h/d"}`, url: "jdbc:mysql://h/d"},
		{name: "properties as an object", json: `{"properties": {"useSSL": "false", "connectTimeout": 5000, "x": true}}`,
			want: db.Conn{Properties: map[string]string{"useSSL": "false", "connectTimeout": "5000", "x": "true"}}},
		{name: "properties as key/value pairs", json: `{"databaseProperties": [{"key": "useSSL", "value": "false"}, {"name": "serverTimezone", "value": "UTC"}, {"propertyName": "n", "propertyValue": 1}, {"property": "empty"}]}`,
			want: db.Conn{Properties: map[string]string{"useSSL": "false", "serverTimezone": "UTC", "n": "1", "empty": ""}}},
		{name: "properties as text", json: `{"props": "useSSL=false; serverTimezone = UTC ;a=b&c=d=e\nf="}`,
			want: db.Conn{Properties: map[string]string{"useSSL": "false", "serverTimezone": "UTC", "a": "b", "c": "d=e", "f": ""}}},
		{name: "empty properties", json: `{"properties": null}`, want: db.Conn{Properties: map[string]string{}}},
		{name: "null port means default", json: `{"port": null}`, want: db.Conn{}},
		{name: "instance_name is the SQL Server instance", json: `{"type": "sqlserver", "host": "h", "instance_name": "SQLEXPRESS"}`,
			want: db.Conn{Type: "sqlserver", Host: "h", Instance: "SQLEXPRESS"}},
		{name: "instanceName is the SQL Server instance", json: `{"instanceName": "SQLEXPRESS"}`, want: db.Conn{Instance: "SQLEXPRESS"}},
		{name: "port as a float", json: `{"port": 1521.0}`, want: db.Conn{Port: 1521}},
		{name: "empty port", json: `{"port": ""}`, want: db.Conn{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, doc := range []string{
				`{"database": ` + tc.json + `}`,                                              // nested
				strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(tc.json), "{"), "}"), // flat at the top
			} {
				if !strings.HasPrefix(doc, "{") {
					doc = "{" + doc + "}"
				}
				cfg := decodeOK(t, doc)
				if !reflect.DeepEqual(cfg.Database, tc.want) || cfg.JDBCURL != tc.url {
					t.Fatalf("%s:\n got %#v url %q\nwant %#v url %q", doc, cfg.Database, cfg.JDBCURL, tc.want, tc.url)
				}
			}
		})
	}
}

// "database": "oktademo" is the database's name, next to flat fields.
func TestDecodeDatabaseAsName(t *testing.T) {
	cfg := decodeOK(t, `{"type": "mysql", "host": "h", "database": "oktademo", "user": "u"}`)
	if want := (db.Conn{Type: "mysql", Host: "h", Database: "oktademo", User: "u"}); !reflect.DeepEqual(cfg.Database, want) {
		t.Fatalf("got %#v", cfg.Database)
	}
}

// "db" is an alias of "database" at the top; as a text it is the
// database's name just like "database": "oktademo".
func TestDecodeDatabaseAliasAsName(t *testing.T) {
	cfg, err := Decode(jsonDoc(t, `{"type": "mysql", "host": "h", "db": "oktademo"}`), Source{Path: HeaderName})
	if err != nil {
		t.Fatalf("\"db\": \"oktademo\" is refused although \"db\" is an alias of database: %v", err)
	}
	if cfg.Database.Database != "oktademo" {
		t.Fatalf("database = %q", cfg.Database.Database)
	}
}

// instance_name is the SQL Server instance, in every spelling, at the top
// of a flat header as inside the database object; it never names the
// tenant, which would lose the instance.
func TestDecodeInstanceNameIsTheSQLServerInstance(t *testing.T) {
	for _, key := range spellings("instance_name") {
		for _, doc := range []map[string]any{
			{"name": "acme", "type": "sqlserver", "host": "h", key: "SQLEXPRESS"},
			{"name": "acme", "database": map[string]any{"type": "sqlserver", "host": "h", key: "SQLEXPRESS"}},
		} {
			b, _ := json.Marshal(doc)
			cfg := decodeOK(t, string(b))
			if cfg.Name != "acme" || cfg.Database.Instance != "SQLEXPRESS" || cfg.Database.Host != "h" {
				t.Errorf("%s: name %q, instance %q, host %q", b, cfg.Name, cfg.Database.Instance, cfg.Database.Host)
			}
		}
	}
}

func TestDecodeOperationNames(t *testing.T) {
	tests := map[string]provision.OpName{
		"get_users": provision.GetUsers, "getUsers": provision.GetUsers, "GET_USERS": provision.GetUsers,
		"Get Users": provision.GetUsers, "get-users": provision.GetUsers, "getAllUsers": provision.GetUsers,
		"getUserById": provision.GetUserByID, "Get User By ID": provision.GetUserByID, "GET_USER_BY_ID": provision.GetUserByID,
		"getAllEntitlements": provision.GetAllEntitlements, "getEntitlements": provision.GetAllEntitlements,
		"getUserEntitlements": provision.GetUserEntitlements, "getUserEntitlement": provision.GetUserEntitlements,
		"GET_USER_ENTITLEMENT": provision.GetUserEntitlements,
		"createUser":           provision.CreateUser, "Create User": provision.CreateUser,
		"updateUser": provision.UpdateUser, "activateUser": provision.ActivateUser, "deactivateUser": provision.DeactivateUser,
		"addEntitlementToUser": provision.AddEntitlementToUser, "addEntitlement": provision.AddEntitlementToUser,
		"Add Entitlement to User":   provision.AddEntitlementToUser,
		"removeEntitlementFromUser": provision.RemoveEntitlementFromUser, "removeEntitlement": provision.RemoveEntitlementFromUser,
	}
	for alias, want := range tests {
		t.Run(alias, func(t *testing.T) {
			op, _ := json.Marshal(map[string]any{"type": "sql", "statement": "SELECT 1"})
			key, _ := json.Marshal(alias)
			for _, doc := range []string{
				`{"operations": {` + string(key) + `: ` + string(op) + `}}`,
				`{` + string(key) + `: ` + string(op) + `}`,
				`{"operations": [{"name": ` + string(key) + `, "type": "sql", "statement": "SELECT 1"}]}`,
			} {
				cfg := decodeOK(t, doc)
				if len(cfg.Operations) != 1 || cfg.Operations[want] == nil || cfg.Operations[want].Statement != "SELECT 1" {
					t.Fatalf("%s: operations %v, want %s", doc, cfg.Operations, want)
				}
			}
		})
	}
}

func TestDecodeOperationTypes(t *testing.T) {
	tests := map[string]provision.OpType{
		"sql": provision.SQLStatement, "SQL": provision.SQLStatement, "SQL Statement": provision.SQLStatement,
		"sql_statement": provision.SQLStatement, "statement": provision.SQLStatement, "query": provision.SQLStatement,
		"SQL Query":        provision.SQLStatement,
		"stored_procedure": provision.StoredProcedure, "Stored Procedure": provision.StoredProcedure,
		"Execute Stored Procedure": provision.StoredProcedure, "EXECUTE_STORED_PROCEDURE": provision.StoredProcedure,
		"sp": provision.StoredProcedure, "SP": provision.StoredProcedure, "proc": provision.StoredProcedure,
		"procedure": provision.StoredProcedure, "storedProc": provision.StoredProcedure, "call": provision.StoredProcedure,
		"Call Procedure": provision.StoredProcedure,
	}
	for alias, want := range tests {
		op, _ := json.Marshal(map[string]any{"get_users": map[string]any{"operationType": alias, "statement": "x"}})
		cfg := decodeOK(t, string(op))
		if got := cfg.Operations[provision.GetUsers].Type; got != want {
			t.Errorf("%q: %q, want %q", alias, got, want)
		}
	}
}

func TestDecodeOperationFields(t *testing.T) {
	cfg := decodeOK(t, `{"operations": {
		"getUsers": {"Operation Type": "SQL Statement", "sql": "SELECT * FROM USERS", "userIdColumn": "USER_ID"},
		"getUserById": {"mode": "sp", "procedure": "GET_USER_BY_ID", "params": ["USER_ID"], "active": "true"},
		"getAllEntitlements": {"type": "sql", "query": "SELECT * FROM E", "idColumn": "ENT_ID", "displayColumn": "ENT_NAME"},
		"getUserEntitlements": {"type": "sql", "sqlStatement": "SELECT * FROM UE WHERE U = ?", "parameterMapping": "USER_ID"},
		"createUser": {"type": "sql", "command": "INSERT", "enabled": false},
		"updateUser": {"enabled": "false"},
		"activateUser": {"kind": "stored_procedure", "call": "ACTIVATE(?)", "mapParametersToFields": [{"column": "USER_ID"}], "idColumn": "ID"}
	}}`)
	want := map[provision.OpName]*provision.Operation{
		provision.GetUsers:            {Enabled: true, Type: provision.SQLStatement, Statement: "SELECT * FROM USERS", UserIDColumn: "USER_ID"},
		provision.GetUserByID:         {Enabled: true, Type: provision.StoredProcedure, Statement: "GET_USER_BY_ID", Parameters: []provision.Param{{Type: provision.DatabaseField, Field: "USER_ID"}}},
		provision.GetAllEntitlements:  {Enabled: true, Type: provision.SQLStatement, Statement: "SELECT * FROM E", EntitlementIDColumn: "ENT_ID", EntitlementDisplayColumn: "ENT_NAME"},
		provision.GetUserEntitlements: {Enabled: true, Type: provision.SQLStatement, Statement: "SELECT * FROM UE WHERE U = ?", Parameters: []provision.Param{{Type: provision.DatabaseField, Field: "USER_ID"}}},
		provision.CreateUser:          {Enabled: false, Type: provision.SQLStatement, Statement: "INSERT"},
		provision.UpdateUser:          {Enabled: false},
		provision.ActivateUser:        {Enabled: true, Type: provision.StoredProcedure, Statement: "ACTIVATE(?)", Parameters: []provision.Param{{Type: provision.DatabaseField, Field: "USER_ID"}}, UserIDColumn: "ID"},
	}
	if !reflect.DeepEqual(cfg.Operations, want) {
		for name, op := range cfg.Operations {
			if !reflect.DeepEqual(op, want[name]) {
				t.Errorf("%s:\n got %+v\nwant %+v", name, op, want[name])
			}
		}
		t.FailNow()
	}
}

func TestDecodeOperationsAsList(t *testing.T) {
	cfg := decodeOK(t, `{"operations": [
		{"name": "getUsers", "type": "SQL Statement", "statement": "SELECT * FROM USERS", "user_id_column": "USER_ID"},
		{"operation": "Get User By ID", "type": "sql", "statement": "SELECT * FROM USERS WHERE USER_ID = ?", "parameters": ["USER_ID"]},
		{"OPERATION_NAME": "deactivate_user", "type": "sp", "statement": "CALL DEACTIVATE_USER(?)", "parameters": ["USER_ID"]}
	]}`)
	var names []string
	for n := range cfg.Operations {
		names = append(names, string(n))
	}
	sort.Strings(names)
	if strings.Join(names, ",") != "deactivate_user,get_user_by_id,get_users" {
		t.Fatalf("operations %v", names)
	}
	if op := cfg.Operations[provision.DeactivateUser]; op.Type != provision.StoredProcedure || op.Statement != "CALL DEACTIVATE_USER(?)" {
		t.Errorf("deactivate_user %+v", op)
	}
}

func TestDecodeParameters(t *testing.T) {
	field := func(f string) provision.Param { return provision.Param{Type: provision.DatabaseField, Field: f} }
	constant := func(v string) provision.Param { return provision.Param{Type: provision.Constant, Value: v} }
	cursor := provision.Param{Type: provision.Cursor}
	tests := []struct {
		name string
		json string
		want []provision.Param
	}{
		{"list of names", `["USER_ID", "ENT_ID"]`, []provision.Param{field("USER_ID"), field("ENT_ID")}},
		{"names and cursors", `["USER_ID", "CURSOR", "ref_cursor", "SYS_REFCURSOR"]`, []provision.Param{field("USER_ID"), cursor, cursor, cursor}},
		{"text", `"USER_ID, ENT_ID"`, []provision.Param{field("USER_ID"), field("ENT_ID")}},
		{"objects", `[{"type": "DATABASE_FIELD", "field": "USER_ID"}, {"type": "CONSTANT", "value": "Y"}, {"type": "CURSOR"}]`,
			[]provision.Param{field("USER_ID"), constant("Y"), cursor}},
		{"object aliases", `[{"Parameter Type": "Database Field", "Column Name": "USER_ID"}, {"kind": "literal", "constant": 1}, {"paramType": "refcursor"}, {"type": "field", "name": "X"}]`,
			[]provision.Param{field("USER_ID"), constant("1"), cursor, field("X")}},
		{"type implied", `[{"field": "USER_ID"}, {"value": "0"}]`, []provision.Param{field("USER_ID"), constant("0")}},
		{"keyed by position", `{"2": "ENT_ID", "1": "USER_ID"}`, []provision.Param{field("USER_ID"), field("ENT_ID")}},
		{"keyed by position past 9", `{"1": "A", "2": "B", "3": "C", "4": "D", "5": "E", "6": "F", "7": "G", "8": "H", "9": "I", "10": "J", "11": {"type": "CURSOR"}}`,
			[]provision.Param{field("A"), field("B"), field("C"), field("D"), field("E"), field("F"), field("G"), field("H"), field("I"), field("J"), cursor}},
		{"with index", `[{"field": "ENT_ID", "index": 2}, {"field": "USER_ID", "position": "1"}]`, []provision.Param{field("USER_ID"), field("ENT_ID")}},
		{"null", `null`, nil},
		{"empty list", `[]`, []provision.Param{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := decodeOK(t, `{"get_user_by_id": {"type": "sql", "statement": "x", "parameters": `+tc.json+`}}`)
			if got := cfg.Operations[provision.GetUserByID].Parameters; !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

// An empty text is no parameter at all, like null or [].
func TestDecodeParametersEmptyText(t *testing.T) {
	for _, v := range []string{`""`, `"  "`} {
		cfg, err := Decode(jsonDoc(t, `{"get_users": {"type": "sql", "statement": "SELECT 1", "parameters": `+v+`}}`), Source{Path: HeaderName})
		if err != nil {
			t.Fatalf("\"parameters\": %s is refused: %v", v, err)
		}
		if got := cfg.Operations[provision.GetUsers].Parameters; len(got) != 0 {
			t.Fatalf("parameters %s gave %#v", v, got)
		}
	}
}

func TestDecodeProblems(t *testing.T) {
	const (
		h        = HeaderName
		opFields = "enabled, entitlement_display_column, entitlement_id_column, id_column, name, parameters, statement, type, user_id_column"
		ops      = "get_users, get_user_by_id, get_all_entitlements, get_user_entitlements, create_user, update_user, activate_user, deactivate_user, add_entitlement_to_user, remove_entitlement_from_user, set_password, get_users_modified_since, delete_user, get_entitlements_of_users, get_user_by_username"
		dbFields = "database, host, instance, jdbc_url, password, password_env, password_file, port, properties, sid, type, user"
	)
	tests := []struct {
		name string
		json string
		want []string
	}{
		{"not an object", `["get_users"]`, []string{h + ": must be an object with the tenant's database and operations"}},
		{"unknown top-level field", `{"colour": "blue"}`, []string{h + ".colour: unknown field; the fields here are created_column, database, extension_urn, ignore_attributes, last_modified_column, mapping, name, operations, password_sync, secret_columns"}},
		{"unknown database field", `{"database": {"host": "h", "timeout": 5}}`, []string{h + ".database.timeout: unknown field; the fields here are " + dbFields}},
		{"unknown operation field", `{"operations": {"get_users": {"type": "sql", "where": "x"}}}`, []string{h + ".operations.get_users.where: unknown field; the fields here are " + opFields}},
		{"unknown parameter field", `{"get_user_by_id": {"type": "sql", "parameters": [{"field": "X", "nullable": true}]}}`,
			[]string{h + ".get_user_by_id.parameters[0].nullable: unknown field; the fields here are field, index, type, value"}},
		{"unknown operation", `{"operations": {"getGroups": {}}}`, []string{h + ".operations.getGroups: unknown operation; the operations are " + ops}},
		{"unknown operation in a list", `{"operations": [{"name": "getGroups"}]}`, []string{h + `.operations[0].name: "getGroups" is not an operation; the operations are ` + ops}},
		{"operation without a name", `{"operations": [{"type": "sql"}]}`, []string{h + `.operations[0]: missing the operation's name (e.g. "name": "get_users")`}},
		{"operation list entry not an object", `{"operations": ["get_users"]}`, []string{h + ".operations[0]: must be an object naming the operation"}},
		{"operations not an object", `{"operations": "all"}`, []string{h + ".operations: must be an object keyed by operation name (get_users, create_user, ...)"}},
		{"operation not an object", `{"operations": {"get_users": "SELECT 1"}}`, []string{h + ".operations.get_users: must be an object with type, statement and parameters"}},
		{"operation twice", `{"getUsers": {"type": "sql"}, "operations": {"get_users": {"type": "sql"}}}`, []string{h + ".operations.get_users: get_users is configured twice"}},
		{"missing type", `{"operations": {"get_users": {"statement": "SELECT 1"}}}`,
			[]string{h + `.operations.get_users.type: missing: set sql ("SQL Statement") or stored_procedure ("Execute Stored Procedure")`}},
		{"bad enabled", `{"operations": {"get_users": {"type": "sql", "enabled": "maybe"}}}`, []string{h + ".operations.get_users.enabled: must be true or false"}},
		{"statement not text", `{"operations": {"get_users": {"type": "sql", "statement": ["SELECT 1"]}}}`, []string{h + ".operations.get_users.statement: must be a text value, not a list"}},
		{"bad parameter type", `{"get_users": {"type": "sql", "parameters": [{"type": "COLUMN_NAME", "field": "X"}]}}`,
			[]string{h + `.get_users.parameters[0].type: "COLUMN_NAME" is not a parameter type; use DATABASE_FIELD, CURSOR or CONSTANT`}},
		{"parameter without type", `{"get_users": {"type": "sql", "parameters": [{}]}}`,
			[]string{h + ".get_users.parameters[0]: missing type; use DATABASE_FIELD with a field, CURSOR, or CONSTANT with a value"}},
		{"empty parameter", `{"get_users": {"type": "sql", "parameters": ["USER_ID", ""]}}`,
			[]string{h + ".get_users.parameters[1]: empty parameter; name a column such as USER_ID"}},
		{"parameter not a name", `{"get_users": {"type": "sql", "parameters": [5]}}`,
			[]string{h + ".get_users.parameters[0]: must be a column name or {type, field}"}},
		{"parameters not a list", `{"get_users": {"type": "sql", "parameters": 5}}`, []string{h + ".get_users.parameters: must be a list of parameters"}},
		{"parameter keyed by a name", `{"get_users": {"type": "sql", "parameters": {"first": "USER_ID"}}}`,
			[]string{h + ".get_users.parameters.first: parameters keyed by position must use 1, 2, 3 ..."}},
		{"parameter position missing", `{"get_users": {"type": "sql", "parameters": {"1": "A", "3": "C"}}}`,
			[]string{h + ".get_users.parameters: parameter positions must run 1, 2, 3 ... without gaps or repeats; position 2 is missing or repeated"}},
		{"parameter position repeated", `{"get_users": {"type": "sql", "parameters": [{"field": "A", "index": 1}, {"field": "B", "index": 1}]}}`,
			[]string{h + ".get_users.parameters: parameter positions must run 1, 2, 3 ... without gaps or repeats; position 2 is missing or repeated"}},
		{"bad index", `{"get_users": {"type": "sql", "parameters": [{"field": "A", "index": "first"}]}}`,
			[]string{h + `.get_users.parameters[0].index: "first" is not a whole number`}},
		{"bad port", `{"database": {"port": "mysql"}}`, []string{h + `.database.port: "mysql" is not a whole number`}},
		{"port out of range", `{"port": 70000}`, []string{h + ".port: 70000 is not a port number (1-65535)"}},
		{"negative port", `{"database": {"port": -1}}`, []string{h + ".database.port: -1 is not a port number (1-65535)"}},
		{"port zero", `{"database": {"port": 0}}`,
			[]string{h + ".database.port: 0 is not a port number (1-65535); leave the port out to use the database's default port"}},
		{"port zero as text", `{"port": "0"}`,
			[]string{h + ".port: 0 is not a port number (1-65535); leave the port out to use the database's default port"}},
		{"port as an object", `{"port": {"n": 1}}`, []string{h + ".port: must be a text value, not an object"}},
		{"host not text", `{"database": {"host": {"name": "h"}}}`, []string{h + ".database.host: must be a text value, not an object"}},
		{"database as a list", `{"database": ["h"]}`, []string{h + ".database: must be a text value, not a list"}},
		{"property not a pair", `{"database": {"properties": ["useSSL=false"]}}`, []string{h + ".database.properties[0]: must be {key, value}"}},
		{"property without key", `{"database": {"properties": [{"value": "false"}]}}`, []string{h + ".database.properties[0]: missing key"}},
		{"property unknown field", `{"database": {"properties": [{"key": "a", "value": "b", "secure": true}]}}`,
			[]string{h + ".database.properties[0].secure: unknown field; a property has key and value"}},
		{"property text", `{"database": {"properties": "useSSL=false;verbose"}}`, []string{h + `.database.properties: part 2 is not key=value (it is not shown, as it may hold a password); separate the pairs with ';' and write each as key=value`}},
		{"property text with a password", `{"database": {"properties": "user=root;password:S3cret-pw"}}`, []string{h + `.database.properties: part 2 is not key=value (it is not shown, as it may hold a password); separate the pairs with ';' and write each as key=value`}},
		{"properties not pairs", `{"database": {"properties": 5}}`, []string{h + ".database.properties: must be an object of key/value pairs"}},
		{"mapping not an object", `{"mapping": ["USERNAME"]}`, []string{h + ".mapping: must map column names to SCIM attributes, e.g. {USERNAME: userName}"}},
		{"mapping target not text", `{"mapping": {"TITLE": {"attr": "title"}}}`, []string{h + ".mapping.TITLE: must be a text value, not an object"}},
		{"name not text", `{"name": ["a"]}`, []string{h + ".name: must be a text value, not a list"}},
		{"password_env from the header", `{"database": {"password_env": "HOME"}}`,
			[]string{h + ".database: password_env and password_file are only allowed in the local configuration file"}},
		{"password_file from the header", `{"database": {"passwordFile": "/etc/passwd"}}`,
			[]string{h + ".database: password_env and password_file are only allowed in the local configuration file"}},
		{"flat password_env from the header", `{"host": "h", "password_from_env": "HOME"}`,
			[]string{h + ": password_env and password_file are only allowed in the local configuration file"}},
		{"several problems, in key order", `{
			"database": {"port": "x", "colour": "red"},
			"operations": {"get_users": {"statement": "SELECT 1", "parameters": [{"type": "X", "field": "A"}]}, "list_groups": {}},
			"zone": "eu"}`,
			[]string{
				h + ".database.colour: unknown field; the fields here are " + dbFields,
				h + `.database.port: "x" is not a whole number`,
				h + `.operations.get_users.parameters[0].type: "X" is not a parameter type; use DATABASE_FIELD, CURSOR or CONSTANT`,
				h + `.operations.get_users.type: missing: set sql ("SQL Statement") or stored_procedure ("Execute Stored Procedure")`,
				h + ".operations.list_groups: unknown operation; the operations are " + ops,
				h + ".zone: unknown field; the fields here are created_column, database, extension_urn, ignore_attributes, last_modified_column, mapping, name, operations, password_sync, secret_columns",
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Decode(jsonDoc(t, tc.json), Source{Path: HeaderName})
			if err == nil {
				t.Fatalf("decoded %+v, want problems", cfg)
			}
			if cfg != nil {
				t.Error("a configuration with problems is returned")
			}
			if got := problemsOf(t, err); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
}

// A type that is given but not understood is one problem, not also a
// missing type.
func TestDecodeBadTypeReportedOnce(t *testing.T) {
	const h = HeaderName
	tests := []struct {
		json string
		want []string
	}{
		{`{"operations": {"get_users": {"type": "PL/SQL"}}}`,
			[]string{h + `.operations.get_users.type: "PL/SQL" is not an operation type; use sql ("SQL Statement") or stored_procedure ("Execute Stored Procedure")`}},
		{`{"get_users": {"type": "sql", "parameters": [{"type": "X"}]}}`,
			[]string{h + `.get_users.parameters[0].type: "X" is not a parameter type; use DATABASE_FIELD, CURSOR or CONSTANT`}},
	}
	var extra []string
	for _, tc := range tests {
		_, err := Decode(jsonDoc(t, tc.json), Source{Path: HeaderName})
		got := problemsOf(t, err)
		if len(got) == 0 || got[0] != tc.want[0] {
			t.Fatalf("%s: got %q, want %q", tc.json, got, tc.want)
		}
		if !reflect.DeepEqual(got, tc.want) {
			extra = append(extra, got[1:]...)
		}
	}
	if len(extra) > 0 {
		t.Fatalf("a type that is not understood is also reported as missing:\n%s", strings.Join(extra, "\n"))
	}
}

func TestDecodeIgnoreUnknown(t *testing.T) {
	doc := `{"colour": "blue",
		"database": {"host": "h", "timeout": 5},
		"operations": {"get_users": {"type": "sql", "statement": "SELECT 1", "where": "x",
			"parameters": [{"field": "A", "nullable": true}]}}}`
	if _, err := Decode(jsonDoc(t, doc), Source{Path: HeaderName}); err == nil {
		t.Fatal("unknown fields are refused by default")
	}
	cfg, err := Decode(jsonDoc(t, doc), Source{Path: HeaderName, IgnoreUnknown: true})
	if err != nil {
		t.Fatal(err)
	}
	want := &provision.Operation{Enabled: true, Type: provision.SQLStatement, Statement: "SELECT 1", Parameters: []provision.Param{{Type: provision.DatabaseField, Field: "A"}}}
	if !reflect.DeepEqual(cfg.Operations[provision.GetUsers], want) || cfg.Database.Host != "h" {
		t.Fatalf("got %+v, %+v", cfg.Operations[provision.GetUsers], cfg.Database)
	}
	// Known fields with bad values are still problems.
	if _, err := Decode(jsonDoc(t, `{"port": "x", "colour": "blue"}`), Source{Path: HeaderName, IgnoreUnknown: true}); err == nil {
		t.Error("a bad port is accepted")
	}
	// So is a secret source from the header.
	if _, err := Decode(jsonDoc(t, `{"password_env": "HOME"}`), Source{Path: HeaderName, IgnoreUnknown: true}); err == nil {
		t.Error("password_env from the header is accepted")
	}
}

// IgnoreUnknown skips every field the decoder does not know, in property
// pairs and among the operations too.
func TestDecodeIgnoreUnknownEverywhere(t *testing.T) {
	var refused []string
	for _, doc := range []string{
		`{"database": {"properties": [{"key": "useSSL", "value": "false", "id": 3}]}}`,
		`{"operations": {"get_users": {"type": "sql", "statement": "SELECT 1"}, "get_groups": {"type": "sql"}}}`,
	} {
		if _, err := Decode(jsonDoc(t, doc), Source{Path: HeaderName, IgnoreUnknown: true}); err != nil {
			refused = append(refused, err.Error())
		}
	}
	if len(refused) > 0 {
		t.Fatalf("IgnoreUnknown still refuses unknown fields:\n%s", strings.Join(refused, "\n"))
	}
}

func TestDecodePasswordSources(t *testing.T) {
	t.Setenv("SQLSCIM_TEST_PASSWORD", "from-env")
	dir := t.TempDir()
	file := filepath.Join(dir, "pw")
	if err := os.WriteFile(file, []byte("from-file\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fileJSON, _ := json.Marshal(file)
	missing, _ := json.Marshal(filepath.Join(dir, "missing"))
	tests := []struct {
		name string
		json string
		want string
		err  []string
	}{
		{name: "env", json: `{"database": {"password_env": "SQLSCIM_TEST_PASSWORD"}}`, want: "from-env"},
		{name: "env, flat", json: `{"passwordFromEnv": "SQLSCIM_TEST_PASSWORD"}`, want: "from-env"},
		{name: "file", json: `{"database": {"password_file": ` + string(fileJSON) + `}}`, want: "from-file"},
		{name: "env not set", json: `{"database": {"password_env": "SQLSCIM_TEST_UNSET_VARIABLE"}}`,
			err: []string{"tenants[0].database.password_env: environment variable SQLSCIM_TEST_UNSET_VARIABLE is not set"}},
		{name: "file missing", json: `{"database": {"password_file": ` + string(missing) + `}}`,
			err: []string{"tenants[0].database.password_file: open " + strings.Trim(string(missing), `"`) + ": no such file or directory"}},
		{name: "two sources", json: `{"database": {"password": "x", "password_env": "SQLSCIM_TEST_PASSWORD"}}`,
			err: []string{"tenants[0].database: set only one of password, password_env and password_file"}},
		{name: "env and file", json: `{"database": {"password_file": "f", "password_env": "SQLSCIM_TEST_PASSWORD"}}`,
			err: []string{"tenants[0].database: set only one of password, password_env and password_file"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "file missing" && runtime.GOOS == "windows" {
				t.Skip("the message is the OS's")
			}
			cfg, err := Decode(jsonDoc(t, tc.json), Source{Path: "tenants[0]", Trusted: true})
			if tc.err != nil {
				if err == nil {
					t.Fatalf("decoded %+v", cfg.Database)
				}
				if got := problemsOf(t, err); !reflect.DeepEqual(got, tc.err) {
					t.Fatalf("got %q, want %q", got, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Database.Password != secret.String(tc.want) {
				t.Fatalf("password %q, want %q", cfg.Database.Password.Reveal(), tc.want)
			}
		})
	}
}

func TestDecodeMappingAndExtension(t *testing.T) {
	cfg := decodeOK(t, `{"attributeMappings": {"TITLE": "", "NICK": "nickName", "EMP": 5, "X": null}, "extensionSchema": "urn:acme:User", "tenant": "acme"}`)
	want := map[string]string{"TITLE": "", "NICK": "nickName", "EMP": "5", "X": ""}
	if !reflect.DeepEqual(cfg.Mapping, want) || cfg.ExtensionURN != "urn:acme:User" || cfg.Name != "acme" {
		t.Fatalf("mapping %v, extension %q, name %q", cfg.Mapping, cfg.ExtensionURN, cfg.Name)
	}
}

// root is the repository's top directory.
func testRoot(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("no caller")
	}
	return filepath.Join(filepath.Dir(file), "..", "..")
}

func TestParseLabTenants(t *testing.T) {
	t.Setenv("LAB_DB_PASSWORD", "lab-password")
	files, err := filepath.Glob(filepath.Join(testRoot(t), "testdata", "tenants", "*.yaml"))
	if err != nil || len(files) < 5 {
		t.Fatalf("found %v (%v)", files, err)
	}
	pools := db.NewPools(db.DefaultPoolConfig)
	t.Cleanup(func() { pools.Close() })
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			cfgs, err := LoadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(cfgs) != 1 {
				t.Fatalf("%d tenants", len(cfgs))
			}
			cfg := cfgs[0]
			// Okta's ten, and the procedures tenants' get_user_by_username.
			want := 10
			if strings.Contains(path, "procedures") || strings.Contains(path, "refcursors") {
				want = 11
			}
			if len(cfg.Operations) != want {
				t.Errorf("%d operations, want %d", len(cfg.Operations), want)
			}
			if cfg.Database.Password.Reveal() != "lab-password" || cfg.Database.User != "oktademo" || cfg.Database.Database != "oktademo" {
				t.Errorf("database %+v", cfg.Database)
			}
			if _, err := provision.Compile(cfg, pools, "tenants[0]"); err != nil {
				t.Errorf("compile: %v", err)
			}
		})
	}
}

func TestParseDemoTenant(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(testRoot(t), "internal", "demo", "tenant.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfgs, err := Parse("demo", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfgs) != 1 || cfgs[0].Name != "jdbc_on_prem" || cfgs[0].Database.Type != "sqlite" || cfgs[0].Database.Database != "DEMO_DATABASE_FILE" {
		t.Fatalf("got %+v", cfgs[0])
	}
	if len(cfgs[0].Operations) != 10 {
		t.Errorf("%d operations", len(cfgs[0].Operations))
	}
	cfgs[0].Database.Database = filepath.Join(t.TempDir(), "demo.db")
	pools := db.NewPools(db.DefaultPoolConfig)
	t.Cleanup(func() { pools.Close() })
	if _, err := provision.Compile(cfgs[0], pools, "tenants[0]"); err != nil {
		t.Fatal(err)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"empty", "", "f.yaml: empty; write a `tenants:` list"},
		{"only a comment", "# nothing\n", "f.yaml: empty; write a `tenants:` list"},
		{"not YAML", "tenants: [", "f.yaml: not valid YAML: line 1: did not find expected node content"},
		{"not a mapping", "- a\n", "f.yaml: not valid YAML: yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into map[string]interface {}"},
		{"no tenants", "server: {}\n", "f.yaml: server: unknown key; the file has one key, tenants; tenants: missing or not a list; write `tenants:` followed by `- name: ...` entries"},
		{"tenants not a list", "tenants: {name: a}\n", "f.yaml: tenants: missing or not a list; write `tenants:` followed by `- name: ...` entries"},
		{"problems in two tenants", "tenants:\n  - name: a\n    colour: red\n  - name: b\n    database: {password_env: NO_SUCH_VARIABLE_FOR_SQLSCIM}\n",
			"f.yaml: tenants[0].colour: unknown field; the fields here are created_column, database, extension_urn, ignore_attributes, last_modified_column, mapping, name, operations, password_sync, secret_columns; tenants[1].database.password_env: environment variable NO_SUCH_VARIABLE_FOR_SQLSCIM is not set"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfgs, err := Parse("f.yaml", []byte(tc.yaml))
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got (%v, %v)\nwant %q", cfgs, err, tc.want)
			}
		})
	}
}

// YAML admins write yes/no for booleans; YAML 1.2 (yaml.v3) reads them as
// text, which the decoder should still understand as it understands "true".
func TestParseYAMLYesNo(t *testing.T) {
	cfgs, err := Parse("f.yaml", []byte("tenants:\n  - name: acme\n    get_users: {type: sql, statement: SELECT 1, enabled: no}\n"))
	if err != nil {
		t.Fatalf("enabled: no is refused: %v", err)
	}
	if cfgs[0].Operations[provision.GetUsers].Enabled {
		t.Fatal("enabled: no enabled the operation")
	}
}

// A YAML file may use YAML's own types: numbers, booleans, and keys that
// are not strings.
func TestParseYAMLTypes(t *testing.T) {
	cfgs, err := Parse("f.yaml", []byte(`tenants:
  - name: acme
    database: {type: mysql, host: h, port: 3306, properties: {useSSL: false, 1: one}}
    operations:
      get_users: {type: sql, statement: SELECT 1, enabled: true, parameters: {1: USER_ID, 2: {type: CONSTANT, value: 7}}}
`))
	if err != nil {
		t.Fatal(err)
	}
	c := cfgs[0]
	if c.Database.Port != 3306 || !reflect.DeepEqual(c.Database.Properties, map[string]string{"useSSL": "false", "1": "one"}) {
		t.Errorf("database %+v", c.Database)
	}
	op := c.Operations[provision.GetUsers]
	want := []provision.Param{{Type: provision.DatabaseField, Field: "USER_ID"}, {Type: provision.Constant, Value: "7"}}
	if !op.Enabled || !reflect.DeepEqual(op.Parameters, want) {
		t.Errorf("get_users %+v", op)
	}
}

// spellings writes a snake_case field name the ways a JSON or YAML author
// might: as is, camelCase, UPPER_CASE, kebab-case and "Title Words".
func spellings(alias string) []string {
	parts := strings.Split(alias, "_")
	camel := parts[0]
	words := make([]string, len(parts))
	for i, p := range parts {
		words[i] = strings.ToUpper(p[:1]) + p[1:]
		if i > 0 {
			camel += words[i]
		}
	}
	out := []string{alias}
	for _, s := range []string{camel, strings.ToUpper(alias), strings.ReplaceAll(alias, "_", "-"), strings.Join(words, " ")} {
		if s != out[len(out)-1] && s != alias {
			out = append(out, s)
		}
	}
	return out
}

func TestSpellings(t *testing.T) {
	got := spellings("ip_or_domain_name")
	want := []string{"ip_or_domain_name", "ipOrDomainName", "IP_OR_DOMAIN_NAME", "ip-or-domain-name", "Ip Or Domain Name"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q", got)
	}
}

func TestDecodeEveryDatabaseAlias(t *testing.T) {
	tests := []struct {
		aliases []string
		value   any
		check   func(c *provision.Config) bool
	}{
		{[]string{"type", "db_type", "database_type", "dbms", "vendor", "driver", "type_of_database", "database_vendor"}, "mysql",
			func(c *provision.Config) bool { return c.Database.Type == "mysql" }},
		{[]string{"host", "hostname", "host_name", "ip_or_domain_name", "ip_domain_name", "ip", "ip_address", "server", "server_name", "domain_name", "address", "domain"}, "h",
			func(c *provision.Config) bool { return c.Database.Host == "h" }},
		{[]string{"port", "db_port", "database_port", "port_number"}, 3306,
			func(c *provision.Config) bool { return c.Database.Port == 3306 }},
		{[]string{"database", "database_name", "db_name", "dbname", "catalog", "service_name", "service"}, "d",
			func(c *provision.Config) bool { return c.Database.Database == "d" }},
		{[]string{"sid", "oracle_sid"}, "XE", func(c *provision.Config) bool { return c.Database.SID == "XE" }},
		{[]string{"instance", "instance_name", "sql_server_instance"}, "SQLEXPRESS",
			func(c *provision.Config) bool { return c.Database.Instance == "SQLEXPRESS" }},
		{[]string{"user", "username", "user_name", "db_user", "db_username", "login", "uid"}, "u",
			func(c *provision.Config) bool { return c.Database.User == "u" }},
		{[]string{"password", "pwd", "db_password", "passwd", "pass"}, "p",
			func(c *provision.Config) bool { return c.Database.Password.Reveal() == "p" }},
		{[]string{"properties", "props", "database_properties", "database_property", "db_properties", "connection_properties", "key_value_pairs", "additional_properties", "extra_properties", "jdbc_properties", "options"},
			map[string]any{"a": "b"}, func(c *provision.Config) bool {
				return reflect.DeepEqual(c.Database.Properties, map[string]string{"a": "b"})
			}},
		{[]string{"jdbc_url", "url", "jdbcurl", "connection_url", "jdbc", "connection_string", "jdbc_connection_string"}, "jdbc:mysql://h/d",
			func(c *provision.Config) bool { return c.JDBCURL == "jdbc:mysql://h/d" }},
	}
	for _, tc := range tests {
		for _, alias := range tc.aliases {
			for _, key := range spellings(alias) {
				doc, _ := json.Marshal(map[string]any{"database": map[string]any{key: tc.value}})
				cfg, err := Decode(jsonDoc(t, string(doc)), Source{Path: HeaderName})
				if err != nil || !tc.check(cfg) {
					t.Errorf("%s: %v %+v", doc, err, cfg)
				}
			}
		}
	}
}

func TestDecodeEveryOperationAlias(t *testing.T) {
	tests := []struct {
		aliases []string
		op      provision.OpName
		value   any
		check   func(op *provision.Operation) bool
	}{
		{[]string{"enabled", "enable", "is_enabled", "active"}, provision.CreateUser, false,
			func(op *provision.Operation) bool { return !op.Enabled }},
		{[]string{"statement", "sql", "query", "sql_statement", "procedure", "stored_procedure", "command", "text", "call", "sql_query"}, provision.CreateUser, "S",
			func(op *provision.Operation) bool { return op.Statement == "S" }},
		{[]string{"parameters", "params", "parameter_mapping", "parameter_mappings", "map_parameters_to_fields", "args", "arguments", "fields"}, provision.CreateUser, []any{"A"},
			func(op *provision.Operation) bool {
				return reflect.DeepEqual(op.Parameters, []provision.Param{{Type: provision.DatabaseField, Field: "A"}})
			}},
		{[]string{"user_id_column", "user_id_col", "user_id", "id_column", "id_col"}, provision.GetUsers, "UID",
			func(op *provision.Operation) bool { return op.UserIDColumn == "UID" }},
		{[]string{"entitlement_id_column", "entitlement_id_col", "ent_id_column", "entitlement_id", "id_column", "id_col"}, provision.GetAllEntitlements, "EID",
			func(op *provision.Operation) bool { return op.EntitlementIDColumn == "EID" }},
		{[]string{"entitlement_display_column", "entitlement_display_name_column", "display_column", "display_name_column", "ent_display_column", "entitlement_display"}, provision.GetAllEntitlements, "EN",
			func(op *provision.Operation) bool { return op.EntitlementDisplayColumn == "EN" }},
	}
	for _, tc := range tests {
		for _, alias := range tc.aliases {
			for _, key := range spellings(alias) {
				doc, _ := json.Marshal(map[string]any{"operations": map[string]any{string(tc.op): map[string]any{"type": "sql", key: tc.value}}})
				cfg, err := Decode(jsonDoc(t, string(doc)), Source{Path: HeaderName})
				if err != nil || !tc.check(cfg.Operations[tc.op]) {
					t.Errorf("%s: %v", doc, err)
				}
			}
		}
	}
	for _, alias := range []string{"type", "operation_type", "op_type", "mode", "kind", "execution_type"} {
		for _, key := range spellings(alias) {
			doc, _ := json.Marshal(map[string]any{"operations": map[string]any{"get_users": map[string]any{key: "Execute Stored Procedure"}}})
			cfg, err := Decode(jsonDoc(t, string(doc)), Source{Path: HeaderName})
			if err != nil || cfg.Operations[provision.GetUsers].Type != provision.StoredProcedure {
				t.Errorf("%s: %v", doc, err)
			}
		}
	}
	for _, alias := range []string{"name", "operation", "op", "operation_name"} {
		for _, key := range spellings(alias) {
			doc, _ := json.Marshal(map[string]any{"operations": []any{map[string]any{key: "Get User By ID", "type": "sql"}}})
			cfg, err := Decode(jsonDoc(t, string(doc)), Source{Path: HeaderName})
			if err != nil || cfg.Operations[provision.GetUserByID] == nil {
				t.Errorf("%s: %v", doc, err)
			}
		}
	}
}

func TestDecodeEveryParameterAlias(t *testing.T) {
	tests := []struct {
		aliases []string
		param   func(key string) []any
		want    []provision.Param
	}{
		{[]string{"type", "parameter_type", "param_type", "kind"},
			func(k string) []any { return []any{map[string]any{k: "CONSTANT", "value": "v"}} },
			[]provision.Param{{Type: provision.Constant, Value: "v"}}},
		{[]string{"field", "column", "name", "database_field", "field_name", "column_name", "db_field"},
			func(k string) []any { return []any{map[string]any{k: "F"}} },
			[]provision.Param{{Type: provision.DatabaseField, Field: "F"}}},
		{[]string{"value", "constant", "constant_value", "literal"},
			func(k string) []any { return []any{map[string]any{k: "V"}} },
			[]provision.Param{{Type: provision.Constant, Value: "V"}}},
		{[]string{"index", "position", "order", "param_index", "parameter_index", "idx"},
			func(k string) []any {
				return []any{map[string]any{"field": "B", k: 2}, map[string]any{"field": "A", k: 1}}
			},
			[]provision.Param{{Type: provision.DatabaseField, Field: "A"}, {Type: provision.DatabaseField, Field: "B"}}},
	}
	for _, tc := range tests {
		for _, alias := range tc.aliases {
			for _, key := range spellings(alias) {
				doc, _ := json.Marshal(map[string]any{"get_users": map[string]any{"type": "sql", "parameters": tc.param(key)}})
				cfg, err := Decode(jsonDoc(t, string(doc)), Source{Path: HeaderName})
				if err != nil || !reflect.DeepEqual(cfg.Operations[provision.GetUsers].Parameters, tc.want) {
					t.Errorf("%s: %v", doc, err)
				}
			}
		}
	}
	for _, typ := range []string{"DATABASE_FIELD", "Database Field", "field", "column", "db_field"} {
		doc, _ := json.Marshal(map[string]any{"get_users": map[string]any{"type": "sql", "parameters": []any{map[string]any{"type": typ, "field": "F"}}}})
		if cfg, err := Decode(jsonDoc(t, string(doc)), Source{Path: HeaderName}); err != nil || cfg.Operations[provision.GetUsers].Parameters[0].Type != provision.DatabaseField {
			t.Errorf("%s: %v", doc, err)
		}
	}
	for _, typ := range []string{"CONSTANT", "literal", "value", "fixed"} {
		doc, _ := json.Marshal(map[string]any{"get_users": map[string]any{"type": "sql", "parameters": []any{map[string]any{"type": typ, "value": "v"}}}})
		if cfg, err := Decode(jsonDoc(t, string(doc)), Source{Path: HeaderName}); err != nil || cfg.Operations[provision.GetUsers].Parameters[0].Type != provision.Constant {
			t.Errorf("%s: %v", doc, err)
		}
	}
	for _, typ := range []string{"CURSOR", "ref_cursor", "out_cursor", "SYS_REFCURSOR"} {
		doc, _ := json.Marshal(map[string]any{"get_users": map[string]any{"type": "sql", "parameters": []any{map[string]any{"type": typ}}}})
		if cfg, err := Decode(jsonDoc(t, string(doc)), Source{Path: HeaderName}); err != nil || cfg.Operations[provision.GetUsers].Parameters[0].Type != provision.Cursor {
			t.Errorf("%s: %v", doc, err)
		}
	}
}

func TestDecodeEveryTopLevelAlias(t *testing.T) {
	tests := []struct {
		aliases []string
		value   any
		check   func(c *provision.Config) bool
	}{
		{[]string{"name", "app", "app_name", "tenant", "tenant_name", "app_instance", "label"}, "acme",
			func(c *provision.Config) bool { return c.Name == "acme" }},
		{[]string{"database", "db", "connection", "datasource", "data_source", "db_connection", "connection_settings", "database_connection", "database_config"},
			map[string]any{"host": "h"}, func(c *provision.Config) bool { return c.Database.Host == "h" }},
		{[]string{"operations", "ops", "actions", "provisioning", "provisioning_operations"},
			map[string]any{"get_users": map[string]any{"type": "sql"}}, func(c *provision.Config) bool { return c.Operations[provision.GetUsers] != nil }},
		{[]string{"mapping", "mappings", "attribute_mapping", "attribute_mappings"},
			map[string]any{"A": "title"}, func(c *provision.Config) bool { return reflect.DeepEqual(c.Mapping, map[string]string{"A": "title"}) }},
		{[]string{"extension_urn", "extension_schema", "schema_urn", "extension"}, "urn:x",
			func(c *provision.Config) bool { return c.ExtensionURN == "urn:x" }},
	}
	for _, tc := range tests {
		for _, alias := range tc.aliases {
			for _, key := range spellings(alias) {
				doc, _ := json.Marshal(map[string]any{key: tc.value})
				cfg, err := Decode(jsonDoc(t, string(doc)), Source{Path: HeaderName})
				if err != nil || !tc.check(cfg) {
					t.Errorf("%s: %v", doc, err)
				}
			}
		}
	}
}

// TestLoadFileGuardsPasswords: a tenants file that holds a password, or a
// password_file, that others can read stops the start; group read is fine.
func TestLoadFileGuardsPasswords(t *testing.T) {
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "db.pass")
	if err := os.WriteFile(pwFile, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tenant := func(database string) string {
		return "tenants:\n  - name: t1\n    database: " + database + "\n    operations:\n      get_users: {type: sql, statement: SELECT * FROM USERS}\n"
	}
	for _, tc := range []struct {
		name, database string
		mode           os.FileMode
		fail           bool
	}{
		{"inline password, 0644", "{type: mysql, host: h, database: d, user: u, password: s3cret}", 0o644, true},
		{"inline password, 0640", "{type: mysql, host: h, database: d, user: u, password: s3cret}", 0o640, false},
		{"pwd alias, 0604", "{type: mysql, host: h, database: d, user: u, pwd: s3cret}", 0o604, true},
		{"password in the URL, 0644", "{jdbc_url: 'jdbc:mysql://h/d?user=u&password=s3cret'}", 0o644, true},
		{"password_file, tenants file 0644", "{type: mysql, host: h, database: d, user: u, password_file: " + pwFile + "}", 0o644, false},
		{"no password, 0644", "{type: mysql, host: h, database: d, user: u}", 0o644, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "tenants.yaml")
			if err := os.WriteFile(path, []byte(tenant(tc.database)), tc.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tc.mode); err != nil {
				t.Fatal(err)
			}
			_, err := LoadFile(path)
			if tc.fail && (err == nil || !strings.Contains(err.Error(), "chmod 600")) || !tc.fail && err != nil {
				t.Errorf("err = %v, want a mode error: %t", err, tc.fail)
			}
		})
	}
	if err := os.Chmod(pwFile, 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "tenants.yaml")
	if err := os.WriteFile(path, []byte(tenant("{type: mysql, host: h, database: d, user: u, password_file: "+pwFile+"}")), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(path); err == nil || !strings.Contains(err.Error(), "password file") {
		t.Errorf("a password_file open to others: %v", err)
	}
}
