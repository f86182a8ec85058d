package provision

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/sqlscim/sqlscim/internal/audit"
	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/logging"
	"github.com/sqlscim/sqlscim/internal/scim"
)

// values supplies the value of a DATABASE_FIELD parameter by field name.
type values func(field string) (any, bool)

// bind builds the arguments of an operation in placeholder order.
func (t *Tenant) bind(name OpName, vals values) ([]db.ProcArg, error) {
	op := t.cfg.Operations[name]
	args := make([]db.ProcArg, len(op.Parameters))
	for i, p := range op.Parameters {
		switch p.Type {
		case DatabaseField:
			v, ok := vals(p.Field)
			if !ok {
				// Every field a request can supply is a column of get_users
				// (or the entitlement's id, the password, the time of an
				// incremental import): a field with no value is the
				// configuration's mistake, never the client's.
				return nil, &scim.Error{Status: http.StatusInternalServerError,
					Cause:  fmt.Errorf("tenant %s: %s parameter %d names the field %s, which %s has no value for", t.cfg.Name, name, i+1, p.Field, name),
					Detail: fmt.Sprintf("The configuration of tenant %s cannot run operation %s: its parameter %d names a field the operation has no value for. An administrator must correct it (sqlscim check names the problem; the sqlscim log has it too).", t.cfg.Name, name, i+1)}
			}
			args[i] = db.ProcArg{Value: v}
		case Constant:
			args[i] = db.ProcArg{Value: p.Value}
		case Cursor:
			args[i] = db.ProcArg{Cursor: true}
		}
	}
	return args, nil
}

// query runs a read operation and returns its rows.
func (t *Tenant) query(ctx context.Context, q db.Querier, name OpName, vals values) (*sql.Rows, error) {
	args, err := t.bind(name, vals)
	if err != nil {
		return nil, err
	}
	st := t.stmts[name]
	logging.From(ctx).Debug("operation", zap.String("op", string(name)), zap.String("sql", st.sql+st.proc))
	var rows *sql.Rows
	start := time.Now()
	if st.proc != "" {
		rows, err = t.dialect.CallProcedure(ctx, q, db.ProcCall{Name: st.proc, Args: args, WantRows: true})
	} else {
		rows, err = q.QueryContext(ctx, st.sql, plain(args)...)
	}
	t.timed(name, start)
	if err != nil {
		return nil, t.opError(name, err)
	}
	return rows, nil
}

// exec runs a write operation and drains whatever it returns. The
// request's audit record learns of it.
func (t *Tenant) exec(ctx context.Context, q db.Querier, name OpName, vals values) (err error) {
	defer func() { audit.From(ctx).Operation(string(name), err) }()
	args, err := t.bind(name, vals)
	if err != nil {
		return err
	}
	st := t.stmts[name]
	logging.From(ctx).Debug("operation", zap.String("op", string(name)), zap.String("sql", st.sql+st.proc))
	defer t.timed(name, time.Now())
	if st.proc == "" {
		if _, err := q.ExecContext(ctx, st.sql, plain(args)...); err != nil {
			return t.opError(name, err)
		}
		return nil
	}
	rows, err := t.dialect.CallProcedure(ctx, q, db.ProcCall{Name: st.proc, Args: args})
	if err != nil {
		return t.opError(name, err)
	}
	// Every result set is read to its end before closing: closing early
	// cancels the rest of the call on some drivers (go-mssqldb sends an
	// attention), which could skip its later statements or the error they
	// raise.
	for {
		for rows.Next() {
		}
		if !rows.NextResultSet() {
			break
		}
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return t.opError(name, err)
	}
	if err := rows.Close(); err != nil {
		return t.opError(name, err)
	}
	return nil
}

// timed tells the observer how long operation name took since start.
func (t *Tenant) timed(name OpName, start time.Time) {
	if t.observer != nil {
		t.observer.OperationTimed(t.cfg.Name, name, time.Since(start))
	}
}

func plain(args []db.ProcArg) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = a.Value
	}
	return out
}

// needsTx reports whether a read must run in a transaction: ref-cursor
// results live only as long as the transaction that opened them.
func (t *Tenant) needsTx(names ...OpName) bool {
	for _, n := range names {
		if op, ok := t.cfg.Op(n); ok {
			for _, p := range op.Parameters {
				if p.Type == Cursor {
					return true
				}
			}
		}
	}
	return false
}

