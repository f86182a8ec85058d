package provision

import (
	"database/sql"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/sqlscim/sqlscim/internal/scim"
)

// target is where a column's value lives in a SCIM user.
type target struct {
	urn  string // "" for the core schema, else an extension URN
	attr string // name, emails, active, department ...
	sub  string // givenName, value, locality ...
	typ  string // for multi-valued attributes: the element's type (work, mobile)
	// spelling is how a text column mapped to active writes true and
	// false, from "active(Y/N)"; zero when the mapping does not say.
	spelling scim.BooleanSpelling
}

func (t target) String() string {
	s := t.attr
	if t.urn != "" {
		s = t.urn + ":" + s
	}
	if t.typ != "" {
		s += "[type eq \"" + t.typ + "\"]"
	}
	if t.sub != "" {
		s += "." + t.sub
	}
	return s
}

var targetPattern = regexp.MustCompile(`^(?:(urn:[A-Za-z0-9:._-]+|enterprise):)?([A-Za-z][A-Za-z0-9_$-]*)(?:\[([A-Za-z0-9_-]+)\])?(?:\.([A-Za-z][A-Za-z0-9_$-]*))?$`)

// parseTarget reads a mapping target: userName, name.givenName,
// emails[work].value, enterprise:department (short for the enterprise
// extension URN) or urn:...:attribute[.sub]; active may carry the spelling
// of a text column, active(Y/N).
func parseTarget(s string) (target, error) {
	spec, spelling, hasSpelling := strings.Cut(strings.TrimSpace(s), "(")
	if hasSpelling {
		t, err := parseTarget(spec)
		if err != nil {
			return target{}, err
		}
		if t.urn != "" || t.attr != "active" {
			return target{}, fmt.Errorf("%q: only active takes a spelling in parentheses, as in active(Y/N)", s)
		}
		inner, ok := strings.CutSuffix(strings.TrimSpace(spelling), ")")
		if t.spelling, ok = parseSpelling(inner, ok); !ok {
			return target{}, fmt.Errorf("%q: write the column's texts for true and false, true first, as in active(Y/N), active(1/0) or active(ACTIVE/INACTIVE); each must be one of %s", s, scim.BooleanWords)
		}
		return t, nil
	}
	m := targetPattern.FindStringSubmatch(spec)
	if m == nil {
		return target{}, fmt.Errorf("%q is not a SCIM attribute; write it like userName, name.givenName, emails[work].value or enterprise:department", s)
	}
	t := target{urn: m[1], attr: m[2], typ: m[3], sub: m[4]}
	if t.urn == "enterprise" {
		t.urn = scim.EnterpriseUserURN
	}
	if t.urn == scim.UserSchemaURN {
		t.urn = ""
	}
	if t.urn != "" && t.urn != scim.EnterpriseUserURN {
		return target{}, fmt.Errorf("%q is in schema %s; a column can map to the core User or the enterprise extension (every column is in the tenant extension already)", s, t.urn)
	}
	rs := scim.ResourceSchema{Core: scim.UserSchema, Extensions: []scim.Schema{scim.EnterpriseUserSchema}}
	if t.urn == "" || t.urn == scim.EnterpriseUserURN {
		_, a, sub, ok := rs.Resolve(t.urn, t.attr, t.sub)
		if !ok {
			return target{}, fmt.Errorf("%q is not an attribute of the User or enterprise User schema", s)
		}
		t.attr = a.Name
		if sub != nil {
			t.sub = sub.Name
		}
		if t.urn == "" && a.Name == "password" {
			return target{}, fmt.Errorf("%q cannot hold a column: a password is written, never read; set password_sync.column and a hash to store it", s)
		}
		if a.Mutability == "readOnly" {
			return target{}, fmt.Errorf("%q is read-only in SCIM and cannot hold a column", s)
		}
		if a.Type == scim.TypeComplex && t.sub == "" {
			return target{}, fmt.Errorf("%q is a complex attribute; name a sub-attribute, e.g. %s.value", s, a.Name)
		}
		if a.MultiValued && t.typ == "" {
			return target{}, fmt.Errorf("%q is multi-valued; name the element's type, e.g. %s[work].%s", s, a.Name, t.sub)
		}
		if !a.MultiValued && t.typ != "" {
			return target{}, fmt.Errorf("%q is single-valued; drop the [%s]", s, t.typ)
		}
	}
	return t, nil
}

