package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"gopkg.in/yaml.v3"

	"github.com/sqlscim/sqlscim/internal/db"
	_ "github.com/sqlscim/sqlscim/internal/db/mysql"    // registers the mysql dialect and driver
	_ "github.com/sqlscim/sqlscim/internal/db/postgres" // registers the postgresql dialect and the pgx driver
	"github.com/sqlscim/sqlscim/internal/secret"
	sqlfiles "github.com/sqlscim/sqlscim/sql"
)

// Admin DSNs: the same servers, and the same variables, as the integration
// tests (internal/testsupport/dbtest).
func mysqlAdminDSN() string {
	if dsn := os.Getenv("SQLSCIM_TEST_MYSQL_DSN"); dsn != "" {
		return dsn
	}
	return "root:@tcp(127.0.0.1:3306)/"
}

func postgresAdminDSN() string {
	if dsn := os.Getenv("SQLSCIM_TEST_POSTGRES_DSN"); dsn != "" {
		return dsn
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// labDB is a throw-away lab database holding the generated users.
type labDB struct {
	dialect string // "mysql" or "postgresql"
	name    string
	conn    db.Conn
	// setup is a handle for loading, generating and cleaning up.
	setup *sql.DB
	drop  func(context.Context) error
	// version is the server's version string.
	version string
}

func randomSuffix() string {
	var b [5]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// createLab creates an empty database of dialect and loads the lab schema,
// procedures and demo data into it (sql/<dialect>).
func createLab(ctx context.Context, dialect string) (*labDB, error) {
	name := "sqlscim_bench_" + randomSuffix()
	l := &labDB{dialect: dialect, name: name}
	switch dialect {
	case "mysql":
		cfg, err := gomysql.ParseDSN(mysqlAdminDSN())
		if err != nil {
			return nil, err
		}
		admin, err := sql.Open("mysql", cfg.FormatDSN())
		if err != nil {
			return nil, err
		}
		if err := admin.PingContext(ctx); err != nil {
			admin.Close()
			return nil, fmt.Errorf("MariaDB/MySQL at %s is unreachable: %w", cfg.Addr, err)
		}
		_ = admin.QueryRowContext(ctx, "SELECT VERSION()").Scan(&l.version)
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
			admin.Close()
			return nil, err
		}
		l.drop = func(ctx context.Context) error {
			defer admin.Close()
			_, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name)
			return err
		}
		cfg.DBName = name
		if l.setup, err = sql.Open("mysql", cfg.FormatDSN()); err != nil {
			_ = l.drop(ctx)
			return nil, err
		}
		host, port := splitHostPort(cfg.Addr, 3306)
		l.conn = db.Conn{Type: "mysql", Host: host, Port: port, Database: name, User: cfg.User, Password: secret.String(cfg.Passwd)}
	case "postgresql":
		pcfg, err := pgx.ParseConfig(postgresAdminDSN())
		if err != nil {
			return nil, err
		}
		admin, err := sql.Open("pgx", postgresAdminDSN())
		if err != nil {
			return nil, err
		}
		if err := admin.PingContext(ctx); err != nil {
			admin.Close()
			return nil, fmt.Errorf("PostgreSQL at %s:%d is unreachable: %w", pcfg.Host, pcfg.Port, err)
		}
		_ = admin.QueryRowContext(ctx, "SHOW server_version").Scan(&l.version)
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
			admin.Close()
			return nil, err
		}
		l.drop = func(ctx context.Context) error {
			defer admin.Close()
			_, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			return err
		}
		dsn := strings.Replace(postgresAdminDSN(), "/"+pcfg.Database+"?", "/"+name+"?", 1)
		if l.setup, err = sql.Open("pgx", dsn); err != nil {
			_ = l.drop(ctx)
			return nil, err
		}
		l.conn = db.Conn{Type: "postgresql", Host: pcfg.Host, Port: int(pcfg.Port), Database: name, User: pcfg.User,
			Password: secret.String(pcfg.Password), Properties: map[string]string{"sslmode": "disable"}}
	default:
		return nil, fmt.Errorf("unknown database %q (mysql or postgresql)", dialect)
	}
	if err := sqlfiles.Load(ctx, l.setup, dialect); err != nil {
		l.close(context.Background())
		return nil, err
	}
	return l, nil
}

