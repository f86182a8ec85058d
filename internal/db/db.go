// Package db is sqlscim's database layer: the registry of SQL dialects, the
// connection details an Okta admin types (or a JDBC URL) and their
// translation into Go driver DSNs, the per-tenant connection pools, and the
// classes database errors fall into.
//
// Each dialect lives in its own package under internal/db and registers
// itself in init(). This package imports no driver and knows nothing of SCIM,
// HTTP or configuration files.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/sqlscim/sqlscim/internal/secret"
)

// Conn says how to reach one database: the fields of the Okta connector's
// form, or what a JDBC URL holds.
type Conn struct {
	// Type is a dialect name or alias: mysql, mariadb, postgresql, sqlserver, oracle, sqlite.
	Type string
	Host string
	// Port is 0 for the dialect's default port.
	Port int
	// Database is the database name; for Oracle the service name; for
	// SQLite the file path.
	Database string
	// SID is an Oracle SID, used instead of a service name.
	SID string
	// Descriptor is an Oracle connect descriptor, (DESCRIPTION=...).
	Descriptor string
	// Instance is a SQL Server named instance.
	Instance string
	User     string
	Password secret.String
	// Properties are extra key/value pairs, by their JDBC or driver names
	// (allowMultiQueries=true, sslmode=require, encrypt=true ...).
	Properties map[string]string
}

