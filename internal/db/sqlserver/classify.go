package sqlserver

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	mssql "github.com/microsoft/go-mssqldb"

	"github.com/sqlscim/sqlscim/internal/db"
)

var (
	reConstraintSingle = regexp.MustCompile(`constraint '([^']*)'`)
	reConstraintDouble = regexp.MustCompile(`constraint "([^"]*)"`)
	reUniqueIndex      = regexp.MustCompile(`unique index '([^']*)'`)
	reColumn           = regexp.MustCompile(`column '([^']*)'`)
	reProcedure        = regexp.MustCompile(`stored procedure '([^']*)'`)
	reObjectName       = regexp.MustCompile(`object name '([^']*)'`)
	reColumnName       = regexp.MustCompile(`column name '([^']*)'`)
	reRoutine          = regexp.MustCompile(`Procedure or function '?([^' ]+)'? `)
	reDatabase         = regexp.MustCompile(`database "([^"]*)"`)
	reLogin            = regexp.MustCompile(`for user '([^']*)'`)
	reObjectQuoted     = regexp.MustCompile(`on the object '([^']*)'`)
)

// Classify sorts a go-mssqldb error into a db class. Connection failures
// come first (db.ClassifyNetwork), then the number of the mssql.Error, and
// an mssql.ServerError (a fatal error that severed the connection) is
// Unavailable. User errors raised with THROW or RAISERROR (50000 and up)
// are Invalid. Object is taken from the message: the constraint, index,
// column, procedure, table or database it names.
func (Dialect) Classify(err error) *db.Error {
	if err == nil {
		return nil
	}
	if e := db.ClassifyNetwork(err); e != nil {
		return e
	}
	var se mssql.ServerError
	if errors.As(err, &se) {
		return &db.Error{Class: db.Unavailable, Code: "server", Err: err}
	}
	var me mssql.Error
	var pme *mssql.Error
	switch {
	case errors.As(err, &me):
	case errors.As(err, &pme) && pme != nil:
		me = *pme
	case strings.Contains(err.Error(), "no instance matching"):
		// SQL Server Browser answered, and knows no such instance
		// (go-mssqldb reports it as text only).
		return &db.Error{Class: db.Settings, Code: "instance", Err: err}
	default:
		return &db.Error{Class: db.Other, Err: err}
	}
	e := &db.Error{Class: db.Other, Code: strconv.Itoa(int(me.Number)), Err: err}
	msg := me.Message
	switch me.Number {
	case 2627:
		e.Class, e.Object = db.Conflict, db.FirstMatch(reConstraintSingle, msg)
	case 2601:
		e.Class, e.Object = db.Conflict, db.FirstMatch(reUniqueIndex, msg)
	case 547:
		e.Class, e.Object = db.Invalid, db.FirstMatch(reConstraintDouble, msg)
	case 515, 2628:
		e.Class, e.Object = db.Invalid, db.FirstMatch(reColumn, msg)
	case 8152, 245, 8114, 8115, 241, 242, 220, 248:
		e.Class = db.Invalid
	case 2812:
		e.Class, e.Object = db.MissingObject, db.FirstMatch(reProcedure, msg)
	case 208:
		e.Class, e.Object = db.MissingObject, db.FirstMatch(reObjectName, msg)
	case 207:
		e.Class, e.Object = db.MissingObject, db.FirstMatch(reColumnName, msg)
	case 201, 8144:
		e.Class, e.Object = db.MissingObject, db.FirstMatch(reRoutine, msg)
	case 102, 156, 1033: // 1033: ORDER BY in a derived table without TOP
		e.Class = db.BadStatement
	case 229, 230:
		e.Class, e.Object = db.Denied, db.FirstMatch(reObjectQuoted, msg)
	case 262, 297:
		e.Class = db.Denied
	case 18456:
		e.Class, e.Object = db.Auth, db.FirstMatch(reLogin, msg)
	case 4060:
		e.Class, e.Object = db.Auth, db.FirstMatch(reDatabase, msg)
	case 1205, -2, 233, 64, 10053, 10054, 10060, 40197, 40501, 40613, 49918, 49919, 49920:
		e.Class = db.Unavailable
	default:
		if me.Number >= 50000 {
			e.Class, e.Message = db.Invalid, me.Message
		}
	}
	return e
}
