package provision

import (
	"context"

	"github.com/sqlscim/sqlscim/internal/scim"
)

// DeleteUser is the optional operation that deletes a user: sqlscim's own,
// not one of the Okta connector's ten (Okta never deletes users of that
// connector). Its DATABASE_FIELD parameters bind columns of the user.
const DeleteUser OpName = "delete_user"

// DeleteUser answers DELETE /Users/{id}. With delete_user configured the
// user is deleted as RFC 7644 §3.6 asks: first its entitlements are removed
// with remove_entitlement_from_user (when enabled, so that a plain DELETE
// statement does not trip over the assignments' foreign key), then
// delete_user runs, in one transaction. Without it the user is deactivated,
// as the Okta On-Prem SCIM Server does, so that a client's DELETE loses no
// data.
func (t *Tenant) DeleteUser(ctx context.Context, id string) (err error) {
	ctx, _, stop := t.guard(ctx)
	defer stop()
	defer func() { err = t.settle(ctx, err) }()
	_, deletes := t.cfg.Op(DeleteUser)
	if _, ok := t.cfg.Op(DeactivateUser); !ok && !deletes {
		return disabled(DeactivateUser, "DELETE /Users/{id} (or configure delete_user)")
	}
	m, err := t.discover(ctx)
	if err != nil {
		return err
	}
	s, err := t.open(ctx, true)
	if err != nil {
		return err
	}
	defer s.close()
	cur, err := t.fetchUser(ctx, s, m, id)
	if err != nil {
		return err
	}
	if cur == nil {
		return scim.NotFound("User %s not found.", id)
	}
	m.noteUser(ctx, cur)
	if !deletes {
		if err := t.setActive(ctx, s, cur, false); err != nil {
			return err
		}
		return s.commit()
	}
	if _, ok := t.cfg.Op(RemoveEntitlementFromUser); ok {
		ents, err := t.userEntitlements(ctx, s, cur)
		if err != nil {
			return err
		}
		for _, e := range ents {
			if err := t.execEntitlement(ctx, s, RemoveEntitlementFromUser, cur, e.(map[string]any)["value"].(string)); err != nil {
				return err
			}
		}
	}
	if err := t.exec(ctx, s.q, DeleteUser, rowValues(cur)); err != nil {
		return err
	}
	return s.commit()
}
