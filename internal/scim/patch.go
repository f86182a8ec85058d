// Parsing a PATCH request: the operation type, the body, each operation and its path.

package scim

import (
	"errors"
	"strconv"
	"strings"

	filter "github.com/scim2/filter-parser/v2"
)

// PatchOp is one operation of a PATCH request (RFC 7644 §3.5.2).
type PatchOp struct {
	// Op is "add", "remove" or "replace", in lower case.
	Op string
	// Path is the target as sent; it may be empty.
	Path string
	// Value is the value as decoded (json.Number for numbers); nil for
	// remove, or when the client sent null.
	Value any

	// parsed is Path as ParsePatch parsed it, so that applying the
	// operation does not parse it again; nil for an operation built by hand.
	// Callers do not rewrite Path, so the two stay in step.
	parsed *filter.Path
}

// check checks what an operation needs however it was made: a known op
// and, for remove, a path. It returns the op in lower case.
func (op PatchOp) check() (string, error) {
	name := strings.ToLower(strings.TrimSpace(op.Op))
	switch name {
	case "add", "remove", "replace":
	default:
		return "", BadRequest(InvalidSyntax, "op %q is not supported; use add, remove or replace", op.Op)
	}
	if name == "remove" && strings.TrimSpace(op.Path) == "" {
		// RFC 7644 §3.5.2.2: a remove without a path fails with noTarget.
		return "", BadRequest(NoTarget, `remove needs a "path" naming what to remove`)
	}
	return name, nil
}

// parsedPath returns the operation's path parsed: as ParsePatch left it, or
// parsed now for an operation built by hand.
func (op PatchOp) parsedPath() (filter.Path, error) {
	if op.parsed != nil {
		return *op.parsed, nil
	}
	return parsePatchPath(op.Path)
}

// ParsePatch decodes a PatchOp request body (RFC 7644 §3.5.2). The "schemas"
// member, when present, must contain PatchOpSchema. Errors are *Error 400
// invalidSyntax (bad JSON, no Operations, op not add/remove/replace,
// add/replace without value), noTarget (remove without path) or
// invalidPath (unparsable path),
// with details that name the operation index ("Operations[2]: ...").
// Member names and op values are case-insensitive (Microsoft Entra sends
// "Replace", "Add").
func ParsePatch(body []byte) ([]PatchOp, error) {
	doc, err := DecodeResource(body)
	if err != nil {
		return nil, err
	}
	if listed, present := doc.ListsSchema(PatchOpSchema); present && !listed {
		return nil, BadRequest(InvalidSyntax, "the request's schemas must be [%q] for a PATCH", PatchOpSchema)
	}
	raw, ok := doc.Get("Operations")
	if !ok || raw == nil {
		return nil, BadRequest(InvalidSyntax, `the PATCH request has no "Operations"; send {"schemas":["%s"],"Operations":[{"op":"replace","path":"active","value":false}]}`, PatchOpSchema)
	}
	list, ok := asList(raw)
	if !ok {
		return nil, BadRequest(InvalidSyntax, `"Operations" must be an array of operations, not %s`, jsonKind(raw))
	}
	if len(list) == 0 {
		return nil, BadRequest(InvalidSyntax, `"Operations" is empty; send at least one operation`)
	}
	ops := make([]PatchOp, 0, len(list))
	for i, el := range list {
		op, err := parseOp(el)
		if err != nil {
			return nil, prefixError(i, err)
		}
		ops = append(ops, op)
	}
	return ops, nil
}

// parseOp decodes one operation, checks it and parses its path, once.
func parseOp(el any) (PatchOp, error) {
	m, ok := asMap(el)
	if !ok {
		return PatchOp{}, BadRequest(InvalidSyntax, "each operation must be a JSON object, not %s", jsonKind(el))
	}
	o := Resource(m)
	rawOp, ok := o.Get("op")
	if !ok || rawOp == nil {
		return PatchOp{}, BadRequest(InvalidSyntax, `"op" is missing; use add, remove or replace`)
	}
	opStr, ok := rawOp.(string)
	if !ok {
		return PatchOp{}, BadRequest(InvalidSyntax, `"op" must be a string (add, remove or replace), not %s`, jsonKind(rawOp))
	}
	op := PatchOp{Op: opStr}
	if rawPath, ok := o.Get("path"); ok && rawPath != nil {
		if op.Path, ok = rawPath.(string); !ok {
			return PatchOp{}, BadRequest(InvalidSyntax, `"path" must be a string, not %s`, jsonKind(rawPath))
		}
	}
	name, err := op.check()
	if err != nil {
		return PatchOp{}, err
	}
	op.Op = name
	var hasValue bool
	if op.Value, hasValue = o.Get("value"); name != "remove" && !hasValue {
		return PatchOp{}, BadRequest(InvalidSyntax, `%s needs a "value"`, name)
	}
	if strings.TrimSpace(op.Path) != "" {
		fp, err := parsePatchPath(op.Path)
		if err != nil {
			return PatchOp{}, err
		}
		op.parsed = &fp
	}
	return op, nil
}

// parsePatchPath parses a PATCH path, or returns a 400 invalidPath error
// that explains the mistake.
func parsePatchPath(path string) (filter.Path, error) {
	p, err := parsePathText(strings.TrimSpace(path))
	if err == nil {
		return p, nil
	}
	msg := diagnosePath(path)
	if msg == "" {
		msg = `a path is an attribute name, optionally followed by a filter in brackets and a sub-attribute, as in name.givenName or emails[type eq "work"].value`
	}
	return filter.Path{}, &Error{Status: 400, Type: InvalidPath, Detail: "the path " + quoteForMessage(path) + " is invalid: " + msg, Cause: err}
}

// prefixError puts "Operations[i]: " in front of an error's detail.
func prefixError(i int, err error) error {
	var se *Error
	if !errors.As(err, &se) {
		return err
	}
	out := *se
	out.Detail = "Operations[" + strconv.Itoa(i) + "]: " + se.Detail
	return &out
}
