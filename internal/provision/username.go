package provision

import (
	"context"
	"fmt"
	"strings"

	"github.com/sqlscim/sqlscim/internal/scim"
)

// GetUserByUserName is the optional operation that reads the users whose
// userName equals a given one without regard to case: its DATABASE_FIELD
// parameter names the userName column, which binds the name, and it
// returns rows like get_users. sqlscim's own, not one of the Okta
// connector's ten. Before a create, and a rename, sqlscim makes sure no
// other user holds the name (RFC 7643 §4.1.1: userName is unique and
// caseExact false). Without the operation that takes a filtered read of
// get_users, which a stored procedure cannot be given: it lists every
// user, for every create.
const GetUserByUserName OpName = "get_user_by_username"

// validateUserByUserName checks get_user_by_username: it binds the name.
// That the field is the userName column is known once the columns of
// get_users are (checkParameterFields).
func (c *Config) validateUserByUserName(add func(path, format string, args ...any)) {
	op, ok := c.Op(GetUserByUserName)
	if !ok {
		return
	}
	if !bindsAnyField(op) {
		add(".operations."+string(GetUserByUserName)+".parameters", "no DATABASE_FIELD parameter binds the userName: name its column, e.g. {type: DATABASE_FIELD, field: USERNAME}")
	}
}

func bindsAnyField(op *Operation) bool {
	for _, p := range op.Parameters {
		if p.Type == DatabaseField {
			return true
		}
	}
	return false
}

// checkUserNameField reports a get_user_by_username parameter that binds
// another column than the userName's.
func (t *Tenant) checkUserNameField(m *mapping) []CheckResult {
	op, ok := t.cfg.Op(GetUserByUserName)
	if !ok {
		return nil
	}
	if m.userNameKey == "" {
		return nil // userName is the id: get_user_by_id finds its holder, and the operation goes unused
	}
	var wrong []string
	for i, p := range op.Parameters {
		if p.Type == DatabaseField && !strings.EqualFold(p.Field, m.userNameKey) {
			wrong = append(wrong, fmt.Sprintf("parameter %d names %s", i+1, p.Field))
		}
	}
	if len(wrong) == 0 {
		return nil
	}
	return []CheckResult{{Subject: string(GetUserByUserName), Check: "binds the userName column",
		Detail: strings.Join(wrong, ", ") + ", not the userName column " + m.userNameKey}}
}

// checkUserNameLookup warns when only a listing of every user can find who
// holds a userName: get_users cannot be filtered, and
// get_user_by_username is not configured.
func (t *Tenant) checkUserNameLookup(m *mapping) []CheckResult {
	if _, ok := t.cfg.Op(GetUserByUserName); ok || m.userNameKey == "" || t.getUsersWrappable() {
		return nil
	}
	return []CheckResult{{Subject: string(CreateUser), Check: "who holds a userName", OK: true, Warning: true,
		Detail: "get_users cannot be filtered, so every create and rename lists every user to keep userNames unique; configure get_user_by_username (docs/configuration.md)"}}
}

// holderByUserName runs get_user_by_username for the name f compares
// with and returns the id of the first user it returns, other than except,
// that f matches (the operation may compare more loosely than SCIM does),
// or "". Every user it returns counts, whether get_users lists it or not:
// a deactivated user still holds its name in the table.
func (t *Tenant) holderByUserName(ctx context.Context, m *mapping, schema *scim.ResourceSchema, name string, f *scim.Filter, except string) (string, error) {
	s, err := t.open(ctx, t.needsTx(GetUserByUserName))
	if err != nil {
		return "", err
	}
	defer s.close()
	rows, err := t.query(ctx, s.q, GetUserByUserName, func(field string) (any, bool) {
		if strings.EqualFold(field, m.userNameKey) {
			return name, true
		}
		return nil, false
	})
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, err := t.resultColumns(GetUserByUserName, rows)
	if err != nil {
		return "", t.opError(GetUserByUserName, err)
	}
	var sc rowScanner
	for rows.Next() {
		r, err := sc.read(rows, cols)
		if err != nil {
			return "", t.opError(GetUserByUserName, err)
		}
		if _, ok := r[m.idKey]; !ok {
			return "", t.misfit(fmt.Errorf("%s returns no user id column %s", GetUserByUserName, m.idKey))
		}
		if id := text(r[m.idKey]); id != except && f.Matches(m.toResource(r), schema) {
			return id, nil
		}
	}
	if err := rows.Err(); err != nil {
		return "", t.opError(GetUserByUserName, err)
	}
	return "", nil
}
