package postgres

import (
	"reflect"
	"strings"
	"testing"

	"github.com/sqlscim/sqlscim/internal/db"
)

func TestParseJDBC(t *testing.T) {
	tests := []struct {
		url  string
		want db.Conn
	}{
		{"jdbc:postgresql://db.example.com:5433/scim?ssl=true&currentSchema=scim",
			db.Conn{Host: "db.example.com", Port: 5433, Database: "scim", Properties: map[string]string{"ssl": "true", "currentSchema": "scim"}}},
		{"jdbc:postgresql:scim", db.Conn{Host: "localhost", Database: "scim"}},
		{"jdbc:postgresql:scim?ApplicationName=okta", db.Conn{Host: "localhost", Database: "scim", Properties: map[string]string{"ApplicationName": "okta"}}},
		{"jdbc:postgresql:/", db.Conn{Host: "localhost"}},
		{"jdbc:postgresql://pg.local/", db.Conn{Host: "pg.local"}},
		{"jdbc:postgresql://pg.local", db.Conn{Host: "pg.local"}},
		{"jdbc:postgresql:///scim", db.Conn{Host: "localhost", Database: "scim"}},
		{"JDBC:PostgreSQL://H:5432/db", db.Conn{Host: "H", Port: 5432, Database: "db"}},
		{"jdbc:postgresql://[::1]:5432/scim", db.Conn{Host: "::1", Port: 5432, Database: "scim"}},
		{"jdbc:postgresql://[::1]/scim", db.Conn{Host: "::1", Database: "scim"}},
		{"jdbc:postgresql://h/db?user=scim&password=p%40ss+w%2Bx", db.Conn{Host: "h", Database: "db", User: "scim", Password: "p@ss w+x"}},
		{"jdbc:postgresql://scim:p%3Aw%2F@h/db", db.Conn{Host: "h", Database: "db", User: "scim", Password: "p:w/"}},
		{"jdbc:postgresql://h/my%20db#x", db.Conn{Host: "h", Database: "my db"}},
		{"jdbc:postgresql://h/db?options=-c%20statement_timeout%3D5000&sslmode=verify-full",
			db.Conn{Host: "h", Database: "db", Properties: map[string]string{"options": "-c statement_timeout=5000", "sslmode": "verify-full"}}},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			got, err := Dialect{}.ParseJDBC(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Type = "postgresql"
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestParseJDBCErrors(t *testing.T) {
	tests := []struct{ url, want string }{
		{"jdbc:postgresql://h1,h2:5433/db", "jdbc:postgresql URL lists 2 hosts; sqlscim supports only one host"},
		{"jdbc:postgresql://h:abc/db", `jdbc:postgresql URL: port "abc" is not a number`},
		{"jdbc:postgresql://h:0/db", "jdbc:postgresql URL: port 0 is out of range (1-65535)"},
		{"jdbc:postgresql://::1/db", `jdbc:postgresql URL: IPv6 address "::1" must be written in brackets, like [::1] or [::1]:port`},
		{"jdbc:postgresql://u:sec%zzret@h/db", "jdbc:postgresql URL: password: invalid percent-encoding"},
		{"jdbc:postgresql://h/db?password=sec%zzret", `jdbc:postgresql URL: value of property "password": invalid percent-encoding`},
		{"jdbc:postgresql://h/a/b", `jdbc:postgresql URL: database name "a/b" contains '/'`},
		{"jdbc:postgresql://h/db?=1", "jdbc:postgresql URL has a property without a name"},
		{"jdbc:mysql://h/db", `"jdbc:mysql://h/db" is not a jdbc:postgresql: URL`},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			_, err := Dialect{}.ParseJDBC(tt.url)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("error %v\nwant  %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "sec") {
				t.Errorf("error reveals the password: %v", err)
			}
		})
	}
}
