package scim

import (
	"errors"
	"sort"
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

// ApplyPatch applies ops in order to r (modifying it) against the
// resource's schemas (RFC 7644 §3.5.2). It is atomic: on error r is
// unchanged. r must not be nil. rs may be nil, and then nothing is typed or checked except
// that id, meta and schemas cannot be patched.
//
// Besides the RFC, it accepts what Okta and Microsoft Entra send: ops in any
// case, boolean values as "True"/"False" strings, numbers as strings,
// a string for a complex attribute with a "value" sub-attribute (manager),
// URN-qualified and dotted names ("name.givenName") as members of a value
// without path, a path filter that matches nothing in add/replace of the
// form type eq "work" (a new value is created), and remove with a value
// listing the values to remove from a multi-valued attribute.
func ApplyPatch(r Resource, ops []PatchOp, rs *ResourceSchema) error {
	if r == nil {
		return Internal(errors.New("scim.ApplyPatch: nil resource"))
	}
	p := &patcher{rs: rs, res: r.Clone(), touched: map[string]bool{}}
	for i, op := range ops {
		if err := p.apply(op); err != nil {
			return prefixError(i, err)
		}
	}
	p.finish()
	for k := range r {
		delete(r, k)
	}
	for k, v := range p.res {
		r[k] = v
	}
	return nil
}

// patcher applies operations to a working copy of a resource.
type patcher struct {
	rs      *ResourceSchema
	res     Resource
	touched map[string]bool // extension URNs whose objects were written
}

func (p *patcher) apply(op PatchOp) error {
	name, err := op.check()
	if err != nil {
		return err
	}
	path := strings.TrimSpace(op.Path)
	if path == "" {
		m, ok := asMap(op.Value)
		if !ok {
			return BadRequest(InvalidValue, "without a path, the value must be a JSON object of attributes, not %s", jsonKind(op.Value))
		}
		return p.applyObject(name, "", m)
	}
	if id, core, ok := p.rs.isSchemaID(path); ok {
		return p.applySchemaValue(name, id, core, op.Value)
	}
	fp, err := op.parsedPath()
	if err != nil {
		return err
	}
	return p.applyPath(name, fp, path, op.Value, false)
}

// applySchemaValue applies an operation whose path, or member name, is a
// schema URN.
func (p *patcher) applySchemaValue(op, id string, core bool, val any) error {
	if val == nil && op != "add" {
		if core {
			return BadRequest(InvalidPath, "the core schema %s cannot be removed", id)
		}
		p.removeExtension(id)
		return nil
	}
	if val == nil {
		return nil
	}
	m, ok := asMap(val)
	if !ok {
		return BadRequest(InvalidValue, "the value for %s must be a JSON object of its attributes, not %s", id, jsonKind(val))
	}
	if core {
		return p.applyObject(op, "", m)
	}
	return p.applyObject(op, id, m)
}

// removeExtension removes an extension object.
func (p *patcher) removeExtension(id string) {
	p.res.Delete(id)
	p.touched[id] = true
}

// applyObject applies the members of a value without path (schemaURN "")
// or of an extension object as if each were a path.
func (p *patcher) applyObject(op, schemaURN string, m map[string]any) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := m[k]
		if schemaURN == "" {
			if strings.EqualFold(k, "schemas") || strings.EqualFold(k, "meta") {
				continue // clients echo them; the server maintains both
			}
			if id, core, ok := p.rs.isSchemaID(k); ok {
				if err := p.applySchemaValue(op, id, core, v); err != nil {
					return err
				}
				continue
			}
			if ext, ok := asMap(v); ok && p.rs == nil && strings.HasPrefix(strings.ToLower(k), "urn:") {
				if err := p.applyObject(op, k, ext); err != nil {
					return err
				}
				continue
			}
		}
		var fp filter.Path
		if strings.ContainsAny(k, "[]") {
			var err error
			if fp, err = parsePatchPath(k); err != nil {
				return err
			}
			if fp.AttributePath.URIPrefix == nil && schemaURN != "" {
				uri := schemaURN
				fp.AttributePath.URIPrefix = &uri
			}
		} else {
			uri, name, sub := splitAttrPath(k)
			if name == "" {
				return BadRequest(InvalidPath, "the value has a member with an empty attribute name %q", k)
			}
			if uri == "" {
				uri = schemaURN
			}
			fp.AttributePath.AttributeName = name
			if uri != "" {
				fp.AttributePath.URIPrefix = &uri
			}
			if sub != "" {
				fp.AttributePath.SubAttribute = &sub
			}
		}
		if err := p.applyPath(op, fp, k, v, true); err != nil {
			return err
		}
	}
	return nil
}

// finish drops extension objects left empty and keeps "schemas" in step
// with the extensions the resource has.
func (p *patcher) finish() {
	ids := make([]string, 0, len(p.touched))
	for id := range p.touched {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		key, found := p.res.Key(id)
		m, _ := asMap(p.res[key])
		has := found && present(m)
		if found && !has {
			delete(p.res, key)
		}
		sk, ok := p.res.Key("schemas")
		if !ok {
			continue
		}
		list, ok := asList(p.res[sk])
		if !ok {
			continue
		}
		out := make([]any, 0, len(list)+1)
		listed := false
		for _, s := range list {
			if str, ok := s.(string); ok && strings.EqualFold(str, id) {
				if !has || listed {
					continue
				}
				listed = true
			}
			out = append(out, s)
		}
		if has && !listed {
			out = append(out, id)
		}
		p.res[sk] = out
	}
}
