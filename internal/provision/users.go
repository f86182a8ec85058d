package provision

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/sqlscim/sqlscim/internal/scim"
)

// EntitlementType is the type of every entitlement on a user.
const EntitlementType = "Entitlement"

// rowValues binds parameters from a row: a field is a column of the row.
func rowValues(r row) values {
	return func(field string) (any, bool) {
		v, ok := r[strings.ToUpper(field)]
		return v, ok
	}
}

// fetchUser runs Get User by ID and returns the row, or nil when absent.
func (t *Tenant) fetchUser(ctx context.Context, s *session, m *mapping, id string) (row, error) {
	rows, err := t.query(ctx, s.q, GetUserByID, func(field string) (any, bool) {
		if strings.EqualFold(field, m.columns[m.byKey[m.idKey]].name) {
			return id, true
		}
		return nil, false
	})
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := t.resultColumns(GetUserByID, rows)
	if err != nil {
		return nil, t.opError(GetUserByID, err)
	}
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, t.opError(GetUserByID, err)
		}
		return nil, nil
	}
	r, err := readRow(rows, cols)
	if err != nil {
		return nil, t.opError(GetUserByID, err)
	}
	return r, nil
}

// GetUser reads one user, with its entitlements unless skipped.
func (t *Tenant) GetUser(ctx context.Context, id string, withEntitlements bool) (_ scim.Resource, err error) {
	ctx, _, stop := t.guard(ctx)
	defer stop()
	defer func() { err = t.settle(ctx, err) }()
	m, err := t.discover(ctx)
	if err != nil {
		return nil, err
	}
	s, err := t.open(ctx, t.readTx())
	if err != nil {
		return nil, err
	}
	defer s.close()
	return t.readUser(ctx, s, m, id, withEntitlements)
}

func (t *Tenant) readUser(ctx context.Context, s *session, m *mapping, id string, withEntitlements bool) (scim.Resource, error) {
	r, err := t.fetchUser(ctx, s, m, id)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, scim.NotFound("User %s not found.", id)
	}
	return t.complete(ctx, s, m, r, withEntitlements)
}

// complete turns a row into a user and adds its entitlements.
func (t *Tenant) complete(ctx context.Context, s *session, m *mapping, r row, withEntitlements bool) (scim.Resource, error) {
	res := m.toResource(r)
	if withEntitlements {
		ents, err := t.userEntitlements(ctx, s, r)
		if err != nil {
			return nil, err
		}
		if len(ents) > 0 {
			res["entitlements"] = ents
		}
	}
	return res, nil
}

// writeFields lists the DATABASE_FIELD names an operation binds.
func (t *Tenant) writeFields(name OpName) []string {
	op, ok := t.cfg.Op(name)
	if !ok {
		return nil
	}
	var out []string
	for _, p := range op.Parameters {
		if p.Type == DatabaseField {
			out = append(out, p.Field)
		}
	}
	return out
}

// CreateUser runs Create User, then Add Entitlement to User for each
// entitlement in the body, then Deactivate User if the body says
// active=false, all in one transaction.
func (t *Tenant) CreateUser(ctx context.Context, res scim.Resource) (_ scim.Resource, err error) {
	ctx, wd, stop := t.guard(ctx)
	defer stop()
	defer func() { err = t.settle(ctx, err) }()
	if _, ok := t.cfg.Op(CreateUser); !ok {
		return nil, disabled(CreateUser, "POST /Users")
	}
	if un, ok := res.Get("userName"); !ok || un == nil || un == "" {
		return nil, scim.BadRequest(scim.InvalidValue, "userName is required")
	}
	m, err := t.discover(ctx)
	if err != nil {
		return nil, err
	}
	schema, err := t.UserSchema(ctx)
	if err != nil {
		return nil, err
	}
	if err := schema.CheckTypes(res); err != nil {
		return nil, err
	}
	pw, hasPW, err := t.admitWrite(ctx, m, res)
	if err != nil {
		return nil, err
	}
	cols, err := m.columnsFor(res, nil, false, t.writeFields(CreateUser))
	if err != nil {
		return nil, err
	}
	if err := m.checkWritten(CreateUser, t.cfg.Name, cols, nil, t.writeFields(CreateUser)); err != nil {
		return nil, err
	}
	var storedPW string
	if hasPW {
		if storedPW, err = t.storedPassword(pw); err != nil {
			return nil, err
		}
		if m.passwordKey != "" {
			cols[m.passwordKey] = storedPW
		}
	}
	ents, _, err := requestedEntitlements(res)
	if err != nil {
		return nil, err
	}
	if len(ents) > 0 {
		if _, ok := t.cfg.Op(AddEntitlementToUser); !ok {
			return nil, disabled(AddEntitlementToUser, "a user with entitlements")
		}
	}
	active := true
	if v, ok := res.Get("active"); ok && v != nil {
		b, ok := scim.ParseBoolean(v)
		if !ok {
			return nil, scim.BadRequest(scim.InvalidValue, "active must be true or false (or %s)", scim.BooleanWords)
		}
		active = b
	}
	id := text(cols[m.idKey])
	m.noteWrite(ctx, res, cols, t.writeFields(CreateUser), true)
	if other, err := t.userNameHolder(ctx, wd, m, schema, res, ""); err != nil || other != "" {
		if err == nil {
			detail := fmt.Sprintf("User %s already exists.", id)
			if other != id {
				detail = fmt.Sprintf("User %s already has this userName, compared without regard to case (userName is caseExact false).", other)
			}
			err = &scim.Error{Status: http.StatusConflict, Type: scim.Uniqueness, Detail: detail}
		}
		return nil, err
	}

	s, err := t.open(ctx, true)
	if err != nil {
		return nil, err
	}
	defer s.close()
	existing, err := t.fetchUser(ctx, s, m, id)
	if err != nil {
		return nil, err
	}
	if existing != nil {
		detail := fmt.Sprintf("User %s already exists.", id)
		if active, ok := m.toResource(existing)["active"].(bool); ok && !active {
			detail = fmt.Sprintf("User %s already exists, deactivated; PATCH it with active=true to reactivate it.", id)
		}
		return nil, &scim.Error{Status: http.StatusConflict, Type: scim.Uniqueness, Detail: detail}
	}
	if err := t.exec(ctx, s.q, CreateUser, rowValues(cols)); err != nil {
		return nil, err
	}
	if hasPW && m.passwordKey == "" {
		if err := t.setPassword(ctx, s, cols, storedPW); err != nil {
			return nil, err
		}
	}
	if err := t.changeEntitlements(ctx, s, cols, ents, nil); err != nil {
		return nil, err
	}
	if !active {
		if err := t.setActive(ctx, s, cols, false); err != nil {
			return nil, err
		}
	}
	out, err := t.readUser(ctx, s, m, id, true)
	if err != nil {
		return nil, err
	}
	if err := s.commit(); err != nil {
		return nil, err
	}
	return out, nil
}