// filter selects the lab database's server processes (cpu.go).
func (l *labDB) filter() dbFilter { return dbFilter{dialect: l.dialect, database: l.name} }

// close drops the database.
func (l *labDB) close(ctx context.Context) error {
	if l.setup != nil {
		l.setup.Close()
	}
	if l.drop != nil {
		err := l.drop(ctx)
		l.drop = nil
		return err
	}
	return nil
}

func splitHostPort(addr string, def int) (string, int) {
	host, port := addr, def
	if i := strings.LastIndex(addr, ":"); i >= 0 {
		host = addr[:i]
		if p, err := strconv.Atoi(addr[i+1:]); err == nil {
			port = p
		}
	}
	return host, port
}

// The generated users. User i (1-based) is bench0000042@example.com and so on;
// every one is active and holds 2 to 4 of the lab's 10 entitlements.
var (
	firstNames  = []string{"Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Margaret", "Dennis", "Radia", "Niklaus", "Hedy", "Tim", "Katherine", "Linus"}
	lastNames   = []string{"Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Hamilton", "Ritchie", "Perlman", "Wirth", "Lamarr", "Berners-Lee", "Johnson"}
	cities      = []string{"Springfield", "Riverside", "Franklin", "Greenville", "Bristol", "Clinton", "Fairview", "Salem", "Madison", "Georgetown"}
	departments = []string{"Engineering", "Sales", "Marketing", "Finance", "Support", "Research", "Operations", "Legal"}
	titles      = []string{"Engineer", "Analyst", "Manager", "Consultant", "Specialist", "Director", "Designer", "Architect"}
)

// userColumns are the columns the generator fills (IS_ACTIVE takes its default, TRUE).
var userColumns = []string{
	"USER_ID", "USERNAME", "FIRSTNAME", "LASTNAME", "MIDDLENAME", "EMAIL", "DISPLAYNAME", "NICKNAME",
	"MOBILEPHONE", "STREETADDRESS", "CITY", "STATE", "ZIPCODE", "COUNTRYCODE", "TIMEZONE", "ORGANIZATION",
	"DEPARTMENT", "MANAGERID", "MANAGER", "TITLE", "EMPLOYEENUMBER", "HIREDATE", "TERMINATIONDATE", "PASSWORD_HASH",
}

func userID(i int) string   { return fmt.Sprintf("bench%07d@example.com", i) }
func userName(i int) string { return fmt.Sprintf("bench%07d", i) }

// genUser returns the column values of generated user i, keyed by upper-case column.
func genUser(i int) map[string]any {
	first, last := firstNames[i%len(firstNames)], lastNames[(i/len(firstNames))%len(lastNames)]
	mgr := i - i%10 + 1
	hire := time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%5000)
	return map[string]any{
		"USER_ID": userID(i), "USERNAME": userName(i), "FIRSTNAME": first, "LASTNAME": last, "MIDDLENAME": nil,
		"EMAIL": userID(i), "DISPLAYNAME": first + " " + last, "NICKNAME": nil,
		"MOBILEPHONE": fmt.Sprintf("+1-555-%07d", i), "STREETADDRESS": fmt.Sprintf("%d Main Street", i%997+1),
		"CITY": cities[i%len(cities)], "STATE": "CA", "ZIPCODE": fmt.Sprintf("%05d", 90000+i%9000), "COUNTRYCODE": "US",
		"TIMEZONE": "America/Los_Angeles", "ORGANIZATION": "Example Corp", "DEPARTMENT": departments[i%len(departments)],
		"MANAGERID": userID(mgr), "MANAGER": fmt.Sprintf("Manager %d", mgr), "TITLE": titles[i%len(titles)],
		"EMPLOYEENUMBER": fmt.Sprintf("E%07d", i), "HIREDATE": hire.Format("2006-01-02"), "TERMINATIONDATE": nil,
		"PASSWORD_HASH": nil,
	}
}