// String describes the connection without its password.
func (c Conn) String() string {
	var b strings.Builder
	if c.Host == "" && c.Descriptor == "" && c.Database != "" {
		b.WriteString(c.Type + ":" + c.Database) // a file, such as SQLite's
		return b.String()
	}
	b.WriteString(c.Type + "://")
	if c.User != "" {
		b.WriteString(c.User + "@")
	}
	switch {
	case c.Descriptor != "":
		b.WriteString(c.Descriptor)
	default:
		b.WriteString(c.Host)
		if c.Instance != "" {
			b.WriteString(`\` + c.Instance)
		}
		if c.Port != 0 {
			fmt.Fprintf(&b, ":%d", c.Port)
		}
	}
	if c.SID != "" {
		b.WriteString(":" + c.SID)
	}
	if c.Database != "" {
		b.WriteString("/" + c.Database)
	}
	if len(c.Properties) > 0 {
		keys := make([]string, 0, len(c.Properties))
		for k := range c.Properties {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for i, k := range keys {
			sep := "&"
			if i == 0 {
				sep = "?"
			}
			v := c.Properties[k]
			if isSecretProperty(k) || holdsCredentials(v) {
				// A value such as {&password=...} reads as a password too.
				v = secret.Redacted
			}
			b.WriteString(sep + k + "=" + v)
		}
	}
	return b.String()
}

// isSecretProperty reports properties whose values must not be shown.
func isSecretProperty(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "pass") || strings.Contains(n, "secret") || strings.Contains(n, "token") || n == "pwd"
}

// Querier is what runs SQL: a *sql.DB, *sql.Conn or *sql.Tx.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// ProcArg is one argument of a stored-procedure call.
type ProcArg struct {
	// Value is bound as an IN parameter.
	Value any
	// Cursor marks an OUT ref-cursor parameter whose rows the call returns.
	Cursor bool
}

// ProcCall is one stored-procedure invocation.
type ProcCall struct {
	// Name is the procedure name as configured, possibly schema-qualified.
	Name string
	Args []ProcArg
	// WantRows says the caller reads rows (an import operation). On
	// PostgreSQL a read without a cursor argument calls a set-returning
	// function; a write calls a procedure.
	WantRows bool
}

// Info is what a dialect states about itself: facts that never change and
// that the registry, the pools and messages read. A new fact is a new field
// here, not a method every dialect must add. Callers must not modify its
// slices.
type Info struct {
	// Name is the canonical type: mysql, postgresql, sqlserver, oracle or sqlite.
	Name string
	// Aliases are other names an admin may use for the type (mariadb, postgres, mssql ...).
	Aliases []string
	// DriverName is the database/sql driver to open.
	DriverName string
	// DefaultPort is the product's usual TCP port (0 for SQLite).
	DefaultPort int
	// JDBCPrefixes are the starts of the JDBC URLs this dialect reads
	// ("jdbc:mysql:"), compared without regard to case. No two dialects
	// may claim overlapping prefixes.
	JDBCPrefixes []string
	// CacheStatements says the pool should keep prepared statements: the
	// driver prepares, runs and closes a statement for every query with
	// arguments (go-sql-driver/mysql), so a kept statement saves a round
	// trip and the server's parsing per query. Drivers that cache
	// statements themselves (pgx) leave it false.
	CacheStatements bool
	// Syntax is how the dialect quotes and comments.
	Syntax Syntax
	// Product is the product's name as people write it, for messages.
	Product string
	// File says the database is a file of the sqlscim host, not a server:
	// a connection names no host, Conn.Database is the file's path, and
	// only the local tenants file may name one (from the agent's header it
	// would let a client open or create any file the server can reach).
	File bool
	// NoProcedures says the product has no stored procedures.
	NoProcedures bool
	// ASCIIFolding says LOWER folds ASCII letters only, so a comparison
	// without regard to case of other text cannot be left to the database.
	ASCIIFolding bool
	// OffsetFetch says a page is written OFFSET n ROWS FETCH NEXT m ROWS
	// ONLY (SQL:2008) rather than LIMIT m OFFSET n.
	OffsetFetch bool
	// RowFunctions says a procedure call that returns rows without a
	// cursor calls a set-returning function (PostgreSQL), which is what a
	// check must look for in the catalog and name.
	RowFunctions bool
	// CollationOf is the SQL function that names the collation of a text
	// expression (MySQL's COLLATION), "" where the product has none. A
	// column whose collation is case-insensitive (CaseInsensitive) can be
	// compared with a plain =, which its index serves, instead of LOWER on
	// both sides, which no plain index serves.
	CollationOf string
}

// CaseInsensitive reports whether a collation that CollationOf named
// compares text without regard to case: MySQL and MariaDB name those
// ..._ci (utf8mb4_general_ci, utf8mb4_0900_ai_ci).
func (i Info) CaseInsensitive(collation string) bool {
	return i.CollationOf != "" && strings.HasSuffix(strings.ToLower(collation), "_ci")
}

// Page is the clause that limits a query's rows to limit rows after the
// first offset, in the dialect's spelling.
func (i Info) Page(limit, offset int) string {
	if i.OffsetFetch {
		return fmt.Sprintf(" OFFSET %d ROWS FETCH NEXT %d ROWS ONLY", offset, limit)
	}
	return fmt.Sprintf(" LIMIT %d OFFSET %d", limit, offset)
}

// Dialect is everything that differs between database products.
type Dialect interface {
	// Info returns the facts the dialect states about itself.
	Info() Info
	// ParseJDBC reads a JDBC URL of this product into a Conn. Properties are
	// kept under their JDBC names; DSN translates them.
	ParseJDBC(url string) (Conn, error)
	// DSN builds the driver's data source name. JDBC properties people use
	// are translated, driver-native ones are passed through, and any other
	// property is an error that names it.
	DSN(c Conn) (string, error)
	// Placeholder is the n-th (1-based) bind marker: ?, $1, @p1 or :1.
	Placeholder(n int) string
	// QuoteIdent quotes an identifier such as a result column name.
	QuoteIdent(name string) string
	// CallSQL is the statement CallProcedure sends (for tests and logs).
	CallSQL(call ProcCall) (string, error)
	// CallProcedure runs call on q and returns the rows it produces (an
	// empty result when it produces none). Calls with cursor arguments need
	// q to be a transaction on PostgreSQL.
	CallProcedure(ctx context.Context, q Querier, call ProcCall) (*sql.Rows, error)
	// ArityQuery is a catalog query for `sqlscim check`: each row holds
	// one integer, the number of arguments a call of a procedure (or, for
	// PostgreSQL reads, function) named call.Name takes. No rows means no
	// such procedure.
	ArityQuery(call ProcCall) (query string, args []any, err error)
	// RequiredColumnsQuery is a catalog query for `sqlscim check`: each row
	// holds the name of one column of table (as a statement writes it,
	// maybe schema-qualified and quoted) that an INSERT must give a value:
	// NOT NULL, without a default, not an identity or computed column. In
	// the table's column order; no rows for a table without such columns.
	RequiredColumnsQuery(table string) (query string, args []any, err error)
	// Classify sorts a driver error into a Class.
	Classify(err error) *Error
	// Endpoints lists every server the driver may dial for c, as DSN
	// builds it: the host (or Unix socket), each address of a connect
	// descriptor, and the fallback servers properties name. It fails where
	// DSN fails, and for a server written in a way it cannot read: an
	// address a check cannot see is one it cannot refuse.
	Endpoints(c Conn) ([]Endpoint, error)
	// LocalFiles names the fields and properties of c that make the driver
	// read a file or directory of the sqlscim host (certificates, keys,
	// wallets, a database file), sorted; none for most connections.
	LocalFiles(c Conn) []string
}

// Endpoint is a server a driver dials: a TCP host and port, or a Unix
// socket. Port 0 means the port is found when connecting (a SQL Server
// named instance, through SQL Server Browser), so any port of the host may
// be dialled.
type Endpoint struct {
	Host string
	Port int
	// Socket is the path of a Unix-domain socket; Host and Port are empty
	// then.
	Socket string
}

// String writes host:port, the socket path, or the host with a note that
// any of its ports may be dialled.
func (e Endpoint) String() string {
	switch {
	case e.Socket != "":
		return "Unix socket " + e.Socket
	case e.Port == 0:
		return e.Host + " (any port: a named instance's port comes from SQL Server Browser)"
	}
	return net.JoinHostPort(e.Host, strconv.Itoa(e.Port))
}

var (
	registryMu sync.RWMutex
	registry   = map[string]Dialect{}
	canonical  = map[string]Dialect{}
)

// Register makes a dialect available under its name and aliases. Dialect
// packages call it from init. A nil dialect, one without a name, and a
// name, alias or JDBC prefix another dialect has already claimed are
// programming errors: Register panics, as database/sql's Register does.
func Register(d Dialect) {
	if d == nil {
		panic("db: Register called with a nil dialect")
	}
	info := d.Info()
	if info.Name == "" {
		panic("db: Register called with a dialect without a name")
	}
	registryMu.Lock()
	defer registryMu.Unlock()
	names := map[string]bool{}
	for _, n := range append([]string{info.Name}, info.Aliases...) {
		key := strings.ToLower(n)
		if _, dup := registry[key]; dup || names[key] {
			panic("db: dialect " + key + " registered twice")
		}
		names[key] = true
	}
	for _, p := range info.JDBCPrefixes {
		for _, other := range canonical {
			for _, q := range other.Info().JDBCPrefixes {
				if hasPrefixFold(p, q) || hasPrefixFold(q, p) {
					panic("db: JDBC prefix " + p + " of dialect " + info.Name + " overlaps " + q + " of dialect " + other.Info().Name)
				}
			}
		}
	}
	for key := range names {
		registry[key] = d
	}
	canonical[info.Name] = d
}

// hasPrefixFold reports whether s starts with prefix, ignoring case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// Known lists the canonical names of the registered dialects.
func Known() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	names := make([]string, 0, len(canonical))
	for n := range canonical {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Lookup finds a dialect by name or alias, case-insensitively. Spaces and
// the words an admin sees in Okta's form ("SQL Server", "PostgreSQL") work.
func Lookup(name string) (Dialect, error) {
	key := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(name), " ", ""))
	registryMu.RLock()
	d, ok := registry[key]
	registryMu.RUnlock()
	if ok {
		return d, nil
	}
	if key == "db2" || key == "ibmdb2" {
		return nil, fmt.Errorf("database type %q is not supported: IBM Db2 has no pure-Go driver; known types: %s", name, strings.Join(Known(), ", "))
	}
	return nil, fmt.Errorf("unknown database type %q; known types: %s", name, strings.Join(Known(), ", "))
}

// ForJDBC returns the dialect whose JDBC prefix url starts with, nil when
// none does.
func ForJDBC(url string) Dialect {
	u := strings.TrimSpace(url)
	registryMu.RLock()
	defer registryMu.RUnlock()
	for _, d := range canonical {
		for _, p := range d.Info().JDBCPrefixes {
			if hasPrefixFold(u, p) {
				return d // Register keeps prefixes from overlapping
			}
		}
	}
	return nil
}

// ParseJDBC reads any supported JDBC URL into a Conn with its Type set.
func ParseJDBC(url string) (Conn, error) {
	u := strings.TrimSpace(url)
	match := ForJDBC(u)
	if match == nil {
		if strings.HasPrefix(strings.ToLower(u), "jdbc:db2:") {
			return Conn{}, errors.New("IBM Db2 is not supported: it has no pure-Go driver")
		}
		return Conn{}, fmt.Errorf("a URL starting with %q is not a JDBC URL sqlscim understands; it must start with one of %s", scheme(u), strings.Join(jdbcPrefixes(), ", "))
	}
	c, err := match.ParseJDBC(u)
	if err != nil {
		if holdsCredentials(u) {
			// A parser's message may quote a piece of the URL, and with a
			// password in it that piece may be part of the password.
			return Conn{}, fmt.Errorf("%s URL cannot be read (its text is not shown because it holds a password); percent-encode / ? # @ in the user name and password (%%2F %%3F %%23 %%40)", scheme(u))
		}
		return Conn{}, err
	}
	if strayAt(c, u) {
		return Conn{}, fmt.Errorf("%s URL has an @ after its host: a password holding / ? # or @ must be percent-encoded (%%2F %%3F %%23 %%40)", scheme(u))
	}
	c.Type = match.Info().Name
	return c, nil
}

// jdbcPrefixes lists the JDBC prefixes of the registered dialects, in the
// order of Known.
func jdbcPrefixes() []string {
	var prefixes []string
	for _, n := range Known() {
		registryMu.RLock()
		d := canonical[n]
		registryMu.RUnlock()
		prefixes = append(prefixes, d.Info().JDBCPrefixes...)
	}
	return prefixes
}

// strayAt reports an @ in u that the parser did not read as the end of a
// user and password: in the host, database, SID or a property name, or
// after //user:text when no password was read. Such a URL most likely
// holds a password with / ? # or @ in it, which parts of the Conn would
// then repeat.
func strayAt(c Conn, u string) bool {
	if strings.Contains(c.Host, "@") || strings.Contains(c.Database, "@") || strings.Contains(c.SID, "@") {
		return true
	}
	for k := range c.Properties {
		if strings.Contains(k, "@") {
			return true
		}
	}
	return c.Password.Reveal() == "" && looseUserInfo.MatchString(u)
}

// scheme is a JDBC URL's prefix up to the second colon ("jdbc:mysql"), the
// only part of an unreadable URL a message may repeat. Each of its two
// words stops at the first character a scheme cannot hold, and the second
// is kept only after "jdbc": in "okta:S3cret@db", ":&password=S3cret" or
// "jdbc//okta:S3cret@db" the text after the first colon is a password,
// not a scheme.
func scheme(u string) string {
	first, rest, ok := strings.Cut(u, ":")
	if !ok {
		return "jdbc"
	}
	if w := schemeWord(first); w != first {
		return w // "jdbc//user:password@": no scheme, and the colon is the password's
	}
	if !strings.EqualFold(first, "jdbc") {
		return first + ":"
	}
	second, _, _ := strings.Cut(rest, ":")
	return first + ":" + schemeWord(second)
}

// schemeWord is the start of s made of the characters of a URL scheme
// (RFC 3986: letters, digits, + - .), at most 40 of them.
func schemeWord(s string) string {
	for i, r := range s {
		if i == 40 || !(r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '+' || r == '-' || r == '.')) {
			return s[:i]
		}
	}
	return s
}

// HoldsCredentials reports whether a JDBC URL or property string carries a
// password.
func HoldsCredentials(u string) bool { return holdsCredentials(u) }

// holdsCredentials reports URLs with a user:password@ or user/password@
// part, or a password property.
func holdsCredentials(u string) bool {
	return passwordParam.MatchString(u) || userInfo.MatchString(u) || oracleUser.MatchString(u)
}

var (
	// password=..., passwd=..., pass=..., pwd=... (the spellings a tenant
	// configuration may use): a {braced} or quoted value whole, else up to
	// ; or &. pass also matches inside longer names (bypass=); hiding
	// those too is the safe side.
	passwordParam = regexp.MustCompile(`(?i)((?:password|passwd|pass|pwd)\s*=\s*)(\{[^}]*\}?|"[^"]*"?|'[^']*'?|[^;&]*)`)
	// //user:password@host: the password runs to the last @ (hosts have none).
	userInfo = regexp.MustCompile(`(//[^/:@]*:).*@`)
	// //user:text@ where no property (key=value) comes between the colon
	// and the @: a user and password that the parser did not read as such,
	// because the password holds / ? or #.
	looseUserInfo = regexp.MustCompile(`//[^/?#@]*:[^@=]*@`)
	// Oracle's thin:user/password@... or thin:user/password.
	oracleUser = regexp.MustCompile(`(?i)(:thin:[^/@:]*/)(?:.*@|.*$)`)
)

// redactURL hides passwords in a JDBC URL or DSN, for messages and logs.
// It errs on the side of hiding too much.
func redactURL(u string) string {
	u = passwordParam.ReplaceAllString(u, "${1}"+secret.Redacted)
	u = userInfo.ReplaceAllString(u, "${1}"+secret.Redacted+"@")
	if m := oracleUser.FindStringSubmatchIndex(u); m != nil {
		tail := u[m[1]:]
		end := ""
		if strings.HasSuffix(u[m[0]:m[1]], "@") {
			end = "@"
		}
		u = u[:m[3]] + secret.Redacted + end + tail
	}
	return u
}

// RedactURL hides passwords in a JDBC URL or DSN for log lines and messages.
func RedactURL(u string) string { return redactURL(u) }
