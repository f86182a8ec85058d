package mysql

import (
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/secret"
)

// hostilePasswords must survive DSN building and the driver's parsing.
var hostilePasswords = []string{
	"p@ss:w/o;r?d#ü",
	"p@ss:w/o;r?d#ü {x}&=%",
	"a b", "{}", "&=", "%", "%41", "@", ":", "/", "?", "#", ";", ")", "tcp(x)/", "/?a=b&c=d", "ü", "パスワード", "+", `\`, `'"`,
}

func TestDSNPasswordRoundTrip(t *testing.T) {
	for _, pw := range hostilePasswords {
		for _, user := range []string{"scim", "u@x", "u/x"} {
			dsn, err := Dialect{}.DSN(db.Conn{Host: "db.example.com", User: user, Password: secret.String(pw), Database: "sc/im?"})
			if err != nil {
				t.Fatalf("%q: %v", pw, err)
			}
			cfg, err := mysql.ParseDSN(dsn)
			if err != nil {
				t.Fatalf("%q: ParseDSN: %v", pw, err)
			}
			if cfg.Passwd != pw || cfg.User != user || cfg.DBName != "sc/im?" || cfg.Addr != "db.example.com:3306" {
				t.Errorf("password %q user %q: got password %q user %q db %q addr %q", pw, user, cfg.Passwd, cfg.User, cfg.DBName, cfg.Addr)
			}
		}
	}
}

