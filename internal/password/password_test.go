package password

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// The examples of the SHA-512-crypt specification, and one hash glibc's
// crypt(3) made (through MariaDB's ENCRYPT()).
func TestSHA512CryptSpecificationVectors(t *testing.T) {
	for _, v := range []struct {
		pw, salt string
		rounds   int
		want     string // salt$hash
	}{
		{"Hello world!", "saltstring", 5000, "saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1"},
		{"Hello world!", "saltstringsaltstring", 10000, "saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v."},
		{"This is just a test", "toolongsaltstring", 5000, "toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxGoNeKQzQ3glMhwllF7oGDZxUhx1yxdYcz/e1JSbq3y6JMxxl8audkUEm0"},
		{"a very much longer text to encrypt.  This one even stretches over morethan one line.", "roundstoolow", 1400, "roundstoolow$cB9a0WTqtS3wZwD03le/wt7wh7WoPQdTLCHelexCxqDdwml00xqsqSz1Xd7jzHyp4JUEF8FUMBWocWoP1Zsym/"},
	} {
		got := sha512Crypt(v.pw, v.salt, v.rounds)
		want := fmt.Sprintf("$6$rounds=%d$%s", v.rounds, v.want)
		if got != want {
			t.Errorf("sha512Crypt(%q, %q, %d)\n got %s\nwant %s", v.pw, v.salt, v.rounds, got, want)
		}
	}
}

// checkArgon2id recomputes an Argon2id PHC string with the library.
func checkArgon2id(t *testing.T, hash, pw string) {
	t.Helper()
	var m, it uint32
	var p uint8
	var v int
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		t.Fatalf("not an argon2id PHC string: %s", hash)
	}
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		t.Fatalf("version %q", parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &it, &p); err != nil {
		t.Fatalf("parameters %q: %v", parts[3], err)
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	key, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		t.Fatalf("salt or key: %v %v", err1, err2)
	}
	if !bytes.Equal(argon2.IDKey([]byte(pw), salt, it, m, p, uint32(len(key))), key) {
		t.Errorf("argon2id hash %s does not match the password", hash)
	}
}

func TestHashEachScheme(t *testing.T) {
	const pw = "Corr3ct-Horse"
	for _, p := range []Policy{{}, {Scheme: Bcrypt, BcryptCost: 4}, {Scheme: Argon2id}, {Scheme: SHA512Crypt}, {Scheme: Plain}} {
		h1, err := p.Hash(pw)
		if err != nil {
			t.Fatalf("%+v: %v", p, err)
		}
		h2, _ := p.Hash(pw)
		switch p.scheme() {
		case Bcrypt:
			if err := bcrypt.CompareHashAndPassword([]byte(h1), []byte(pw)); err != nil {
				t.Errorf("bcrypt: %v", err)
			}
			want := p.BcryptCost
			if want == 0 {
				want = DefaultBcryptCost
			}
			if cost, _ := bcrypt.Cost([]byte(h1)); cost != want {
				t.Errorf("bcrypt cost %d, want %d", cost, want)
			}
		case Argon2id:
			checkArgon2id(t, h1, pw)
		case SHA512Crypt:
			salt := strings.Split(h1, "$")[3]
			if h1 != sha512Crypt(pw, salt, SHA512CryptRounds) || !strings.HasPrefix(h1, "$6$rounds=100000$") {
				t.Errorf("sha512-crypt: %s", h1)
			}
		case Plain:
			if h1 != pw {
				t.Errorf("plain: %s", h1)
			}
			continue
		}
		if h1 == h2 {
			t.Errorf("%s: two hashes of one password are equal; the salt is not random", p.scheme())
		}
	}
}

func TestBcryptRefusesLongPasswords(t *testing.T) {
	_, err := Policy{BcryptCost: 4}.Hash(strings.Repeat("x", 73))
	if err != ErrTooLong {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "xxx") {
		t.Error("the error quotes the password")
	}
}

func TestPolicyBadValues(t *testing.T) {
	for _, c := range []struct {
		p    Policy
		want string
	}{
		{Policy{Scheme: "md5"}, `"md5" is not a hash scheme; use bcrypt, argon2id, sha512-crypt, plain`},
		{Policy{Scheme: "BCRYPT"}, `"BCRYPT" is not a hash scheme; use bcrypt, argon2id, sha512-crypt, plain`},
		{Policy{BcryptCost: 3}, "bcrypt_cost 3 is outside 4-31 (the default is 12)"},
		{Policy{BcryptCost: 32}, "bcrypt_cost 32 is outside 4-31 (the default is 12)"},
		{Policy{Scheme: Argon2id, BcryptCost: 10}, "bcrypt_cost applies to hash: bcrypt only, not argon2id"},
	} {
		err := c.p.Validate()
		if err == nil || err.Error() != c.want {
			t.Errorf("%+v: %v, want %s", c.p, err, c.want)
		}
	}
	for _, p := range []Policy{{}, {Scheme: Bcrypt, BcryptCost: 31}, {Scheme: SHA512Crypt}, {Scheme: Plain}} {
		if err := p.Validate(); err != nil {
			t.Errorf("%+v: %v", p, err)
		}
	}
}
