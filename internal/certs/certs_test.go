package certs

import (
	"net"
	"regexp"
	"testing"
	"time"
)

func TestNewTokenIsThirtyTwoLowerHex(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 20; i++ {
		tok, err := NewToken()
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(tok) {
			t.Fatalf("token %q is not 32 lower-case hex characters", tok)
		}
		if seen[tok] {
			t.Fatalf("token %q repeated", tok)
		}
		seen[tok] = true
	}
}

func TestGenerateHasOPSSubjectAndSANs(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c, err := Generate(Subject{Hostname: "scim.example.internal", CustomerID: "acme", PrimaryIPv4: net.IPv4(10, 1, 2, 3)},
		Options{KeyBits: 2048, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Cert.Subject.String(), "CN=scim.example.internal,OU=OktaOnPremScimServer,O=Okta,L=San Francisco,ST=CA,C=US"; got != want {
		t.Errorf("subject = %q, want %q", got, want)
	}
	if got := c.Cert.DNSNames; len(got) != 3 || got[0] != "localhost" || got[1] != "scim.example.internal" || got[2] != "acme.okta.com" {
		t.Errorf("DNS names = %v", got)
	}
	if got := c.Cert.IPAddresses; len(got) != 2 || !got[0].Equal(net.IPv4(127, 0, 0, 1)) || !got[1].Equal(net.IPv4(10, 1, 2, 3)) {
		t.Errorf("IP addresses = %v", got)
	}
	if got := c.Cert.NotAfter.Sub(c.Cert.NotBefore); got != DefaultValidity {
		t.Errorf("validity = %v, want %v", got, DefaultValidity)
	}
	if err := c.Cert.CheckSignatureFrom(c.Cert); err != nil {
		t.Errorf("not self-signed: %v", err)
	}
}

func TestPKCS12RoundTripKeepsAliasAndRefusesWrongPassword(t *testing.T) {
	c, err := Generate(Subject{Hostname: "h"}, Options{KeyBits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	for _, password := range []string{"0123456789abcdef", "pässwörd with spaces", ""} {
		p12, err := c.PKCS12(password)
		if err != nil {
			t.Fatal(err)
		}
		back, err := LoadPKCS12(p12, password)
		if err != nil {
			t.Fatalf("password %q: %v", password, err)
		}
		if !back.Key.Equal(c.Key) || !back.Cert.Equal(c.Cert) {
			t.Fatalf("password %q: the keystore did not give back the same pair", password)
		}
		alias, err := PKCS12Alias(p12)
		if err != nil {
			t.Fatal(err)
		}
		if alias != KeyAlias {
			t.Errorf("alias = %q, want %q", alias, KeyAlias)
		}
		if _, err := LoadPKCS12(p12, password+"x"); err != ErrWrongPassword {
			t.Errorf("wrong password: err = %v, want ErrWrongPassword", err)
		}
	}
}

func TestPEMRoundTrip(t *testing.T) {
	c, err := Generate(Subject{Hostname: "h"}, Options{KeyBits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, err := c.KeyPEM()
	if err != nil {
		t.Fatal(err)
	}
	back, err := LoadPEM(c.CertPEM(), keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	if !back.Key.Equal(c.Key) {
		t.Fatal("key changed")
	}
	other, err := Generate(Subject{Hostname: "h"}, Options{KeyBits: 1024})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadPEM(other.CertPEM(), keyPEM); err == nil {
		t.Fatal("a certificate with a foreign key was accepted")
	}
}