// userEnts are the entitlement ids of generated user i: 2, 3 or 4 distinct
// ids among 1..10.
func userEnts(i int) []int {
	n := 2 + i%3
	out := make([]int, n)
	for j := range out {
		out[j] = (i+3*j)%10 + 1
	}
	return out
}

// swapEnt is the entitlement PUT swaps: user i's first one is replaced by
// one it does not hold ((i+1)%10+1 is never among userEnts(i)).
func swapEnt(i int) (removed, added int) {
	return userEnts(i)[0], (i+1)%10 + 1
}

// placeholders returns n bind markers of the dialect, numbered from first.
func placeholder(dialect string, n int) string {
	if dialect == "postgresql" {
		return "$" + strconv.Itoa(n)
	}
	return "?"
}

// generate inserts users 1..n with their entitlements in one transaction,
// with multi-row INSERTs, and refreshes the planner statistics.
func (l *labDB) generate(ctx context.Context, n int, progress func(done int)) error {
	tx, err := l.setup.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	const usersPerBatch = 500 // 500 × 24 = 12 000 bind values, below both servers' 65 535
	for start := 1; start <= n; start += usersPerBatch {
		end := min(start+usersPerBatch-1, n)
		var b strings.Builder
		b.WriteString("INSERT INTO USERS (" + strings.Join(userColumns, ", ") + ") VALUES ")
		args := make([]any, 0, (end-start+1)*len(userColumns))
		for i := start; i <= end; i++ {
			if i > start {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			u := genUser(i)
			for j, c := range userColumns {
				if j > 0 {
					b.WriteString(", ")
				}
				args = append(args, u[c])
				b.WriteString(placeholder(l.dialect, len(args)))
			}
			b.WriteByte(')')
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("insert users %d-%d: %w", start, end, err)
		}
		if progress != nil {
			progress(end)
		}
	}
	const entsPerBatch = 1000
	var b strings.Builder
	var args []any
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		_, err := tx.ExecContext(ctx, b.String(), args...)
		b.Reset()
		args = args[:0]
		return err
	}
	for i := 1; i <= n; i++ {
		for _, e := range userEnts(i) {
			if len(args) == 0 {
				b.WriteString("INSERT INTO USERENTITLEMENTS (USER_ID, ENT_ID) VALUES ")
			} else {
				b.WriteString(", ")
			}
			args = append(args, userID(i), e)
			b.WriteString("(" + placeholder(l.dialect, len(args)-1) + ", " + placeholder(l.dialect, len(args)) + ")")
			if len(args) >= 2*entsPerBatch {
				if err := flush(); err != nil {
					return fmt.Errorf("insert entitlements: %w", err)
				}
			}
		}
	}
	if err := flush(); err != nil {
		return fmt.Errorf("insert entitlements: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	// VACUUM as well on PostgreSQL: the bulk insert would otherwise start
	// an autovacuum a minute later, inside the first measured scenario.
	analyze := "VACUUM ANALYZE"
	if l.dialect == "mysql" {
		analyze = "ANALYZE TABLE USERS, USERENTITLEMENTS, ENTITLEMENTS"
	}
	rows, err := l.setup.QueryContext(ctx, analyze)
	if err != nil {
		return err
	}
	for rows.Next() {
	}
	return rows.Close()
}

// activeUsers counts the users Get Users lists.
func (l *labDB) activeUsers(ctx context.Context) (int, error) {
	var n int
	err := l.setup.QueryRowContext(ctx, "SELECT COUNT(*) FROM USERS WHERE IS_ACTIVE = TRUE").Scan(&n)
	return n, err
}

// deletePosted removes the users POST /Users created, so that every
// scenario sees the same data.
func (l *labDB) deletePosted(ctx context.Context) error {
	for _, q := range []string{
		"DELETE FROM USERENTITLEMENTS WHERE USER_ID LIKE 'post-%'",
		"DELETE FROM USERS WHERE USER_ID LIKE 'post-%'",
	} {
		if _, err := l.setup.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// labTenant is one tenant of testdata/tenants, as a generic document.
type labTenant struct {
	file string // mysql-sql.yaml ...
	mode string // sql or procedures
	doc  map[string]any
}

// readLabTenant reads the first tenant of testdata/tenants/<file>.
func readLabTenant(root, file, mode string) (*labTenant, error) {
	raw, err := os.ReadFile(filepath.Join(root, "testdata", "tenants", file))
	if err != nil {
		return nil, err
	}
	var doc struct {
		Tenants []map[string]any `yaml:"tenants"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(doc.Tenants) == 0 {
		return nil, fmt.Errorf("%s: no tenant", file)
	}
	return &labTenant{file: file, mode: mode, doc: doc.Tenants[0]}, nil
}

// databaseDoc is the database section pointing at l (the password written
// out, as the agent sends it).
func (l *labDB) databaseDoc(lt *labTenant) map[string]any {
	props := map[string]any{}
	if d, ok := lt.doc["database"].(map[string]any); ok {
		if p, ok := d["properties"].(map[string]any); ok {
			for k, v := range p {
				props[k] = v
			}
		}
	}
	for k, v := range l.conn.Properties {
		props[k] = v
	}
	out := map[string]any{
		"type": l.conn.Type, "host": l.conn.Host, "port": l.conn.Port, "database": l.conn.Database,
		"user": l.conn.User, "password": l.conn.Password.Reveal(),
	}
	if len(props) > 0 {
		out["properties"] = props
	}
	return out
}

// header is the X-OKTA-ONPREM-DATA value the agent would send for lt on l.
func (l *labDB) header(lt *labTenant) (string, error) {
	t := map[string]any{}
	for k, v := range lt.doc {
		t[k] = v
	}
	delete(t, "name") // the agent's app is the URL's {app}
	t["database"] = l.databaseDoc(lt)
	js, err := json.Marshal(t)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(js), nil
}

// localTenant is lt pointed at l, named app, for the --tenants file.
func (l *labDB) localTenant(lt *labTenant, app string) map[string]any {
	t := map[string]any{}
	for k, v := range lt.doc {
		t[k] = v
	}
	t["name"] = app
	t["database"] = l.databaseDoc(lt)
	return t
}

// withBulkEntitlements adds get_entitlements_of_users to a lab tenant in
// SQL mode: the assignments of a range of users, as the lab's
// get_user_entitlements reads them for one (docs/configuration.md).
func withBulkEntitlements(t map[string]any) map[string]any {
	ops := map[string]any{}
	for k, v := range t["operations"].(map[string]any) {
		ops[k] = v
	}
	ops["get_entitlements_of_users"] = map[string]any{
		"type": "sql",
		"statement": "SELECT UE.USER_ID, UE.ENT_ID, E.ENT_NAME FROM USERENTITLEMENTS UE JOIN ENTITLEMENTS E ON UE.ENT_ID = E.ENT_ID " +
			"WHERE UE.USER_ID BETWEEN ? AND ? ORDER BY UE.USER_ID, UE.ENT_ID",
		"parameters": []any{
			map[string]any{"type": "DATABASE_FIELD", "field": "first_user_id"},
			map[string]any{"type": "DATABASE_FIELD", "field": "last_user_id"},
		},
	}
	t["operations"] = ops
	return t
}

// writeTenants writes a --tenants file.
func writeTenants(path string, tenants []map[string]any) error {
	out, err := yaml.Marshal(map[string]any{"tenants": tenants})
	if err != nil {
		return err
	}
	return os.WriteFile(path, out, 0o600)
}
