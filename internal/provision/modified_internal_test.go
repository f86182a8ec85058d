package provision

import (
	"testing"
	"time"

	"github.com/sqlscim/sqlscim/internal/scim"
)

func TestTimestampSettingsBadValues(t *testing.T) {
	since := &Operation{Enabled: true, Type: SQLStatement, Statement: "SELECT * FROM USERS WHERE LAST_MODIFIED >= ?", Parameters: testFields("since")}
	for _, tc := range []struct {
		name   string
		change func(c *Config)
		want   []string
	}{
		{name: "columns", change: func(c *Config) { c.CreatedColumn, c.LastModifiedColumn = "CREATED_AT", "LAST_MODIFIED" }},
		{name: "operation", change: func(c *Config) { c.Operations[GetUsersModifiedSince] = since }},
		{name: "an expression, not a column", change: func(c *Config) { c.LastModifiedColumn = "COALESCE(UPDATED, CREATED)" },
			want: []string{`tenants[0].last_modified_column: "COALESCE(UPDATED, CREATED)" is not a column name; name one column of the get_users result, e.g. LAST_MODIFIED`}},
		{name: "two columns", change: func(c *Config) { c.CreatedColumn = "CREATED_AT, INSERTED_AT" },
			want: []string{`tenants[0].created_column: "CREATED_AT, INSERTED_AT" is not a column name; name one column of the get_users result, e.g. LAST_MODIFIED`}},
		{name: "operation without since", change: func(c *Config) {
			c.Operations[GetUsersModifiedSince] = &Operation{Enabled: true, Type: SQLStatement, Statement: "SELECT * FROM USERS WHERE LAST_MODIFIED >= ?", Parameters: testFields("LAST_MODIFIED")}
		}, want: []string{`tenants[0].operations.get_users_modified_since.parameters: no DATABASE_FIELD parameter binds the field "since", the moment Okta's incremental import asks about; add {type: DATABASE_FIELD, field: since}`}},
		{name: "operation that writes", change: func(c *Config) {
			c.Operations[GetUsersModifiedSince] = &Operation{Enabled: true, Type: SQLStatement, Statement: "DELETE FROM USERS WHERE LAST_MODIFIED < ?", Parameters: testFields("since")}
		}, want: []string{"tenants[0].operations.get_users_modified_since.statement: statement=DELETE FROM USERS WHERE LAST_MODIFIED < ?: get_users_modified_since must return rows; use a SELECT (or WITH ... SELECT), not DELETE"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := testValidConfig()
			tc.change(c)
			wantProblems(t, c, tc.want)
		})
	}
}

func TestModifiedSince(t *testing.T) {
	moment := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		filter string
		ok     bool
		rest   string
	}{
		{`meta.lastModified gt "2025-01-02T03:04:05Z"`, true, ""},
		{`meta.lastModified ge "2025-01-02T04:04:05+01:00"`, true, ""},
		{`urn:ietf:params:scim:schemas:core:2.0:User:meta.lastModified gt "2025-01-02T03:04:05Z"`, true, ""},
		{`meta.lastModified gt "2025-01-02T03:04:05Z" and active eq true`, true, "active eq true"},
		{`title eq "x" and (meta.lastModified ge "2025-01-02T03:04:05Z" and active eq true)`, true, `title eq "x" and active eq true`},
		{`meta.lastModified lt "2025-01-02T03:04:05Z"`, false, ""},
		{`meta.lastModified gt "2025-01-02T03:04:05Z" or active eq true`, false, ""},
		{`meta.lastModified gt "yesterday"`, false, ""},
		{`meta.lastModified gt "2025-01-02T03:04:05Z" and meta.lastModified lt "2026-01-01T00:00:00Z"`, false, ""},
		{`meta.created gt "2025-01-02T03:04:05Z"`, false, ""},
	} {
		f, err := scim.ParseFilter(tc.filter)
		if err != nil {
			t.Fatal(err)
		}
		since, rest, ok := modifiedSince(f.Expr())
		if ok != tc.ok {
			t.Errorf("%s: ok = %v", tc.filter, ok)
			continue
		}
		if !ok {
			continue
		}
		if !since.Equal(moment) {
			t.Errorf("%s: since %v", tc.filter, since)
		}
		got := ""
		if rest != nil {
			got = scim.FilterOf(rest).String()
		}
		if got != tc.rest {
			t.Errorf("%s: rest %q, want %q", tc.filter, got, tc.rest)
		}
	}
}

// A meta time on a timestamp column compares in SQL as a moment; on a
// text column it is left to the filter on the parsed meta.
func TestPushdownMetaTimes(t *testing.T) {
	cfg := testMappingConfig(nil)
	cfg.LastModifiedColumn, cfg.CreatedColumn = "HIREDATE", "NICKNAME"
	m := mustMapping(t, cfg, labColumns(false))
	runPushdown(t, m, "mysql", 1, []pushCase{
		{`meta.lastModified gt "2025-01-02T03:04:05+01:00"`, "sqlscim_u.`HIREDATE` > ?", []any{time.Date(2025, 1, 2, 2, 4, 5, 0, time.UTC)}, true},
		{`meta.lastModified ge "2025-01-02"`, "sqlscim_u.`HIREDATE` >= ?", []any{time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)}, true},
		{`meta.created gt "2025-01-02T03:04:05Z"`, "", nil, false},
		{`meta.created pr`, "(sqlscim_u.`NICKNAME` IS NOT NULL AND sqlscim_u.`NICKNAME` <> '')", nil, true},
		{`meta.version eq "1"`, "", nil, false},
	})
	res := m.toResource(row{"USER_ID": "u", "HIREDATE": "2025-01-02", "NICKNAME": "2024-05-06T07:08:09+02:00"})
	if meta, _ := res["meta"].(map[string]any); meta["lastModified"] != "2025-01-02T00:00:00Z" || meta["created"] != "2024-05-06T05:08:09Z" || len(meta) != 2 {
		t.Errorf("meta: %v", res["meta"])
	}
}
