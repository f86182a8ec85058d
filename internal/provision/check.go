package provision

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/scim"
)

// CheckResult is one line of `sqlscim check`.
type CheckResult struct {
	// Subject is "connection", an operation name or "columns".
	Subject string
	// Check says what was checked.
	Check string
	OK    bool
	// Warning marks a passed check that still limits the tenant, such as
	// an operation Okta calls that is not configured.
	Warning bool
	// Detail explains a failure, or adds what was found.
	Detail string
}

// oktaUses says, for each of the ten operations of Okta's connector, what
// Okta does with it: without the operation, that fails with 501.
var oktaUses = map[OpName]string{
	GetUsers:                  "import users",
	GetUserByID:               "read a user (before every update)",
	GetAllEntitlements:        "import entitlements",
	GetUserEntitlements:       "read a user's entitlements",
	CreateUser:                "create users",
	UpdateUser:                "update users' attributes",
	ActivateUser:              "activate users",
	DeactivateUser:            "deactivate users",
	AddEntitlementToUser:      "assign entitlements",
	RemoveEntitlementFromUser: "unassign entitlements",
}

// Check tests a tenant against its database without changing anything:
// the connection, every enabled operation (a procedure must exist and take
// as many arguments as are mapped; a statement must prepare), and Get Users
// and Get All Entitlements, whose columns it reports. It is the
// troubleshooting section of the lab guide ("Stored Procedure Not Found",
// "Parameter Mismatch", "executeCall not allowed") as one command.
//
// The operations it runs are not reported to the tenant's observer: the
// metrics count provisioning traffic, and a failing check is reported by
// whoever asked for it (the self-check's log line and sqlscim_tenant_up).
func (t *Tenant) Check(ctx context.Context) []CheckResult {
	return t.unobserved().check(ctx)
}

// unobserved is a twin of the tenant, sharing its configuration, compiled
// statements and pools, with no observer and caches of its own.
func (t *Tenant) unobserved() *Tenant {
	return &Tenant{cfg: t.cfg, dialect: t.dialect, target: t.target, stmts: t.stmts, pools: t.pools, ents: &entitlementCache{}}
}

func (t *Tenant) check(ctx context.Context) []CheckResult {
	var out []CheckResult
	add := func(subject, check string, err error, detail string) bool {
		r := CheckResult{Subject: subject, Check: check, OK: err == nil, Detail: detail}
		if err != nil {
			r.Detail = t.explain(err)
		}
		out = append(out, r)
		return err == nil
	}
	lease, err := t.pools.Acquire(ctx, t.target)
	if err != nil {
		add("connection", "connect to "+t.target.Identity, err, "")
		return out
	}
	defer lease.Release()
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	err = lease.DB.PingContext(pctx)
	cancel()
	if !add("connection", "connect to "+t.target.Identity, t.wrap("", err), "") {
		return out
	}

	for _, name := range AllOps {
		op, ok := t.cfg.Op(name)
		if !ok {
			if use, okta := oktaUses[name]; okta {
				out = append(out, CheckResult{Subject: string(name), Check: "configured", OK: true, Warning: true,
					Detail: "not enabled: Okta's requests to " + use + " get 501 Not Implemented"})
			}
			continue
		}
		st := t.stmts[name]
		if st.proc != "" {
			n, err := t.procedureArity(ctx, lease, name, op)
			add(string(name), "procedure "+st.proc, err, fmt.Sprintf("exists, %d parameter(s)", n))
			continue
		}
		add(string(name), "statement", t.prepare(ctx, lease, name), "prepares")
	}

	cols, err := t.sampleUsers(ctx)
	if add("get_users", "run it (first row)", err, "") {
		add("columns", "user columns", nil, strings.Join(cols, ", "))
		m, err := t.discoverMapping(ctx)
		if err == nil {
			add("mapping", "columns → SCIM attributes", nil, "every returned column is also in "+m.extURN)
		} else {
			add("mapping", "columns → SCIM attributes", err, "")
		}
		if err == nil {
			out = append(out, t.checkParameterFields(m)...)
			out = append(out, t.checkRequiredColumns(ctx, lease, m)...)
			out = append(out, t.checkUserNameLookup(m)...)
			for _, line := range m.describe() {
				out = append(out, CheckResult{Subject: "mapping", Check: line[0], OK: true, Detail: line[1]})
			}
		}
	}
	if _, ok := t.cfg.Op(GetAllEntitlements); ok {
		list, err := t.Entitlements(ctx)
		add("get_all_entitlements", "run it", err, fmt.Sprintf("%d entitlement(s)", len(list)))
	}
	return out
}

