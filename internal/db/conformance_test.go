package db_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/testsupport/dbtest"
)

// dialectCase is one real database the conformance suite runs against.
type dialectCase struct {
	name string
	conn func(t *testing.T) db.Conn
	// ddl creates the table the suite uses, in the dialect's types.
	ddl string
	// proc creates a routine returning the rows with id >= its argument,
	// called as db.ProcCall{Name: "rows_from", WantRows: true}; "" if none.
	proc string
	// twoSets creates a procedure returning two result sets; "" if none.
	twoSets string
	// cursor says rows_from returns its rows through a CURSOR argument
	// after the one it takes, which needs a transaction.
	cursor bool
}

var dialectCases = []dialectCase{
	{
		name: "mysql",
		conn: func(t *testing.T) db.Conn { return dbtest.MySQL(t).Conn },
		ddl: "CREATE TABLE conf (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL, born DATE, active BOOLEAN, note VARCHAR(50), parent INT," +
			" `odd \"name` VARCHAR(10), UNIQUE (name), FOREIGN KEY (parent) REFERENCES conf (id))",
		proc:    "CREATE PROCEDURE rows_from(IN p INT) SELECT id, name FROM conf WHERE id >= p ORDER BY id",
		twoSets: "CREATE PROCEDURE two_sets() BEGIN SELECT 1 AS a; SELECT 2 AS b; END",
	},
	{
		name: "postgresql",
		conn: func(t *testing.T) db.Conn { return dbtest.Postgres(t).Conn },
		ddl: `CREATE TABLE conf (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL UNIQUE, born DATE, active BOOLEAN, note VARCHAR(50),` +
			` parent INT REFERENCES conf (id), "odd ""name" VARCHAR(10))`,
		proc: "CREATE FUNCTION rows_from(p INT) RETURNS TABLE (id INT, name VARCHAR) LANGUAGE sql AS $$ SELECT id, name FROM conf WHERE id >= p ORDER BY id $$",
	},
	// SQL Server and Oracle run only where SQLSCIM_TEST_SQLSERVER_DSN or
	// SQLSCIM_TEST_ORACLE_DSN names a server (see internal/testsupport/dbtest): there is
	// none on the CI machines.
	{
		name: "sqlserver",
		conn: func(t *testing.T) db.Conn { return dbtest.SQLServer(t).Conn },
		ddl: `CREATE TABLE conf (id INT PRIMARY KEY, name NVARCHAR(50) NOT NULL UNIQUE, born DATE, active BIT, note NVARCHAR(50),` +
			` parent INT REFERENCES conf (id), [odd "name] NVARCHAR(10))`,
		proc:    "CREATE PROCEDURE rows_from @p INT AS SELECT id, name FROM conf WHERE id >= @p ORDER BY id",
		twoSets: "CREATE PROCEDURE two_sets AS BEGIN SELECT 1 AS a; SELECT 2 AS b; END",
	},
	{
		name: "oracle",
		conn: func(t *testing.T) db.Conn { return dbtest.Oracle(t).Conn },
		ddl: `CREATE TABLE conf (id NUMBER(10) PRIMARY KEY, name NVARCHAR2(50) NOT NULL UNIQUE, born DATE, active NUMBER(1), note NVARCHAR2(50),` +
			` parent NUMBER(10) REFERENCES conf (id), "odd ""name" NVARCHAR2(10))`,
		proc:   "CREATE PROCEDURE rows_from(p IN NUMBER, c OUT SYS_REFCURSOR) AS BEGIN OPEN c FOR SELECT id, name FROM conf WHERE id >= p ORDER BY id; END;",
		cursor: true,
	},
	{
		name: "sqlite",
		conn: func(t *testing.T) db.Conn {
			return db.Conn{Type: "sqlite", Database: filepath.Join(t.TempDir(), "conf.db")}
		},
		ddl: `CREATE TABLE conf (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL UNIQUE, born DATE, active INTEGER, note VARCHAR(50),` +
			` parent INTEGER REFERENCES conf (id), "odd ""name" VARCHAR(10))`,
	},
}