// ReplaceUser applies a PUT: Update User for changed columns, Activate or
// Deactivate User when active changes, and the entitlement difference when
// the body lists entitlements, in one transaction.
func (t *Tenant) ReplaceUser(ctx context.Context, id string, res scim.Resource) (scim.Resource, error) {
	if un, ok := res.Get("userName"); !ok || un == nil || un == "" {
		return nil, scim.BadRequest(scim.InvalidValue, "userName is required: a PUT replaces the whole user")
	}
	schema, err := t.UserSchema(ctx)
	if err != nil {
		return nil, err
	}
	if err := schema.CheckTypes(res); err != nil {
		return nil, err
	}
	pw, _ := res.Get("password")
	plain, _ := pw.(string)
	return t.update(ctx, id, plain, func(cur scim.Resource) (scim.Resource, bool, error) { return res, false, nil })
}

// PatchUser applies RFC 7644 PATCH operations to the current user and
// writes the difference like ReplaceUser.
func (t *Tenant) PatchUser(ctx context.Context, id string, ops []scim.PatchOp) (scim.Resource, error) {
	if _, err := t.UserSchema(ctx); err != nil { // the guarded discovery
		return nil, err
	}
	m, err := t.discover(ctx)
	if err != nil {
		return nil, err
	}
	return t.update(ctx, id, patchedPassword(ops), func(cur scim.Resource) (scim.Resource, bool, error) {
		next := cur.Clone()
		// Every attribute resolves, so that one no column holds is refused
		// with the mapping that would hold it rather than as an unknown path.
		if err := scim.ApplyPatch(next, ops, m.fullSchema); err != nil {
			return nil, true, err
		}
		return next, true, nil
	})
}

