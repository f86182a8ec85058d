package db

import (
	"context"
	"database/sql"
	"strings"
	"testing"
)

// fakeDialect is a dialect that only states facts about itself.
type fakeDialect struct {
	info Info
	// logTo is what SetDriverLog received, for fakes that log.
	logTo *func(string)
}

func (f fakeDialect) Info() Info                   { return f.info }
func (fakeDialect) ParseJDBC(string) (Conn, error) { return Conn{}, nil }
func (fakeDialect) DSN(Conn) (string, error)       { return "", nil }
func (fakeDialect) Placeholder(int) string         { return "?" }
func (fakeDialect) QuoteIdent(n string) string     { return n }
func (fakeDialect) CallSQL(ProcCall) (string, error) {
	return "", nil
}
func (fakeDialect) CallProcedure(context.Context, Querier, ProcCall) (*sql.Rows, error) {
	return nil, nil
}
func (fakeDialect) ArityQuery(ProcCall) (string, []any, error)         { return "", nil, nil }
func (fakeDialect) RequiredColumnsQuery(string) (string, []any, error) { return "", nil, nil }
func (fakeDialect) Classify(error) *Error                              { return nil }
func (fakeDialect) Endpoints(Conn) ([]Endpoint, error)                 { return nil, nil }
func (fakeDialect) LocalFiles(Conn) []string                           { return nil }

// loggingDialect is a fakeDialect whose driver writes log lines.
type loggingDialect struct{ fakeDialect }

func (l loggingDialect) SetDriverLog(log func(string)) { *l.logTo = log }

// withRegistry runs the test on an empty registry and restores the real
// one afterwards.
func withRegistry(t *testing.T) {
	t.Helper()
	registryMu.Lock()
	savedRegistry, savedCanonical := registry, canonical
	registry, canonical = map[string]Dialect{}, map[string]Dialect{}
	registryMu.Unlock()
	t.Cleanup(func() {
		registryMu.Lock()
		registry, canonical = savedRegistry, savedCanonical
		registryMu.Unlock()
	})
}

// panics returns the value Register panicked with, or "".
func panics(d Dialect) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = r.(string)
		}
	}()
	Register(d)
	return ""
}

// Register refuses what would make lookups ambiguous or crash later, as
// database/sql and golang-migrate refuse a nil or second driver.
func TestRegisterRefusesNilAndDuplicates(t *testing.T) {
	withRegistry(t)
	Register(fakeDialect{info: Info{Name: "alpha", Aliases: []string{"a1"}, JDBCPrefixes: []string{"jdbc:alpha:"}}})
	for _, tc := range []struct {
		name string
		d    Dialect
		want string
	}{
		{"nil", nil, "db: Register called with a nil dialect"},
		{"no name", fakeDialect{}, "db: Register called with a dialect without a name"},
		{"same name", fakeDialect{info: Info{Name: "alpha"}}, "db: dialect alpha registered twice"},
		{"name is another's alias", fakeDialect{info: Info{Name: "A1"}}, "db: dialect a1 registered twice"},
		{"alias is another's name", fakeDialect{info: Info{Name: "beta", Aliases: []string{"Alpha"}}}, "db: dialect alpha registered twice"},
		{"own alias twice", fakeDialect{info: Info{Name: "beta", Aliases: []string{"b", "B"}}}, "db: dialect b registered twice"},
		{"same prefix", fakeDialect{info: Info{Name: "beta", JDBCPrefixes: []string{"JDBC:ALPHA:"}}},
			"db: JDBC prefix JDBC:ALPHA: of dialect beta overlaps jdbc:alpha: of dialect alpha"},
		{"longer prefix", fakeDialect{info: Info{Name: "beta", JDBCPrefixes: []string{"jdbc:alpha:thin:"}}},
			"db: JDBC prefix jdbc:alpha:thin: of dialect beta overlaps jdbc:alpha: of dialect alpha"},
		{"shorter prefix", fakeDialect{info: Info{Name: "beta", JDBCPrefixes: []string{"jdbc:al"}}},
			"db: JDBC prefix jdbc:al of dialect beta overlaps jdbc:alpha: of dialect alpha"},
	} {
		if got := panics(tc.d); got != tc.want {
			t.Errorf("%s: Register panicked with %q, want %q", tc.name, got, tc.want)
		}
	}
	// A refused dialect leaves nothing behind.
	if got := strings.Join(Known(), ","); got != "alpha" {
		t.Errorf("Known() = %s after refusals", got)
	}
	if _, err := Lookup("beta"); err == nil {
		t.Error("a refused dialect can be looked up")
	}
	if got := panics(fakeDialect{info: Info{Name: "beta", Aliases: []string{"b"}, JDBCPrefixes: []string{"jdbc:beta:"}}}); got != "" {
		t.Errorf("a distinct dialect was refused: %s", got)
	}
}

// The message for a URL no dialect reads lists the prefixes the
// registered dialects state, so a new dialect appears in it by itself.
func TestUnknownJDBCPrefixListsTheRegistry(t *testing.T) {
	withRegistry(t)
	Register(fakeDialect{info: Info{Name: "zeta", JDBCPrefixes: []string{"jdbc:zeta:"}}})
	Register(fakeDialect{info: Info{Name: "alpha", JDBCPrefixes: []string{"jdbc:alpha:", "jdbc:alpha2:"}}})
	_, err := ParseJDBC("jdbc:h2:mem:test")
	const want = `a URL starting with "jdbc:h2" is not a JDBC URL sqlscim understands; it must start with one of jdbc:alpha:, jdbc:alpha2:, jdbc:zeta:`
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
	c, err := ParseJDBC("JDBC:Alpha2:x")
	if err != nil || c.Type != "alpha" {
		t.Errorf("jdbc:alpha2: URL: %+v, %v", c, err)
	}
}

// SetDriverLogs hands every dialect with a driver log a function that
// names the dialect, and leaves the others alone.
func TestSetDriverLogs(t *testing.T) {
	withRegistry(t)
	var hook func(string)
	Register(loggingDialect{fakeDialect{info: Info{Name: "chatty"}, logTo: &hook}})
	Register(fakeDialect{info: Info{Name: "quiet"}})
	var got []string
	SetDriverLogs(func(dialect, msg string) { got = append(got, dialect+": "+msg) })
	if hook == nil {
		t.Fatal("the chatty dialect got no log function")
	}
	hook("connection lost")
	if strings.Join(got, "|") != "chatty: connection lost" {
		t.Errorf("logged %q", got)
	}
}
