package db

import (
	"strings"
	"testing"
)

// Every spelling of the password a tenant configuration may use is hidden
// in property strings and URLs, and marks them as holding credentials.
func TestRedactURLPasswordSpellings(t *testing.T) {
	tests := []struct{ in, want string }{
		{"useSSL=false;password=hunter2;x=y", "useSSL=false;password=***;x=y"},
		{"useSSL=false;passwd=hunter2;x=y", "useSSL=false;passwd=***;x=y"},
		{"useSSL=false;pass=hunter2;x=y", "useSSL=false;pass=***;x=y"},
		{"useSSL=false;PWD=hunter2", "useSSL=false;PWD=***"},
		{"PASSWD = hunter2&x=y", "PASSWD = ***&x=y"},
		{"Pass={hun;ter2}", "Pass=***"},
		{"jdbc:mysql://h:3306/db?user=u&pass=hunter2&useSSL=false", "jdbc:mysql://h:3306/db?user=u&pass=***&useSSL=false"},
		{"jdbc:sqlserver://h;user=u;passwd='hunter2'", "jdbc:sqlserver://h;user=u;passwd=***"},
		{"jdbc:mysql://h:3306/db?passport=AB12", "jdbc:mysql://h:3306/db?passport=AB12"},
	}
	for _, tc := range tests {
		got := RedactURL(tc.in)
		if got != tc.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if strings.Contains(tc.in, "hunter2") && !holdsCredentials(tc.in) {
			t.Errorf("holdsCredentials(%q) = false", tc.in)
		}
	}
}