// Ping checks that the tenant's database answers.
func (t *Tenant) Ping(ctx context.Context) error {
	lease, err := t.pools.Acquire(ctx, t.target)
	if err != nil {
		return err
	}
	defer lease.Release()
	if err := lease.DB.PingContext(ctx); err != nil {
		return errors.New(t.explain(t.opError("", err)))
	}
	return nil
}

// explain turns an error into the one line `check` prints: what the
// client would be told, and what the driver said (the password redacted).
func (t *Tenant) explain(err error) string {
	msg := err.Error()
	var se *scim.Error
	if errors.As(err, &se) {
		msg = se.Detail
		// A configuration error's detail tells a client to ask an admin;
		// check is for the admin, who needs the mistake itself.
		if se.Status == http.StatusInternalServerError && se.Cause != nil && !errors.As(se.Cause, new(*db.Error)) {
			msg = se.Cause.Error()
		}
	}
	var de *db.Error
	if errors.As(err, &de) {
		if cause := t.cause(de); cause != "" {
			msg += " Cause: " + cause
		}
	}
	return msg
}

// maxCause bounds the driver's text in check's output.
const maxCause = 300

// cause says in one line why the database failed: the network's reason
// (refused, unknown host, timeout, reset) or the driver's message, with
// the tenant's password taken out, never a line break.
func (t *Tenant) cause(de *db.Error) string {
	var dnsErr *net.DNSError
	var out string
	switch {
	case errors.As(de.Err, &dnsErr) && dnsErr.IsNotFound:
		out = "unknown host " + dnsErr.Name + " (the host name does not resolve)"
	case errors.As(de.Err, &dnsErr):
		out = "the host name " + dnsErr.Name + " could not be resolved: " + dnsErr.Err
	case errors.Is(de.Err, syscall.ECONNREFUSED):
		out = "connection refused (nothing listens on that host and port: is the database running, and the port right?)"
	case errors.Is(de.Err, syscall.ECONNRESET), errors.Is(de.Err, io.EOF), errors.Is(de.Err, io.ErrUnexpectedEOF):
		out = "the connection was reset or closed by the server or a firewall"
	case errors.Is(de.Err, syscall.EHOSTUNREACH), errors.Is(de.Err, syscall.ENETUNREACH):
		out = "no route to the host"
	case errors.Is(de.Err, context.DeadlineExceeded):
		out = "no answer before the timeout (a firewall dropping packets, or an overloaded database)"
	case de.Err != nil:
		out = de.Err.Error()
	}
	if pw := t.cfg.Database.Password.Reveal(); pw != "" {
		out = strings.ReplaceAll(out, pw, "***")
	}
	out = strings.Join(strings.Fields(out), " ")
	if len(out) > maxCause {
		out = out[:maxCause] + "…"
	}
	return out
}

// wrap classifies a database error like an operation's.
func (t *Tenant) wrap(name OpName, err error) error {
	if err == nil {
		return nil
	}
	return t.opError(name, err)
}