// TestDialectConformance runs one suite against every dialect with a real
// server here: placeholders, NULLs, dates, booleans, quoting, procedure
// result sets, and the classification of the errors that matter.
func TestDialectConformance(t *testing.T) {
	for _, dc := range dialectCases {
		t.Run(dc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			target, err := db.NewTarget(dc.conn(t))
			if err != nil {
				t.Fatal(err)
			}
			pools := db.NewPools(db.DefaultPoolConfig)
			defer pools.Close()
			lease, err := pools.Acquire(ctx, target)
			if err != nil {
				t.Fatal(err)
			}
			defer lease.Release()
			h, d := lease.DB, lease.Dialect
			ph := d.Placeholder
			if _, err := h.ExecContext(ctx, dc.ddl); err != nil {
				t.Fatal(err)
			}

			// Placeholders, NULLs, dates and booleans round-trip.
			insert := "INSERT INTO conf (id, name, born, active, note) VALUES (" + ph(1) + ", " + ph(2) + ", " + ph(3) + ", " + ph(4) + ", " + ph(5) + ")"
			born := time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)
			if _, err := h.ExecContext(ctx, insert, 1, "Padmé", born, true, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := h.ExecContext(ctx, insert, 2, "it's ?", "2025-01-31", false, "n"); err != nil {
				t.Fatal(err)
			}
			var name string
			var bornOut, activeOut, noteOut any
			row := h.QueryRowContext(ctx, "SELECT name, born, active, note FROM conf WHERE id = "+ph(1), 1)
			if err := row.Scan(&name, &bornOut, &activeOut, &noteOut); err != nil {
				t.Fatal(err)
			}
			if name != "Padmé" || noteOut != nil {
				t.Errorf("name %q note %v", name, noteOut)
			}
			if got := dateText(bornOut); got != "2024-02-29" {
				t.Errorf("date came back as %#v", bornOut)
			}
			if !truthy(activeOut) {
				t.Errorf("boolean came back as %#v", activeOut)
			}
			row = h.QueryRowContext(ctx, "SELECT born, active FROM conf WHERE name = "+ph(1), "it's ?")
			if err := row.Scan(&bornOut, &activeOut); err != nil {
				t.Fatal(err)
			}
			if dateText(bornOut) != "2025-01-31" || truthy(activeOut) {
				t.Errorf("second row: %#v %#v", bornOut, activeOut)
			}

			// Quoted identifiers.
			var odd sql.NullString
			if err := h.QueryRowContext(ctx, "SELECT "+d.QuoteIdent(`odd "name`)+" FROM conf WHERE id = "+ph(1), 1).Scan(&odd); err != nil {
				t.Errorf("QuoteIdent: %v", err)
			}

			// Procedure result sets.
			if dc.proc != "" {
				if _, err := h.ExecContext(ctx, dc.proc); err != nil {
					t.Fatal(err)
				}
				call := db.ProcCall{Name: "rows_from", Args: []db.ProcArg{{Value: 2}}, WantRows: true}
				var q db.Querier = h
				if dc.cursor {
					call.Args = append(call.Args, db.ProcArg{Cursor: true})
					tx, err := h.BeginTx(ctx, nil)
					if err != nil {
						t.Fatal(err)
					}
					defer tx.Rollback()
					q = tx
				}
				rows, err := d.CallProcedure(ctx, q, call)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for rows.Next() {
					var id int
					var n string
					if err := rows.Scan(&id, &n); err != nil {
						t.Fatal(err)
					}
					got = append(got, n)
				}
				rows.Close()
				if strings.Join(got, ",") != "it's ?" {
					t.Errorf("procedure rows: %v", got)
				}
			}
			// sqlscim reads the first result set of a procedure; the others
			// are drained when the rows close.
			if dc.twoSets != "" {
				if _, err := h.ExecContext(ctx, dc.twoSets); err != nil {
					t.Fatal(err)
				}
				rows, err := d.CallProcedure(ctx, h, db.ProcCall{Name: "two_sets", WantRows: true})
				if err != nil {
					t.Fatal(err)
				}
				cols, _ := rows.Columns()
				if len(cols) != 1 || cols[0] != "a" || !rows.Next() {
					t.Errorf("first result set: %v", cols)
				}
				if !rows.NextResultSet() || !rows.Next() {
					t.Error("the second result set is not reachable")
				}
				rows.Close()
				if err := h.PingContext(ctx); err != nil {
					t.Errorf("connection unusable after two result sets: %v", err)
				}
			}

			// The errors sqlscim turns into SCIM statuses.
			for _, e := range []struct {
				what  string
				query string
				args  []any
				class db.Class
			}{
				{"duplicate key", insert, []any{1, "again", nil, nil, nil}, db.Conflict},
				{"duplicate unique value", insert, []any{3, "Padmé", nil, nil, nil}, db.Conflict},
				{"foreign key", "INSERT INTO conf (id, name, parent) VALUES (" + ph(1) + ", " + ph(2) + ", " + ph(3) + ")", []any{4, "orphan", 99}, db.Invalid},
				{"not null", "INSERT INTO conf (id, name) VALUES (" + ph(1) + ", " + ph(2) + ")", []any{5, nil}, db.Invalid},
				{"missing table", "SELECT * FROM no_such_table", nil, db.MissingObject},
				{"missing column", "SELECT no_such_column FROM conf", nil, db.MissingObject},
				// Not "SELEC 1": SQL Server runs a batch that starts with a
				// name as a call of that procedure.
				{"syntax", "SELECT FROM WHERE", nil, db.BadStatement},
			} {
				_, err := h.ExecContext(ctx, e.query, e.args...)
				if err == nil {
					t.Errorf("%s: no error", e.what)
					continue
				}
				if got := d.Classify(err); got == nil || got.Class != e.class {
					t.Errorf("%s: classified %v, want %v (%v)", e.what, got, e.class, err)
				}
			}
		})
	}
}

func dateText(v any) string {
	switch x := v.(type) {
	case time.Time:
		return x.Format("2006-01-02")
	case []byte:
		return string(x)[:10]
	case string:
		return x[:10]
	}
	return ""
}

func truthy(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case int64:
		return x != 0
	case float64: // an Oracle NUMBER, as go-ora may return it
		return x != 0
	case []byte:
		return string(x) == "1"
	case string:
		return x == "1"
	}
	return false
}
