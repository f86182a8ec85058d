package provision

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/sqlscim/sqlscim/internal/audit"
	"github.com/sqlscim/sqlscim/internal/password"
	"github.com/sqlscim/sqlscim/internal/scim"
)

// SetPassword is the optional operation that stores a user's new password:
// sqlscim's own, not one of the Okta connector's ten. Its DATABASE_FIELD
// parameter "password" binds the password (hashed when password_sync.hash
// is set, else as sent); its other fields bind columns of the user.
const SetPassword OpName = "set_password"

// PasswordField is the field of set_password that binds the password.
const PasswordField = "password"

// PasswordSync says where the SCIM password attribute goes: a column that
// create_user and update_user bind, hashed with Hash, or the set_password
// operation. With neither, a request that sets a password is refused.
type PasswordSync struct {
	// Column holds the password's hash; create_user and update_user must
	// bind it, and get_users must return it.
	Column string `json:"column,omitempty"`
	// Hash is bcrypt (the default), argon2id, sha512-crypt or plain.
	Hash string `json:"hash,omitempty"`
	// BcryptCost is bcrypt's work factor (4-31, default 12).
	BcryptCost int `json:"bcrypt_cost,omitempty"`
	// AllowPlain must be true for hash: plain.
	AllowPlain bool `json:"allow_plain,omitempty"`
}

// policy is the hash policy; ok is false when passwords go to set_password
// as sent.
func (p PasswordSync) policy() (password.Policy, bool) {
	if p.Column == "" && p.Hash == "" && p.BcryptCost == 0 {
		return password.Policy{}, false
	}
	return password.Policy{Scheme: p.Hash, BcryptCost: p.BcryptCost}, true
}

// StoresPlain reports a tenant that writes passwords unhashed into a
// column, which deserves a warning at start-up.
func (c *Config) StoresPlain() bool {
	return c.PasswordSync.Column != "" && c.PasswordSync.Hash == password.Plain
}

// validatePasswordSync checks password_sync against the operations.
func (c *Config) validatePasswordSync(add func(path, format string, args ...any)) {
	p := c.PasswordSync
	const at = ".password_sync"
	_, viaOp := c.Op(SetPassword)
	if pol, hashing := p.policy(); hashing {
		if err := pol.Validate(); err != nil {
			field := ".hash"
			if strings.HasPrefix(err.Error(), "bcrypt_cost") {
				field = ".bcrypt_cost"
			}
			add(at+field, "%v", err)
		}
	}
	if p.Hash == password.Plain && !p.AllowPlain {
		add(at+".allow_plain", "hash: plain stores passwords as sent; set allow_plain: true to accept that (sqlscim warns at start-up), or choose bcrypt, argon2id or sha512-crypt")
	}
	if p.AllowPlain && p.Hash != password.Plain {
		add(at+".allow_plain", "applies to hash: plain only; remove it")
	}
	switch {
	case p.Column != "" && viaOp:
		add(at+".column", "set either password_sync.column or the set_password operation, not both")
	case p.Column == "" && !viaOp && (p.Hash != "" || p.BcryptCost != 0):
		add(at+".column", "missing: name the column that stores the hash (e.g. PASSWORD_HASH), or configure the set_password operation")
	}
	if p.Column != "" {
		for _, name := range []OpName{CreateUser, UpdateUser} {
			if _, ok := c.Op(name); ok && !bindsField(c.Operations[name], p.Column) {
				add(at+".column", "%s binds no parameter %s, so the password would not be stored; add %s to its parameters", name, p.Column, p.Column)
			}
		}
	}
	for col, target := range c.Mapping {
		if p.Column != "" && target != "" && strings.EqualFold(col, p.Column) {
			add(".mapping."+col, "%s is password_sync.column: it holds a password's hash and maps to no attribute; remove this entry", col)
		}
	}
	if op, ok := c.Op(SetPassword); ok && !bindsField(op, PasswordField) {
		add(".operations.set_password.parameters", "no DATABASE_FIELD parameter binds the field %q, so the password would never reach the database; add {type: DATABASE_FIELD, field: password}", PasswordField)
	}
}

func bindsField(op *Operation, field string) bool {
	for _, p := range op.Parameters {
		if p.Type == DatabaseField && strings.EqualFold(p.Field, field) {
			return true
		}
	}
	return false
}

// requestedPassword reads the password a user body sets: absent or null
// sets none. A tenant that cannot store passwords refuses one.
// admitWrite runs the checks every user write makes before it binds
// columns: each attribute is storable, a password has a way in, and the
// hash column is not written directly. It returns the requested password.
func (t *Tenant) admitWrite(ctx context.Context, m *mapping, res scim.Resource) (string, bool, error) {
	if err := m.checkStorable(res, t.cfg.Name); err != nil {
		return "", false, err
	}
	pw, hasPW, err := t.requestedPassword(ctx, res)
	if err != nil {
		return "", false, err
	}
	if err := m.refuseHashWrite(res); err != nil {
		return "", false, err
	}
	return pw, hasPW, nil
}

