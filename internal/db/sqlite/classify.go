package sqlite

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"modernc.org/sqlite"

	"github.com/sqlscim/sqlscim/internal/db"
)

// SQLite result codes Classify knows; extended codes carry the primary
// code in their low byte.
const (
	sqliteError      = 1
	sqliteBusy       = 5
	sqliteLocked     = 6
	sqliteCantOpen   = 14
	sqliteTooBig     = 18
	sqliteConstraint = 19
	sqliteMismatch   = 20

	constraintPrimaryKey = 1555
	constraintUnique     = 2067
)

var (
	reConstraint = regexp.MustCompile(`(?:UNIQUE|PRIMARY KEY|NOT NULL|CHECK) constraint failed: (.+?)(?: \(\d+\))?$`)
	reMissing    = regexp.MustCompile(`(?:no such (?:table|column|function): |has no column named )(\S+)`)
)

// Classify sorts a modernc.org/sqlite error into a db class by its
// (extended) result code: UNIQUE and PRIMARY KEY violations are Conflict,
// other constraints, type mismatches and oversized values Invalid, missing
// tables, columns and functions MissingObject, syntax errors BadStatement,
// SQLITE_BUSY and SQLITE_LOCKED Unavailable, and a database file that
// cannot be opened Auth (the configured database is wrong). Code is the
// extended result code; Object is the table.column, constraint, table,
// column or function the message names.
func (Dialect) Classify(err error) *db.Error {
	if err == nil {
		return nil
	}
	if e := db.ClassifyNetwork(err); e != nil {
		return e
	}
	var se *sqlite.Error
	if !errors.As(err, &se) || se == nil {
		return &db.Error{Class: db.Other, Err: err}
	}
	code := se.Code()
	msg := se.Error()
	e := &db.Error{Class: db.Other, Code: strconv.Itoa(code), Err: err}
	switch code & 0xff {
	case sqliteConstraint:
		e.Class, e.Object = db.Invalid, db.FirstMatch(reConstraint, msg)
		if code == constraintUnique || code == constraintPrimaryKey {
			e.Class = db.Conflict
		}
	case sqliteMismatch, sqliteTooBig:
		e.Class = db.Invalid
	case sqliteBusy, sqliteLocked:
		e.Class = db.Unavailable
	case sqliteCantOpen:
		e.Class = db.Auth
	case sqliteError:
		switch {
		case reMissing.MatchString(msg):
			e.Class, e.Object = db.MissingObject, db.FirstMatch(reMissing, msg)
		case strings.Contains(msg, "syntax error"), strings.Contains(msg, "incomplete input"), strings.Contains(msg, "unrecognized token"):
			e.Class = db.BadStatement
		}
	}
	return e
}