// procedureArity finds the operation's procedure in the catalogue and
// compares its parameter count with the mapped parameters.
func (t *Tenant) procedureArity(ctx context.Context, lease *db.Lease, name OpName, op *Operation) (int, error) {
	args, err := t.bind(name, func(string) (any, bool) { return nil, true })
	if err != nil {
		return 0, err
	}
	call := db.ProcCall{Name: t.stmts[name].proc, Args: args, WantRows: name.reads()}
	query, qargs, err := t.dialect.ArityQuery(call)
	if err != nil {
		return 0, err
	}
	rows, err := lease.DB.QueryContext(ctx, query, qargs...)
	if err != nil {
		return 0, t.wrap("", err)
	}
	defer rows.Close()
	var counts []int
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			return 0, t.wrap("", err)
		}
		counts = append(counts, n)
	}
	if err := rows.Err(); err != nil {
		return 0, t.wrap("", err)
	}
	kind := "procedure"
	if t.dialect.Info().RowFunctions && call.WantRows && !t.needsTx(name) {
		kind = "set-returning function" // what PostgreSQL reads call without a cursor
	}
	mapped := len(op.Parameters)
	switch {
	case len(counts) == 0:
		return 0, fmt.Errorf("Stored Procedure Not Found: no %s %s in the database; create it or correct the statement", kind, call.Name)
	}
	for _, n := range counts {
		if n == mapped {
			return n, nil
		}
	}
	return counts[0], fmt.Errorf("Parameter Mismatch: %s %s takes %d parameter(s) but %d are mapped; map one parameter per argument", kind, call.Name, counts[0], mapped)
}

