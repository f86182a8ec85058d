// Package scim is the SCIM 2.0 protocol core (RFC 7643, RFC 7644): resources,
// list responses, errors, filters, PATCH and the discovery documents.
//
// It imports only the standard library and the SCIM filter parser. It never
// sees HTTP routing, SQL, configuration or logging.
package scim

import (
	"errors"
	"fmt"
	"net/http"
)

// Schema URNs of the messages this package renders.
const (
	ErrorSchema         = "urn:ietf:params:scim:api:messages:2.0:Error"
	ListResponseSchema  = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	PatchOpSchema       = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	SearchRequestSchema = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
)

// ErrorType is a SCIM error's scimType (RFC 7644 §3.12).
type ErrorType string

// The scimType values of RFC 7644 §3.12, and MissingAttribute, which OPS uses.
const (
	InvalidFilter    ErrorType = "invalidFilter"
	TooMany          ErrorType = "tooMany"
	Uniqueness       ErrorType = "uniqueness"
	Mutability       ErrorType = "mutability"
	InvalidSyntax    ErrorType = "invalidSyntax"
	InvalidPath      ErrorType = "invalidPath"
	NoTarget         ErrorType = "noTarget"
	InvalidValue     ErrorType = "invalidValue"
	InvalidVersion   ErrorType = "invalidVers"
	Sensitive        ErrorType = "sensitive"
	MissingAttribute ErrorType = "missingAttribute"
)

// opsNames are the upper-case spellings the Okta On-Prem SCIM Server uses.
var opsNames = map[ErrorType]string{
	InvalidFilter:    "INVALID_FILTER",
	TooMany:          "TOO_MANY",
	Uniqueness:       "UNIQUENESS",
	Mutability:       "MUTABILITY",
	InvalidSyntax:    "INVALID_SYNTAX",
	InvalidPath:      "INVALID_PATH",
	NoTarget:         "NO_TARGET",
	InvalidValue:     "INVALID_VALUE",
	InvalidVersion:   "INVALID_VERS",
	Sensitive:        "SENSITIVE",
	MissingAttribute: "MISSING_ATTRIBUTE",
}

// OPSName returns the upper-case form OPS puts on the wire (INVALID_SYNTAX).
func (t ErrorType) OPSName() string {
	if n, ok := opsNames[t]; ok {
		return n
	}
	return string(t)
}

// Error is a SCIM protocol error: an HTTP status, an optional scimType and a
// human-readable detail that tells the client what to fix.
type Error struct {
	Status int
	Type   ErrorType
	Detail string
	// RetryAfter, in seconds, is sent as a Retry-After header when positive.
	RetryAfter int
	// Cause is the underlying error, for the log only; it never reaches the wire.
	Cause error
}

func (e *Error) Error() string {
	if e.Type != "" {
		return fmt.Sprintf("%d %s: %s", e.Status, e.Type, e.Detail)
	}
	return fmt.Sprintf("%d: %s", e.Status, e.Detail)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Cause }

// Errorf builds an Error with a formatted detail.
func Errorf(status int, typ ErrorType, format string, args ...any) *Error {
	return &Error{Status: status, Type: typ, Detail: fmt.Sprintf(format, args...)}
}

// BadRequest is a 400 with the given scimType.
func BadRequest(typ ErrorType, format string, args ...any) *Error {
	return Errorf(http.StatusBadRequest, typ, format, args...)
}

// NotFound is a 404.
func NotFound(format string, args ...any) *Error {
	return Errorf(http.StatusNotFound, "", format, args...)
}

// Internal is the error every unexpected failure becomes on the wire.
func Internal(cause error) *Error {
	return &Error{Status: http.StatusInternalServerError, Detail: "Internal error.", Cause: cause}
}

// AsError returns err as a *Error, turning anything unexpected into Internal.
func AsError(err error) *Error {
	var se *Error
	if errors.As(err, &se) {
		return se
	}
	return Internal(err)
}

// ErrorStyle chooses how errors are spelled on the wire.
type ErrorStyle int

const (
	// RFCStyle follows RFC 7644: status as a string, camel-case scimType.
	RFCStyle ErrorStyle = iota
	// OPSStyle mimics the Okta On-Prem SCIM Server: status as a number,
	// upper-case scimType.
	OPSStyle
)

// ErrorBody is the JSON document of a SCIM error.
type ErrorBody struct {
	Schemas  []string `json:"schemas"`
	ScimType string   `json:"scimType,omitempty"`
	Detail   string   `json:"detail"`
	// Status is a string in RFC style ("400") and a number in OPS style (400).
	Status any `json:"status"`
}

// Body returns the error's JSON document in the given style.
func (e *Error) Body(style ErrorStyle) ErrorBody {
	b := ErrorBody{Schemas: []string{ErrorSchema}, Detail: e.Detail}
	if style == OPSStyle {
		b.Status = e.Status
		if e.Type != "" {
			b.ScimType = e.Type.OPSName()
		}
		return b
	}
	b.Status = fmt.Sprint(e.Status)
	b.ScimType = string(e.Type)
	return b
}
