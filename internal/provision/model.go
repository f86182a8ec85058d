// Package provision is the provisioning engine: a tenant's configuration
// (its database and the ten operations of Okta's Generic Database
// connector), the validation of that configuration, the execution of each
// operation as a SQL statement or stored-procedure call, and the mapping
// between result rows and SCIM users.
//
// It builds on the SCIM protocol core (package scim) and the database layer
// (package db). It knows nothing of HTTP, configuration files or the agent's
// header; package tenant turns those into a Config.
package provision

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"sort"
	"strings"

	"github.com/sqlscim/sqlscim/internal/db"
)

// OpName names one of the ten operations.
type OpName string

// The ten operations, in the order Okta's admin console lists them.
const (
	GetUsers                  OpName = "get_users"
	GetUserByID               OpName = "get_user_by_id"
	GetAllEntitlements        OpName = "get_all_entitlements"
	GetUserEntitlements       OpName = "get_user_entitlements"
	CreateUser                OpName = "create_user"
	UpdateUser                OpName = "update_user"
	ActivateUser              OpName = "activate_user"
	DeactivateUser            OpName = "deactivate_user"
	AddEntitlementToUser      OpName = "add_entitlement_to_user"
	RemoveEntitlementFromUser OpName = "remove_entitlement_from_user"
)

// AllOps lists the operations in display order: Okta's ten, then the
// optional ones sqlscim adds.
var AllOps = []OpName{
	GetUsers, GetUserByID, GetAllEntitlements, GetUserEntitlements, CreateUser,
	UpdateUser, ActivateUser, DeactivateUser, AddEntitlementToUser, RemoveEntitlementFromUser,
	SetPassword, GetUsersModifiedSince, DeleteUser, GetEntitlementsOfUsers, GetUserByUserName,
}

// reads are the operations that return rows.
func (o OpName) reads() bool {
	switch o {
	case GetUsers, GetUserByID, GetAllEntitlements, GetUserEntitlements, GetUsersModifiedSince, GetEntitlementsOfUsers, GetUserByUserName:
		return true
	}
	return false
}

// OpType is how an operation is written.
type OpType string

// The two operation types of the Okta connector.
const (
	// SQLStatement is one SELECT, INSERT, UPDATE or DELETE ("SQL Statement").
	SQLStatement OpType = "sql"
	// StoredProcedure is a procedure call ("Execute Stored Procedure").
	StoredProcedure OpType = "stored_procedure"
)

// ParamType is what a positional parameter is bound to.
type ParamType string

// Parameter types.
const (
	// DatabaseField binds the value of a field (a column of the user, or
	// the entitlement id) – Okta's DATABASE_FIELD.
	DatabaseField ParamType = "DATABASE_FIELD"
	// Cursor is an OUT ref-cursor through which a procedure returns rows.
	Cursor ParamType = "CURSOR"
	// Constant binds a fixed value written in the configuration.
	Constant ParamType = "CONSTANT"
)

// Param is one positional parameter of an operation.
type Param struct {
	Type ParamType `json:"type"`
	// Field is the column or field name of a DATABASE_FIELD parameter.
	Field string `json:"field,omitempty"`
	// Value is the value of a CONSTANT parameter.
	Value string `json:"value,omitempty"`
}

// Operation is one configured operation. The tenants file and the header
// are read by tenant's decoder (its alias tables are the format); the JSON
// names here are the spelling of header.pinning's fingerprints
// (tenant.NewPinSet), so renaming one changes every approved pin.
type Operation struct {
	Enabled    bool    `json:"enabled"`
	Type       OpType  `json:"type"`
	Statement  string  `json:"statement"`
	Parameters []Param `json:"parameters,omitempty"`
	// UserIDColumn (get_users) names the column that identifies a user.
	UserIDColumn string `json:"user_id_column,omitempty"`
	// EntitlementIDColumn and EntitlementDisplayColumn (get_all_entitlements)
	// name the entitlement's id and display name.
	EntitlementIDColumn      string `json:"entitlement_id_column,omitempty"`
	EntitlementDisplayColumn string `json:"entitlement_display_column,omitempty"`
}

// Config is one tenant: one Okta app instance, one database.
type Config struct {
	// Name is the {app} segment of the URL (OPS: jdbc_on_prem).
	Name string
	// Database says how to reach the database.
	Database db.Conn
	// JDBCURL, when set, supplies the connection fields it holds.
	JDBCURL string
	// Operations are keyed by name; a missing operation is disabled.
	Operations map[OpName]*Operation
	// Mapping overrides the default column → SCIM attribute mapping; an
	// empty target removes a default.
	Mapping map[string]string
	// ExtensionURN is the schema URN under which every column appears.
	ExtensionURN string
	// CreatedColumn and LastModifiedColumn name the columns of get_users
	// that fill meta.created and meta.lastModified.
	CreatedColumn      string
	LastModifiedColumn string
	// PasswordSync says how the SCIM password attribute is stored.
	PasswordSync PasswordSync
	// SecretColumns is a regular expression, matched without regard to
	// case anywhere in a column's name, for the columns that are never
	// returned (writeOnly, returned never); "" means DefaultSecretColumns.
	SecretColumns string
	// IgnoreAttributes lists the core and enterprise attributes a write may
	// carry although no column holds them: they are accepted and dropped.
	// Any other such attribute is refused with 400.
	IgnoreAttributes []string
}

// DefaultSecretColumns matches the columns that are never returned when the
// tenant does not say: PASSWORD_HASH, PWD, API_SECRET ...
const DefaultSecretColumns = "password|passwd|pwd|hash|secret"

