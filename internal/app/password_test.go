package app

import (
	"bytes"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/testsupport/dbtest"
)

// checkArgon2id recomputes an Argon2id PHC string with the library.
func checkArgon2id(t *testing.T, hash, pw string) bool {
	t.Helper()
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		t.Errorf("not an argon2id PHC string: %q", hash)
		return false
	}
	var m, it uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &it, &p); err != nil {
		t.Errorf("argon2id parameters %q: %v", parts[3], err)
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	key, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		t.Errorf("argon2id salt or key: %v %v", err1, err2)
		return false
	}
	return bytes.Equal(argon2.IDKey([]byte(pw), salt, it, m, p, uint32(len(key))), key)
}

// TestPasswordSync: a password sent in POST (Entra), PATCH (Okta's "Sync
// User Password") or PUT reaches the database hashed as the tenant says,
// each hash checked with the library that reads it (SHA-512-crypt with
// glibc's crypt(3), through MariaDB's ENCRYPT()); a write without a
// password keeps the hash; a tenant that cannot store passwords refuses
// one with a 400 that says how to enable it. No password or hash reaches
// a response, the log or the audit trail.
func TestPasswordSync(t *testing.T) {
	glibc := dbtest.MySQL(t)
	check := func(t *testing.T, scheme, stored, pw string) {
		t.Helper()
		ok := false
		switch scheme {
		case "bcrypt":
			ok = bcrypt.CompareHashAndPassword([]byte(stored), []byte(pw)) == nil
		case "argon2id":
			ok = checkArgon2id(t, stored, pw)
		case "sha512-crypt":
			var again string
			if err := glibc.DB.QueryRow("SELECT ENCRYPT(?, ?)", pw, stored).Scan(&again); err != nil {
				t.Fatal(err)
			}
			ok = strings.HasPrefix(stored, "$6$rounds=") && again == stored
		case "plain":
			ok = stored == pw
		}
		if !ok {
			t.Errorf("%s: the stored value %q does not match the password", scheme, stored)
		}
	}
	setPasswordSQL := map[string]any{"type": "sql", "statement": "UPDATE USERS SET PASSWORD_HASH = ? WHERE USER_ID = ?", "parameters": []any{"password", "USER_ID"}}
	setPasswordProc := map[string]any{"type": "stored_procedure", "statement": "CALL SET_PASSWORD(?, ?)", "parameters": []any{"USER_ID", "password"}}
	procedure := map[string]string{
		"mysql":      "CREATE PROCEDURE SET_PASSWORD(IN p_user_id VARCHAR(100) CHARSET utf8mb4, IN p_hash VARCHAR(255) CHARSET utf8mb4) UPDATE USERS SET PASSWORD_HASH = p_hash WHERE USER_ID = p_user_id",
		"postgresql": "CREATE PROCEDURE SET_PASSWORD(p_user_id VARCHAR, p_hash VARCHAR) LANGUAGE sql AS $$ UPDATE USERS SET PASSWORD_HASH = p_hash WHERE USER_ID = p_user_id $$",
	}
	cases := []struct {
		name, scheme string
		sync         map[string]any
		setPassword  map[string]any
	}{
		{"bcrypt column, default cost", "bcrypt", map[string]any{"column": "PASSWORD_HASH"}, nil},
		{"argon2id column", "argon2id", map[string]any{"column": "PASSWORD_HASH", "hash": "argon2id"}, nil},
		{"sha512-crypt column", "sha512-crypt", map[string]any{"column": "PASSWORD_HASH", "hash": "sha512-crypt"}, nil},
		{"plain column", "plain", map[string]any{"column": "PASSWORD_HASH", "hash": "plain", "allow_plain": true}, nil},
		{"set_password statement, bcrypt", "bcrypt", map[string]any{"hash": "bcrypt", "bcrypt_cost": 5}, setPasswordSQL},
		{"set_password procedure, argon2id", "argon2id", map[string]any{"hash": "argon2id"}, setPasswordProc},
	}
	for _, dialect := range []string{"mysql", "postgresql"} {
		t.Run(dialect, func(t *testing.T) {
			l := newContractLab(t, dialect, dialect+"-sql.yaml")
			if _, err := l.d.DB.Exec(procedure[dialect]); err != nil {
				t.Fatal(err)
			}
			// secrets never reach a response, the log or the audit trail;
			// hidden (the hashes of set_password) reach neither the log nor
			// the audit trail. Whether a response may show a column
			// set_password writes is the secret-columns setting's business.
			var secrets, hidden []string
			viaColumn := true
			stored := func(id string) string {
				var h *string
				if err := l.d.DB.QueryRow(l.q("SELECT PASSWORD_HASH FROM USERS WHERE USER_ID = ?"), id).Scan(&h); err != nil {
					t.Fatal(err)
				}
				if h == nil {
					return ""
				}
				if viaColumn {
					secrets = append(secrets, *h)
				} else {
					hidden = append(hidden, *h)
				}
				return *h
			}
			send := func(method, path string, body []byte, want int) string {
				t.Helper()
				status, doc := l.a.do(method, path, body)
				raw, _ := json.Marshal(doc)
				if status != want {
					t.Fatalf("%s %s: %d %s", method, path, status, raw)
				}
				return string(raw)
			}
			var bodies []string
			for i, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					viaColumn = c.setPassword == nil
					l.use(func(doc map[string]any) {
						doc["password_sync"] = c.sync
						if c.setPassword != nil {
							operations(doc)["set_password"] = c.setPassword
						}
					})
					id := fmt.Sprintf("pw%d@example.com", i)
					pw := []string{fmt.Sprintf("Post-%d-Secret!", i), fmt.Sprintf("Patch-%d-Secret!", i), fmt.Sprintf("Put-%d-Secret!", i)}
					secrets = append(secrets, pw...)

					bodies = append(bodies, send("POST", "/Users", labUser(id, map[string]any{"password": pw[0]}), 201))
					check(t, c.scheme, stored(id), pw[0])
					bodies = append(bodies, send("PATCH", "/Users/"+id, patchOps(map[string]any{"op": "replace", "path": "password", "value": pw[1]}), 200))
					check(t, c.scheme, stored(id), pw[1])
					bodies = append(bodies, send("PUT", "/Users/"+id, labUser(id, map[string]any{"password": pw[2], "title": "Put"}), 200))
					check(t, c.scheme, stored(id), pw[2])
					before := stored(id)
					bodies = append(bodies, send("PATCH", "/Users/"+id, patchOps(map[string]any{"op": "replace", "path": "title", "value": "No password"}), 200))
					bodies = append(bodies, send("PUT", "/Users/"+id, labUser(id, map[string]any{"title": "Still none"}), 200))
					if after := stored(id); after != before {
						t.Errorf("a write without a password changed the stored hash")
					}
					if c.setPassword == nil {
						// The hash column cannot be written past the policy.
						const ext = "urn:sqlscim:schemas:extension:database:2.0:User"
						status, doc := l.a.do("PATCH", "/Users/"+id, patchOps(map[string]any{"op": "replace", "path": ext + ":PASSWORD_HASH", "value": "Unhashed-Secret!"}))
						if status != 400 || doc["scimType"] != "mutability" {
							t.Errorf("PATCH of the hash column: %d %v", status, doc)
						}
						status, doc = l.a.do("POST", "/Users", labUser("hash-"+id, map[string]any{ext: map[string]any{"PASSWORD_HASH": "Unhashed-Secret!"}}))
						if status != 400 || doc["scimType"] != "mutability" {
							t.Errorf("POST with the hash column: %d %v", status, doc)
						}
						if stored(id) != before {
							t.Error("a refused write changed the stored hash")
						}
					}
					if c.scheme == "bcrypt" && c.setPassword == nil {
						if cost, _ := bcrypt.Cost([]byte(before)); cost != 12 {
							t.Errorf("bcrypt cost %d, want the default 12", cost)
						}
					}
				})
			}

			t.Run("no password policy", func(t *testing.T) {
				l.use(nil)
				viaColumn = true
				const pw = "Refused-Secret!"
				secrets = append(secrets, pw)
				for _, r := range []struct {
					method, path string
					body         []byte
				}{
					{"POST", "/Users", labUser("nopw@example.com", map[string]any{"password": pw})},
					{"PATCH", "/Users/pw0@example.com", patchOps(map[string]any{"op": "replace", "path": "password", "value": pw})},
					{"PUT", "/Users/pw0@example.com", labUser("pw0@example.com", map[string]any{"password": pw})},
				} {
					body := send(r.method, r.path, r.body, 400)
					bodies = append(bodies, body)
					if !strings.Contains(body, "set_password") || !strings.Contains(body, "password_sync.column") {
						t.Errorf("%s %s: the 400 does not say how to enable password sync: %s", r.method, r.path, body)
					}
				}
				send("GET", "/Users/nopw@example.com", nil, 404)
				if stored("pw0@example.com") == "" {
					t.Error("the refused writes cleared the stored hash")
				}
			})

			data, _ := os.ReadFile(filepath.Join(l.dataDir, "audit.log"))
			if !strings.Contains(strings.ToUpper(string(data)), `{"ATTRIBUTE":"PASSWORD","COLUMN":"PASSWORD_HASH","SECRET":TRUE}`) ||
				!strings.Contains(string(data), `"set_password"`) {
				t.Errorf("the audit trail does not record that passwords were set:\n%s", data)
			}
			for where, text := range map[string]string{"a response": strings.Join(bodies, "\n"), "the log": l.in.out.String(), "the audit trail": string(data)} {
				for _, s := range secrets {
					if strings.Contains(text, s) {
						t.Errorf("%s holds the password or hash %q", where, s)
					}
				}
				for _, s := range hidden {
					if where != "a response" && strings.Contains(text, s) {
						t.Errorf("%s holds the hash %q", where, s)
					}
				}
			}
			if !strings.Contains(l.in.out.String(), "plain text") {
				t.Error("no warning for a tenant that stores passwords in plain text")
			}
		})
	}
}