func parseSpelling(s string, closed bool) (scim.BooleanSpelling, bool) {
	if !closed {
		return scim.BooleanSpelling{}, false
	}
	return scim.ParseSpelling(s)
}

// defaultMapping maps the lab's column names (and their common spellings)
// to SCIM attributes. Tenants override or remove entries with "mapping".
var defaultMapping = map[string]string{
	"USERNAME":       "userName",
	"USER_NAME":      "userName",
	"FIRSTNAME":      "name.givenName",
	"FIRST_NAME":     "name.givenName",
	"GIVENNAME":      "name.givenName",
	"LASTNAME":       "name.familyName",
	"LAST_NAME":      "name.familyName",
	"FAMILYNAME":     "name.familyName",
	"MIDDLENAME":     "name.middleName",
	"MIDDLE_NAME":    "name.middleName",
	"DISPLAYNAME":    "displayName",
	"DISPLAY_NAME":   "displayName",
	"NICKNAME":       "nickName",
	"EMAIL":          "emails[work].value",
	"MOBILEPHONE":    "phoneNumbers[mobile].value",
	"MOBILE_PHONE":   "phoneNumbers[mobile].value",
	"STREETADDRESS":  "addresses[work].streetAddress",
	"STREET_ADDRESS": "addresses[work].streetAddress",
	"CITY":           "addresses[work].locality",
	"STATE":          "addresses[work].region",
	"ZIPCODE":        "addresses[work].postalCode",
	"POSTALCODE":     "addresses[work].postalCode",
	"COUNTRYCODE":    "addresses[work].country",
	"COUNTRY":        "addresses[work].country",
	"TIMEZONE":       "timezone",
	"TITLE":          "title",
	"IS_ACTIVE":      "active",
	"ACTIVE":         "active",
	"EMPLOYEENUMBER": "enterprise:employeeNumber",
	"ORGANIZATION":   "enterprise:organization",
	"DEPARTMENT":     "enterprise:department",
	"MANAGERID":      "enterprise:manager.value",
	"MANAGER":        "enterprise:manager.displayName",
}

// kind is how a column's values are typed.
type kind int

const (
	kindString kind = iota
	kindInt
	kindDecimal
	kindBool
	kindDate
	kindTimestamp
)

// column is one column of the Get Users result.
type column struct {
	name string // as the database returns it
	key  string // upper case, for case-insensitive lookups
	kind kind
	// caseless says the database compares the column's text without
	// regard to case (markCaseless).
	caseless bool
}

// kindOf reads a driver's type name (MySQL, PostgreSQL, SQL Server,
// Oracle and SQLite spellings).
func kindOf(ct *sql.ColumnType) kind {
	t := strings.ToUpper(ct.DatabaseTypeName())
	if i := strings.IndexByte(t, '('); i >= 0 {
		t = t[:i]
	}
	switch t {
	case "BOOL", "BOOLEAN", "BIT":
		return kindBool
	case "TINYINT":
		// MySQL's BOOLEAN is TINYINT(1); treat small integers as integers
		// and let the mapping to `active` turn 0/1 into false/true.
		return kindInt
	case "INT", "INT2", "INT4", "INT8", "INTEGER", "SMALLINT", "MEDIUMINT", "BIGINT", "SERIAL", "BIGSERIAL", "UNSIGNED INT", "UNSIGNED BIGINT":
		return kindInt
	case "DECIMAL", "NUMERIC", "NUMBER", "FLOAT", "FLOAT4", "FLOAT8", "DOUBLE", "REAL", "MONEY":
		if p, s, ok := ct.DecimalSize(); ok && s == 0 && p > 0 && p <= 18 && t == "NUMBER" {
			return kindInt
		}
		return kindDecimal
	case "DATE":
		return kindDate
	case "DATETIME", "DATETIME2", "TIMESTAMP", "TIMESTAMPTZ", "SMALLDATETIME", "DATETIMEOFFSET", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP WITH LOCAL TIME ZONE":
		return kindTimestamp
	}
	return kindString
}

