package sqlite

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/sqlscim/sqlscim/internal/db"
)

// ParseJDBC reads jdbc:sqlite:<path>[?k=v&...]: jdbc:sqlite:/var/lib/scim.db,
// jdbc:sqlite:scim.db (relative to the working directory),
// jdbc:sqlite:file:/path and jdbc:sqlite::memory:. The path becomes
// Conn.Database; properties keep their names, undecoded, as the Xerial
// driver reads them.
func (d Dialect) ParseJDBC(raw string) (db.Conn, error) {
	const scheme = "jdbc:sqlite"
	u := strings.TrimSpace(raw)
	if !strings.HasPrefix(strings.ToLower(u), scheme+":") {
		return db.Conn{}, fmt.Errorf("%q is not a jdbc:sqlite: URL", db.RedactURL(u))
	}
	rest, query, _ := strings.Cut(u[len(scheme)+1:], "?")
	if strings.HasPrefix(strings.ToLower(rest), ":resource:") {
		return db.Conn{}, fmt.Errorf("%s URL: :resource: databases are not supported; give a file path", scheme)
	}
	if strings.HasPrefix(rest, "file:") {
		rest = strings.TrimPrefix(rest, "file:")
		if strings.HasPrefix(rest, "///") {
			rest = rest[2:]
		}
	}
	if rest == "" {
		return db.Conn{}, fmt.Errorf("%s URL has no database file", scheme)
	}
	c := db.Conn{Type: info.Name, Database: rest}
	for _, pair := range strings.Split(query, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		if k = strings.TrimSpace(k); k == "" {
			return db.Conn{}, fmt.Errorf("%s URL has a property without a name", scheme)
		}
		if c.Properties == nil {
			c.Properties = map[string]string{}
		}
		c.Properties[k] = v
	}
	return c, nil
}

// DSN builds a modernc.org/sqlite URI:
//
//	file:<path>?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)
//
// The path is percent-encoded where SQLite's URI syntax needs it (%, ?, #);
// the file is created when missing (its directory must exist). ":memory:"
// becomes file::memory:?cache=shared, one in-memory database shared by
// every connection of the process - for tests only.
//
// The three defaults - foreign keys enforced, a 5 s busy timeout instead
// of failing at once on a locked database, and write-ahead logging so
// readers do not block the writer - apply unless the properties set the
// same setting. Properties (case-insensitive names):
//
//	Xerial JDBC property               driver parameter
//	--------------------               ----------------
//	foreign_keys=true|false            _foreign_keys
//	busy_timeout=<ms>                  _busy_timeout
//	journal_mode=<mode>                _journal_mode
//	synchronous=<level>                _synchronous
//	transaction_mode=DEFERRED|IMMEDIATE|EXCLUSIVE   _txlock
//	shared_cache=true                  cache=shared
//	date_class, date_precision, date_string_format  ignored: dates are read as
//	                                   modernc.org/sqlite stores them
//
// modernc.org/sqlite parameters pass through: _busy_timeout, _timeout,
// _foreign_keys, _fk, _journal_mode, _journal, _synchronous, _sync, _txlock,
// _time_format, _time_integer_format, _timezone, _query_only, _auto_vacuum,
// _vacuum, _texttotime, _inttotime, and SQLite's mode and cache. _pragma
// is refused (it runs arbitrary SQL); anything else is an error.
func (d Dialect) DSN(c db.Conn) (string, error) {
	path := strings.TrimSpace(c.Database)
	path = strings.TrimPrefix(path, "file:")
	if path == "" {
		return "", errors.New("SQLite connection has no database file: set the database to a file path")
	}
	if strings.ContainsRune(path, 0) {
		return "", errors.New("SQLite database path contains a NUL byte")
	}
	params, err := translate(c.Properties)
	if err != nil {
		return "", err
	}
	var q []string
	var uri string
	if path == ":memory:" {
		uri = "file::memory:"
		if _, set := params["cache"]; !set {
			params["cache"] = "shared"
		}
	} else {
		uri = "file:" + escapePath(path)
	}
	set := func(names ...string) bool {
		for _, n := range names {
			if _, ok := params[n]; ok {
				return true
			}
		}
		return false
	}
	if !set("_busy_timeout", "_timeout") {
		q = append(q, "_pragma=busy_timeout(5000)")
	}
	if !set("_foreign_keys", "_fk") {
		q = append(q, "_pragma=foreign_keys(1)")
	}
	if !set("_journal_mode", "_journal") {
		q = append(q, "_pragma=journal_mode(WAL)")
	}
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		q = append(q, k+"="+url.QueryEscape(params[k]))
	}
	return uri + "?" + strings.Join(q, "&"), nil
}