// TestDemoStoresPasswordsAsBcrypt: the demo's PASSWORD_HASH column holds a
// bcrypt hash of the password a client sets, and GET never shows it.
func TestDemoStoresPasswordsAsBcrypt(t *testing.T) {
	in, dataDir, token, cert := standalone(t)
	a := &agent{t: t, c: client(cert, 0, 0), base: in.url(""), token: token}
	const pw = "Demo-Pa55word!"
	status, doc := a.do("PATCH", "/Users/yoda@galaxy.local", patchOps(map[string]any{"op": "replace", "path": "password", "value": pw}))
	raw, _ := json.Marshal(doc)
	if status != 200 || strings.Contains(string(raw), "PASSWORD_HASH") || strings.Contains(string(raw), pw) {
		t.Fatalf("PATCH password: %d %s", status, raw)
	}
	d, err := db.Lookup("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	dsn, _ := d.DSN(db.Conn{Type: "sqlite", Database: filepath.Join(dataDir, "demo.db")})
	handle, err := sql.Open(d.Info().DriverName, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer handle.Close()
	var hash string
	if err := handle.QueryRow("SELECT PASSWORD_HASH FROM USERS WHERE USER_ID = 'yoda@galaxy.local'").Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)); err != nil {
		t.Errorf("PASSWORD_HASH %q: %v", hash, err)
	}
	if status, doc := a.do("GET", "/Users/yoda@galaxy.local", nil); status != 200 || strings.Contains(fmt.Sprint(doc), hash) {
		t.Errorf("GET shows the hash: %d %v", status, doc)
	}
}