// secretPattern compiles the tenant's secret column pattern.
func (c *Config) secretPattern() (*regexp.Regexp, error) {
	p := c.SecretColumns
	if p == "" {
		p = DefaultSecretColumns
	}
	re, err := regexp.Compile("(?i)" + p)
	if err != nil {
		return nil, fmt.Errorf("%q is not a regular expression: %v; write column names or parts of them separated by |, e.g. %s", c.SecretColumns, regexpReason(err), DefaultSecretColumns)
	}
	return re, nil
}

// regexpReason is the part of a regexp error after its pattern.
func regexpReason(err error) string {
	var re *syntax.Error
	if errors.As(err, &re) {
		return string(re.Code)
	}
	return err.Error()
}

// DefaultExtensionURN is the schema URN under which every column of a user
// row appears, keyed by column name, so that Okta's ext_<COLUMN> attributes
// round-trip. OPS's own URN is not public; set extension_urn to change it.
const DefaultExtensionURN = "urn:sqlscim:schemas:extension:database:2.0:User"

// Op returns the operation if it is configured and enabled.
func (c *Config) Op(name OpName) (*Operation, bool) {
	op, ok := c.Operations[name]
	if !ok || op == nil || !op.Enabled {
		return nil, false
	}
	return op, true
}

// Problem is one thing wrong with a configuration, with its path
// (tenants[0].operations.create_user.parameters[3]).
type Problem struct {
	Path    string
	Message string
}

func (p Problem) String() string { return p.Path + ": " + p.Message }

// Problems is every problem found in a configuration.
type Problems []Problem

func (ps Problems) Error() string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.String()
	}
	return strings.Join(parts, "; ")
}

// Validate checks a tenant completely, before anything reaches its
// database, and reports every problem with its path under prefix.
func (c *Config) Validate(prefix string) Problems {
	var ps Problems
	add := func(path, format string, args ...any) {
		ps = append(ps, Problem{Path: prefix + path, Message: fmt.Sprintf(format, args...)})
	}
	if c.Name == "" {
		add(".name", "missing: the tenant name is the {app} part of the URL, e.g. jdbc_on_prem")
	} else if !validTenantName(c.Name) {
		add(".name", "%q is not a usable tenant name; use letters, digits, '_', '-' and '.'", c.Name)
	}
	dialect, err := db.Lookup(c.Database.Type)
	if c.Database.Type == "" {
		add(".database.type", "missing: set the database type (%s) or a jdbc_url", strings.Join(db.Known(), ", "))
	} else if err != nil {
		add(".database.type", "%v", err)
	}
	if dialect != nil && !dialect.Info().File && c.Database.Host == "" && c.Database.Descriptor == "" {
		add(".database.host", "missing: set the database host name or IP address")
	}
	if dialect != nil && dialect.Info().File && c.Database.Database == "" {
		add(".database.database", "missing: set the %s database file", dialect.Info().Product)
	}
	if dialect != nil {
		if _, err := dialect.DSN(c.Database); err != nil {
			add(".database", "%v", err)
		}
	}
	for name := range c.Operations {
		if !knownOp(name) {
			add(".operations."+string(name), "unknown operation; the operations are %s", opList())
		}
	}
	for _, name := range AllOps {
		op, ok := c.Operations[name]
		if !ok || op == nil || !op.Enabled {
			continue
		}
		for _, p := range validateOperation(name, op, dialect) {
			add(".operations."+string(name)+p.Path, "%s", p.Message)
		}
	}
	if _, ok := c.Op(GetUsers); ok && c.Operations[GetUsers].UserIDColumn == "" {
		add(".operations.get_users.user_id_column", "missing: name the column that identifies a user, e.g. USER_ID")
	}
	if _, ok := c.Op(GetAllEntitlements); ok && c.Operations[GetAllEntitlements].EntitlementIDColumn == "" {
		add(".operations.get_all_entitlements.entitlement_id_column", "missing: name the column that identifies an entitlement, e.g. ENT_ID")
	}
	if _, ok := c.Op(GetUserByID); !ok {
		add(".operations.get_user_by_id", "must be enabled: every user read and write looks the user up with it")
	}
	if _, ok := c.Op(GetUsers); !ok {
		add(".operations.get_users", "must be enabled: it lists users and defines the user's columns")
	}
	c.validatePasswordSync(add)
	c.validateTimestamps(add)
	c.validateBulkEntitlements(add)
	c.validateUserByUserName(add)
	if _, err := c.secretPattern(); err != nil {
		add(".secret_columns", "%v", err)
	}
	if _, err := parseIgnored(c.IgnoreAttributes); err != nil {
		add("", "%v", err)
	}
	for col, target := range c.Mapping {
		if target == "" {
			continue
		}
		if _, err := parseTarget(target); err != nil {
			add(".mapping."+col, "%v", err)
		}
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Path < ps[j].Path })
	return ps
}

func knownOp(name OpName) bool {
	for _, o := range AllOps {
		if o == name {
			return true
		}
	}
	return false
}

func opList() string {
	names := make([]string, len(AllOps))
	for i, o := range AllOps {
		names[i] = string(o)
	}
	return strings.Join(names, ", ")
}

func validTenantName(s string) bool {
	if len(s) > 64 || s == "." || s == ".." {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

// ValidTenantName reports whether s may name a tenant (the {app} segment).
func ValidTenantName(s string) bool { return s != "" && validTenantName(s) }
