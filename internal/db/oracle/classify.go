package oracle

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/sijms/go-ora/v2/network"

	"github.com/sqlscim/sqlscim/internal/db"
)

var (
	reORA        = regexp.MustCompile(`ORA-(\d{5})`)
	reConstraint = regexp.MustCompile(`constraint \(([^)]*)\)`)
	reQuoted     = regexp.MustCompile(`"([^"]*)"`)
	rePLS        = regexp.MustCompile(`(?:identifier|call to|component) '([^']*)'`)
	reObject     = regexp.MustCompile(`object (\S+) does not exist`)
	reInvalidID  = regexp.MustCompile(`"?([^":\s]+)"?: invalid identifier`)
)

// Classify sorts a go-ora error into a db class. Connection failures come
// first (db.ClassifyNetwork), then the ORA- number of a
// *network.OracleError, or failing that the first ORA-nnnnn in the
// message. Code is "ORA-nnnnn". Object is taken from the message: the
// constraint, column, PL/SQL identifier or object it names.
func (Dialect) Classify(err error) *db.Error {
	if err == nil {
		return nil
	}
	if e := db.ClassifyNetwork(err); e != nil {
		return e
	}
	var code int
	var msg string
	var oe *network.OracleError
	if errors.As(err, &oe) && oe != nil {
		code, msg = oe.ErrCode, oe.ErrMsg
		if msg == "" {
			msg = oe.Error()
		}
	} else if m := reORA.FindStringSubmatch(err.Error()); m != nil {
		code, _ = strconv.Atoi(m[1])
		msg = err.Error()
	} else {
		return &db.Error{Class: db.Other, Err: err}
	}
	e := &db.Error{Class: db.Other, Code: fmt.Sprintf("ORA-%05d", code), Err: err}
	switch {
	case code == 1:
		e.Class, e.Object = db.Conflict, db.FirstMatch(reConstraint, msg)
	case code == 2291 || code == 2292 || code == 2290:
		e.Class, e.Object = db.Invalid, db.FirstMatch(reConstraint, msg)
	case code == 1400 || code == 1407 || code == 12899:
		e.Class, e.Object = db.Invalid, lastQuoted(msg)
	case code == 1722 || code == 1858 || code == 1861 || code == 1840 || code == 1841 || code == 1843 || code == 1847 || code == 6502:
		e.Class = db.Invalid
	case code >= 20000 && code <= 20999:
		e.Class, e.Message = db.Invalid, userMessage(msg)
	case code == 6550:
		e.Class, e.Object = db.MissingObject, db.FirstMatch(rePLS, msg)
	case code == 6564:
		e.Class, e.Object = db.MissingObject, db.FirstMatch(reObject, msg)
	case code == 942:
		e.Class = db.MissingObject
	case code == 904:
		e.Class, e.Object = db.MissingObject, db.FirstMatch(reInvalidID, msg)
	case code == 900 || code == 933 || code == 905 || code == 906 || code == 907 || code == 911 || code == 917 || code == 923 || code == 936:
		e.Class = db.BadStatement
	case code == 1031 || code == 1950: // insufficient privileges, no privileges on tablespace
		e.Class = db.Denied
	case code == 1017 || code == 12514 || code == 12505 || code == 28000 || code == 28001 || code == 1045:
		e.Class = db.Auth
	case code == 12541 || code == 12170 || code == 3113 || code == 3114 || code == 12537 || code == 3135 ||
		code == 12528 || code == 12516 || code == 12519 || code == 12520 || code == 1033 || code == 1034 ||
		code == 1089 || code == 60 || code == 51 || code == 12535 || code == 12543 || code == 12547 || code == 12571:
		e.Class = db.Unavailable
	}
	return e
}

// lastQuoted returns the last "quoted" name in msg: the column of
// ("SCHEMA"."TABLE"."COLUMN").
func lastQuoted(msg string) string {
	all := reQuoted.FindAllStringSubmatch(msg, -1)
	if len(all) == 0 {
		return ""
	}
	return all[len(all)-1][1]
}

// userMessage strips the ORA-2xxxx prefix and the PL/SQL backtrace from the
// message of RAISE_APPLICATION_ERROR.
func userMessage(msg string) string {
	if i := strings.Index(msg, ": "); i >= 0 && strings.HasPrefix(msg, "ORA-") {
		msg = msg[i+2:]
	}
	if i := strings.Index(msg, "\nORA-"); i >= 0 {
		msg = msg[:i]
	}
	return strings.TrimSpace(msg)
}