// update reads the user and its entitlements, computes the new user with
// change, and writes the difference, all in one transaction. password is
// the password the change will set, when the request shows it: it is
// hashed before the transaction begins.
func (t *Tenant) update(ctx context.Context, id, password string, change func(cur scim.Resource) (scim.Resource, bool, error)) (_ scim.Resource, err error) {
	ctx, wd, stop := t.guard(ctx)
	defer stop()
	defer func() { err = t.settle(ctx, err) }()
	m, err := t.discover(ctx)
	if err != nil {
		return nil, err
	}
	pre := t.prehash(password)
	s, err := t.open(ctx, true)
	if err != nil {
		return nil, err
	}
	defer s.close()
	cur, err := t.fetchUser(ctx, s, m, id)
	if err != nil {
		return nil, err
	}
	if cur == nil {
		return nil, scim.NotFound("User %s not found.", id)
	}
	m.noteUser(ctx, cur)
	curRes, err := t.complete(ctx, s, m, cur, true)
	if err != nil {
		return nil, err
	}
	next, isPatch, err := change(curRes)
	if err != nil {
		return nil, err
	}
	if err := t.checkRename(ctx, wd, m, id, curRes, next); err != nil {
		return nil, err
	}
	pw, hasPW, err := t.admitWrite(ctx, m, next)
	if err != nil {
		return nil, err
	}
	cols, err := m.columnsForUpdate(next, cur, curRes, isPatch, t.writeFields(UpdateUser))
	if err != nil {
		return nil, err
	}
	var storedPW string
	if hasPW {
		if storedPW, err = pre.storedFor(t, pw); err != nil {
			return nil, err
		}
		if m.passwordKey != "" {
			cols[m.passwordKey] = storedPW
		}
	}
	if _, ok := t.cfg.Op(UpdateUser); ok {
		if err := m.checkWritten(UpdateUser, t.cfg.Name, cols, cur, t.writeFields(UpdateUser)); err != nil {
			return nil, err
		}
	}
	if changed := changedColumns(cols, cur, t.writeFields(UpdateUser), m); len(changed) > 0 {
		m.noteWrite(ctx, next, cols, changed, false)
		if _, ok := t.cfg.Op(UpdateUser); !ok {
			return nil, disabled(UpdateUser, "changing "+strings.Join(changed, ", "))
		}
		if err := t.exec(ctx, s.q, UpdateUser, rowValues(cols)); err != nil {
			return nil, err
		}
	}
	if hasPW && m.passwordKey == "" {
		if err := t.setPassword(ctx, s, cols, storedPW); err != nil {
			return nil, err
		}
	}

	if v, ok := next.Get("active"); ok && v != nil {
		want, ok := scim.ParseBoolean(v)
		if !ok {
			return nil, scim.BadRequest(scim.InvalidValue, "active must be true or false (or %s)", scim.BooleanWords)
		}
		if have, _ := curRes.Get("active"); have != want {
			if err := t.setActive(ctx, s, cols, want); err != nil {
				return nil, err
			}
		}
	}

	wanted, present, err := requestedEntitlements(next)
	if err != nil {
		return nil, err
	}
	if present || isPatch {
		had, _, _ := requestedEntitlements(curRes)
		if err := t.changeEntitlements(ctx, s, cols, wanted, had); err != nil {
			return nil, err
		}
	}
	out, err := t.readUser(ctx, s, m, id, true)
	if err != nil {
		return nil, err
	}
	if err := s.commit(); err != nil {
		return nil, err
	}
	return out, nil
}

// changedColumns names the bound columns whose value changes.
func changedColumns(next, cur row, fields []string, m *mapping) []string {
	var out []string
	for _, f := range fields {
		k := strings.ToUpper(f)
		if k == m.idKey {
			continue
		}
		if !sameValue(next[k], cur[k]) {
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out
}

// setActive runs Activate User or Deactivate User.
func (t *Tenant) setActive(ctx context.Context, s *session, user row, active bool) error {
	name, call := DeactivateUser, "deactivating a user"
	if active {
		name, call = ActivateUser, "activating a user"
	}
	if _, ok := t.cfg.Op(name); !ok {
		return disabled(name, call)
	}
	return t.exec(ctx, s.q, name, rowValues(user))
}

// checkRename refuses an update that gives the user a userName another
// user holds, compared without regard to case as for a create. Only a
// changed userName is looked up (one filtered read of Get Users, on a
// connection of its own, before anything is written); a user may change
// the case of its own name.
func (t *Tenant) checkRename(ctx context.Context, wd *watchdog, m *mapping, id string, cur, next scim.Resource) error {
	was, _ := cur.Get("userName")
	now, ok := next.Get("userName")
	if !ok || now == nil || text(now) == text(was) {
		return nil
	}
	schema, err := t.UserSchema(ctx)
	if err != nil {
		return err
	}
	other, err := t.userNameHolder(ctx, wd, m, schema, next, id)
	if err != nil || other == "" {
		return err
	}
	return &scim.Error{Status: http.StatusConflict, Type: scim.Uniqueness,
		Detail: fmt.Sprintf("User %s already has this userName, compared without regard to case (userName is caseExact false).", other)}
}

// userNameHolder returns the id of a user other than except whose
// userName equals res's without regard to case, or "". RFC 7643 §4.1.1 makes
// userName caseExact false and unique, whatever the collation of the
// column: the filter compares as the schema says. get_user_by_username
// finds the holder when it is configured (holderByUserName); otherwise
// Get Users is read with the filter, and a deactivated user that it leaves
// out is found only by Get User by ID, by its exact id.
func (t *Tenant) userNameHolder(ctx context.Context, wd *watchdog, m *mapping, schema *scim.ResourceSchema, res scim.Resource, except string) (string, error) {
	name, _ := res.Get("userName")
	quoted, err := json.Marshal(text(name))
	if err != nil {
		return "", err
	}
	f, err := scim.ParseFilter("userName eq " + string(quoted))
	if err != nil {
		return "", scim.BadRequest(scim.InvalidValue, "userName cannot be compared: %v", err)
	}
	if _, ok := t.cfg.Op(GetUserByUserName); ok && m.userNameKey != "" {
		return t.holderByUserName(ctx, m, schema, text(name), f, except)
	}
	var holder string
	l := &lister{t: t, m: m, schema: schema, wd: wd, source: GetUsers,
		q: scim.Query{Filter: f, StartIndex: 1, Count: -1, SkipEntitlements: true},
		emit: func(r scim.Resource) error {
			if id, _ := r["id"].(string); holder == "" && id != except {
				holder = id
			}
			return nil
		}}
	if _, err := l.scan(ctx); err != nil {
		return "", err
	}
	return holder, nil
}
