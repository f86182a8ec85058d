// Resolving a PATCH path to the attribute, container and filter it targets.

package scim

import (
	"strings"

	filter "github.com/scim2/filter-parser/v2"
)

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

// current returns the attribute's present value.
func (t *target) current() (any, bool) {
	return getCI(t.container, t.attr.Name)
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
