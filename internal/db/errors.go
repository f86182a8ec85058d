package db

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"syscall"
)

// Class is what kind of failure a database error is, which decides the SCIM
// status the client sees.
type Class int

const (
	// Other is an unexpected failure: 500, cause in the log.
	Other Class = iota
	// Conflict is a unique or primary-key violation: 409 uniqueness.
	Conflict
	// Invalid is a value the database refused: a foreign key, a NOT NULL
	// column, a value too long or of the wrong type: 400.
	Invalid
	// MissingObject is a procedure, function, table or column that does not
	// exist, or a call with the wrong number of arguments: the
	// configuration's mistake, a 500 whose log line names it.
	MissingObject
	// BadStatement is a configured statement the database cannot parse: the
	// configuration's mistake, a 500 whose log line names it.
	BadStatement
	// Unavailable is a database that cannot be reached or is overloaded:
	// refused or cut connections, timeouts, too many connections: 503 with
	// Retry-After.
	Unavailable
	// Auth is a database that refused the configured credentials or database name.
	Auth
	// Denied is a statement the database refused the account's rights for:
	// the account may connect, but not read, write or call that object.
	Denied
	// Settings is a connection the driver cannot set up from the
	// configured settings: a certificate or wallet it cannot read, a SQL
	// Server instance that does not exist.
	Settings
)

func (c Class) String() string {
	switch c {
	case Conflict:
		return "conflict"
	case Invalid:
		return "invalid"
	case MissingObject:
		return "missing_object"
	case BadStatement:
		return "bad_statement"
	case Unavailable:
		return "unavailable"
	case Auth:
		return "auth"
	case Denied:
		return "denied"
	case Settings:
		return "settings"
	}
	return "other"
}

// Error is a classified database error.
type Error struct {
	Class Class
	// Object names what the database complained about, when it said: a
	// procedure, table or column name, a constraint or key name.
	Object string
	// Code is the vendor's error number or SQLSTATE ("1062", "23505").
	Code string
	// Message is the text of an error the database's own code raised on
	// purpose (SIGNAL, RAISE EXCEPTION, THROW, RAISE_APPLICATION_ERROR).
	// It is written for people and may be shown to the client.
	Message string
	// Err is the driver's error.
	Err error
}

func (e *Error) Error() string {
	if e.Object != "" {
		return fmt.Sprintf("%s (%s, %s): %v", e.Class, e.Code, e.Object, e.Err)
	}
	return fmt.Sprintf("%s (%s): %v", e.Class, e.Code, e.Err)
}

// Unwrap returns the driver's error.
func (e *Error) Unwrap() error { return e.Err }

// ClassifyNetwork recognises failures of the connection itself, which every
// driver reports the same way: refused or reset connections, timeouts,
// broken pipes, a connection the driver gave up on. Dialects call it before
// looking at their vendor codes; it returns nil for anything else.
func ClassifyNetwork(err error) *Error {
	var netErr net.Error
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.DeadlineExceeded):
		return &Error{Class: Unavailable, Code: "timeout", Err: err}
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH),
		errors.Is(err, net.ErrClosed):
		return &Error{Class: Unavailable, Code: "connection", Err: err}
	case errors.As(err, &netErr):
		return &Error{Class: Unavailable, Code: "network", Err: err}
	}
	return nil
}

// FirstMatch returns re's first submatch in msg, or "". Classifiers use it
// to pull object names out of vendor messages.
func FirstMatch(re *regexp.Regexp, msg string) string {
	if m := re.FindStringSubmatch(msg); m != nil {
		return m[1]
	}
	return ""
}