// mapping turns rows of a tenant's Get Users result into SCIM users and back.
type mapping struct {
	// unusable, if set, refuses every request of the tenant: the
	// configuration does not fit the columns (sqlscim check has the detail).
	unusable error
	idKey    string // upper-case user id column
	extURN   string
	columns  []column          // in result order
	byKey    map[string]int    // upper-case name → index in columns
	targets  map[string]target // upper-case column → core/enterprise target
	// userNameKey is the column mapped to userName ("" when id is used).
	userNameKey string
	// passwordKey is the upper-case password_sync.column, "" without one.
	passwordKey string
	// secret holds the upper-case columns that are never returned: the
	// password column and those secret_columns matches.
	secret map[string]bool
	// ignored holds the lower-case paths of ignore_attributes.
	ignored map[string]bool
	// fullSchema is schema with every core and enterprise attribute, for
	// PATCH paths: a path to an attribute no column holds resolves, and the
	// write is refused with the mapping that would hold it.
	fullSchema *scim.ResourceSchema
	// createdKey and modifiedKey are the upper-case created_column and
	// last_modified_column, "" without them.
	createdKey, modifiedKey string
	// schema is the tenant's user schemas, built once with the mapping.
	schema *scim.ResourceSchema
	// readSpelling is the spelling last read from a text column mapped to
	// active ("Y" teaches Y/N), for writes the mapping does not spell.
	readSpelling atomic.Pointer[scim.BooleanSpelling]
}

// activeSpelling says how to write a boolean into the text column of
// target t (mapped to active) whose current value is cur: the mapping's
// spelling, else cur's, else the last one read from the column, else SCIM's
// own true/false.
func (m *mapping) activeSpelling(t target, cur any) scim.BooleanSpelling {
	if t.spelling != (scim.BooleanSpelling{}) {
		return t.spelling
	}
	if s, ok := cur.(string); ok {
		if sp, ok := scim.SpellingOf(s); ok {
			return sp
		}
	}
	if sp := m.readSpelling.Load(); sp != nil {
		return *sp
	}
	return scim.BooleanSpelling{True: "true", False: "false"}
}