func TestDSNBasics(t *testing.T) {
	dsn, err := Dialect{}.DSN(db.Conn{Host: "::1", Port: 3307, User: "u", Database: "scim"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "u@tcp([::1]:3307)/scim?parseTime=true"; dsn != want {
		t.Errorf("dsn %q, want %q", dsn, want)
	}
	for _, tt := range []struct {
		c    db.Conn
		want string
	}{
		{db.Conn{}, "MySQL connection has no host"},
		{db.Conn{Host: "h/x"}, `MySQL host "h/x" is not a host name or address`},
		{db.Conn{Host: "h", Port: 70000}, "port 70000 is out of range (1-65535)"},
		{db.Conn{Host: "h", User: "a:b"}, `MySQL user name "a:b" contains ':', which go-sql-driver/mysql cannot express`},
		{db.Conn{Host: "h", Password: "secret"}, "MySQL connection has a password but no user"},
	} {
		_, err := Dialect{}.DSN(tt.c)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%+v: error %v, want %q", tt.c, err, tt.want)
		}
	}
	// user and password properties fill empty fields.
	dsn, err = Dialect{}.DSN(db.Conn{Host: "h", Properties: map[string]string{"User": "u", "password": "p&w"}})
	if err != nil {
		t.Fatal(err)
	}
	if cfg, _ := mysql.ParseDSN(dsn); cfg.User != "u" || cfg.Passwd != "p&w" {
		t.Errorf("user/password properties: %q", dsn)
	}
}

func TestDSNProperties(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		props map[string]string
		check func(*mysql.Config, string) bool
	}{
		// translated
		{"useSSL=false", map[string]string{"useSSL": "false"}, func(c *mysql.Config, _ string) bool { return c.TLSConfig == "false" }},
		{"useSSL=true", map[string]string{"usessl": "TRUE"}, func(c *mysql.Config, _ string) bool { return c.TLSConfig == "skip-verify" }},
		{"sslMode=DISABLED", map[string]string{"sslMode": "DISABLED"}, func(c *mysql.Config, _ string) bool { return c.TLSConfig == "false" }},
		{"sslMode=PREFERRED", map[string]string{"sslMode": "preferred"}, func(c *mysql.Config, _ string) bool {
			return c.TLSConfig == "preferred" && c.AllowFallbackToPlaintext
		}},
		{"sslMode=REQUIRED", map[string]string{"SSLMODE": "REQUIRED"}, func(c *mysql.Config, _ string) bool { return c.TLSConfig == "skip-verify" }},
		{"sslMode=VERIFY_CA", map[string]string{"sslMode": "VERIFY_CA"}, func(c *mysql.Config, _ string) bool {
			return c.TLSConfig == "true" && c.TLS.ServerName == "db.example.com"
		}},
		{"sslMode=VERIFY_IDENTITY", map[string]string{"sslMode": "VERIFY_IDENTITY"}, func(c *mysql.Config, _ string) bool { return c.TLSConfig == "true" }},
		{"sslMode beats useSSL", map[string]string{"useSSL": "true", "sslMode": "DISABLED"}, func(c *mysql.Config, _ string) bool { return c.TLSConfig == "false" }},
		{"tls beats sslMode", map[string]string{"tls": "preferred", "sslMode": "REQUIRED"}, func(c *mysql.Config, _ string) bool { return c.TLSConfig == "preferred" }},
		{"serverTimezone=UTC", map[string]string{"serverTimezone": "UTC"}, func(c *mysql.Config, _ string) bool { return c.Loc == time.UTC }},
		{"serverTimezone=Europe/Paris", map[string]string{"serverTimezone": "Europe/Paris"}, func(c *mysql.Config, _ string) bool { return c.Loc.String() == paris.String() }},
		{"characterEncoding=UTF-8", map[string]string{"characterEncoding": "UTF-8"}, func(_ *mysql.Config, d string) bool { return strings.Contains(d, "charset=utf8mb4") }},
		{"characterEncoding=utf8", map[string]string{"characterEncoding": "utf8"}, func(_ *mysql.Config, d string) bool { return strings.Contains(d, "charset=utf8mb4") }},
		{"characterEncoding=utf8mb4", map[string]string{"characterEncoding": "utf8mb4"}, func(_ *mysql.Config, d string) bool { return strings.Contains(d, "charset=utf8mb4") }},
		{"interpolateParams=false", map[string]string{"interpolateParams": "false"}, func(c *mysql.Config, _ string) bool { return !c.InterpolateParams }},
		{"connectTimeout", map[string]string{"connectTimeout": "5000"}, func(c *mysql.Config, _ string) bool { return c.Timeout == 5*time.Second }},
		{"connectTimeout=0", map[string]string{"connectTimeout": "0"}, func(c *mysql.Config, _ string) bool { return c.Timeout == 0 }},
		{"socketTimeout", map[string]string{"socketTimeout": "1500"}, func(c *mysql.Config, _ string) bool {
			return c.ReadTimeout == 1500*time.Millisecond && c.WriteTimeout == 1500*time.Millisecond
		}},
		// ignored
		{"ignored", map[string]string{
			"allowMultiQueries": "true", "useUnicode": "true", "zeroDateTimeBehavior": "convertToNull", "autoReconnect": "true",
			"useLegacyDatetimeCode": "false", "cachePrepStmts": "true", "useServerPrepStmts": "true", "rewriteBatchedStatements": "true",
			"multiStatements": "true", "allowPublicKeyRetrieval": "true", "prepStmtCacheSize": "250", "prepStmtCacheSqlLimit": "2048",
		}, func(c *mysql.Config, d string) bool {
			return d == "u:p@tcp(db.example.com:3306)/scim?parseTime=true" && !c.MultiStatements && len(c.Params) == 0
		}},
		// passed through
		{"tls", map[string]string{"tls": "skip-verify"}, func(c *mysql.Config, _ string) bool { return c.TLSConfig == "skip-verify" }},
		{"timeout", map[string]string{"timeout": "3s", "readTimeout": "4s", "writeTimeout": "5s"}, func(c *mysql.Config, _ string) bool {
			return c.Timeout == 3*time.Second && c.ReadTimeout == 4*time.Second && c.WriteTimeout == 5*time.Second
		}},
		{"timeout beats connectTimeout", map[string]string{"timeout": "3s", "connectTimeout": "9000"}, func(c *mysql.Config, _ string) bool { return c.Timeout == 3*time.Second }},
		{"charset+collation", map[string]string{"charset": "utf8mb4,utf8", "collation": "utf8mb4_unicode_ci"}, func(c *mysql.Config, d string) bool {
			return c.Collation == "utf8mb4_unicode_ci" && strings.Contains(d, "charset=utf8mb4,utf8")
		}},
		{"loc", map[string]string{"LOC": "Europe/Paris"}, func(c *mysql.Config, _ string) bool { return c.Loc.String() == "Europe/Paris" }},
		{"parseTime=false", map[string]string{"parseTime": "false"}, func(c *mysql.Config, _ string) bool { return !c.ParseTime }},
		{"parseTime default", nil, func(c *mysql.Config, _ string) bool { return c.ParseTime }},
		{"misc", map[string]string{"clientFoundRows": "true", "maxAllowedPacket": "1024", "connectionAttributes": "app:sqlscim,x:a&b"}, func(c *mysql.Config, _ string) bool {
			return c.ClientFoundRows && c.MaxAllowedPacket == 1024 && c.ConnectionAttributes == "app:sqlscim,x:a&b"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dsn, err := Dialect{}.DSN(db.Conn{Host: "db.example.com", User: "u", Password: "p", Database: "scim", Properties: tt.props})
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := mysql.ParseDSN(dsn)
			if err != nil {
				t.Fatalf("%s: %v", dsn, err)
			}
			if !tt.check(cfg, dsn) {
				t.Errorf("DSN %q does not hold the expected setting", dsn)
			}
			if len(cfg.Params) != 0 {
				t.Errorf("DSN %q would send session variables %v", dsn, cfg.Params)
			}
		})
	}
}

