package provision

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/sqlscim/sqlscim/internal/scim"
)

// A write never drops a value silently: an attribute that no column holds
// is refused with 400 naming the mapping that would store it, unless the
// admin listed it in ignore_attributes, which accepts and drops it.

// handledElsewhere are the core attributes that are not stored through the
// column mapping: the id and userName (the id column, or its own column),
// active (activate/deactivate_user), entitlements (their operations),
// password (password_sync or set_password, checked there), and the
// read-only ones a client's copy may carry.
var handledElsewhere = map[string]bool{
	"schemas": true, "id": true, "meta": true, "username": true, "active": true,
	"entitlements": true, "password": true, "groups": true,
}

// structural sub-attributes say which element a value is; they are stored
// by the element's target, not by a column of their own.
var structural = map[string]bool{"type": true, "primary": true}

var ignorePattern = regexp.MustCompile(`^(?:(urn:[A-Za-z0-9:._-]+|enterprise):)?([A-Za-z][A-Za-z0-9_$-]*)(?:\[([A-Za-z0-9_-]+)\])?(?:\.([A-Za-z][A-Za-z0-9_$-]*))?$`)

// parseIgnored reads ignore_attributes into lower-case keys in the form
// checkStorable builds: title, name.formatted, emails[home].value,
// emails[home], emails.value, enterprise:costcenter.
func parseIgnored(list []string) (map[string]bool, error) {
	out := map[string]bool{}
	rs := scim.ResourceSchema{Core: scim.UserSchema, Extensions: []scim.Schema{scim.EnterpriseUserSchema}}
	for i, s := range list {
		m := ignorePattern.FindStringSubmatch(strings.TrimSpace(s))
		if m == nil {
			return nil, fmt.Errorf("ignore_attributes[%d]: %q is not an attribute path; write it like externalId, name.formatted, emails[home].value or enterprise:costCenter", i, s)
		}
		urn, attr, typ, sub := m[1], m[2], m[3], m[4]
		switch {
		case strings.EqualFold(urn, "enterprise") || strings.EqualFold(urn, scim.EnterpriseUserURN):
			urn = scim.EnterpriseUserURN
		case urn == "" || strings.EqualFold(urn, scim.UserSchemaURN):
			urn = ""
		default:
			return nil, fmt.Errorf("ignore_attributes[%d]: %q is in schema %s; list attributes of the core User or the enterprise extension (enterprise:costCenter)", i, s, urn)
		}
		if _, a, sa, ok := rs.Resolve(urn, attr, sub); !ok {
			return nil, fmt.Errorf("ignore_attributes[%d]: %q is not an attribute of the User or enterprise User schema", i, s)
		} else {
			attr = a.Name
			if sa != nil {
				sub = sa.Name
			}
			if typ != "" && !a.MultiValued {
				return nil, fmt.Errorf("ignore_attributes[%d]: %q: %s is single-valued; drop the [%s]", i, s, a.Name, typ)
			}
		}
		out[strings.ToLower(pathKey(urn, attr, typ, sub))] = true
	}
	return out, nil
}

// pathKey writes an attribute path the way a mapping target is written.
func pathKey(urn, attr, typ, sub string) string {
	s := attr
	if urn == scim.EnterpriseUserURN {
		s = "enterprise:" + attr
	}
	if typ != "" {
		s += "[" + typ + "]"
	}
	if sub != "" {
		s += "." + sub
	}
	return s
}

// checkStorable refuses the first value of res that no column holds and
// ignore_attributes does not list. Values are checked in name order, so the
// same request always gets the same answer.
func (m *mapping) checkStorable(res scim.Resource, tenant string) error {
	for _, key := range sortedResourceKeys(res) {
		v := res[key]
		switch {
		case strings.EqualFold(key, scim.EnterpriseUserURN):
			obj, _ := v.(map[string]any)
			for _, k := range sortedKeys(obj) {
				if err := m.checkAttr(scim.EnterpriseUserURN, scim.EnterpriseUserSchema, k, obj[k], tenant); err != nil {
					return err
				}
			}
		case strings.HasPrefix(strings.ToLower(key), "urn:"):
			// The tenant extension holds columns by name; other schemas
			// are refused by the type check.
		case handledElsewhere[strings.ToLower(key)]:
		default:
			if err := m.checkAttr("", scim.UserSchema, key, v, tenant); err != nil {
				return err
			}
		}
	}
	return nil
}