func (t *Tenant) requestedPassword(ctx context.Context, res scim.Resource) (string, bool, error) {
	raw, ok := res.Get("password")
	if !ok || raw == nil {
		return "", false, nil
	}
	audit.From(ctx).Secret(raw)
	pw, isString := raw.(string)
	if !isString {
		return "", false, scim.BadRequest(scim.InvalidValue, "password must be a string")
	}
	if pw == "" {
		return "", false, scim.BadRequest(scim.InvalidValue, "password must not be empty")
	}
	_, viaOp := t.cfg.Op(SetPassword)
	if t.cfg.PasswordSync.Column == "" && !viaOp {
		return "", false, scim.BadRequest(scim.InvalidValue, "password: tenant %s does not store passwords, so none was set. To sync passwords, configure the set_password operation or password_sync.column with a hash (bcrypt, argon2id, sha512-crypt); docs/configuration.md, \"Password sync\", shows both", t.cfg.Name)
	}
	return pw, true, nil
}

// refuseHashWrite refuses a body that writes the password_sync column
// through the tenant extension: that would store a value unhashed, past
// the policy. The password attribute is the way in.
func (m *mapping) refuseHashWrite(res scim.Resource) error {
	if m.passwordKey == "" {
		return nil
	}
	col, _ := m.column(m.passwordKey)
	if v, ok := lookupCI(container(res, m.extURN, false), col.name); ok && v != nil {
		return scim.BadRequest(scim.Mutability, "%s:%s holds the hash of the user's password and cannot be written; send the attribute password, which is hashed into it", m.extURN, col.name)
	}
	return nil
}

// storedPassword is what the database receives for pw: its hash under
// the tenant's policy, or pw itself for set_password without a hash.
func (t *Tenant) storedPassword(pw string) (string, error) {
	pol, hashing := t.cfg.PasswordSync.policy()
	if !hashing {
		return pw, nil
	}
	hash := pol.Hash
	if t.hash != nil {
		hash = t.hash
	}
	h, err := hash(pw)
	if errors.Is(err, password.ErrTooLong) {
		return "", scim.BadRequest(scim.InvalidValue, "password: %v", err)
	}
	if err != nil {
		// Never the password: only the scheme's failure.
		return "", &scim.Error{Status: http.StatusInternalServerError, Detail: "Internal error.", Cause: fmt.Errorf("tenant %s: hashing a password: %w", t.cfg.Name, err)}
	}
	return h, nil
}

// setPassword runs set_password for user with the stored form of pw.
func (t *Tenant) setPassword(ctx context.Context, s *session, user row, stored string) error {
	if err := t.exec(ctx, s.q, SetPassword, func(field string) (any, bool) {
		if strings.EqualFold(field, PasswordField) {
			return stored, true
		}
		v, ok := user[strings.ToUpper(field)]
		return v, ok
	}); err != nil {
		return err
	}
	audit.From(ctx).Change("password", "", stored, true)
	return nil
}

// prehashed is a password hashed before the transaction of an update: a
// hash takes up to half a second (bcrypt, cost 12), and the user's row must
// not stay locked meanwhile.
type prehashed struct {
	plain, stored string
}

// prehash hashes the password an update will write, when it can be known
// before the user is read: PUT's password, or the last one a PATCH's
// operations set. A password it cannot find, or whose hash fails, is left to
// the update (which hashes it then, or answers the error).
func (t *Tenant) prehash(plain string) *prehashed {
	if plain == "" {
		return nil
	}
	if _, hashing := t.cfg.PasswordSync.policy(); !hashing {
		return nil
	}
	stored, err := t.storedPassword(plain)
	if err != nil {
		return nil
	}
	return &prehashed{plain: plain, stored: stored}
}

// storedFor is the stored form of pw: the one hashed beforehand when it is
// for the same password.
func (p *prehashed) storedFor(t *Tenant, pw string) (string, error) {
	if p != nil && p.plain == pw {
		return p.stored, nil
	}
	return t.storedPassword(pw)
}

// patchedPassword is the password a PATCH's operations set last: a
// "password" path, or a "password" member of a value without a path.
func patchedPassword(ops []scim.PatchOp) string {
	var pw string
	isPassword := func(name string) bool {
		name = strings.TrimPrefix(strings.ToLower(name), strings.ToLower(scim.UserSchemaURN)+":")
		return name == "password"
	}
	for _, op := range ops {
		if op.Op == "remove" {
			continue
		}
		if op.Path != "" {
			if s, ok := op.Value.(string); ok && isPassword(op.Path) {
				pw = s
			}
			continue
		}
		if obj, ok := op.Value.(map[string]any); ok {
			for k, v := range obj {
				if s, ok := v.(string); ok && isPassword(k) {
					pw = s
				}
			}
		}
	}
	return pw
}
