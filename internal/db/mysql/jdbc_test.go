package mysql

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
		{"jdbc:mysql://db.example.com:3307/scim?useSSL=false&serverTimezone=UTC",
			db.Conn{Host: "db.example.com", Port: 3307, Database: "scim", Properties: map[string]string{"useSSL": "false", "serverTimezone": "UTC"}}},
		{"jdbc:mariadb://localhost/scim", db.Conn{Host: "localhost", Database: "scim"}},
		{"JDBC:MySQL://H/db", db.Conn{Host: "H", Database: "db"}},
		{"  jdbc:mysql://h/db  ", db.Conn{Host: "h", Database: "db"}},
		{"jdbc:mysql://scim:p%40ss%3Aw%2Fo@db:3306/scim",
			db.Conn{Host: "db", Port: 3306, Database: "scim", User: "scim", Password: "p@ss:w/o"}},
		{"jdbc:mysql://scim@db/scim", db.Conn{Host: "db", Database: "scim", User: "scim"}},
		{"jdbc:mysql://[::1]:3306/scim", db.Conn{Host: "::1", Port: 3306, Database: "scim"}},
		{"jdbc:mysql://[fe80::1]/scim", db.Conn{Host: "fe80::1", Database: "scim"}},
		{"jdbc:mysql://h/db?user=u&password=p%26q%3D%20x+y", db.Conn{Host: "h", Database: "db", User: "u", Password: "p&q= x+y"}},
		{"jdbc:mysql://h/my%20db", db.Conn{Host: "h", Database: "my db"}},
		{"jdbc:mysql://h", db.Conn{Host: "h"}},
		{"jdbc:mysql://h:3306/", db.Conn{Host: "h", Port: 3306}},
		{"jdbc:mysql://h/db#fragment", db.Conn{Host: "h", Database: "db"}},
		{"jdbc:mysql://h/db?allowMultiQueries&&characterEncoding=UTF-8",
			db.Conn{Host: "h", Database: "db", Properties: map[string]string{"allowMultiQueries": "", "characterEncoding": "UTF-8"}}},
		{"jdbc:mysql://h/db?sessionVariables=a%3D1", db.Conn{Host: "h", Database: "db", Properties: map[string]string{"sessionVariables": "a=1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			got, err := Dialect{}.ParseJDBC(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Type = "mysql"
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestParseJDBCErrors(t *testing.T) {
	tests := []struct{ url, want string }{
		{"jdbc:mysql:///db", "jdbc:mysql URL has no host"},
		{"jdbc:mariadb://u:pw@/db", "jdbc:mariadb URL has no host"},
		{"jdbc:mysql://h:abc/db", `jdbc:mysql URL: port "abc" is not a number`},
		{"jdbc:mysql://h:70000/db", "jdbc:mysql URL: port 70000 is out of range (1-65535)"},
		{"jdbc:mysql://h1,h2:3307/db", "jdbc:mysql URL lists 2 hosts; sqlscim supports only one host"},
		{"jdbc:mysql:loadbalance://h1,h2/db", "jdbc:mysql:loadbalance: URLs are not supported: sqlscim connects to a single host; write jdbc:mysql://host[:port]/database"},
		{"jdbc:mariadb:replication://h1/db", "jdbc:mariadb:replication: URLs are not supported: sqlscim connects to a single host; write jdbc:mariadb://host[:port]/database"},
		{"jdbc:mysql:h/db", "jdbc:mysql: URLs are not supported: sqlscim connects to a single host; write jdbc:mysql://host[:port]/database"},
		{"jdbc:mysql://u:sec%zzret@h/db", "jdbc:mysql URL: password: invalid percent-encoding"},
		{"jdbc:mysql://h/db?password=sec%zzret", `jdbc:mysql URL: value of property "password": invalid percent-encoding`},
		{"jdbc:mysql://h/d%zz", "jdbc:mysql URL: database name: invalid percent-encoding"},
		{"jdbc:mysql://::1/db", `jdbc:mysql URL: IPv6 address "::1" must be written in brackets, like [::1] or [::1]:port`},
		{"jdbc:mysql://[::1/db", `jdbc:mysql URL: IPv6 address "[::1" has no closing ]`},
		{"jdbc:mysql://address=(host=h)(port=1)/db", "jdbc:mysql URL uses the key-value host syntax (address=(host=...)); write host:port instead"},
		{"jdbc:mysql://h/db?=x", "jdbc:mysql URL has a property without a name"},
		{"jdbc:postgresql://h/db", `"jdbc:postgresql://h/db" is not a jdbc:mysql: or jdbc:mariadb: URL`},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			_, err := Dialect{}.ParseJDBC(tt.url)
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != tt.want {
				t.Errorf("error %q\nwant  %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "sec") {
				t.Errorf("error reveals the password: %v", err)
			}
		})
	}
}