func TestDSNPropertyErrors(t *testing.T) {
	tests := []struct {
		props map[string]string
		want  string
	}{
		{map[string]string{"sql_mode": "ANSI"}, `unknown MySQL connection property "sql_mode"; use a Connector/J property sqlscim translates (useSSL, sslMode, serverTimezone, characterEncoding, connectTimeout, socketTimeout) or a go-sql-driver/mysql parameter (tls, timeout, readTimeout, writeTimeout, charset, collation, loc, parseTime, ...)`},
		{map[string]string{"useSSL": "yes please"}, `MySQL connection property useSSL="yes please": want true or false`},
		{map[string]string{"sslMode": "ALWAYS"}, `MySQL connection property sslMode="ALWAYS": want DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY`},
		{map[string]string{"serverTimezone": "Mars/Olympus"}, `MySQL connection property serverTimezone="Mars/Olympus": unknown time zone`},
		{map[string]string{"characterEncoding": "EBCDIC"}, `MySQL connection property characterEncoding="EBCDIC" is not supported: go-sql-driver/mysql sends text as UTF-8 without converting it, so sqlscim speaks UTF-8 (utf8mb4) only, and the server converts to each column's own character set; remove it or set it to UTF-8`},
		{map[string]string{"characterEncoding": "ISO-8859-1"}, `MySQL connection property characterEncoding="ISO-8859-1" is not supported: go-sql-driver/mysql sends text as UTF-8 without converting it, so sqlscim speaks UTF-8 (utf8mb4) only, and the server converts to each column's own character set; remove it or set it to UTF-8`},
		{map[string]string{"collation": "gbk_chinese_ci"}, `MySQL connection property collation="gbk_chinese_ci" is not supported: go-sql-driver/mysql sends text as UTF-8 without converting it, so sqlscim speaks UTF-8 (utf8mb4) only, and the server converts to each column's own character set; remove it or name a utf8mb4 collation (utf8mb4_unicode_ci)`},
		{map[string]string{"interpolateParams": "true"}, `MySQL connection property interpolateParams="true" is not allowed: it makes the driver splice values into the SQL text instead of binding them, which a multibyte character set turns into SQL injection; sqlscim binds every value, remove it`},
		{map[string]string{"interpolateParams": "maybe"}, `MySQL connection property interpolateParams="maybe": want true or false`},
		{map[string]string{"connectTimeout": "5s"}, `MySQL connection property connectTimeout="5s": want a number of milliseconds`},
		{map[string]string{"socketTimeout": "-1"}, `MySQL connection property socketTimeout="-1": want a number of milliseconds`},
		{map[string]string{"allowAllFiles": "true"}, `MySQL connection property "allowAllFiles" is not allowed: it lets LOAD DATA LOCAL INFILE read any file of the sqlscim host`},
		{map[string]string{"strict": "true"}, `MySQL connection property "strict" is not allowed: go-sql-driver/mysql removed strict mode`},
		{map[string]string{"parseTime": "maybe"}, "MySQL connection properties: invalid bool value: maybe"},
		{map[string]string{"timeout": "soon"}, `MySQL connection properties: time: invalid duration "soon"`},
		{map[string]string{"tls": "custom"}, "MySQL connection properties: invalid value / unknown config name: custom"},
		{map[string]string{"rejectReadOnly": "a&b"}, `MySQL connection property "rejectReadOnly": value must not contain '&'`},
	}
	for _, tt := range tests {
		_, err := Dialect{}.DSN(db.Conn{Host: "h", User: "u", Password: "secretpw", Properties: tt.props})
		if err == nil || err.Error() != tt.want {
			t.Errorf("%v: error %v\nwant %q", tt.props, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "secretpw") {
			t.Errorf("error reveals the password: %v", err)
		}
	}
}
