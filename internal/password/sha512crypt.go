package password

import (
	"crypto/rand"
	"crypto/sha512"
	"strconv"
	"strings"
)

// SHA-512-crypt ("$6$") as Ulrich Drepper's specification "Unix crypt using
// SHA-256 and SHA-512" defines it: the scheme glibc's crypt(3) reads, so
// PAM, /etc/shadow-style checks and MariaDB's ENCRYPT() accept its hashes.
// golang.org/x/crypto has no implementation of it.

// cryptAlphabet is crypt's base-64 alphabet.
const cryptAlphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// cryptSalt returns n random characters of the crypt alphabet.
func cryptSalt(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	for i := range b {
		b[i] = cryptAlphabet[int(b[i])%len(cryptAlphabet)]
	}
	return string(b), nil
}

// repeated returns n bytes of src repeated.
func repeated(src []byte, n int) []byte {
	out := make([]byte, 0, n)
	for len(out)+len(src) <= n {
		out = append(out, src...)
	}
	return append(out, src[:n-len(out)]...)
}

// sha512Crypt hashes pw with salt (at most 16 bytes are used) in rounds
// rounds and returns the "$6$rounds=R$salt$hash" string. rounds is
// always written, so the hash records its cost.
func sha512Crypt(pw, salt string, rounds int) string {
	if len(salt) > 16 {
		salt = salt[:16]
	}
	p, s := []byte(pw), []byte(salt)

	// Digest B: password, salt, password.
	hb := sha512.New()
	hb.Write(p)
	hb.Write(s)
	hb.Write(p)
	b := hb.Sum(nil)

	// Digest A: password, salt, as many bytes of B as the password has,
	// then B or the password for each bit of the password's length.
	ha := sha512.New()
	ha.Write(p)
	ha.Write(s)
	ha.Write(repeated(b, len(p)))
	for n := len(p); n > 0; n >>= 1 {
		if n&1 != 0 {
			ha.Write(b)
		} else {
			ha.Write(p)
		}
	}
	a := ha.Sum(nil)

	// Sequence P: the digest of the password repeated once per byte.
	hp := sha512.New()
	for range p {
		hp.Write(p)
	}
	pSeq := repeated(hp.Sum(nil), len(p))

	// Sequence S: the digest of the salt repeated 16 + A[0] times.
	hs := sha512.New()
	for i := 0; i < 16+int(a[0]); i++ {
		hs.Write(s)
	}
	sSeq := repeated(hs.Sum(nil), len(s))

	c := a
	h := sha512.New()
	for i := 0; i < rounds; i++ {
		h.Reset()
		if i%2 != 0 {
			h.Write(pSeq)
		} else {
			h.Write(c)
		}
		if i%3 != 0 {
			h.Write(sSeq)
		}
		if i%7 != 0 {
			h.Write(pSeq)
		}
		if i%2 != 0 {
			h.Write(c)
		} else {
			h.Write(pSeq)
		}
		c = h.Sum(c[:0]) // the writes above copied c already
	}

	var out strings.Builder
	out.WriteString("$6$rounds=" + strconv.Itoa(rounds) + "$" + salt + "$")
	encode := func(b2, b1, b0 byte, n int) {
		w := uint(b2)<<16 | uint(b1)<<8 | uint(b0)
		for ; n > 0; n-- {
			out.WriteByte(cryptAlphabet[w&0x3f])
			w >>= 6
		}
	}
	// The specification's byte order: triples (i, i+21, i+42) rotated.
	for i := 0; i < 21; i++ {
		x, y, z := i, i+21, i+42
		switch i % 3 {
		case 1:
			x, y, z = i+21, i+42, i
		case 2:
			x, y, z = i+42, i, i+21
		}
		encode(c[x], c[y], c[z], 4)
	}
	encode(0, 0, c[63], 2)
	return out.String()
}