// prepare asks the database to parse a statement, inside a transaction
// that is rolled back, so nothing runs.
func (t *Tenant) prepare(ctx context.Context, lease *db.Lease, name OpName) error {
	tx, err := lease.DB.BeginTx(ctx, nil)
	if err != nil {
		return t.wrap(name, err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, t.stmts[name].sql)
	if err != nil {
		return t.wrap(name, err)
	}
	return stmt.Close()
}

// sampleUsers runs Get Users, reads its first row, and returns the columns.
func (t *Tenant) sampleUsers(ctx context.Context) ([]string, error) {
	s, err := t.open(ctx, t.needsTx(GetUsers))
	if err != nil {
		return nil, err
	}
	defer s.close()
	rows, err := t.query(ctx, s.q, GetUsers, func(string) (any, bool) { return nil, false })
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := columnsOf(rows)
	if err != nil {
		return nil, t.wrap(GetUsers, err)
	}
	if rows.Next() {
		if _, err := readRow(rows, cols); err != nil {
			return nil, t.wrap(GetUsers, err)
		}
	}
	names := make([]string, len(cols))
	idFound := false
	for i, c := range cols {
		names[i] = c.name
		idFound = idFound || c.key == strings.ToUpper(t.cfg.Operations[GetUsers].UserIDColumn)
	}
	if !idFound {
		return names, fmt.Errorf("user_id_column %s is not among the columns of Get Users (%s)", t.cfg.Operations[GetUsers].UserIDColumn, strings.Join(names, ", "))
	}
	return names, nil
}

// userFieldOps bind every DATABASE_FIELD parameter from the user's row, so
// each field must be a column of Get Users. (The entitlement operations
// also bind the entitlement's id, under any other name.)
var userFieldOps = []OpName{GetUserByID, GetUserEntitlements, CreateUser, UpdateUser, ActivateUser, DeactivateUser, DeleteUser}

// checkParameterFields reports parameters that name no column of Get
// Users: at request time they had no value to bind, and the client was told
// to send a field it cannot send.
func (t *Tenant) checkParameterFields(m *mapping) []CheckResult {
	var out []CheckResult
	for _, name := range userFieldOps {
		op, ok := t.cfg.Op(name)
		if !ok {
			continue
		}
		var unknown []string
		for i, p := range op.Parameters {
			if _, ok := m.column(p.Field); p.Type == DatabaseField && !ok {
				unknown = append(unknown, fmt.Sprintf("parameter %d names %s", i+1, p.Field))
			}
		}
		if len(unknown) > 0 {
			out = append(out, CheckResult{Subject: string(name), Check: "parameters name columns of get_users",
				Detail: strings.Join(unknown, ", ") + ", which is not a column of get_users (columns: " + m.columnList() + ")"})
		}
	}
	return append(out, t.checkUserNameField(m)...)
}

// parameterFieldsError is checkParameterFields as the error that refuses
// the tenant's requests: an operation binding a field no column holds
// would bind NULL, or find no value to bind.
func (t *Tenant) parameterFieldsError(m *mapping) error {
	var msgs []string
	for _, r := range t.checkParameterFields(m) {
		msgs = append(msgs, r.Subject+": "+r.Detail)
	}
	if len(msgs) == 0 {
		return nil
	}
	return errors.New(strings.Join(msgs, "; "))
}

// insertInto reads the table an INSERT statement writes.
var insertInto = regexp.MustCompile(`(?is)^\s*INSERT\s+INTO\s+([^\s(]+)`)

// requiredColumns lists the columns create_user binds that the database
// requires (NOT NULL, no default), read from the catalog of the table its
// INSERT names; known is false when create_user names no table (a
// procedure, or no create_user).
func (t *Tenant) requiredColumns(ctx context.Context, q db.Querier) (cols []string, known bool, err error) {
	st, ok := t.stmts[CreateUser]
	if !ok {
		return nil, false, nil
	}
	match := insertInto.FindStringSubmatch(st.sql)
	if st.proc != "" || match == nil {
		return nil, false, nil
	}
	query, args, err := t.dialect.RequiredColumnsQuery(match[1])
	if err != nil {
		return nil, false, err
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, true, t.wrap("", err)
	}
	defer rows.Close()
	bound := map[string]bool{}
	for _, f := range t.writeFields(CreateUser) {
		bound[strings.ToUpper(f)] = true
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, true, t.wrap("", err)
		}
		if bound[strings.ToUpper(name)] {
			cols = append(cols, name)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, true, t.wrap("", err)
	}
	return cols, true, nil
}

// checkRequiredColumns reports the columns create_user binds that the
// database requires but that no core or enterprise attribute feeds: a
// create then needs the client to send the tenant extension's attribute,
// which Okta sends only when its profile maps it, and the first POST
// without it is refused. The admin's fix is a mapping or a default; check
// says so before a client meets it. Only a create_user statement names its
// table; a procedure's is not known.
func (t *Tenant) checkRequiredColumns(ctx context.Context, lease *db.Lease, m *mapping) []CheckResult {
	const what = "required columns are fed by SCIM attributes"
	if _, ok := t.stmts[CreateUser]; !ok {
		return nil
	}
	required, known, err := t.requiredColumns(ctx, lease.DB)
	switch {
	case err != nil && !known:
		return []CheckResult{{Subject: string(CreateUser), Check: what, OK: true, Detail: "not checked: " + err.Error()}}
	case err != nil:
		return []CheckResult{{Subject: string(CreateUser), Check: what, Detail: t.explain(err)}}
	case !known:
		return []CheckResult{{Subject: string(CreateUser), Check: what, OK: true, Detail: "not checked: only an INSERT statement names its table"}}
	}
	var unfed []string
	for _, name := range required {
		key := strings.ToUpper(name)
		if _, mapped := m.targets[key]; !mapped && key != m.idKey && key != m.passwordKey {
			unfed = append(unfed, name)
		}
	}
	if len(unfed) == 0 {
		return []CheckResult{{Subject: string(CreateUser), Check: what, OK: true, Detail: "every NOT NULL column without a default it binds is mapped"}}
	}
	return []CheckResult{{Subject: string(CreateUser), Check: what, OK: true, Warning: true,
		Detail: fmt.Sprintf("%s: NOT NULL without a default, and no core or enterprise attribute feeds %s: a create that does not send %s:%s is refused; map %s (mapping: {%s: <attribute>}) or give %s a default",
			strings.Join(unfed, ", "), pronoun(len(unfed)), m.extURN, unfed[0], pronoun(len(unfed)), unfed[0], pronoun(len(unfed)))}}
}

func pronoun(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}
