package provision

import (
	"context"

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
