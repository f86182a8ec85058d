package mysql

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/sqlscim/sqlscim/internal/db"
)

// TestClassifyConstructed covers MySQL 8 message forms and codes the
// local MariaDB cannot easily produce.
func TestClassifyConstructed(t *testing.T) {
	tests := []struct {
		err    error
		class  db.Class
		code   string
		object string
	}{
		{&mysql.MySQLError{Number: 1062, Message: "Duplicate entry 'a@x' for key 'users.uq_email'"}, db.Conflict, "1062", "users.uq_email"},
		{&mysql.MySQLError{Number: 1586, Message: "Duplicate entry 'a' for key 'k'"}, db.Conflict, "1586", "k"},
		{&mysql.MySQLError{Number: 1366, Message: "Incorrect integer value: 'abc' for column 'id' at row 1"}, db.Invalid, "1366", "id"},
		{&mysql.MySQLError{Number: 1292, Message: "Incorrect datetime value: 'x' for column `d`.`t`.`created` at row 1"}, db.Invalid, "1292", "created"},
		{&mysql.MySQLError{Number: 1265, Message: "Data truncated for column 'status' at row 1"}, db.Invalid, "1265", "status"},
		{&mysql.MySQLError{Number: 1264, Message: "Out of range value for column 'age' at row 1"}, db.Invalid, "1264", "age"},
		{&mysql.MySQLError{Number: 1305, Message: "FUNCTION scim.f does not exist"}, db.MissingObject, "1305", "scim.f"},
		{&mysql.MySQLError{Number: 1044, Message: "Access denied for user 'u'@'%' to database 'scim'"}, db.Auth, "1044", "scim"},
		{&mysql.MySQLError{Number: 1040, Message: "Too many connections"}, db.Unavailable, "1040", ""},
		{&mysql.MySQLError{Number: 1053, Message: "Server shutdown in progress"}, db.Unavailable, "1053", ""},
		{&mysql.MySQLError{Number: 1205, Message: "Lock wait timeout exceeded"}, db.Unavailable, "1205", ""},
		{&mysql.MySQLError{Number: 1213, Message: "Deadlock found"}, db.Unavailable, "1213", ""},
		{&mysql.MySQLError{Number: 1927, Message: "Connection was killed"}, db.Unavailable, "1927", ""},
		{&mysql.MySQLError{Number: 2006, Message: "MySQL server has gone away"}, db.Unavailable, "2006", ""},
		{&mysql.MySQLError{Number: 2013, Message: "Lost connection"}, db.Unavailable, "2013", ""},
		{&mysql.MySQLError{Number: 1142, Message: "INSERT command denied to user 'ro'@'localhost' for table `scim`.`USERS`"}, db.Denied, "1142", "scim.USERS"},
		{&mysql.MySQLError{Number: 1142, Message: "INSERT command denied to user 'ro'@'localhost' for table 'USERS'"}, db.Denied, "1142", "USERS"},
		{&mysql.MySQLError{Number: 1370, Message: "execute command denied to user 'ro'@'%' for routine 'scim.CREATE_USER'"}, db.Denied, "1370", "scim.CREATE_USER"},
		{&mysql.MySQLError{Number: 1267, Message: "Illegal mix of collations (latin1_swedish_ci,IMPLICIT) and (utf8mb4_general_ci,COERCIBLE) for operation '='"}, db.Invalid, "1267", ""},
		{fmt.Errorf("insert: %w", &mysql.MySQLError{Number: 1062, Message: "Duplicate entry 'x' for key 'k'"}), db.Conflict, "1062", "k"},
		{mysql.ErrInvalidConn, db.Unavailable, "connection", ""},
		{context.DeadlineExceeded, db.Unavailable, "timeout", ""},
		{errors.New("something else"), db.Other, "", ""},
	}
	for _, tt := range tests {
		e := Dialect{}.Classify(tt.err)
		if e.Class != tt.class || e.Code != tt.code || e.Object != tt.object || !errors.Is(e, tt.err) {
			t.Errorf("%v: got %s/%s/%q, want %s/%s/%q", tt.err, e.Class, e.Code, e.Object, tt.class, tt.code, tt.object)
		}
	}
	if (Dialect{}).Classify(nil) != nil {
		t.Error("nil error classified")
	}
}

// The driver's own log lines reach the function db.SetDriverLogs installs,
// under the dialect's name.
func TestDriverLogLines(t *testing.T) {
	var got []string
	db.SetDriverLogs(func(dialect, msg string) { got = append(got, dialect+": "+msg) })
	t.Cleanup(func() { logger.to.Store(nil) })
	// logger is what go-sql-driver/mysql writes its lines to.
	logger.Print("closing bad idle connection: ", "EOF\n")
	if len(got) != 1 || got[0] != "mysql: closing bad idle connection: EOF" {
		t.Errorf("logged %q", got)
	}
}
