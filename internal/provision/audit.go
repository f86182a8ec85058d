package provision

import (
	"context"
	"strings"

	"github.com/sqlscim/sqlscim/internal/audit"
	"github.com/sqlscim/sqlscim/internal/scim"
)

// This file tells the request's audit record (audit.From(ctx), nil when the
// request is not audited) what the engine does. The write paths call it at
// a few fixed points: exec records each operation, execEntitlement each
// entitlement, session.commit the commit, noteUser the user an update or
// delete reads, and noteWrite the user and the columns a create or update
// sets.

// noteWrite records the user a write changes and the columns it sets:
// those of fields (the statement's field names) that a create binds a
// value to, or, for an update, fields themselves (the changed ones). A
// secret-named column (PASSWORD_HASH, or one mapped to password) keeps
// its value out of the event; the HTTP layer marks the secrets of the
// request body the same way. The password_sync column is recorded as the
// attribute password, a secret whatever its name.
func (m *mapping) noteWrite(ctx context.Context, res scim.Resource, cols row, fields []string, create bool) {
	rec := audit.From(ctx)
	if rec == nil {
		return
	}
	userName, _ := res.Get("userName")
	rec.User(text(cols[m.idKey]), text(userName))
	seen := map[string]bool{}
	for _, f := range fields {
		k := strings.ToUpper(f)
		if seen[k] || create && (cols[k] == nil || cols[k] == "") {
			continue
		}
		seen[k] = true
		name := k
		if c, ok := m.column(k); ok {
			name = c.name
		}
		attr := ""
		if t, ok := m.targets[k]; ok {
			attr = t.String()
		} else if k == m.idKey {
			attr = "id"
		} else if k == m.passwordKey {
			attr = "password"
		}
		rec.Change(attr, name, cols[k], m.secret[k]) // a secret column's value never reaches the trail
	}
}

// noteUser records the user a request changes, from its current row.
func (m *mapping) noteUser(ctx context.Context, r row) {
	rec := audit.From(ctx)
	if rec == nil {
		return
	}
	userName := r[m.idKey]
	if m.userNameKey != "" {
		userName = r[m.userNameKey]
	}
	rec.User(text(r[m.idKey]), text(userName))
}
