package audit

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// A nil recorder (a request that is not audited) ignores everything.
func TestNilRecorderIsANoOp(t *testing.T) {
	r := From(context.Background())
	if r != nil {
		t.Fatal("a context without a recorder has one")
	}
	r.Operation("create_user", nil)
	r.User("a", "b")
	r.Change("title", "TITLE", "x", false)
	r.Entitlement(true, "1")
	r.Committed()
	r.Secret("secret-value")
	r.SecretsOf("", map[string]any{"password": "x"})
	r.Refused(400, "invalidValue", "no")
}

func finish(r *Recorder, status int) *Event {
	return r.Finish(Request{Start: time.Date(2024, 5, 1, 12, 0, 0, 0, time.FixedZone("CEST", 7200)), ID: "req", Tenant: "t",
		Client: "10.0.0.1", Method: "PATCH", Path: "/Users/u1", Kind: Write, Status: status, Duration: 1500 * time.Microsecond})
}

func TestFinishBuildsTheEvent(t *testing.T) {
	r := NewRecorder(false)
	r.User("u1", "")
	r.User("", "ada")
	r.Operation("update_user", nil)
	r.Operation("add_entitlement_to_user", nil)
	r.Change("title", "TITLE", "Countess", false)
	r.Entitlement(true, "3")
	r.Committed()
	ev := finish(r, 200)
	want := `{"seq":0,"time":"2024-05-01T10:00:00Z","request_id":"req","tenant":"t","client":"10.0.0.1","kind":"write","method":"PATCH","path":"/Users/u1",` +
		`"operations":["update_user","add_entitlement_to_user"],"user_id":"u1","user_name":"ada","changes":[{"attribute":"title","column":"TITLE"}],` +
		`"entitlements_added":["3"],"committed":true,"outcome":"success","status":200,"duration_ms":1.5}`
	if got, _ := json.Marshal(ev); string(got) != want {
		t.Errorf("event\n got %s\nwant %s", got, want)
	}
}

func TestFailureKeepsTheErrorTheClientGot(t *testing.T) {
	r := NewRecorder(false)
	r.Operation("create_user", nil)
	r.Operation("add_entitlement_to_user", errors.New("boom"))
	r.Refused(409, "uniqueness", "already there")
	ev := finish(r, 409)
	if ev.Outcome != Failure || ev.FailedOperation != "add_entitlement_to_user" || ev.ErrorType != "uniqueness" || ev.Detail != "already there" || ev.Committed {
		t.Errorf("event: %+v", ev)
	}
	// An error that was not the answer (a panic replaced it) is not kept.
	r = NewRecorder(false)
	r.Refused(400, "invalidValue", "no")
	if ev := finish(r, 500); ev.ErrorType != "" || ev.Detail != "" || ev.Outcome != Failure {
		t.Errorf("event: %+v", ev)
	}
}

func TestValuesOnlyWhenAskedAndNeverSecrets(t *testing.T) {
	names := NewRecorder(false)
	names.Change("title", "TITLE", "Countess", false)
	if ev := finish(names, 200); ev.Changes[0].Value != nil {
		t.Errorf("a value without audit.values: %s", ev.Changes[0].Value)
	}
	values := NewRecorder(true)
	values.Change("title", "TITLE", "Countess", false)
	values.Change("", "PASSWORD_HASH", "hunter2-hash", false)
	values.Change("password", "PW", "hunter2-pass", false)
	values.Change("nickName", "NICK", "uses hunter2-pass as nick", false)
	values.Change("", "PIN", int64(987654), true)
	values.Change("", "EMPLOYEENUMBER", int64(19876543), false)
	ev := finish(values, 200)
	got, _ := json.Marshal(ev.Changes)
	want := `[{"attribute":"title","column":"TITLE","value":"Countess"},{"column":"PASSWORD_HASH","secret":true},{"attribute":"password","column":"PW","secret":true},` +
		`{"attribute":"nickName","column":"NICK","value":"uses *** as nick"},{"column":"PIN","secret":true},{"column":"EMPLOYEENUMBER","value":"***"}]`
	if string(got) != want {
		t.Errorf("changes\n got %s\nwant %s", got, want)
	}
}

// A secret is scrubbed wherever the request could carry it into the event.
func TestSecretsAreScrubbedEverywhere(t *testing.T) {
	const secret = "S3cr3t-Pa55"
	r := NewRecorder(true)
	r.SecretsOf("", map[string]any{"userName": "ada", "password": secret,
		"urn:x:db": map[string]any{"PASSWORD_HASH": "hash-" + secret}, "emails": []any{map[string]any{"value": "a@b"}}})
	r.SecretsOf("password", json.Number("12345678"))
	r.User(secret, "name "+secret)
	r.Refused(400, "invalidValue", "password must be a string, not the number 12345678; also "+secret)
	r.Entitlement(true, secret)
	ev := r.Finish(Request{Path: "/Users/" + secret, Status: 400})
	line, err := MarshalLine(ev)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{secret, "12345678", "hash-"} {
		if strings.Contains(string(line), s) {
			t.Errorf("%q appears in %s", s, line)
		}
	}
	if !strings.Contains(string(line), `"user_name":"name ***"`) {
		t.Errorf("the user name is not scrubbed in place: %s", line)
	}
	// Values under secret keys only: an ordinary value is no secret.
	r = NewRecorder(false)
	r.SecretsOf("", map[string]any{"title": "Countess"})
	r.Refused(400, "", "title Countess")
	if ev := r.Finish(Request{Status: 400}); ev.Detail != "title Countess" {
		t.Errorf("detail %q", ev.Detail)
	}
}

func TestSecretNames(t *testing.T) {
	for name, want := range map[string]bool{
		"password": true, "PASSWORD_HASH": true, "userPassword": true, "api_token": true, "PWD": true,
		"client_secret": true, "credentials": true, "userName": false, "title": false, "EMAIL": false, "": false,
	} {
		if IsSecretName(name) != want {
			t.Errorf("IsSecretName(%q) = %v", name, !want)
		}
	}
}
