package postgres

import (
	"errors"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sqlscim/sqlscim/internal/db"
)

var (
	reQuoted  = regexp.MustCompile(`"([^"]*)"`)
	reRoutine = regexp.MustCompile(`^(?:function|procedure) (.+?)\(`)
	reIsNotA  = regexp.MustCompile(`^"?([^"(\s]+)"?(?:\(.*?\))? is (?:not )?an? `)
)

// Classify sorts a pgx error into a db class. Settings pgx cannot use come
// first, then connection failures (db.ClassifyNetwork), then the SQLSTATE of a *pgconn.PgError decides -
// also when it is wrapped in a *pgconn.ConnectError, so a refused login is
// Auth - and any other *pgconn.ConnectError is Unavailable. Object comes
// from the error's constraint or column field, or from its message for
// missing routines, tables, columns and databases.
func (Dialect) Classify(err error) *db.Error {
	if err == nil {
		return nil
	}
	// pgx reads the settings, and the files they name, when it connects:
	// a CA file it cannot read is a mistake of the settings, not a
	// database that is down.
	var pce *pgconn.ParseConfigError
	if errors.As(err, &pce) {
		return &db.Error{Class: db.Settings, Code: "settings", Err: err}
	}
	if e := db.ClassifyNetwork(err); e != nil {
		return e
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return classifyPg(pe, err)
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return &db.Error{Class: db.Unavailable, Code: "connection", Err: err}
	}
	return &db.Error{Class: db.Other, Err: err}
}

func classifyPg(pe *pgconn.PgError, err error) *db.Error {
	e := &db.Error{Class: db.Other, Code: pe.Code, Err: err}
	code := pe.Code
	switch {
	case code == "23505":
		e.Class, e.Object = db.Conflict, pe.ConstraintName
	case code == "23503", code == "23514":
		e.Class, e.Object = db.Invalid, pe.ConstraintName
	case code == "23502":
		e.Class, e.Object = db.Invalid, pe.ColumnName
	case strings.HasPrefix(code, "22"):
		e.Class, e.Object = db.Invalid, pe.ColumnName
	case code == "P0001":
		e.Class, e.Message = db.Invalid, pe.Message
	case code == "42883":
		e.Class, e.Object = db.MissingObject, db.FirstMatch(reRoutine, pe.Message)
	case code == "42809":
		e.Class, e.Object = db.MissingObject, db.FirstMatch(reIsNotA, pe.Message)
	case code == "42P01", code == "42703":
		e.Class, e.Object = db.MissingObject, db.FirstMatch(reQuoted, pe.Message)
	case code == "42601":
		e.Class = db.BadStatement
	case code == "42501":
		e.Class, e.Object = db.Denied, db.FirstMatch(reDenied, pe.Message)
	case code == "28P01", code == "28000", code == "3D000":
		e.Class, e.Object = db.Auth, db.FirstMatch(reQuoted, pe.Message)
	case code == "53300", code == "57014", code == "57P01", code == "57P02", code == "57P03", code == "40001", code == "40P01",
		strings.HasPrefix(code, "08"):
		e.Class = db.Unavailable
	}
	return e
}

// reDenied finds the object of "permission denied for table users" and
// "permission denied for function f".
var reDenied = regexp.MustCompile(`permission denied for \w+ (\S+)`)