// readTx says whether reading a user (its row, entitlements and their
// display names from the catalogue) needs a transaction.
func (t *Tenant) readTx() bool {
	return t.needsTx(GetUserByID, GetUserEntitlements, GetAllEntitlements)
}

// session is one request's use of the tenant database.
type session struct {
	t     *Tenant
	rec   *audit.Recorder // the request's audit record, told of the commit
	lease *db.Lease
	q     db.Querier
	tx    *sql.Tx
	// endScan ends the pool's admission of a scan; see openScan.
	endScan func()
}

// open leases the tenant's pool; with tx it also begins a transaction.
func (t *Tenant) open(ctx context.Context, tx bool) (*session, error) {
	return t.openSession(ctx, tx, false)
}

// openScan opens the session of a listing's scan once the pool admits it
// (see db.Lease.AdmitScan), before the transaction takes a connection.
func (t *Tenant) openScan(ctx context.Context, tx bool) (*session, error) {
	return t.openSession(ctx, tx, true)
}

func (t *Tenant) openSession(ctx context.Context, tx, scan bool) (*session, error) {
	lease, err := t.pools.Acquire(ctx, t.target)
	if err != nil {
		var tooMany *db.TooManyTenantsError
		if errors.As(err, &tooMany) {
			return nil, &scim.Error{Status: http.StatusServiceUnavailable, Detail: err.Error(), RetryAfter: 5, Cause: err}
		}
		return nil, t.opError("", err)
	}
	s := &session{t: t, lease: lease, q: lease.Querier(), rec: audit.From(ctx)}
	if scan {
		if s.endScan, err = lease.AdmitScan(ctx); err != nil {
			lease.Release()
			return nil, t.opError("", err)
		}
	}
	if tx {
		s.tx, err = lease.DB.BeginTx(ctx, nil)
		if err != nil {
			s.close()
			return nil, t.opError("", err)
		}
		s.q = lease.TxQuerier(s.tx)
	}
	return s, nil
}

// close ends the session's transaction, if still open, and its lease.
func (s *session) close() {
	if s.tx != nil {
		_ = s.tx.Rollback()
	}
	if s.endScan != nil {
		s.endScan()
	}
	s.lease.Release()
}

// commit commits the session's transaction.
func (s *session) commit() error {
	if s.tx == nil {
		return nil
	}
	err := s.tx.Commit()
	s.tx = nil
	if err != nil {
		return s.t.opError("", err)
	}
	s.rec.Committed()
	return nil
}

// OperationError is a failed database operation as the log tells it: the
// tenant, the operation, the statement it ran and the driver's classified
// error. It reaches the log as the cause of the SCIM error, never the wire.
type OperationError struct {
	Tenant    string
	Operation OpName // "" when opening the connection failed
	// Statement names what ran: the procedure, "SQL statement", or
	// "connection" when none ran yet.
	Statement string
	Err       *db.Error
}

func (e *OperationError) Error() string {
	op := string(e.Operation)
	if op == "" {
		op = "(connecting)"
	}
	return fmt.Sprintf("tenant %s, operation %s, %s: %v", e.Tenant, op, e.Statement, e.Err)
}

// Unwrap returns the classified database error.
func (e *OperationError) Unwrap() error { return e.Err }

// LogFields are the log fields of the failure.
func (e *OperationError) LogFields() []zap.Field {
	return []zap.Field{zap.String("operation", string(e.Operation)), zap.String("statement", e.Statement),
		zap.String("db_class", e.Err.Class.String()), zap.String("db_code", e.Err.Code)}
}

// statementName names what operation name runs, for the log.
func (t *Tenant) statementName(name OpName) string {
	st, ok := t.stmts[name]
	switch {
	case name == "" || !ok:
		return "connection"
	case st.proc != "":
		return "procedure " + st.proc
	}
	return "SQL statement"
}