func (m *mapping) checkAttr(urn string, schema scim.Schema, name string, v any, tenant string) error {
	if empty(v) {
		return nil
	}
	a, known := schema.Attribute(name)
	if !known {
		// A name the User schemas do not define is not a value the client
		// expects stored (Microsoft's collection sends a misspelt one and
		// expects 200); the schemas say what is stored.
		return nil
	}
	if a.Mutability == "readOnly" {
		return nil
	}
	name = a.Name
	if len(a.SubAttributes) == 0 {
		if !m.holds(urn, name, "", "", false) {
			return m.refuse(tenant, pathKey(urn, name, "", ""), pathKey(urn, name, "", ""))
		}
		return nil
	}
	elems := []any{v}
	if a.MultiValued {
		elems, _ = v.([]any)
	}
	for _, e := range elems {
		obj, isObj := e.(map[string]any)
		if !isObj {
			if a.Name == "manager" { // "manager": "id" is manager.value
				obj = map[string]any{"value": e}
			} else {
				continue // the type check refuses it
			}
		}
		typ, _ := obj["type"].(string)
		typ = strings.ToLower(strings.TrimSpace(typ))
		for _, sub := range sortedKeys(obj) {
			sa, ok := a.Sub(sub)
			if !ok || structural[strings.ToLower(sa.Name)] || empty(obj[sub]) || sa.Mutability == "readOnly" {
				continue
			}
			if !m.holds(urn, name, typ, sa.Name, a.MultiValued) {
				t := typ
				if a.MultiValued && t == "" {
					t = "work"
				}
				return m.refuse(tenant, pathKey(urn, name, typ, sa.Name), pathKey(urn, name, t, sa.Name))
			}
		}
	}
	return nil
}

// holds reports whether a column is mapped to the attribute, or the admin
// lets it be dropped. An element without a type is held when any element
// of the attribute has a column for the sub-attribute.
func (m *mapping) holds(urn, attr, typ, sub string, multi bool) bool {
	for _, t := range m.targets {
		if t.urn == urn && strings.EqualFold(t.attr, attr) && strings.EqualFold(t.sub, sub) && (!multi || typ == "" || strings.EqualFold(t.typ, typ)) {
			return true
		}
	}
	return m.ignoredPath(urn, attr, typ, sub)
}

// ignoredPath reports an attribute path ignore_attributes lists, itself or
// without its type or sub-attribute.
func (m *mapping) ignoredPath(urn, attr, typ, sub string) bool {
	for _, k := range []string{pathKey(urn, attr, "", ""), pathKey(urn, attr, typ, ""), pathKey(urn, attr, "", sub), pathKey(urn, attr, typ, sub)} {
		if m.ignored[strings.ToLower(k)] {
			return true
		}
	}
	return false
}

func (m *mapping) refuse(tenant, path, target string) error {
	return scim.BadRequest(scim.InvalidValue, "%s cannot be stored: no column of tenant %s is mapped to it. A column mapped to it would store it (mapping: {COLUMN: %s}); ignore_attributes: [%s] accepts and drops it.", path, tenant, target, path)
}

func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		for _, e := range x {
			if !empty(e) {
				return false
			}
		}
		return true
	}
	return false
}

func sortedResourceKeys(r scim.Resource) []string {
	keys := make([]string, 0, len(r))
	for k := range r {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// publishedSchema is the core User (urn "") or enterprise schema as
// /Schemas shows it for this tenant: the attributes handled elsewhere
// (password only when password_sync or set_password stores it), and those
// a column or ignore_attributes accounts for.
func (m *mapping) publishedSchema(s scim.Schema, urn string, password bool) scim.Schema {
	out := s
	out.Attributes = nil
	core := urn == ""
	for _, a := range s.Attributes {
		switch {
		case core && a.Name == "password":
			if password {
				out.Attributes = append(out.Attributes, a)
			}
		case core && a.Name == "groups":
		case core && handledElsewhere[strings.ToLower(a.Name)]:
			out.Attributes = append(out.Attributes, a)
		case len(a.SubAttributes) == 0:
			if m.holds(urn, a.Name, "", "", false) {
				out.Attributes = append(out.Attributes, a)
			}
		default:
			kept := a
			kept.SubAttributes = nil
			data := false
			for _, sa := range a.SubAttributes {
				if structural[strings.ToLower(sa.Name)] || m.holds(urn, a.Name, "", sa.Name, a.MultiValued) {
					kept.SubAttributes = append(kept.SubAttributes, sa)
					data = data || !structural[strings.ToLower(sa.Name)]
				}
			}
			if data {
				out.Attributes = append(out.Attributes, kept)
			}
		}
	}
	return out
}
