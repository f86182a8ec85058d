package sqlserver

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	mssql "github.com/microsoft/go-mssqldb"
	"github.com/microsoft/go-mssqldb/msdsn"

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/secret"
)

func TestParseJDBC(t *testing.T) {
	tests := []struct {
		url  string
		want db.Conn
	}{
		{"jdbc:sqlserver://sql.example.com:1433;databaseName=scim;encrypt=true;trustServerCertificate=false",
			db.Conn{Host: "sql.example.com", Port: 1433, Database: "scim", Properties: map[string]string{"encrypt": "true", "trustServerCertificate": "false"}}},
		{`jdbc:sqlserver://sql\SQLEXPRESS;database=scim`, db.Conn{Host: "sql", Instance: "SQLEXPRESS", Database: "scim"}},
		{`jdbc:sqlserver://sql\SQLEXPRESS:1500`, db.Conn{Host: "sql", Instance: "SQLEXPRESS", Port: 1500}},
		{"jdbc:sqlserver://sql;instanceName=INST;portNumber=1500", db.Conn{Host: "sql", Instance: "INST", Port: 1500}},
		{"JDBC:SQLSERVER://sql;DATABASENAME=scim;USER=okta;PASSWORD=pw", db.Conn{Host: "sql", Database: "scim", User: "okta", Password: "pw"}},
		{"jdbc:sqlserver://sql;userName=okta;password={p@ss;w=o}}rd{x};port=1444", db.Conn{Host: "sql", Port: 1444, User: "okta", Password: "p@ss;w=o}rd{x"}},
		{"jdbc:sqlserver://sql;password={ spaced } ;user=u", db.Conn{Host: "sql", User: "u", Password: " spaced "}},
		{"jdbc:sqlserver://;serverName=sql.example.com;databaseName=scim", db.Conn{Host: "sql.example.com", Database: "scim"}},
		{`jdbc:sqlserver://;serverName=sql\INST`, db.Conn{Host: "sql", Instance: "INST"}},
		{"jdbc:sqlserver://[::1]:1433;database=scim", db.Conn{Host: "::1", Port: 1433, Database: "scim"}},
		{"jdbc:sqlserver://sql;;applicationName=Okta SCIM;loginTimeout=30;", db.Conn{Host: "sql", Properties: map[string]string{"applicationName": "Okta SCIM", "loginTimeout": "30"}}},
		{"jdbc:sqlserver://sql;hostNameInCertificate=*.example.com;encrypt=strict",
			db.Conn{Host: "sql", Properties: map[string]string{"hostNameInCertificate": "*.example.com", "encrypt": "strict"}}},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			got, err := Dialect{}.ParseJDBC(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Type = "sqlserver"
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestParseJDBCErrors(t *testing.T) {
	tests := []struct{ url, want string }{
		{"jdbc:sqlserver://;databaseName=scim", "jdbc:sqlserver URL has no host"},
		{"jdbc:sqlserver:sql", "jdbc:sqlserver URL must start with jdbc:sqlserver://"},
		{"jdbc:sqlserver://sql:abc", `jdbc:sqlserver URL: port "abc" is not a number`},
		{"jdbc:sqlserver://sql;portNumber=99999", "jdbc:sqlserver URL: port 99999 is out of range (1-65535)"},
		{`jdbc:sqlserver://sql\:1433`, `jdbc:sqlserver URL: server "sql\\:1433" has an empty instance name after \`},
		{"jdbc:sqlserver://::1", `jdbc:sqlserver URL: IPv6 address "::1" must be written in brackets, like [::1] or [::1]:port`},
		{"jdbc:sqlserver://sql;password={secret;x", `jdbc:sqlserver URL: value of property "password" opens { without a closing }`},
		{"jdbc:sqlserver://sql;password={secret}x", `jdbc:sqlserver URL: value of property "password" has text after its closing }`},
		{"jdbc:sqlserver://sql;integratedSecurity;user=u", `jdbc:sqlserver URL: property "integratedSecurity" has no value (write key=value)`},
		{"jdbc:sqlserver://sql;=x", "jdbc:sqlserver URL: a property has no name"},
		{"jdbc:mysql://h/db", `"jdbc:mysql://h/db" is not a jdbc:sqlserver: URL`},
	}
	for _, tt := range tests {
		_, err := Dialect{}.ParseJDBC(tt.url)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: error %v\nwant  %q", tt.url, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("error reveals the password: %v", err)
		}
	}
}

var hostilePasswords = []string{
	"p@ss:w/o;r?d#ü", "p@ss:w/o;r?d#ü {x}&=%", "a b", "+", "%", "%41", "{}", ";", "&=", "パスワード", `\`, "'\"",
}

func TestDSNPasswordRoundTrip(t *testing.T) {
	for _, pw := range hostilePasswords {
		dsn, err := Dialect{}.DSN(db.Conn{Host: "sql.example.com", User: `DOMAIN\u@x`, Password: secret.String(pw), Database: "my db&x=y"})
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := msdsn.Parse(dsn)
		if err != nil {
			t.Fatalf("password %q: msdsn.Parse: %v", pw, err)
		}
		if cfg.Password != pw || cfg.User != `DOMAIN\u@x` || cfg.Database != "my db&x=y" || cfg.Host != "sql.example.com" || cfg.Port != 1433 {
			t.Errorf("password %q: got password %q user %q database %q host %s:%d", pw, cfg.Password, cfg.User, cfg.Database, cfg.Host, cfg.Port)
		}
	}
}

func TestDSN(t *testing.T) {
	parse := func(t *testing.T, c db.Conn) msdsn.Config {
		t.Helper()
		dsn, err := Dialect{}.DSN(c)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := msdsn.Parse(dsn)
		if err != nil {
			t.Fatalf("%s: %v", dsn, err)
		}
		return cfg
	}
	base := db.Conn{Host: "sql", User: "u", Password: "p"}

	t.Run("instance without port uses the browser", func(t *testing.T) {
		c := base
		c.Instance = "SQLEXPRESS"
		if cfg := parse(t, c); cfg.Instance != "SQLEXPRESS" || cfg.Port != 0 || cfg.Host != "sql" {
			t.Errorf("%+v", cfg)
		}
	})
	t.Run("instance in host", func(t *testing.T) {
		c := base
		c.Host, c.Port = `sql\INST`, 1500
		if cfg := parse(t, c); cfg.Instance != "INST" || cfg.Port != 1500 || cfg.Host != "sql" {
			t.Errorf("%+v", cfg)
		}
	})
	t.Run("IPv6", func(t *testing.T) {
		c := base
		c.Host = "::1"
		if cfg := parse(t, c); cfg.Host != "::1" || cfg.Port != 1433 {
			t.Errorf("%+v", cfg)
		}
	})
	tests := []struct {
		name  string
		props map[string]string
		check func(msdsn.Config) bool
	}{
		{"encrypt=true", map[string]string{"encrypt": "true"}, func(c msdsn.Config) bool { return c.Encryption == msdsn.EncryptionRequired }},
		{"encrypt=mandatory", map[string]string{"Encrypt": "Mandatory"}, func(c msdsn.Config) bool { return c.Encryption == msdsn.EncryptionRequired }},
		{"encrypt=strict", map[string]string{"encrypt": "strict"}, func(c msdsn.Config) bool { return c.Encryption == msdsn.EncryptionStrict }},
		{"encrypt=false", map[string]string{"encrypt": "false"}, func(c msdsn.Config) bool { return c.Encryption == msdsn.EncryptionOff }},
		{"encrypt=optional", map[string]string{"encrypt": "optional"}, func(c msdsn.Config) bool { return c.Encryption == msdsn.EncryptionOff }},
		{"trustServerCertificate", map[string]string{"encrypt": "true", "trustServerCertificate": "true"}, func(c msdsn.Config) bool {
			return c.TrustServerCertificate && c.TLSConfig.InsecureSkipVerify
		}},
		{"trustServerCertificate=false", map[string]string{"encrypt": "true", "trustServerCertificate": "false"}, func(c msdsn.Config) bool {
			return !c.TrustServerCertificate && !c.TLSConfig.InsecureSkipVerify
		}},
		{"hostNameInCertificate", map[string]string{"encrypt": "true", "hostNameInCertificate": "db.example.com"}, func(c msdsn.Config) bool {
			return c.HostInCertificateProvided && c.TLSConfig.ServerName == "db.example.com"
		}},
		{"databaseName", map[string]string{"databaseName": "scim"}, func(c msdsn.Config) bool { return c.Database == "scim" }},
		{"instanceName", map[string]string{"instanceName": "INST"}, func(c msdsn.Config) bool { return c.Instance == "INST" }},
		{"serverName ignored when the host is set, portNumber fills the default", map[string]string{"serverName": "other", "portNumber": "1999"}, func(c msdsn.Config) bool {
			return c.Host == "sql" && c.Port == 1999
		}},
		{"applicationName", map[string]string{"applicationName": "Okta SCIM"}, func(c msdsn.Config) bool { return c.AppName == "Okta SCIM" }},
		{"loginTimeout", map[string]string{"loginTimeout": "30"}, func(c msdsn.Config) bool {
			return c.DialTimeout == 30*time.Second && c.ConnTimeout == 30*time.Second
		}},
		{"applicationIntent", map[string]string{"applicationIntent": "readonly", "databaseName": "scim"}, func(c msdsn.Config) bool { return c.ReadOnlyIntent }},
		{"multiSubnetFailover", map[string]string{"multiSubnetFailover": "false"}, func(c msdsn.Config) bool { return !c.MultiSubnetFailover }},
		{"workstationID", map[string]string{"workstationID": "okta-agent"}, func(c msdsn.Config) bool { return c.Workstation == "okta-agent" }},
		{"packetSize", map[string]string{"packetSize": "8192"}, func(c msdsn.Config) bool { return c.PacketSize == 8192 }},
		{"failoverPartner", map[string]string{"failoverPartner": "sql2"}, func(c msdsn.Config) bool { return c.FailOverPartner == "sql2" }},
		{"sslProtocol", map[string]string{"encrypt": "true", "sslProtocol": "TLSv1.2"}, func(c msdsn.Config) bool { return c.TLSConfig.MinVersion == 0x0303 }},
		{"authentication=SqlPassword", map[string]string{"authentication": "SqlPassword", "integratedSecurity": "false"}, func(c msdsn.Config) bool { return c.User == "u" }},
		{"ignored", map[string]string{"sendStringParametersAsUnicode": "false", "socketTimeout": "0", "queryTimeout": "5", "lockTimeout": "-1",
			"selectMethod": "cursor", "responseBuffering": "adaptive", "sendTimeAsDatetime": "false", "disableStatementPooling": "true",
			"statementPoolingCacheSize": "10", "lastUpdateCount": "true", "xopenStates": "false", "cancelQueryTimeout": "1",
			"serverPreparedStatementDiscardThreshold": "10", "enablePrepareOnFirstPreparedStatementCall": "false"},
			func(c msdsn.Config) bool { return len(c.Parameters) == 4 }}, // user id, password, server, port
		{"native", map[string]string{"app name": "native", "applicationName": "jdbc", "dial timeout": "5", "tlsmin": "1.2", "encrypt": "true", "keepalive": "10"},
			func(c msdsn.Config) bool {
				return c.AppName == "native" && c.DialTimeout == 5*time.Second && c.TLSConfig.MinVersion == 0x0303 && c.KeepAlive == 10*time.Second
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base
			c.Properties = tt.props
			if cfg := parse(t, c); !tt.check(cfg) {
				t.Errorf("%+v", cfg)
			}
		})
	}
	t.Run("properties fill the fields", func(t *testing.T) {
		cfg := parse(t, db.Conn{Properties: map[string]string{"serverName": `sql\INST`, "portNumber": "1500", "userName": "okta", "password": "p;w", "databaseName": "scim"}})
		if cfg.Host != "sql" || cfg.Instance != "INST" || cfg.Port != 1500 || cfg.User != "okta" || cfg.Password != "p;w" || cfg.Database != "scim" {
			t.Errorf("%+v", cfg)
		}
	})
}

func TestDSNErrors(t *testing.T) {
	tests := []struct {
		c    db.Conn
		want string
	}{
		{db.Conn{User: "u"}, "SQL Server connection has no host"},
		{db.Conn{Host: "sql"}, "SQL Server connection has no user: sqlscim signs in with SQL Server authentication"},
		{db.Conn{Host: "a b", User: "u"}, `SQL Server host "a b" is not a host name or address`},
		{db.Conn{Host: "sql", User: "u", Port: 70000}, "port 70000 is out of range (1-65535)"},
		{db.Conn{Host: "sql", User: "u", Properties: map[string]string{"columnEncryptionSetting": "Enabled"}}, `unknown SQL Server connection property "columnEncryptionSetting"; use an mssql-jdbc property sqlscim translates (encrypt, trustServerCertificate, hostNameInCertificate, databaseName, instanceName, applicationName, loginTimeout, applicationIntent, multiSubnetFailover, ...) or a go-mssqldb parameter (certificate, tlsmin, dial timeout, app name, ...)`},
		{db.Conn{Host: "sql", User: "u", Properties: map[string]string{"encrypt": "always"}}, `SQL Server connection property encrypt="always": want true, false, strict, mandatory or optional`},
		{db.Conn{Host: "sql", User: "u", Properties: map[string]string{"trustServerCertificate": "yes!"}}, `SQL Server connection property trustServerCertificate="yes!": want true or false`},
		{db.Conn{Host: "sql", User: "u", Properties: map[string]string{"loginTimeout": "soon"}}, `SQL Server connection property loginTimeout="soon": want a number of seconds`},
		{db.Conn{Host: "sql", User: "u", Properties: map[string]string{"applicationIntent": "Maybe"}}, `SQL Server connection property applicationIntent="Maybe": want ReadOnly or ReadWrite`},
		{db.Conn{Host: "sql", User: "u", Properties: map[string]string{"integratedSecurity": "true"}}, `SQL Server connection property integratedSecurity="true" is not supported: sqlscim signs in with a SQL Server login; remove it and set user and password`},
		{db.Conn{Host: "sql", User: "u", Properties: map[string]string{"authentication": "ActiveDirectoryPassword"}}, `SQL Server connection property authentication="ActiveDirectoryPassword" is not supported: sqlscim signs in with a SQL Server login (SqlPassword)`},
		{db.Conn{Host: "sql", User: "u", Properties: map[string]string{"trustStore": "/x.jks"}}, `SQL Server connection property "trustStore" is not supported: Java trust stores do not apply; set certificate=<PEM file of the server certificate or its CA>`},
		{db.Conn{Host: "sql", User: "u", Properties: map[string]string{"sslProtocol": "SSLv3"}}, `SQL Server connection property sslProtocol="SSLv3": want TLS, TLSv1, TLSv1.1, TLSv1.2 or TLSv1.3`},
	}
	for _, tt := range tests {
		_, err := Dialect{}.DSN(tt.c)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%+v: error %v\nwant %q", tt.c, err, tt.want)
		}
	}
}

func TestPlaceholderQuoteCall(t *testing.T) {
	d := Dialect{}
	if d.Placeholder(1) != "@p1" || d.Placeholder(10) != "@p10" {
		t.Error("placeholder")
	}
	for in, want := range map[string]string{"id": "[id]", "a]b": "[a]]b]", "first name": "[first name]"} {
		if got := d.QuoteIdent(in); got != want {
			t.Errorf("QuoteIdent(%q) = %q", in, got)
		}
	}
	v := db.ProcArg{Value: 1}
	for _, tt := range []struct {
		call db.ProcCall
		want string
	}{
		{db.ProcCall{Name: "dbo.scim_get_users", Args: []db.ProcArg{v, v}, WantRows: true}, "EXEC dbo.scim_get_users @p1, @p2"},
		{db.ProcCall{Name: "refresh"}, "EXEC refresh"},
		{db.ProcCall{Name: "[scim db].[dbo].[get users]", Args: []db.ProcArg{v}}, "EXEC [scim db].[dbo].[get users] @p1"},
		{db.ProcCall{Name: `"dbo"."p"`, Args: []db.ProcArg{v}}, `EXEC "dbo"."p" @p1`},
		{db.ProcCall{Name: "#temp_proc"}, "EXEC #temp_proc"},
	} {
		got, err := d.CallSQL(tt.call)
		if err != nil || got != tt.want {
			t.Errorf("%+v: %q, %v; want %q", tt.call, got, err, tt.want)
		}
	}
	for _, tt := range []struct {
		call db.ProcCall
		want string
	}{
		{db.ProcCall{Name: "p; DROP TABLE x"}, `procedure name "p; DROP TABLE x" is not a valid identifier (unexpected ';'): use letters, digits, _, $ and #, a dot between schema and name, or a quoted name`},
		{db.ProcCall{Name: "[a]]b]"}, `procedure name "[a]]b]" is not a valid identifier (unexpected ']'): use letters, digits, _, $ and #, a dot between schema and name, or a quoted name`},
		{db.ProcCall{Name: "p", Args: []db.ProcArg{{Cursor: true}}}, "SQL Server procedures return result sets; remove the CURSOR parameter"},
	} {
		_, err := d.CallSQL(tt.call)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%+v: error %v\nwant %q", tt.call, err, tt.want)
		}
		if _, err := d.CallProcedure(context.Background(), nil, tt.call); err == nil {
			t.Error("CallProcedure ran")
		}
	}
	if d.Info().Name != "sqlserver" || d.Info().DriverName != "sqlserver" || d.Info().DefaultPort != 1433 || d.Info().Aliases[0] != "mssql" {
		t.Error("names")
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		err    error
		class  db.Class
		code   string
		object string
	}{
		{mssql.Error{Number: 2627, Message: "Violation of PRIMARY KEY constraint 'PK_users'. Cannot insert duplicate key in object 'dbo.users'. The duplicate key value is (1)."}, db.Conflict, "2627", "PK_users"},
		{mssql.Error{Number: 2601, Message: "Cannot insert duplicate key row in object 'dbo.users' with unique index 'IX_users_email'. The duplicate key value is (a@x)."}, db.Conflict, "2601", "IX_users_email"},
		{mssql.Error{Number: 547, Message: `The INSERT statement conflicted with the FOREIGN KEY constraint "FK_users_grp". The conflict occurred in database "scim", table "dbo.grp", column 'id'.`}, db.Invalid, "547", "FK_users_grp"},
		{mssql.Error{Number: 515, Message: "Cannot insert the value NULL into column 'FIRSTNAME', table 'scim.dbo.users'; column does not allow nulls. INSERT fails."}, db.Invalid, "515", "FIRSTNAME"},
		{mssql.Error{Number: 8152, Message: "String or binary data would be truncated."}, db.Invalid, "8152", ""},
		{mssql.Error{Number: 2628, Message: "String or binary data would be truncated in table 'scim.dbo.users', column 'FIRSTNAME'. Truncated value: 'Bart'."}, db.Invalid, "2628", "FIRSTNAME"},
		{mssql.Error{Number: 245, Message: "Conversion failed when converting the varchar value 'abc' to data type int."}, db.Invalid, "245", ""},
		{mssql.Error{Number: 8114, Message: "Error converting data type nvarchar to int."}, db.Invalid, "8114", ""},
		{mssql.Error{Number: 50000, Message: "user is locked"}, db.Invalid, "50000", ""},
		{mssql.Error{Number: 51001, Message: "custom THROW"}, db.Invalid, "51001", ""},
		{mssql.Error{Number: 2812, Message: "Could not find stored procedure 'dbo.no_such'."}, db.MissingObject, "2812", "dbo.no_such"},
		{mssql.Error{Number: 208, Message: "Invalid object name 'dbo.no_table'."}, db.MissingObject, "208", "dbo.no_table"},
		{mssql.Error{Number: 207, Message: "Invalid column name 'no_col'."}, db.MissingObject, "207", "no_col"},
		{mssql.Error{Number: 201, Message: "Procedure or function 'get_users' expects parameter '@email', which was not supplied."}, db.MissingObject, "201", "get_users"},
		{mssql.Error{Number: 8144, Message: "Procedure or function get_users has too many arguments specified."}, db.MissingObject, "8144", "get_users"},
		{mssql.Error{Number: 102, Message: "Incorrect syntax near 'SELEC'."}, db.BadStatement, "102", ""},
		{mssql.Error{Number: 156, Message: "Incorrect syntax near the keyword 'FROM'."}, db.BadStatement, "156", ""},
		{mssql.Error{Number: 1033, Message: "The ORDER BY clause is invalid in views, inline functions, derived tables, subqueries, and common table expressions, unless TOP, OFFSET or FOR XML is also specified."}, db.BadStatement, "1033", ""},
		{mssql.Error{Number: 18456, Message: "login error: Login failed for user 'okta'."}, db.Auth, "18456", "okta"},
		{mssql.Error{Number: 4060, Message: `Cannot open database "scim" requested by the login. The login failed.`}, db.Auth, "4060", "scim"},
		{mssql.Error{Number: 1205, Message: "Transaction (Process ID 52) was deadlocked"}, db.Unavailable, "1205", ""},
		{mssql.Error{Number: -2, Message: "Timeout expired"}, db.Unavailable, "-2", ""},
		{mssql.Error{Number: 10054, Message: "connection reset"}, db.Unavailable, "10054", ""},
		{mssql.Error{Number: 40613, Message: "Database is not currently available"}, db.Unavailable, "40613", ""},
		{mssql.Error{Number: 229, Message: "The EXECUTE permission was denied on the object 'CREATE_USER', database 'scim', schema 'dbo'."}, db.Denied, "229", "CREATE_USER"},
		{mssql.Error{Number: 262, Message: "CREATE TABLE permission denied in database 'scim'."}, db.Denied, "262", ""},
		// go-mssqldb's text when SQL Server Browser knows no such instance.
		{errors.New("no instance matching 'INST2' returned from host 'sql.corp'"), db.Settings, "instance", ""},
		{&mssql.Error{Number: 2627, Message: "Violation of UNIQUE KEY constraint 'UQ_email'."}, db.Conflict, "2627", "UQ_email"},
		{fmt.Errorf("exec: %w", mssql.Error{Number: 2812, Message: "Could not find stored procedure 'p'."}), db.MissingObject, "2812", "p"},
		{mssql.ServerError{}, db.Unavailable, "server", ""},
		{context.DeadlineExceeded, db.Unavailable, "timeout", ""},
		{errors.New("boom"), db.Other, "", ""},
	}
	for _, tt := range tests {
		e := Dialect{}.Classify(tt.err)
		if e.Class != tt.class || e.Code != tt.code || e.Object != tt.object || fmt.Sprint(e.Err) != fmt.Sprint(tt.err) {
			t.Errorf("%T %v: got %s/%s/%q, want %s/%s/%q", tt.err, tt.err, e.Class, e.Code, e.Object, tt.class, tt.code, tt.object)
		}
	}
	if (Dialect{}).Classify(nil) != nil {
		t.Error("nil classified")
	}
}
