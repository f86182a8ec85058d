package scim

import (
	"errors"
	"maps"
	"slices"
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

// target is what a path resolved to.
type target struct {
	container  map[string]any // the resource or an extension object
	schemaURN  string         // "" for core
	attr       Attribute
	sub        *Attribute
	filter     filter.Expression
	path       string // for messages
	typed      bool   // attr comes from a schema
	fromObject bool   // a member of a value without path
}

// name is the attribute's name for messages.
func (t *target) name() string {
	if t.schemaURN != "" {
		return t.schemaURN + ":" + t.attr.Name
	}
	return t.attr.Name
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

// applyPath resolves a parsed path and applies op with val to it.
func (p *patcher) applyPath(op string, fp filter.Path, raw string, val any, fromObject bool) error {
	ap := fp.AttributePath
	uri, name, sub := ap.URI(), ap.AttributeName, ap.SubAttributeName()
	if fp.ValueExpression != nil && sub != "" {
		return BadRequest(InvalidPath, `the path %s is invalid: a filter in brackets must follow the multi-valued attribute itself, as in emails[type eq "work"].value`, quoteForMessage(raw))
	}
	if fp.SubAttribute != nil {
		sub = *fp.SubAttribute
	}
	t := &target{filter: fp.ValueExpression, path: raw, fromObject: fromObject}

	// id, meta and schemas belong to every resource and cannot be patched.
	// done reports an echoed, unchanged value, which is no change at all.
	common := func() (done bool, err error) {
		for _, c := range []string{"id", "meta", "schemas"} {
			if !strings.EqualFold(name, c) {
				continue
			}
			if fromObject && sub == "" && fp.ValueExpression == nil {
				if cur, ok := p.res.Get(c); !ok || valuesEqual(cur, val, nil) {
					return true, nil
				}
			}
			if c == "schemas" {
				return false, BadRequest(Mutability, "attribute schemas cannot be patched; the server keeps it in step with the extensions the resource has")
			}
			return false, BadRequest(Mutability, "attribute %s is read-only", c)
		}
		return false, nil
	}
	if uri == "" || (p.rs != nil && strings.EqualFold(uri, p.rs.Core.ID)) {
		if done, err := common(); done || err != nil {
			return err
		}
	}

	if p.rs != nil {
		schemaURN, a, s, ok := p.rs.Resolve(uri, name, sub)
		if !ok {
			return p.unresolved(uri, name, sub)
		}
		t.schemaURN, t.attr, t.sub, t.typed = schemaURN, a, s, true
	} else {
		t.schemaURN = uri
		t.attr = Attribute{Name: name}
		if sub != "" {
			t.sub = &Attribute{Name: sub}
		}
	}

	// Containers.
	t.container = p.res
	if t.schemaURN != "" {
		key, found := p.res.Key(t.schemaURN)
		ext, isMap := asMap(p.res[key])
		switch {
		case found && isMap:
			t.container = ext
			p.touched[t.schemaURN] = true
		case !t.typed:
			// No schema: an unknown URN prefix is taken as the core one.
			t.schemaURN = ""
		case op == "remove" || val == nil:
			if t.filter != nil && op == "remove" {
				return BadRequest(NoTarget, "the path %s matches nothing: the resource has no %s attributes", quoteForMessage(raw), t.schemaURN)
			}
			return nil
		default:
			ext = map[string]any{}
			p.res.Delete(t.schemaURN)
			p.res[t.schemaURN] = ext
			t.container = ext
			p.touched[t.schemaURN] = true
		}
	}
	if !t.typed && t.schemaURN == "" && uri != "" {
		// An unknown prefix taken as the core one: the same rule applies.
		if done, err := common(); done || err != nil {
			return err
		}
	}
	if !t.typed {
		cur, _ := getCI(t.container, name)
		l, curList := asList(cur)
		_, valList := asList(val)
		t.attr.MultiValued = curList || valList || t.filter != nil
		if _, ok := asMap(cur); ok || (len(l) > 0 && isMapValue(l[0])) {
			t.attr.Type = TypeComplex
		}
	}

	// Mutability.
	if t.attr.readOnly() || (t.sub != nil && t.sub.readOnly()) {
		if fromObject && t.sub == nil && t.filter == nil {
			if cur, ok := getCI(t.container, t.attr.Name); !ok || valuesEqual(cur, val, &t.attr) {
				return nil
			}
		}
		n := t.name()
		if t.sub != nil && !t.attr.readOnly() {
			n += "." + t.sub.Name
		}
		hint := ""
		if t.schemaURN == "" && t.attr.Name == "groups" {
			hint = "; change group membership through the Group's members"
		}
		return BadRequest(Mutability, "attribute %s is read-only%s", n, hint)
	}

	switch {
	case op == "remove":
		return p.remove(t, val, false)
	case val == nil && op == "replace":
		return p.remove(t, nil, true)
	case val == nil:
		return nil
	}
	return p.set(op, t, val)
}

func isMapValue(v any) bool { _, ok := asMap(v); return ok }

// isTrue reports whether v is true, or "true" in any case.
func isTrue(v any) bool {
	b, ok := ParseBoolean(v)
	return ok && b
}

// unresolved explains why a path names no attribute of the schemas.
func (p *patcher) unresolved(uri, name, sub string) error {
	if uri != "" {
		if _, _, ok := p.rs.isSchemaID(uri); !ok {
			return BadRequest(InvalidPath, "%s is not a schema of this resource; its schemas are %s", uri, strings.Join(p.schemaIDs(), " and "))
		}
	}
	if _, a, _, ok := p.rs.Resolve(uri, name, ""); ok {
		if len(a.SubAttributes) == 0 {
			return BadRequest(InvalidPath, "attribute %s has no sub-attributes, so %s.%s is not an attribute", a.Name, a.Name, sub)
		}
		names := make([]string, len(a.SubAttributes))
		for i, s := range a.SubAttributes {
			names[i] = s.Name
		}
		return BadRequest(InvalidPath, "attribute %s has no sub-attribute %q; it has %s", a.Name, sub, strings.Join(names, ", "))
	}
	if uri == "" {
		return BadRequest(InvalidPath, "attribute %q is unknown: it is not in %s or its extensions", name, p.rs.Core.ID)
	}
	return BadRequest(InvalidPath, "attribute %q is unknown: it is not in %s", name, uri)
}

func (p *patcher) schemaIDs() []string {
	ids := []string{p.rs.Core.ID}
	for _, e := range p.rs.Extensions {
		ids = append(ids, e.ID)
	}
	return ids
}

// current returns the attribute's present value.
func (t *target) current() (any, bool) {
	return getCI(t.container, t.attr.Name)
}

// put stores the attribute's new value (nil or an empty array removes it),
// enforcing immutability and required.
func (p *patcher) put(t *target, v any) error {
	cur, _ := t.current()
	empty := !present(v)
	if l, ok := asList(v); ok && len(l) == 0 {
		empty = true
	}
	if t.attr.Mutability == MutabilityImmutable && present(cur) {
		if !valuesEqual(cur, v, &t.attr) {
			return BadRequest(Mutability, "attribute %s is immutable: it can be set once but not changed", t.name())
		}
		return nil // the same value: keep it as first written
	}
	if empty {
		if t.attr.Required && t.typed {
			return BadRequest(InvalidValue, "attribute %s is required and cannot be removed", t.name())
		}
		Resource(t.container).Delete(t.attr.Name)
		return nil
	}
	Resource(t.container).Set(t.attr.Name, v)
	return nil
}

// remove applies a remove operation. With lenient set (replace with null)
// a filter that matches nothing is not an error.
func (p *patcher) remove(t *target, val any, lenient bool) error {
	cur, exists := t.current()
	if t.filter != nil {
		if err := p.needMulti(t); err != nil {
			return err
		}
		elems := listOf(cur)
		keep := make([]any, 0, len(elems))
		matched := 0
		for _, el := range elems {
			if !matchElement(t.filter, el, &t.attr) {
				keep = append(keep, el)
				continue
			}
			matched++
			if t.sub != nil {
				if m, ok := asMap(el); ok {
					Resource(m).Delete(t.sub.Name)
					keep = append(keep, m)
				}
			}
		}
		if matched == 0 {
			if lenient {
				return nil
			}
			return BadRequest(NoTarget, "no value of %s matches the filter [%s]", t.name(), exprString(t.filter))
		}
		return p.put(t, keep)
	}
	if !exists {
		return nil
	}
	if t.sub != nil {
		if l, ok := asList(cur); ok {
			for _, el := range l {
				if m, ok := asMap(el); ok {
					Resource(m).Delete(t.sub.Name)
				}
			}
			return p.put(t, l)
		}
		if m, ok := asMap(cur); ok {
			if t.sub.Mutability == MutabilityImmutable && present(m[t.sub.Name]) {
				return BadRequest(Mutability, "attribute %s.%s is immutable and cannot be removed", t.name(), t.sub.Name)
			}
			Resource(m).Delete(t.sub.Name)
			return p.put(t, m)
		}
		return nil
	}
	if val != nil && !lenient && t.attr.MultiValued {
		// Remove the listed values (Microsoft Entra removes group members
		// with {"op":"Remove","path":"members","value":[{"value":"id"}]}).
		items := listOf(val)
		keep := []any{}
		for _, el := range listOf(cur) {
			drop := false
			for _, it := range items {
				if sameValue(el, it, &t.attr) {
					drop = true
				}
			}
			if !drop {
				keep = append(keep, el)
			}
		}
		return p.put(t, keep)
	}
	if t.attr.Mutability == MutabilityImmutable && present(cur) {
		return BadRequest(Mutability, "attribute %s is immutable and cannot be removed", t.name())
	}
	return p.put(t, nil)
}

// needMulti refuses a filter on a single-valued attribute.
func (p *patcher) needMulti(t *target) error {
	if t.typed && !t.attr.MultiValued {
		return BadRequest(InvalidPath, "the path %s is invalid: a filter in brackets selects values of a multi-valued attribute, and %s is single-valued", quoteForMessage(t.path), t.name())
	}
	return nil
}

// set applies add or replace with a non-null value.
func (p *patcher) set(op string, t *target, val any) error {
	cur, _ := t.current()
	a := &t.attr
	switch {
	case t.filter != nil:
		if err := p.needMulti(t); err != nil {
			return err
		}
		var nv any
		var err error
		if t.sub != nil {
			nv, err = p.coerce(val, t.sub, t.name()+"."+t.sub.Name)
		} else {
			nv, err = p.coerceElement(val, a)
		}
		if err != nil {
			return err
		}
		elems := listOf(cur)
		subPrimary := t.sub != nil && strings.EqualFold(t.sub.Name, "primary") && isTrue(nv)
		var touched, made []int
		for i, el := range elems {
			if !matchElement(t.filter, el, a) {
				continue
			}
			touched = append(touched, i)
			if subPrimary || (t.sub == nil && isPrimary(nv)) {
				made = append(made, i)
			}
			m, ok := asMap(el)
			switch {
			case t.sub != nil && ok:
				setMember(m, t.sub.Name, nv)
			case t.sub != nil:
				// A simple value has no sub-attributes.
			case op == "add" && ok && isMapValue(nv):
				nm, _ := asMap(nv)
				mergeMembers(m, nm)
			default:
				elems[i] = cloneValue(nv)
			}
		}
		if len(touched) == 0 {
			m, ok, err := p.simpleEq(t.filter, a)
			if err != nil {
				return err
			}
			if !ok {
				return BadRequest(NoTarget, "no value of %s matches the filter [%s]", t.name(), exprString(t.filter))
			}
			if t.sub != nil {
				setMember(m, t.sub.Name, nv)
			} else if nm, ok := asMap(nv); ok {
				mergeMembers(m, nm)
			} else {
				return BadRequest(NoTarget, "no value of %s matches the filter [%s]", t.name(), exprString(t.filter))
			}
			elems = append(elems, m)
			if isPrimary(m) {
				made = []int{len(elems) - 1}
			}
		}
		if err := checkPrimary(elems, made, t.name()); err != nil {
			return err
		}
		return p.put(t, elems)

	case t.sub != nil:
		nv, err := p.coerce(val, t.sub, t.name()+"."+t.sub.Name)
		if err != nil {
			return err
		}
		if a.MultiValued {
			elems := listOf(cur)
			var touched, made []int
			for i, el := range elems {
				if m, ok := asMap(el); ok {
					setMember(m, t.sub.Name, nv)
					touched = append(touched, i)
				}
			}
			if len(touched) == 0 {
				elems = append(elems, map[string]any{t.sub.Name: nv})
				touched = []int{len(elems) - 1}
			}
			if strings.EqualFold(t.sub.Name, "primary") && isTrue(nv) {
				made = touched
			}
			if err := checkPrimary(elems, made, t.name()); err != nil {
				return err
			}
			return p.put(t, elems)
		}
		m, ok := asMap(cur)
		if !ok {
			m = map[string]any{}
		}
		if old, ok := getCI(m, t.sub.Name); ok && t.sub.Mutability == MutabilityImmutable && present(old) && !valuesEqual(old, nv, t.sub) {
			return BadRequest(Mutability, "attribute %s.%s is immutable: it can be set once but not changed", t.name(), t.sub.Name)
		}
		setMember(m, t.sub.Name, nv)
		return p.put(t, m)

	case a.MultiValued:
		items, err := p.coerceMulti(val, a)
		if err != nil {
			return err
		}
		var elems []any
		var made []int
		if op == "replace" {
			elems = items
			for i, it := range items {
				if isPrimary(it) {
					made = append(made, i)
				}
			}
		} else {
			// A copy: put compares the old value with the new one.
			elems = slices.Clone(listOf(cur))
			for _, it := range items {
				idx := -1
				for i, el := range elems {
					if sameValue(el, it, a) {
						idx = i
						break
					}
				}
				if idx < 0 {
					elems = append(elems, it)
					idx = len(elems) - 1
				} else if m, ok := asMap(elems[idx]); ok {
					if nm, ok := asMap(it); ok && present(nm["value"]) {
						// Same "value": the value stays as written, the
						// other members are updated. (Values without
						// "value" are equal in every member: skipped.)
						if err := checkImmutableMembers(a, t.name(), m, nm); err != nil {
							return err
						}
						merged := maps.Clone(m)
						for k, v := range nm {
							if !strings.EqualFold(k, "value") {
								setMember(merged, k, v)
							}
						}
						elems[idx] = merged
					}
				}
				if isPrimary(it) {
					made = append(made, idx)
				}
			}
		}
		if err := checkPrimary(elems, made, t.name()); err != nil {
			return err
		}
		return p.put(t, elems)

	case a.Type == TypeComplex:
		nv, err := p.coerceComplex(val, a, t.name())
		if err != nil {
			return err
		}
		m, ok := asMap(cur)
		if !ok {
			m = map[string]any{}
		}
		m = maps.Clone(m) // put compares the old value with the new one
		if err := checkImmutableMembers(a, t.name(), m, nv); err != nil {
			return err
		}
		mergeMembers(m, nv)
		return p.put(t, m)
	}
	nv, err := p.coerce(val, a, t.name())
	if err != nil {
		return err
	}
	return p.put(t, nv)
}

// checkImmutableMembers refuses a merge of nv into the value old of the
// complex attribute a (called name) that would change an immutable
// sub-attribute old already has.
func checkImmutableMembers(a *Attribute, name string, old, nv map[string]any) error {
	for k, v := range nv {
		sa := subAttrOf(a, k)
		if sa == nil || sa.Mutability != MutabilityImmutable {
			continue
		}
		if was, ok := getCI(old, k); ok && present(was) && !valuesEqual(was, v, sa) {
			return BadRequest(Mutability, "attribute %s.%s is immutable: it can be set once but not changed", name, sa.Name)
		}
	}
	return nil
}

// listOf returns v as a list: nil is empty, a single value a list of one.
func listOf(v any) []any {
	if v == nil {
		return []any{}
	}
	if l, ok := asList(v); ok {
		return l
	}
	return []any{v}
}

// setMember sets m[name] (replacing case variants); nil deletes it.
func setMember(m map[string]any, name string, v any) {
	if v == nil {
		Resource(m).Delete(name)
		return
	}
	Resource(m).Set(name, cloneValue(v))
}

// mergeMembers copies the members of src into dst; null members delete.
func mergeMembers(dst, src map[string]any) {
	for k, v := range src {
		setMember(dst, k, v)
	}
}

// sameValue reports whether two values of a multi-valued attribute are the
// same value: complex values by their "value" sub-attribute when the new
// one has it, otherwise by equality.
func sameValue(el, it any, a *Attribute) bool {
	em, ok1 := asMap(el)
	im, ok2 := asMap(it)
	if ok1 && ok2 {
		if iv, ok := getCI(im, "value"); ok && present(iv) {
			ev, _ := getCI(em, "value")
			return valuesEqual(ev, iv, subAttrOf(a, "value"))
		}
		return valuesEqual(em, im, a)
	}
	if ok1 && !ok2 {
		ev, _ := getCI(em, "value")
		return valuesEqual(ev, it, subAttrOf(a, "value"))
	}
	return valuesEqual(el, it, a)
}

// checkPrimary makes sure at most one value is primary (RFC 7643 §2.4).
// made lists the values the operation wrote with primary true: more than
// one is an error, and one makes the others lose primary.
func checkPrimary(elems []any, made []int, name string) error {
	which := -1
	for _, i := range made {
		if which >= 0 && which != i {
			return BadRequest(InvalidValue, "only one value of %s can be primary", name)
		}
		which = i
	}
	if which < 0 {
		return nil
	}
	for i, el := range elems {
		if i == which {
			continue
		}
		if m, ok := asMap(el); ok && isPrimary(m) {
			Resource(m).Set("primary", false)
		}
	}
	return nil
}

// isPrimary reports whether a value has primary true.
func isPrimary(v any) bool {
	m, ok := asMap(v)
	if !ok {
		return false
	}
	p, _ := getCI(m, "primary")
	b, ok := ParseBoolean(p)
	return ok && b
}

// simpleEq turns a filter of eq comparisons joined by and (type eq "work")
// into the sub-attributes of a new value.
func (p *patcher) simpleEq(e filter.Expression, a *Attribute) (map[string]any, bool, error) {
	switch x := e.(type) {
	case *filter.AttributeExpression:
		ap := x.AttributePath
		if !strings.EqualFold(string(x.Operator), string(filter.EQ)) || ap.URIPrefix != nil || ap.SubAttribute != nil || x.CompareValue == nil {
			return nil, false, nil
		}
		name, v := ap.AttributeName, x.CompareValue
		if len(a.SubAttributes) > 0 {
			sa, ok := a.Sub(name)
			if !ok {
				return nil, false, BadRequest(InvalidPath, "attribute %s has no sub-attribute %q", a.Name, name)
			}
			name = sa.Name
			var err error
			if v, err = p.coerce(v, &sa, a.Name+"."+sa.Name); err != nil {
				return nil, false, err
			}
		}
		return map[string]any{name: v}, true, nil
	case *filter.LogicalExpression:
		if x.Operator != filter.AND {
			return nil, false, nil
		}
		l, ok, err := p.simpleEq(x.Left, a)
		if !ok || err != nil {
			return nil, ok, err
		}
		r, ok, err := p.simpleEq(x.Right, a)
		if !ok || err != nil {
			return nil, ok, err
		}
		mergeMembers(l, r)
		return l, true, nil
	}
	return nil, false, nil
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
