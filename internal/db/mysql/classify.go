package mysql

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-sql-driver/mysql"

	"github.com/sqlscim/sqlscim/internal/db"
)

// MySQL/MariaDB server error numbers Classify knows.
const (
	erDupEntry             = 1062
	erDupEntryWithKeyName  = 1586
	erRowIsReferenced      = 1451
	erNoReferencedRow      = 1452
	erBadNull              = 1048
	erNoDefaultForField    = 1364
	erDataTooLong          = 1406
	erTruncatedWrongValue  = 1366
	erTruncatedWrongValue2 = 1292
	erWarnDataTruncated    = 1265
	erWarnDataOutOfRange   = 1264
	erSignalException      = 1644
	erSPDoesNotExist       = 1305
	erNoSuchTable          = 1146
	erBadField             = 1054
	erSPWrongNoOfArgs      = 1318
	erParseError           = 1064
	erAccessDenied         = 1045
	erDBAccessDenied       = 1044
	erBadDB                = 1049
	erConCount             = 1040
	erServerShutdown       = 1053
	erLockWaitTimeout      = 1205
	erLockDeadlock         = 1213
	erConnectionKilled     = 1927
	crServerGone           = 2006
	crServerLost           = 2013
	erTableAccessDenied    = 1142
	erColumnAccessDenied   = 1143
	erProcAccessDenied     = 1370
	erSpecificAccessDenied = 1227
	erMix2Collations       = 1267
	erMix3Collations       = 1270
	erMixNCollations       = 1271
)

// mixedCollations is what a client may learn of an illegal mix of
// collations: a value the column's character set cannot hold was compared
// with it.
const mixedCollations = "a value holds characters that the database column's character set cannot hold"

var (
	reKey        = regexp.MustCompile(`for key '([^']*)'`)
	reColumn     = regexp.MustCompile("(?:[Cc]olumn|Field) (?:'([^']*)'|((?:`[^`]*`\\.?)+))")
	reConstraint = regexp.MustCompile("CONSTRAINT `([^`]*)`")
	reRoutine    = regexp.MustCompile(`(?:PROCEDURE|FUNCTION) ([^\s;]+)`)
	reTable      = regexp.MustCompile(`Table '([^']*)'`)
	reDatabase   = regexp.MustCompile(`database '([^']*)'`)
	reBackticked = regexp.MustCompile("`([^`]*)`")
)

// Classify sorts a go-sql-driver/mysql error into a db class. Connection
// failures come first (db.ClassifyNetwork, mysql.ErrInvalidConn), then the
// server's error number decides; Object is taken from the message: the key
// of a duplicate, the column of a NOT NULL or bad value, the constraint of
// a foreign-key failure, the routine, table or column that does not exist.
func (Dialect) Classify(err error) *db.Error {
	if err == nil {
		return nil
	}
	if e := db.ClassifyNetwork(err); e != nil {
		return e
	}
	if errors.Is(err, mysql.ErrInvalidConn) {
		return &db.Error{Class: db.Unavailable, Code: "connection", Err: err}
	}
	var me *mysql.MySQLError
	if !errors.As(err, &me) {
		return &db.Error{Class: db.Other, Err: err}
	}
	e := &db.Error{Class: db.Other, Code: strconv.Itoa(int(me.Number)), Err: err}
	msg := me.Message
	switch me.Number {
	case erDupEntry, erDupEntryWithKeyName:
		e.Class, e.Object = db.Conflict, db.FirstMatch(reKey, msg)
	case erRowIsReferenced, erNoReferencedRow:
		e.Class, e.Object = db.Invalid, db.FirstMatch(reConstraint, msg)
	case erBadNull, erNoDefaultForField, erDataTooLong, erTruncatedWrongValue, erTruncatedWrongValue2,
		erWarnDataTruncated, erWarnDataOutOfRange:
		e.Class, e.Object = db.Invalid, column(msg)
	case erSignalException:
		e.Class, e.Message = db.Invalid, msg
	case erSPDoesNotExist, erSPWrongNoOfArgs:
		e.Class, e.Object = db.MissingObject, db.FirstMatch(reRoutine, msg)
	case erNoSuchTable:
		e.Class, e.Object = db.MissingObject, db.FirstMatch(reTable, msg)
	case erBadField:
		e.Class, e.Object = db.MissingObject, column(msg)
	case erParseError:
		e.Class = db.BadStatement
	case erTableAccessDenied, erColumnAccessDenied, erProcAccessDenied, erSpecificAccessDenied:
		e.Class, e.Object = db.Denied, deniedObject(msg)
	case erMix2Collations, erMix3Collations, erMixNCollations:
		e.Class, e.Message = db.Invalid, mixedCollations
	case erAccessDenied:
		e.Class = db.Auth
	case erDBAccessDenied, erBadDB:
		e.Class, e.Object = db.Auth, db.FirstMatch(reDatabase, msg)
	case erConCount, erServerShutdown, erLockWaitTimeout, erLockDeadlock, erConnectionKilled, crServerGone, crServerLost:
		e.Class = db.Unavailable
	}
	return e
}

// column finds the column a message names: 'NAME' (MySQL) or
// `db`.`table`.`NAME` (MariaDB), returning the bare column name.
func column(msg string) string {
	m := reColumn.FindStringSubmatch(msg)
	switch {
	case m == nil:
		return ""
	case m[1] != "":
		return m[1]
	}
	parts := reBackticked.FindAllStringSubmatch(m[2], -1)
	if len(parts) == 0 {
		return ""
	}
	return parts[len(parts)-1][1]
}

// reDeniedOn finds the object of an access-denied message: "... for
// table 'USERS'", "... for table `scim`.`USERS`", "... for routine
// 'scim.P'".
var reDeniedOn = regexp.MustCompile("for (?:table|routine) ('[^']*'|(?:`[^`]*`\\.?)+)")

// deniedObject is the table or routine an access-denied message names,
// without its quotes.
func deniedObject(msg string) string {
	return strings.NewReplacer("'", "", "`", "").Replace(db.FirstMatch(reDeniedOn, msg))
}
