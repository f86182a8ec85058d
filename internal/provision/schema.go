package provision

import (
	"context"
	"strings"

	"github.com/sqlscim/sqlscim/internal/scim"
)

// UserSchema returns the schemas of this tenant's users: the core User, the
// enterprise extension and the tenant extension, which holds one attribute
// per column of the Get Users result.
func (t *Tenant) UserSchema(ctx context.Context) (_ *scim.ResourceSchema, err error) {
	ctx, _, stop := t.guard(ctx)
	defer stop()
	defer func() { err = t.settle(ctx, err) }()
	m, err := t.discover(ctx)
	if err != nil {
		return nil, err
	}
	return m.schema, nil
}

// extensionSchema describes the tenant extension: every column, typed.
func (m *mapping) extensionSchema(tenant string) scim.Schema {
	s := scim.Schema{
		ID:          m.extURN,
		Name:        "DatabaseUser",
		Description: "Every column of the Get Users result of tenant " + tenant + ", by column name.",
	}
	for _, c := range m.columns {
		a := scim.Attribute{Name: c.name, Type: scimType(c.kind), Description: "Column " + c.name + ".", Mutability: "readWrite", Returned: "default", Uniqueness: "none"}
		switch {
		case c.key == m.passwordKey:
			a.Mutability, a.Returned = scim.MutabilityWriteOnly, scim.ReturnedNever
			a.Description = "Column " + c.name + ", the hash of the user's password (password_sync); write the attribute password instead."
		case m.secret[c.key]:
			a.Mutability, a.Returned = scim.MutabilityWriteOnly, scim.ReturnedNever
			a.Description = "Column " + c.name + ", a secret (secret_columns): written, never returned."
		}
		if c.key == m.idKey {
			a.Mutability = "immutable"
			a.Uniqueness = "server"
			a.CaseExact = true
			a.Description = "Column " + c.name + ", the user's id."
		}
		s.Attributes = append(s.Attributes, a)
	}
	return s
}

func scimType(k kind) scim.AttrType {
	switch k {
	case kindInt:
		return scim.TypeInteger
	case kindDecimal:
		return scim.TypeDecimal
	case kindBool:
		return scim.TypeBoolean
	case kindTimestamp:
		return scim.TypeDateTime
	}
	return scim.TypeString
}

// markRequired marks required in the published schemas the attributes that
// feed the given columns (those create_user must fill): the core or
// enterprise attribute a column is mapped to (and, for a sub-attribute, its
// parent), else the column's own extension attribute. RFC 7643 §2.2: a
// client then knows before its first create what the database needs.
func (m *mapping) markRequired(columns []string) {
	for _, name := range columns {
		key := strings.ToUpper(name)
		if key == m.idKey || key == m.passwordKey {
			continue
		}
		tg, mapped := m.targets[key]
		if !mapped {
			for i := range m.schema.Extensions {
				if m.schema.Extensions[i].ID == m.extURN {
					setRequired(m.schema.Extensions[i].Attributes, name, "")
				}
			}
			continue
		}
		if tg.urn == "" {
			setRequired(m.schema.Core.Attributes, tg.attr, tg.sub)
			continue
		}
		for i := range m.schema.Extensions {
			if m.schema.Extensions[i].ID == tg.urn {
				setRequired(m.schema.Extensions[i].Attributes, tg.attr, tg.sub)
			}
		}
	}
}

// setRequired marks attribute attr (and its sub-attribute sub, if given)
// required.
func setRequired(attrs []scim.Attribute, attr, sub string) {
	for i := range attrs {
		if !strings.EqualFold(attrs[i].Name, attr) {
			continue
		}
		attrs[i].Required = true
		if sub == "" {
			continue
		}
		// A copy: the sub-attributes may be shared with package scim's
		// schema, which serves every tenant.
		subs := append([]scim.Attribute(nil), attrs[i].SubAttributes...)
		for j := range subs {
			if strings.EqualFold(subs[j].Name, sub) {
				subs[j].Required = true
			}
		}
		attrs[i].SubAttributes = subs
	}
}