// newMapping builds a tenant's mapping from its discovered columns.
func newMapping(cfg *Config, cols []column) (*mapping, error) {
	op := cfg.Operations[GetUsers]
	m := &mapping{
		idKey:   strings.ToUpper(op.UserIDColumn),
		extURN:  cfg.ExtensionURN,
		columns: cols,
		byKey:   make(map[string]int, len(cols)),
		targets: map[string]target{},
	}
	if m.extURN == "" {
		m.extURN = DefaultExtensionURN
	}
	for i, c := range cols {
		m.byKey[c.key] = i
	}
	if _, ok := m.byKey[m.idKey]; !ok {
		return nil, fmt.Errorf("get_users.user_id_column %s is not a column of the Get Users result (columns: %s)", op.UserIDColumn, m.columnList())
	}
	if col := cfg.PasswordSync.Column; col != "" {
		m.passwordKey = strings.ToUpper(col)
		if _, ok := m.byKey[m.passwordKey]; !ok {
			// update_user binds the column from the current row: a row
			// without it would clear every password on the next update.
			return nil, fmt.Errorf("password_sync.column %s is not a column of the Get Users result (columns: %s); select it in get_users and get_user_by_id", col, m.columnList())
		}
	}
	for _, c := range []struct {
		key, col string
		to       *string
	}{{"created_column", cfg.CreatedColumn, &m.createdKey}, {"last_modified_column", cfg.LastModifiedColumn, &m.modifiedKey}} {
		if c.col == "" {
			continue
		}
		*c.to = strings.ToUpper(c.col)
		i, ok := m.byKey[*c.to]
		if !ok {
			return nil, fmt.Errorf("%s %s is not a column of the Get Users result (columns: %s); select it in get_users and get_user_by_id", c.key, c.col, m.columnList())
		}
		if k := cols[i].kind; k != kindTimestamp && k != kindDate && k != kindString {
			return nil, fmt.Errorf("%s %s holds numbers or booleans; name a timestamp column", c.key, c.col)
		}
	}
	explicit := map[string]string{}
	var unknown []string
	for k, v := range cfg.Mapping {
		explicit[strings.ToUpper(k)] = v
		if _, ok := m.byKey[strings.ToUpper(k)]; !ok {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		// A misspelt key mapped nothing and removed no default, silently.
		sort.Strings(unknown)
		what := "is not a column"
		if len(unknown) > 1 {
			what = "are not columns"
		}
		return nil, fmt.Errorf("mapping: %s %s of the Get Users result (columns: %s); correct the spelling, or select the column in get_users and get_user_by_id",
			strings.Join(unknown, ", "), what, m.columnList())
	}
	used := map[string]string{}
	assign := func(c column, spec string, isExplicit bool) error {
		t, err := parseTarget(spec)
		if err != nil {
			return fmt.Errorf("mapping of %s: %v", c.name, err)
		}
		if prev, dup := used[t.String()]; dup {
			if !isExplicit {
				return nil // a default never takes a target another column holds
			}
			return fmt.Errorf("mapping: columns %s and %s both map to %s", prev, c.name, t)
		}
		used[t.String()] = c.name
		m.targets[c.key] = t
		if t.urn == "" && t.attr == "userName" {
			m.userNameKey = c.key
		}
		return nil
	}
	// Explicit mappings first, so that a default never shadows them.
	for _, c := range cols {
		if spec, ok := explicit[c.key]; ok && spec != "" && c.key != m.idKey {
			if err := assign(c, spec, true); err != nil {
				return nil, err
			}
		}
	}
	for _, c := range cols {
		if _, ok := explicit[c.key]; ok || c.key == m.idKey {
			continue
		}
		if spec, ok := defaultMapping[c.key]; ok {
			if err := assign(c, spec, false); err != nil {
				return nil, err
			}
		}
	}
	re, err := cfg.secretPattern()
	if err != nil {
		return nil, fmt.Errorf("secret_columns: %v", err)
	}
	m.secret = map[string]bool{}
	for _, c := range cols {
		_, mapped := m.targets[c.key]
		// A column that feeds a core or enterprise attribute is returned
		// through it anyway; the id never hides.
		if c.key == m.passwordKey || (re.MatchString(c.name) && !mapped && c.key != m.idKey) {
			m.secret[c.key] = true
		}
	}
	if m.ignored, err = parseIgnored(cfg.IgnoreAttributes); err != nil {
		return nil, err
	}
	ext := m.extensionSchema(cfg.Name)
	m.fullSchema = &scim.ResourceSchema{Core: scim.UserSchema, Extensions: []scim.Schema{scim.EnterpriseUserSchema, ext}}
	// /Schemas shows what the tenant stores: attributes no column holds
	// (and ignore_attributes does not list) are left out.
	_, setPW := cfg.Op(SetPassword)
	m.schema = &scim.ResourceSchema{Core: m.publishedSchema(scim.UserSchema, "", cfg.PasswordSync.Column != "" || setPW), Extensions: []scim.Schema{m.publishedSchema(scim.EnterpriseUserSchema, scim.EnterpriseUserURN, false), ext}}
	return m, nil
}

// describe says, for each column in result order, where SCIM finds it:
// {column, "id"}, {column, "name.givenName"}, {column, "never returned
// (secret)"}, {column, "only in the extension"} …; every returned column is
// also in the tenant's extension (m.extURN).
func (m *mapping) describe() [][2]string {
	out := make([][2]string, 0, len(m.columns))
	for _, c := range m.columns {
		var where []string
		switch {
		case m.secret[c.key]:
			where = append(where, "never returned (secret)")
		case c.key == m.idKey:
			where = append(where, "id")
		}
		if t, ok := m.targets[c.key]; ok && !m.secret[c.key] {
			where = append(where, t.String())
		}
		if c.key == m.createdKey {
			where = append(where, "meta.created")
		}
		if c.key == m.modifiedKey {
			where = append(where, "meta.lastModified")
		}
		if len(where) == 0 {
			where = append(where, "only in the extension")
		}
		out = append(out, [2]string{c.name, strings.Join(where, ", ")})
	}
	return out
}

func (m *mapping) columnList() string {
	names := make([]string, len(m.columns))
	for i, c := range m.columns {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}

// column finds a column by name, case-insensitively.
func (m *mapping) column(name string) (column, bool) {
	i, ok := m.byKey[strings.ToUpper(name)]
	if !ok {
		return column{}, false
	}
	return m.columns[i], true
}
