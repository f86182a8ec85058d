package postgres

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/secret"
)

var hostilePasswords = []string{
	"p@ss:w/o;r?d#ü",
	"p@ss:w/o;r?d#ü {x}&=%",
	"a b", " lead", "trail ", "{}", "&=", "%", "%41", "+", "@", ":", "/", "?", "#", ";", "'", `"`, `\`, "パスワード", "a=b&c=d",
}

func TestDSNPasswordRoundTrip(t *testing.T) {
	for _, pw := range hostilePasswords {
		for _, user := range []string{"scim", "u@x:y/z ü"} {
			dsn, err := Dialect{}.DSN(db.Conn{Host: "db.example.com", User: user, Password: secret.String(pw), Database: "my db?#/",
				Properties: map[string]string{"ApplicationName": "okta scim+x&y=z"}})
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := pgconn.ParseConfig(dsn)
			if err != nil {
				t.Fatalf("password %q: ParseConfig: %v", pw, err)
			}
			if cfg.Password != pw || cfg.User != user || cfg.Database != "my db?#/" || cfg.Host != "db.example.com" || cfg.Port != 5432 {
				t.Errorf("password %q user %q: got password %q user %q database %q host %s:%d", pw, user, cfg.Password, cfg.User, cfg.Database, cfg.Host, cfg.Port)
			}
			if got := cfg.RuntimeParams["application_name"]; got != "okta scim+x&y=z" {
				t.Errorf("application_name %q", got)
			}
		}
	}
}

func TestDSNBasics(t *testing.T) {
	for _, tt := range []struct {
		c    db.Conn
		want string
	}{
		{db.Conn{Host: "pg", User: "u", Database: "scim"}, "postgres://u@pg:5432/scim"},
		{db.Conn{Host: "::1", Port: 5433, User: "u", Password: "p", Database: "scim"}, "postgres://u:p@[::1]:5433/scim"},
		{db.Conn{Host: "pg"}, "postgres://pg:5432/"},
		{db.Conn{Host: "/var/run/postgresql", User: "u", Database: "scim"}, "postgres://u@/scim?host=%2Fvar%2Frun%2Fpostgresql&port=5432"},
	} {
		got, err := Dialect{}.DSN(tt.c)
		if err != nil || got != tt.want {
			t.Errorf("%+v: %q, %v; want %q", tt.c, got, err, tt.want)
		}
		if _, err := pgconn.ParseConfig(got); err != nil {
			t.Errorf("%q: %v", got, err)
		}
	}
	for _, tt := range []struct {
		c    db.Conn
		want string
	}{
		{db.Conn{}, "PostgreSQL connection has no host"},
		{db.Conn{Host: "a,b"}, `PostgreSQL host "a,b" is a list of hosts; sqlscim connects to one host`},
		// pgx splits a socket directory at commas too, and dials each part
		// (a host name among them over TCP): the bypass of the review.
		{db.Conn{Host: "/nonexistent,127.0.0.1,db.lab.internal"}, `PostgreSQL host "/nonexistent,127.0.0.1,db.lab.internal" is a list of hosts; sqlscim connects to one host`},
		{db.Conn{Host: "/tmp?x"}, `PostgreSQL socket directory "/tmp?x" is not a directory path`},
		{db.Conn{Host: "%2Ftmp"}, `PostgreSQL host "%2Ftmp" is not a host name or address`},
		{db.Conn{Host: "h", Port: -1}, "port -1 is out of range (1-65535)"},
		{db.Conn{Host: "h", Password: "secret"}, "PostgreSQL connection has a password but no user"},
	} {
		_, err := Dialect{}.DSN(tt.c)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%+v: error %v, want %q", tt.c, err, tt.want)
		}
	}
}

func TestDSNProperties(t *testing.T) {
	tests := []struct {
		name  string
		props map[string]string
		want  map[string]string
	}{
		{"ssl=true", map[string]string{"ssl": "true"}, map[string]string{"sslmode": "require"}},
		{"ssl=false", map[string]string{"SSL": "false"}, map[string]string{"sslmode": "disable"}},
		{"sslmode wins over ssl", map[string]string{"ssl": "true", "sslmode": "verify-full"}, map[string]string{"sslmode": "verify-full"}},
		{"sslmode", map[string]string{"sslmode": "Prefer"}, map[string]string{"sslmode": "prefer"}},
		{"NonValidatingFactory", map[string]string{"ssl": "true", "sslfactory": "org.postgresql.ssl.NonValidatingFactory"}, map[string]string{"sslmode": "require"}},
		{"currentSchema", map[string]string{"currentSchema": "scim,public"}, map[string]string{"search_path": "scim,public"}},
		{"ApplicationName", map[string]string{"ApplicationName": "Okta SCIM"}, map[string]string{"application_name": "Okta SCIM"}},
		{"connectTimeout", map[string]string{"connectTimeout": "10"}, map[string]string{"connect_timeout": "10"}},
		{"loginTimeout", map[string]string{"loginTimeout": "7", "connectTimeout": "10"}, map[string]string{"connect_timeout": "7"}},
		{"connectTimeout=0", map[string]string{"connectTimeout": "0"}, map[string]string{}},
		{"targetServerType", map[string]string{"targetServerType": "master"}, map[string]string{"target_session_attrs": "primary"}},
		{"targetServerType secondary", map[string]string{"targetServerType": "preferSecondary"}, map[string]string{"target_session_attrs": "prefer-standby"}},
		{"ignored", map[string]string{"socketTimeout": "30", "tcpKeepAlive": "true", "prepareThreshold": "0", "preparedStatementCacheQueries": "0",
			"preparedStatementCacheSizeMiB": "0", "defaultRowFetchSize": "100", "stringtype": "unspecified", "reWriteBatchedInserts": "true",
			"binaryTransfer": "false", "loggerLevel": "DEBUG", "loggerFile": "x.log", "assumeMinServerVersion": "9.4"}, map[string]string{}},
		{"native", map[string]string{"sslrootcert": "/etc/ca.pem", "sslcert": "/c.pem", "sslkey": "/k.pem", "application_name": "a",
			"search_path": "s", "connect_timeout": "3", "target_session_attrs": "read-write", "options": "-c statement_timeout=5000", "channel_binding": "prefer"},
			map[string]string{"sslrootcert": "/etc/ca.pem", "sslcert": "/c.pem", "sslkey": "/k.pem", "application_name": "a",
				"search_path": "s", "connect_timeout": "3", "target_session_attrs": "read-write", "options": "-c statement_timeout=5000", "channel_binding": "prefer"}},
		{"native wins", map[string]string{"application_name": "native", "ApplicationName": "jdbc", "connect_timeout": "3", "connectTimeout": "9"},
			map[string]string{"application_name": "native", "connect_timeout": "3"}},
		{"user/password properties", map[string]string{"user": "other", "password": "other"}, map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dsn, err := Dialect{}.DSN(db.Conn{Host: "pg", User: "u", Password: "p", Database: "scim", Properties: tt.props})
			if err != nil {
				t.Fatal(err)
			}
			u, err := url.Parse(dsn)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for k, v := range u.Query() {
				got[k] = v[0]
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("DSN %q\nparams %v\nwant   %v", dsn, got, tt.want)
			}
			if p, _ := u.User.Password(); u.User.Username() != "u" || p != "p" {
				t.Errorf("fields lost to properties: %q", dsn)
			}
		})
	}
	// Without a user, the user property is used; it reaches pgx intact.
	dsn, err := Dialect{}.DSN(db.Conn{Host: "pg", Properties: map[string]string{"User": "jdbcuser", "password": "p w"}})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil || cfg.User != "jdbcuser" || cfg.Password != "p w" {
		t.Errorf("%q: %v %v", dsn, cfg, err)
	}
}

func TestDSNPropertyErrors(t *testing.T) {
	tests := []struct {
		props map[string]string
		want  string
	}{
		{map[string]string{"statement_timeout": "5"}, `unknown PostgreSQL connection property "statement_timeout"; pgx would send it to the server as a run-time parameter, which the server rejects. Use a PgJDBC property sqlscim translates (ssl, sslmode, currentSchema, ApplicationName, connectTimeout, loginTimeout, targetServerType) or a libpq parameter (sslmode, sslrootcert, sslcert, sslkey, application_name, search_path, connect_timeout, target_session_attrs, options)`},
		{map[string]string{"ssl": "on please"}, `PostgreSQL connection property ssl="on please": want true or false`},
		{map[string]string{"sslmode": "always"}, `PostgreSQL connection property sslmode="always": want disable, allow, prefer, require, verify-ca or verify-full`},
		{map[string]string{"sslfactory": "com.example.MyFactory"}, `PostgreSQL connection property sslfactory="com.example.MyFactory" is not supported; use sslmode=verify-full with sslrootcert=<CA file>`},
		{map[string]string{"connectTimeout": "10s"}, `PostgreSQL connection property connectTimeout="10s": want a number of seconds`},
		{map[string]string{"connect_timeout": "-1"}, `PostgreSQL connection property connect_timeout="-1": want a number of seconds`},
		{map[string]string{"targetServerType": "preferPrimary"}, `PostgreSQL connection property targetServerType="preferPrimary": want any, primary, secondary or preferSecondary`},
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

// Endpoints is what pgx dials: one TCP server, or the socket file in a
// socket directory. LocalFiles names the properties pgx reads files for.
func TestEndpointsAndLocalFiles(t *testing.T) {
	for _, tt := range []struct {
		c    db.Conn
		want string
	}{
		{db.Conn{Host: "pg"}, "[pg:5432]"},
		{db.Conn{Host: "10.0.0.5", Port: 5433}, "[10.0.0.5:5433]"},
		{db.Conn{Host: "::1"}, "[[::1]:5432]"},
		{db.Conn{Host: "/var/run/postgresql", Port: 5433}, "[Unix socket /var/run/postgresql/.s.PGSQL.5433]"},
	} {
		eps, err := Dialect{}.Endpoints(tt.c)
		if got := fmt.Sprint(eps); err != nil || got != tt.want {
			t.Errorf("%+v: %s, %v; want %s", tt.c, got, err, tt.want)
		}
	}
	if _, err := (Dialect{}).Endpoints(db.Conn{Host: "a,b"}); err == nil {
		t.Error("a host list has endpoints")
	}
	files := Dialect{}.LocalFiles(db.Conn{Properties: map[string]string{"sslrootcert": "/etc/ca.pem", "SSLKEY": "/k", "sslmode": "verify-full", " sslcert ": "/c"}})
	if got := fmt.Sprint(files); got != "[ sslcert  SSLKEY sslrootcert]" {
		t.Errorf("LocalFiles: %s", got)
	}
}
