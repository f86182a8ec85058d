// Applying PATCH operations to a working copy of a resource, one operation at a time.

package scim

import (
	"errors"
	"sort"
	"strings"

	filter "github.com/scim2/filter-parser/v2"
)

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
