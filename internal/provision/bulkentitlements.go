package provision

import (
	"context"
	"fmt"
	"strings"
)

// GetEntitlementsOfUsers is the optional operation that reads the
// entitlements of a range of users in one query: those whose id lies from
// the field first_user_id to the field last_user_id, both included, in the
// database's order of the id column. sqlscim's own, not one of the Okta
// connector's ten. Each row is one assignment and carries the user id
// column (get_users' user_id_column, or its own user_id_column) and the
// entitlement id column of get_all_entitlements, and may carry its display
// column. A page of a listing then costs one round trip for its
// entitlements instead of one per user; without it, get_user_entitlements
// runs for each user, a few at once.
const GetEntitlementsOfUsers OpName = "get_entitlements_of_users"

// The fields of get_entitlements_of_users: the first and the last user id
// of the page, in the database's order.
const (
	FirstUserField = "first_user_id"
	LastUserField  = "last_user_id"
)

// validateBulkEntitlements checks get_entitlements_of_users: it binds both
// ends of the range and nothing else a page could not supply.
func (c *Config) validateBulkEntitlements(add func(path, format string, args ...any)) {
	op, ok := c.Op(GetEntitlementsOfUsers)
	if !ok {
		return
	}
	path := ".operations." + string(GetEntitlementsOfUsers) + ".parameters"
	for _, f := range []string{FirstUserField, LastUserField} {
		if !bindsField(op, f) {
			add(path, "no DATABASE_FIELD parameter binds the field %q; the range of user ids is bound by {type: DATABASE_FIELD, field: %s} and {type: DATABASE_FIELD, field: %s}", f, FirstUserField, LastUserField)
		}
	}
	for i, p := range op.Parameters {
		if p.Type == DatabaseField && !strings.EqualFold(p.Field, FirstUserField) && !strings.EqualFold(p.Field, LastUserField) {
			add(fmt.Sprintf("%s[%d]", path, i), "the field %q has no value here: a range of users binds only %s and %s", p.Field, FirstUserField, LastUserField)
		}
	}
	if _, ok := c.Op(GetUserEntitlements); !ok {
		add(".operations."+string(GetEntitlementsOfUsers), "needs get_user_entitlements too: a single user's entitlements are still read with it")
	}
}

// bulkEntitlements reports whether a page of users can take its
// entitlements from get_entitlements_of_users.
func (t *Tenant) bulkEntitlements() bool {
	_, ok := t.cfg.Op(GetEntitlementsOfUsers)
	return ok
}

// entitlementsOfRange runs get_entitlements_of_users for the users of page,
// which the database returned ordered by the id column, so that its first
// and last ids bound exactly its users. It returns each user's
// entitlements by id text, in the order of the rows; assignments of users
// in the range but not on the page (the listing's filter left them out)
// are skipped.
func (t *Tenant) entitlementsOfRange(ctx context.Context, m *mapping, page []row) (map[string][]any, error) {
	first, last := page[0][m.idKey], page[len(page)-1][m.idKey]
	s, err := t.open(ctx, t.needsTx(GetEntitlementsOfUsers))
	if err != nil {
		return nil, err
	}
	defer s.close()
	rows, err := t.query(ctx, s.q, GetEntitlementsOfUsers, func(field string) (any, bool) {
		switch {
		case strings.EqualFold(field, FirstUserField):
			return first, true
		case strings.EqualFold(field, LastUserField):
			return last, true
		}
		return nil, false
	})
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := t.resultColumns(GetEntitlementsOfUsers, rows)
	if err != nil {
		return nil, t.opError(GetEntitlementsOfUsers, err)
	}
	userKey := m.idKey
	if op := t.cfg.Operations[GetEntitlementsOfUsers]; op.UserIDColumn != "" {
		userKey = strings.ToUpper(op.UserIDColumn)
	}
	out := make(map[string][]any, len(page))
	for _, r := range page {
		out[text(r[m.idKey])] = []any{}
	}
	read := t.entitlementReader(GetEntitlementsOfUsers)
	var sc rowScanner
	for rows.Next() {
		r, err := sc.read(rows, cols)
		if err != nil {
			return nil, t.opError(GetEntitlementsOfUsers, err)
		}
		u, ok := r[userKey]
		if !ok {
			return nil, t.entitlementColumnMissing(GetEntitlementsOfUsers, userKey, "user id column")
		}
		list, onPage := out[text(u)]
		if !onPage {
			continue
		}
		e, err := read.entry(r)
		if err != nil {
			return nil, err
		}
		out[text(u)] = append(list, e)
	}
	if err := rows.Err(); err != nil {
		return nil, t.opError(GetEntitlementsOfUsers, err)
	}
	if err := read.fillDisplays(ctx, s); err != nil {
		return nil, err
	}
	return out, nil
}