// opError turns a database error into a SCIM error that says which
// operation failed and what to do; the driver's message stays in the log.
func (t *Tenant) opError(name OpName, err error) error {
	var se *scim.Error
	if errors.As(err, &se) {
		return err
	}
	if errors.Is(err, context.Canceled) {
		return &scim.Error{Status: 499, Detail: "The request was cancelled.", Cause: err}
	}
	var de *db.Error
	if !errors.As(err, &de) { // the pool classifies the errors of opening one
		de = t.dialect.Classify(err)
	}
	if de == nil {
		de = &db.Error{Class: db.Other, Err: err}
	}
	if t.observer != nil {
		t.observer.OperationFailed(t.cfg.Name, name, de.Class)
	}
	err = &OperationError{Tenant: t.cfg.Name, Operation: name, Statement: t.statementName(name), Err: de}
	what := "the database"
	if name != "" {
		what = "operation " + string(name)
	}
	object := ""
	if de.Object != "" {
		object = " (" + de.Object + ")"
	}
	switch de.Class {
	case db.Conflict:
		return &scim.Error{Status: http.StatusConflict, Type: scim.Uniqueness, Detail: fmt.Sprintf("%s: the database already holds this value%s; a user or assignment with the same key exists", what, object), Cause: err}
	case db.Invalid:
		return &scim.Error{Status: http.StatusBadRequest, Type: scim.InvalidValue, Detail: fmt.Sprintf("%s: the database refused a value%s: %s", what, object, t.refusal(de)), Cause: err}
	case db.MissingObject:
		// The configuration's mistake, not the client's: a 500 whose
		// detail stays the same whatever the driver said (the log has it).
		return &scim.Error{Status: http.StatusInternalServerError, Detail: fmt.Sprintf("The configuration of tenant %s cannot run %s: a procedure, table or column it names does not exist in the database, or takes a different number of parameters. An administrator must correct it (sqlscim check names the failing statement; the sqlscim log has the database's message).", t.cfg.Name, what), Cause: err}
	case db.BadStatement:
		return &scim.Error{Status: http.StatusInternalServerError, Detail: fmt.Sprintf("The configuration of tenant %s cannot run %s: the database cannot parse the configured statement. An administrator must correct it (sqlscim check names it; the sqlscim log has the database's message).", t.cfg.Name, what), Cause: err}
	case db.Unavailable:
		return &scim.Error{Status: http.StatusServiceUnavailable, Detail: fmt.Sprintf("The database of tenant %s is unavailable; retry later.", t.cfg.Name), RetryAfter: 5, Cause: err}
	case db.Auth:
		return &scim.Error{Status: http.StatusBadGateway, Detail: fmt.Sprintf("The database of tenant %s refused the configured user, password or database name; correct the connection settings.", t.cfg.Name), Cause: err}
	case db.Denied:
		return &scim.Error{Status: http.StatusBadGateway, Detail: fmt.Sprintf("%s: the database account of tenant %s lacks a permission%s; grant it (docs/security.md lists what the connector's account needs).", what, t.cfg.Name, object), Cause: err}
	case db.Settings:
		return &scim.Error{Status: http.StatusBadGateway, Detail: fmt.Sprintf("The connection settings of tenant %s cannot be used%s (the sqlscim log says why); correct them.", t.cfg.Name, object), Cause: err}
	}
	return scim.Internal(fmt.Errorf("%s: %w", what, err))
}

// refusal says what a client may learn of a refused value: the message a
// procedure raised on purpose, or which attribute feeds the column the
// database named; never the driver's own text, which can quote values.
func (t *Tenant) refusal(e *db.Error) string {
	if e.Message != "" {
		return e.Message
	}
	if e.Object == "" {
		return "check the values sent"
	}
	t.mu.Lock()
	m := t.mapping
	t.mu.Unlock()
	if m != nil {
		name := e.Object
		if i := strings.LastIndexByte(name, '.'); i >= 0 { // TABLE.COLUMN
			name = name[i+1:]
		}
		if col, ok := m.column(name); ok {
			from := m.extURN + ":" + col.name
			tg, mapped := m.targets[col.key]
			if mapped {
				from = tg.String() + " (or " + from + ")"
			}
			msg := "column " + col.name + " refused the value written for " + from + ": it is missing, too long or of the wrong type"
			if mapped && tg.attr == "active" && tg.urn == "" && col.kind == kindString {
				msg += "; the column holds text: the tenant's mapping can say how it spells true and false, as in " + col.name + ": active(Y/N)"
			}
			return msg
		}
	}
	return "check the value of " + e.Object
}