// escapePath percent-encodes the characters that end or escape a path in a
// SQLite URI. A path starting with // gets an empty authority, so it is
// not read as a host.
func escapePath(p string) string {
	p = strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(p)
	if strings.HasPrefix(p, "//") {
		return "//" + p
	}
	return p
}

// nativeParams are the driver parameters passed through.
var nativeParams = map[string]bool{
	"_busy_timeout": true, "_timeout": true, "_foreign_keys": true, "_fk": true, "_journal_mode": true, "_journal": true,
	"_synchronous": true, "_sync": true, "_txlock": true, "_time_format": true, "_time_integer_format": true,
	"_timezone": true, "_query_only": true, "_auto_vacuum": true, "_vacuum": true, "_texttotime": true,
	"_inttotime": true, "mode": true, "cache": true,
}

var ignoredProps = map[string]bool{"date_class": true, "date_precision": true, "date_string_format": true}

var reWord = regexp.MustCompile(`^[A-Za-z0-9_./+-]*$`)

// translate turns the properties into driver parameters.
func translate(props map[string]string) (map[string]string, error) {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	translated := map[string]string{}
	native := map[string]string{}
	for _, k := range keys {
		v := strings.TrimSpace(props[k])
		lk := strings.ToLower(strings.TrimSpace(k))
		switch {
		case lk == "foreign_keys":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return nil, fmt.Errorf("SQLite connection property %s=%q: want true or false", k, v)
			}
			translated["_foreign_keys"] = map[bool]string{true: "1", false: "0"}[b]
		case lk == "busy_timeout":
			if n, err := strconv.Atoi(v); err != nil || n < 0 {
				return nil, fmt.Errorf("SQLite connection property %s=%q: want a number of milliseconds", k, v)
			}
			translated["_busy_timeout"] = v
		case lk == "journal_mode":
			translated["_journal_mode"] = strings.ToUpper(v)
		case lk == "synchronous":
			translated["_synchronous"] = strings.ToUpper(v)
		case lk == "transaction_mode":
			translated["_txlock"] = strings.ToLower(v)
		case lk == "shared_cache":
			if b, err := strconv.ParseBool(v); err != nil {
				return nil, fmt.Errorf("SQLite connection property %s=%q: want true or false", k, v)
			} else if b {
				translated["cache"] = "shared"
			}
		case lk == "_pragma":
			return nil, fmt.Errorf("SQLite connection property %q is not allowed: it runs arbitrary SQL; use the named settings (_busy_timeout, _foreign_keys, _journal_mode, ...)", k)
		case ignoredProps[lk]:
		case nativeParams[lk]:
			native[lk] = v
		default:
			return nil, fmt.Errorf("unknown SQLite connection property %q; use foreign_keys, busy_timeout, journal_mode, synchronous, transaction_mode or a modernc.org/sqlite parameter (_busy_timeout, _foreign_keys, _journal_mode, _synchronous, _txlock, _time_format, mode, cache, ...)", k)
		}
	}
	for k, v := range native {
		translated[k] = v
	}
	for k, v := range translated {
		// The driver splices shorthand values into PRAGMA statements.
		if !reWord.MatchString(v) {
			return nil, fmt.Errorf("SQLite connection parameter %s=%q: value must be a single word", k, v)
		}
	}
	return translated, nil
}
