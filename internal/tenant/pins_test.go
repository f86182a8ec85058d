package tenant

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sqlscim/sqlscim/internal/provision"
)

// Learn mode records each configuration an app sends; enforce mode then
// serves those and refuses any other with what changed, keeps it pending,
// and serves it once an admin approves it, without a restart.
func TestPinningLearnsEnforcesAndApproves(t *testing.T) {
	path := filepath.Join(t.TempDir(), "header-pins.json")
	learn, err := OpenPins(path, PinningLearn)
	if err != nil {
		t.Fatal(err)
	}
	r := testRegistry(t, Options{Pins: learn})
	original := labHeaderDoc()
	if _, err := r.Tenant(context.Background(), "app", testHeader(t, original)); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("pins file: %v, mode %v", err, st)
	}

	enforce, err := OpenPins(path, PinningEnforce)
	if err != nil {
		t.Fatal(err)
	}
	r = testRegistry(t, Options{Pins: enforce})
	if _, err := r.Tenant(context.Background(), "app", testHeader(t, original)); err != nil {
		t.Fatalf("the learned configuration: %v", err)
	}
	changed := labHeaderDoc()
	changed["operations"].(map[string]any)["get_user_by_id"] = map[string]any{"type": "sql", "statement": "SELECT * FROM USERS WHERE USER_ID = ? OR 1=1", "parameters": []any{"USER_ID"}}
	_, err = r.Tenant(context.Background(), "app", testHeader(t, changed))
	se := scimError(t, err)
	if se.Status != 403 || !strings.Contains(se.Detail, "operation get_user_by_id changed") || !strings.Contains(se.Detail, "sqlscim pins approve app ") {
		t.Fatalf("a changed statement: %d %q", se.Status, se.Detail)
	}
	plain := labHeaderDoc()
	plain["password_sync"] = map[string]any{"column": "PASSWORD_HASH", "hash": "plain", "allow_plain": true}
	_, err = r.Tenant(context.Background(), "app", testHeader(t, plain))
	if se := scimError(t, err); se.Status != 403 || !strings.Contains(se.Detail, "password_sync changed") {
		t.Errorf("passwords sent elsewhere, unhashed: %d %q", se.Status, se.Detail)
	}
	moved := labHeaderDoc()
	moved["database"].(map[string]any)["host"] = "db2.example"
	_, err = r.Tenant(context.Background(), "app", testHeader(t, moved))
	if se := scimError(t, err); se.Status != 403 || !strings.Contains(se.Detail, "the database changed") {
		t.Errorf("another database: %d %q", se.Status, se.Detail)
	}
	_, err = r.Tenant(context.Background(), "other", testHeader(t, original))
	if se := scimError(t, err); se.Status != 403 || !strings.Contains(se.Detail, "the app has no approved configuration") {
		t.Errorf("another app: %d %q", se.Status, se.Detail)
	}

	f, err := ReadPinFile(path)
	if err != nil || len(f.Apps["app"].Pending) != 3 || len(f.Apps["app"].Approved) != 1 {
		t.Fatalf("pins file: %+v %v", f.Apps["app"], err)
	}
	id := NewPinSet(mustDecodeHeader(t, changed), enforce.now()).ID
	approved, err := Approve(path, "app", id)
	if err != nil || len(approved) != 1 || approved[0].ID != id {
		t.Fatalf("approve: %v %v", approved, err)
	}
	if _, err := r.Tenant(context.Background(), "app", testHeader(t, changed)); err != nil {
		t.Errorf("after its approval: %v", err)
	}
	if _, err := Approve(path, "app", "nothing"); err == nil {
		t.Error("approved a set that is not pending")
	}
}

// A token holder chooses app names and configurations: the pending sets
// an app keeps are bounded.
func TestPinningKeepsFewPendingSets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "header-pins.json")
	p, _ := OpenPins(path, PinningEnforce)
	r := testRegistry(t, Options{Pins: p})
	for i := 0; i < 3*maxPendingPerApp; i++ {
		doc := labHeaderDoc()
		doc["operations"].(map[string]any)["get_users"] = map[string]any{"type": "sql", "statement": "SELECT * FROM USERS WHERE " + strings.Repeat("1=1 AND ", i) + "1=1", "user_id_column": "USER_ID"}
		var pr *PinRefusal
		if _, err := r.Tenant(context.Background(), "app", testHeader(t, doc)); !errors.As(scimError(t, err).Cause, &pr) && scimError(t, err).Status != 403 {
			t.Fatalf("set %d: %v", i, err)
		}
	}
	f, _ := ReadPinFile(path)
	if n := len(f.Apps["app"].Pending); n != maxPendingPerApp {
		t.Errorf("%d pending sets kept", n)
	}
}

func mustDecodeHeader(t *testing.T, doc map[string]any) *provision.Config {
	t.Helper()
	cfg, _, err := decodeHeader("app", testHeader(t, doc), false)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}
