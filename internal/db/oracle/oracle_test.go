package oracle

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	go_ora "github.com/sijms/go-ora/v2"
	"github.com/sijms/go-ora/v2/configurations"
	"github.com/sijms/go-ora/v2/network"

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/secret"
)

const descriptor = "(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=ora.example.com)(PORT=1522))(CONNECT_DATA=(SERVICE_NAME=scim.example.com)))"

func TestParseJDBC(t *testing.T) {
	tests := []struct {
		url  string
		want db.Conn
	}{
		{"jdbc:oracle:thin:@ora.example.com:1521:ORCL", db.Conn{Host: "ora.example.com", Port: 1521, SID: "ORCL"}},
		{"jdbc:oracle:thin:@//ora.example.com:1521/scim.example.com", db.Conn{Host: "ora.example.com", Port: 1521, Database: "scim.example.com"}},
		{"jdbc:oracle:thin:@//ora/XEPDB1", db.Conn{Host: "ora", Database: "XEPDB1"}},
		{"jdbc:oracle:thin:@ora:1521/XEPDB1", db.Conn{Host: "ora", Port: 1521, Database: "XEPDB1"}},
		{"JDBC:ORACLE:THIN:@ORA:1521:XE", db.Conn{Host: "ORA", Port: 1521, SID: "XE"}},
		{"jdbc:oracle:thin:@//[::1]:1521/XE", db.Conn{Host: "::1", Port: 1521, Database: "XE"}},
		{"jdbc:oracle:thin:@" + descriptor, db.Conn{Descriptor: descriptor}},
		{"jdbc:oracle:thin:scott/tiger@//ora:1521/XE", db.Conn{Host: "ora", Port: 1521, Database: "XE", User: "scott", Password: "tiger"}},
		{`jdbc:oracle:thin:scott/"p@ss/w:rd"@ora:1521:XE`, db.Conn{Host: "ora", Port: 1521, SID: "XE", User: "scott", Password: "p@ss/w:rd"}},
		{`jdbc:oracle:thin:"Scott"/"x"@` + descriptor, db.Conn{Descriptor: descriptor, User: "Scott", Password: "x"}},
		{"jdbc:oracle:thin:scott@//ora/XE", db.Conn{Host: "ora", Database: "XE", User: "scott"}},
		{"jdbc:oracle:thin:@tcps://ora:2484/XE", db.Conn{Host: "ora", Port: 2484, Database: "XE", Properties: map[string]string{"ssl": "true"}}},
		{"jdbc:oracle:thin:@tcp://ora:1521/XE", db.Conn{Host: "ora", Port: 1521, Database: "XE"}},
		{"jdbc:oracle:thin:@//ora:1521/XE?oracle.net.CONNECT_TIMEOUT=5000&wallet_location=%2Fopt%2Fwallet",
			db.Conn{Host: "ora", Port: 1521, Database: "XE", Properties: map[string]string{"oracle.net.CONNECT_TIMEOUT": "5000", "wallet_location": "/opt/wallet"}}},
		{"jdbc:oracle:thin:@" + descriptor + "?TNS_ADMIN=/w&user=u&password=p%26w",
			db.Conn{Descriptor: descriptor, User: "u", Password: "p&w", Properties: map[string]string{"TNS_ADMIN": "/w"}}},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			got, err := Dialect{}.ParseJDBC(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Type = "oracle"
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestParseJDBCErrors(t *testing.T) {
	tests := []struct{ url, want string }{
		{"jdbc:oracle:oci:@XE", "only the thin driver URL jdbc:oracle:thin:@... is supported; the OCI driver needs Oracle client libraries"},
		{"jdbc:oracle:thin:@", "jdbc:oracle:thin URL has no host"},
		{"jdbc:oracle:thin:@//:1521/XE", "jdbc:oracle:thin URL: has no host"},
		{"jdbc:oracle:thin:@mydb_high", `jdbc:oracle:thin URL: "mydb_high" looks like a TNS alias, which sqlscim cannot resolve without tnsnames.ora; use //host:port/service or a (DESCRIPTION=...) connect descriptor`},
		{"jdbc:oracle:thin:@ora:1521", "jdbc:oracle:thin URL: has no service name or SID: use //host:port/service or host:port:SID"},
		{"jdbc:oracle:thin:@ora:abc:XE", `jdbc:oracle:thin URL: port "abc" is not a number`},
		{"jdbc:oracle:thin:@ora:99999/XE", "jdbc:oracle:thin URL: port 99999 is out of range (1-65535)"},
		{"jdbc:oracle:thin:@//ora:1521/XE:dedicated", `jdbc:oracle:thin URL: service "XE:dedicated" has an EZConnect server type or instance name, which sqlscim does not support; use a connect descriptor`},
		{"jdbc:oracle:thin:@//ora:1521/", "jdbc:oracle:thin URL: has an empty service name"},
		{"jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(HOST=x)", "jdbc:oracle:thin URL: the connect descriptor has unbalanced parentheses"},
		{"jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(HOST=x)))junk", "jdbc:oracle:thin URL has text after the connect descriptor"},
		{"jdbc:oracle:thin:scott/secret", `jdbc:oracle:thin URL: needs "@" before the host, like jdbc:oracle:thin:user/password@//host:1521/service (quote a password holding @ or / in double quotes)`},
		{`jdbc:oracle:thin:scott/"secret@ora:1521:XE`, "jdbc:oracle:thin URL: the quoted password has no closing quote"},
		{"jdbc:oracle:thin:@//ora/XE?password=sec%zz", `jdbc:oracle:thin URL: value of property "password": invalid percent-encoding`},
		{"jdbc:oracle:thin:@//[::1/XE", `jdbc:oracle:thin URL: IPv6 address "[::1/XE" has no closing ]`},
		{"jdbc:mysql://h/db", `"jdbc:mysql://h/db" is not a jdbc:oracle: URL`},
	}
	for _, tt := range tests {
		_, err := Dialect{}.ParseJDBC(tt.url)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: error %v\nwant  %q", tt.url, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "sec") {
			t.Errorf("error reveals the password: %v", err)
		}
	}
}

var hostilePasswords = []string{
	"p@ss:w/o;r?d#ü", "p@ss:w/o;r?d#ü {x}&=%", "a b", "+", "%", "%41", "{}", ";", "&=", "パスワード", `\`, `"`, ",",
}

func parseDSN(t *testing.T, c db.Conn) *configurations.ConnectionConfig {
	t.Helper()
	dsn, err := Dialect{}.DSN(c)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := go_ora.ParseConfig(dsn)
	if err != nil {
		t.Fatalf("%s: %v", dsn, err)
	}
	return cfg
}

func TestDSNPasswordRoundTrip(t *testing.T) {
	for _, pw := range hostilePasswords {
		for _, c := range []db.Conn{
			{Host: "ora.example.com", Database: "scim.example.com"},
			{Host: "ora.example.com", Port: 1522, SID: "ORCL"},
			{Descriptor: descriptor},
		} {
			c.User, c.Password = "scim", secret.String(pw)
			cfg := parseDSN(t, c)
			if cfg.Password != pw || cfg.UserID != "scim" {
				t.Errorf("password %q: got %q user %q", pw, cfg.Password, cfg.UserID)
			}
		}
	}
}

func TestDSN(t *testing.T) {
	cfg := parseDSN(t, db.Conn{Host: "ora.example.com", Database: "scim.example.com", User: "u", Password: "p"})
	if cfg.ServiceName != "scim.example.com" || len(cfg.Servers) != 1 || cfg.Servers[0].Addr != "ora.example.com" || cfg.Servers[0].Port != 1521 || cfg.SID != "" {
		t.Errorf("service: %+v", cfg.DatabaseInfo)
	}
	cfg = parseDSN(t, db.Conn{Host: "::1", Port: 1522, SID: "ORCL", User: "u", Password: "p"})
	if cfg.SID != "ORCL" || cfg.Servers[0].Addr != "::1" || cfg.Servers[0].Port != 1522 {
		t.Errorf("SID: %+v", cfg.DatabaseInfo)
	}
	cfg = parseDSN(t, db.Conn{Descriptor: descriptor, User: "u", Password: "p"})
	if cfg.ServiceName != "scim.example.com" || len(cfg.Servers) != 1 || cfg.Servers[0].Addr != "ora.example.com" || cfg.Servers[0].Port != 1522 {
		t.Errorf("descriptor: %+v", cfg.DatabaseInfo)
	}

	base := db.Conn{Host: "ora", Database: "XE", User: "u", Password: "p"}
	tests := []struct {
		name  string
		props map[string]string
		check func(*configurations.ConnectionConfig) bool
	}{
		{"ssl", map[string]string{"ssl": "true"}, func(c *configurations.ConnectionConfig) bool { return c.SSL && c.SSLVerify }},
		{"sslVerify", map[string]string{"ssl": "true", "sslVerify": "false"}, func(c *configurations.ConnectionConfig) bool { return c.SSL && !c.SSLVerify }},
		{"native SSL VERIFY", map[string]string{"SSL": "true", "ssl verify": "false"}, func(c *configurations.ConnectionConfig) bool { return c.SSL && !c.SSLVerify }},
		{"oracle.net.CONNECT_TIMEOUT", map[string]string{"oracle.net.CONNECT_TIMEOUT": "2500"}, func(c *configurations.ConnectionConfig) bool { return c.Timeout == 3*time.Second }},
		{"connect_timeout", map[string]string{"connect_timeout": "7"}, func(c *configurations.ConnectionConfig) bool { return c.Timeout == 7*time.Second }},
		{"native CONNECT TIMEOUT wins", map[string]string{"CONNECT TIMEOUT": "4", "connect_timeout": "7"}, func(c *configurations.ConnectionConfig) bool { return c.Timeout == 4*time.Second }},
		{"defaultRowPrefetch", map[string]string{"defaultRowPrefetch": "100"}, func(c *configurations.ConnectionConfig) bool { return c.PrefetchRows == 100 }},
		{"v$session.program", map[string]string{"v$session.program": "okta scim"}, func(c *configurations.ConnectionConfig) bool { return c.ProgramName == "okta scim" }},
		{"internal_logon", map[string]string{"internal_logon": "sysdba"}, func(c *configurations.ConnectionConfig) bool { return c.DBAPrivilege == configurations.SYSDBA }},
		{"ignored", map[string]string{"oracle.jdbc.timezoneAsRegion": "false", "oracle.jdbc.fanEnabled": "false", "oracle.net.disableOob": "true",
			"oracle.jdbc.ReadTimeout": "60000", "oracle.net.ssl_server_dn_match": "true", "oracle.jdbc.implicitStatementCacheSize": "20",
			"retry_count": "3", "retry_delay": "1", "oracle.net.READ_TIMEOUT": "1"}, func(c *configurations.ConnectionConfig) bool { return !c.SSL }},
		{"native", map[string]string{"prefetch_rows": "50", "language": "FRENCH", "lob fetch": "stream"}, func(c *configurations.ConnectionConfig) bool {
			return c.PrefetchRows == 50 && c.Language == "FRENCH" && c.Lob == configurations.STREAM
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base
			c.Properties = tt.props
			if cfg := parseDSN(t, c); !tt.check(cfg) {
				t.Errorf("%+v", cfg)
			}
		})
	}

	// Wallet locations (go-ora reads the wallet when parsing, so check the URL).
	for _, tt := range []struct{ key, value string }{
		{"wallet", "/opt/wallet"},
		{"TNS_ADMIN", "/opt/wallet"},
		{"oracle.net.wallet_location", "(SOURCE=(METHOD=FILE)(METHOD_DATA=(DIRECTORY=/opt/wallet)))"},
	} {
		c := base
		c.Properties = map[string]string{tt.key: tt.value, "walletPassword": "w,p&x"}
		dsn, err := Dialect{}.DSN(c)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(dsn, "WALLET=%2Fopt%2Fwallet") || !strings.Contains(dsn, "WALLET+PASSWORD=w%2Cp%26x") {
			t.Errorf("%s: %s", tt.key, dsn)
		}
	}
}

func TestDSNErrors(t *testing.T) {
	tests := []struct {
		c    db.Conn
		want string
	}{
		{db.Conn{Host: "ora", Database: "XE"}, "Oracle connection has no user"},
		{db.Conn{User: "u", Database: "XE"}, "Oracle connection has no host"},
		{db.Conn{User: "u", Host: "ora"}, "Oracle connection needs a service name (database), a SID or a connect descriptor"},
		{db.Conn{User: "u", Host: "ora", Database: "XE", SID: "XE"}, "Oracle connection has both a service name and a SID; keep one"},
		{db.Conn{User: "u", Host: "ora", Database: "XE", Port: 70000}, "port 70000 is out of range (1-65535)"},
		{db.Conn{User: "u", Host: "a b", Database: "XE"}, `Oracle host "a b" is not a host name or address`},
		{db.Conn{User: "u", Descriptor: "DESCRIPTION=x"}, "Oracle connect descriptor must start with (DESCRIPTION="},
		{db.Conn{User: "u", Host: "ora", Database: "XE", Properties: map[string]string{"oracle.jdbc.mystery": "1"}}, `unknown Oracle connection property "oracle.jdbc.mystery"; use an Oracle JDBC property sqlscim translates (ssl, wallet, oracle.net.wallet_location, TNS_ADMIN, oracle.net.CONNECT_TIMEOUT, defaultRowPrefetch, ...) or a go-ora option (SSL, SSL VERIFY, WALLET, WALLET PASSWORD, CONNECTION TIMEOUT, PREFETCH_ROWS, ...)`},
		{db.Conn{User: "u", Host: "ora", Database: "XE", Properties: map[string]string{"ssl": "maybe"}}, `Oracle connection property ssl="maybe": want true or false`},
		{db.Conn{User: "u", Host: "ora", Database: "XE", Properties: map[string]string{"oracle.net.CONNECT_TIMEOUT": "5s"}}, `Oracle connection property oracle.net.CONNECT_TIMEOUT="5s": want a number of milliseconds`},
		{db.Conn{User: "u", Host: "ora", Database: "XE", Properties: map[string]string{"internal_logon": "root"}}, `Oracle connection property internal_logon="root": want sysdba or sysoper`},
		{db.Conn{User: "u", Host: "ora", Database: "XE", Properties: map[string]string{"oracle.net.wallet_location": "(SOURCE=(METHOD=MCS))"}}, `Oracle connection property oracle.net.wallet_location: no (DIRECTORY=...) in "(SOURCE=(METHOD=MCS))"`},
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
	if d.Placeholder(1) != ":1" || d.Placeholder(11) != ":11" {
		t.Error("placeholder")
	}
	for in, want := range map[string]string{"ID": `"ID"`, `a"b`: `"a""b"`} {
		if got := d.QuoteIdent(in); got != want {
			t.Errorf("QuoteIdent(%q) = %q", in, got)
		}
	}
	v, c := db.ProcArg{Value: 1}, db.ProcArg{Cursor: true}
	for _, tt := range []struct {
		call db.ProcCall
		want string
	}{
		{db.ProcCall{Name: "scim_pkg.get_users", Args: []db.ProcArg{v, c}, WantRows: true}, "BEGIN scim_pkg.get_users(:1, :2); END;"},
		{db.ProcCall{Name: "SCIM.SCIM_PKG.ADD_USER", Args: []db.ProcArg{v, v, v}}, "BEGIN SCIM.SCIM_PKG.ADD_USER(:1, :2, :3); END;"},
		{db.ProcCall{Name: `"Scim"."get users"`, Args: []db.ProcArg{c}}, `BEGIN "Scim"."get users"(:1); END;`},
		{db.ProcCall{Name: "refresh$#"}, "BEGIN refresh$#; END;"},
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
		{db.ProcCall{Name: "p@dblink"}, `procedure name "p@dblink" is not a valid identifier (unexpected '@'): use letters, digits, _, $ and #, a dot between schema and name, or a quoted name`},
		{db.ProcCall{Name: "p", Args: []db.ProcArg{c, c}}, "procedure p has 2 CURSOR parameters; sqlscim reads one"},
	} {
		_, err := d.CallSQL(tt.call)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%+v: error %v\nwant %q", tt.call, err, tt.want)
		}
		if _, err := d.CallProcedure(context.Background(), nil, tt.call); err == nil {
			t.Error("CallProcedure ran")
		}
	}
	if d.Info().Name != "oracle" || d.Info().DriverName != "oracle" || d.Info().DefaultPort != 1521 || len(d.Info().Aliases) != 0 {
		t.Error("names")
	}
}

func TestWrapCursorUnopened(t *testing.T) {
	_, err := wrapCursor(context.Background(), nil, new(go_ora.RefCursor), "p")
	if err == nil || !strings.HasPrefix(err.Error(), "procedure p: the cursor parameter came back unopened") {
		t.Errorf("error %v", err)
	}
}

func TestClassify(t *testing.T) {
	ora := func(code int, msg string) error { return &network.OracleError{ErrCode: code, ErrMsg: msg} }
	tests := []struct {
		err    error
		class  db.Class
		code   string
		object string
	}{
		{ora(1, "ORA-00001: unique constraint (SCIM.UQ_EMAIL) violated"), db.Conflict, "ORA-00001", "SCIM.UQ_EMAIL"},
		{&network.OracleError{ErrCode: 1}, db.Conflict, "ORA-00001", ""},
		{ora(2291, "ORA-02291: integrity constraint (SCIM.FK_GRP) violated - parent key not found"), db.Invalid, "ORA-02291", "SCIM.FK_GRP"},
		{ora(2292, "ORA-02292: integrity constraint (SCIM.FK_GRP) violated - child record found"), db.Invalid, "ORA-02292", "SCIM.FK_GRP"},
		{ora(1400, `ORA-01400: cannot insert NULL into ("SCIM"."USERS"."FIRSTNAME")`), db.Invalid, "ORA-01400", "FIRSTNAME"},
		{ora(12899, `ORA-12899: value too large for column "SCIM"."USERS"."FIRSTNAME" (actual: 11, maximum: 5)`), db.Invalid, "ORA-12899", "FIRSTNAME"},
		{ora(1722, "ORA-01722: invalid number"), db.Invalid, "ORA-01722", ""},
		{ora(1858, "ORA-01858: a non-numeric character was found where a numeric was expected"), db.Invalid, "ORA-01858", ""},
		{ora(1861, "ORA-01861: literal does not match format string"), db.Invalid, "ORA-01861", ""},
		{ora(20001, "ORA-20001: user is locked"), db.Invalid, "ORA-20001", ""},
		{ora(6550, "ORA-06550: line 1, column 7:\nPLS-00201: identifier 'SCIM.NO_SUCH' must be declared\nORA-06550: line 1, column 7:\nPL/SQL: Statement ignored"), db.MissingObject, "ORA-06550", "SCIM.NO_SUCH"},
		{ora(6550, "ORA-06550: line 1, column 7:\nPLS-00306: wrong number or types of arguments in call to 'GET_USERS'"), db.MissingObject, "ORA-06550", "GET_USERS"},
		{ora(6564, "ORA-06564: object SCIM_DIR does not exist"), db.MissingObject, "ORA-06564", "SCIM_DIR"},
		{ora(942, "ORA-00942: table or view does not exist"), db.MissingObject, "ORA-00942", ""},
		{ora(904, `ORA-00904: "NO_COL": invalid identifier`), db.MissingObject, "ORA-00904", "NO_COL"},
		{ora(900, "ORA-00900: invalid SQL statement"), db.BadStatement, "ORA-00900", ""},
		{ora(933, "ORA-00933: SQL command not properly ended"), db.BadStatement, "ORA-00933", ""},
		{ora(1017, "ORA-01017: invalid username/password; logon denied"), db.Auth, "ORA-01017", ""},
		{ora(12514, "ORA-12514: TNS:listener does not currently know of service"), db.Auth, "ORA-12514", ""},
		{ora(12505, "ORA-12505: TNS:listener does not currently know of SID"), db.Auth, "ORA-12505", ""},
		{ora(12541, "ORA-12541: TNS:no listener"), db.Unavailable, "ORA-12541", ""},
		{ora(12170, "ORA-12170: TNS:Connect timeout occurred"), db.Unavailable, "ORA-12170", ""},
		{ora(3113, "ORA-03113: end-of-file on communication channel"), db.Unavailable, "ORA-03113", ""},
		{ora(3114, "ORA-03114: not connected to ORACLE"), db.Unavailable, "ORA-03114", ""},
		{ora(12537, "ORA-12537: TNS:connection closed"), db.Unavailable, "ORA-12537", ""},
		{ora(1031, "ORA-01031: insufficient privileges"), db.Denied, "ORA-01031", ""},
		{fmt.Errorf("exec: %w", ora(1, "ORA-00001: unique constraint (S.PK) violated")), db.Conflict, "ORA-00001", "S.PK"},
		{errors.New("ORA-12541: TNS:no listener"), db.Unavailable, "ORA-12541", ""},
		{context.DeadlineExceeded, db.Unavailable, "timeout", ""},
		{errors.New("boom"), db.Other, "", ""},
	}
	for _, tt := range tests {
		e := Dialect{}.Classify(tt.err)
		if e.Class != tt.class || e.Code != tt.code || e.Object != tt.object || !errors.Is(e, tt.err) {
			t.Errorf("%v: got %s/%s/%q, want %s/%s/%q", tt.err, e.Class, e.Code, e.Object, tt.class, tt.code, tt.object)
		}
	}
	if (Dialect{}).Classify(nil) != nil {
		t.Error("nil classified")
	}
}
