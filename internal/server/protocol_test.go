package server

import (
	"bufio"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
)

// rawExchange writes request on a new connection to ts and returns the
// first response, and whether the server closed the connection after it.
// Every read is bounded: a server that waits for a body it will never get
// fails the test after ten seconds instead of hanging it, and a connection
// still open two seconds after the response counts as kept open.
func rawExchange(t *testing.T, ts *httptest.Server, request string) (*http.Response, string, bool) {
	t.Helper()
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Write([]byte(request)); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("no response: %v", err)
	}
	body := new(strings.Builder)
	if _, err := bufio.NewReader(resp.Body).WriteTo(body); err != nil {
		t.Fatalf("reading the body: %v", err)
	}
	resp.Body.Close()
	// A closed connection reads EOF at once; an open one times out.
	if err := conn.SetReadDeadline(time.Now().Add(2 * time.Second)); err != nil {
		t.Fatal(err)
	}
	_, err = br.ReadByte()
	closed := err != nil && !isTimeout(err)
	return resp, body.String(), closed
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// A body declared larger than server.max_body_bytes is refused at once:
// the review's 1 GB Content-Length was held for the two-minute read
// timeout, and Expect: 100-continue got its 100. Now the 413 comes before
// any 100, and the connection is closed, since its body was never read.
func TestDeclaredOversizedBodyIsRefusedAtOnce(t *testing.T) {
	ts := newTestServer(t)
	for _, expect := range []string{"", "Expect: 100-continue\r\n"} {
		resp, body, closed := rawExchange(t, ts.Server, "POST "+testBase+"/Users HTTP/1.1\r\nHost: x\r\n"+
			"Authorization: Bearer "+testToken+"\r\nContent-Type: application/scim+json\r\nContent-Length: 1000000000\r\n"+expect+"\r\n")
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "larger than") || !closed {
			t.Errorf("%q: %d %s, closed %v", expect, resp.StatusCode, body, closed)
		}
	}
}

// RFC 9112 §6.1: a request with both Content-Length and Transfer-Encoding
// may be an attempt at request smuggling; the server processes it by the
// Transfer-Encoding alone and must close the connection after responding.
// Go drops the Content-Length before a handler sees the request, so every
// request with a Transfer-Encoding ends its connection.
func TestTransferEncodingClosesTheConnection(t *testing.T) {
	ts := newTestServer(t)
	body := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]}`
	for _, cl := range []string{"Content-Length: 4\r\n", ""} {
		resp, _, closed := rawExchange(t, ts.Server, "POST "+testBase+"/Users/.search HTTP/1.1\r\nHost: x\r\n"+
			"Authorization: Bearer "+testToken+"\r\nContent-Type: application/scim+json\r\n"+cl+"Transfer-Encoding: chunked\r\n\r\n"+
			strings.ToUpper(strconvHex(len(body)))+"\r\n"+body+"\r\n0\r\n\r\n")
		if resp.StatusCode != 200 || !closed || !resp.Close {
			t.Errorf("%q: %d, closed %v, Connection: close %v", cl, resp.StatusCode, closed, resp.Close)
		}
	}
	resp, _, closed := rawExchange(t, ts.Server, "GET "+testBase+"/ServiceProviderConfig HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "+testToken+"\r\n\r\n")
	if resp.StatusCode != 200 || closed {
		t.Errorf("a plain request: %d, closed %v", resp.StatusCode, closed)
	}
}

func strconvHex(n int) string {
	const digits = "0123456789abcdef"
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 16 {
		b = append([]byte{digits[n%16]}, b...)
	}
	return string(b)
}

// The Host header is the client's to choose: it was reflected into
// meta.location and Location. URLs now come from server.public_url, or
// else from the address of the listener the request arrived on.
func TestLocationsNeverComeFromTheHostHeader(t *testing.T) {
	ts := newTestServer(t)
	evil := func(r *http.Request) { r.Host = "evil.example" }
	own := "https://" + ts.Listener.Addr().String() + testBase
	status, hdr, doc := ts.doWith(t, "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"h1@example.com"}`, evil)
	meta, _ := doc["meta"].(map[string]any)
	if status != 201 || hdr.Get("Location") != own+"/Users/h1@example.com" || meta["location"] != own+"/Users/h1@example.com" {
		t.Errorf("listener address: %d Location %q meta %v", status, hdr.Get("Location"), meta)
	}
	_, _, doc = ts.doWith(t, "GET", "/ServiceProviderConfig", "", evil)
	if meta, _ := doc["meta"].(map[string]any); meta["location"] != own+"/ServiceProviderConfig" {
		t.Errorf("ServiceProviderConfig: %v", meta)
	}

	ts.s = New(Config{Token: testToken, ContextPath: "/ws/rest", PublicURL: "https://scim.example.com"}, zap.NewNop(), memBackend{ts.tenant}, nil)
	ts.Config.Handler = ts.s.Handler()
	_, hdr, doc = ts.doWith(t, "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"h2@example.com"}`, evil)
	meta, _ = doc["meta"].(map[string]any)
	if want := "https://scim.example.com" + testBase + "/Users/h2@example.com"; hdr.Get("Location") != want || meta["location"] != want {
		t.Errorf("public URL: Location %q meta %v", hdr.Get("Location"), meta)
	}
}

// JSON is UTF-8 (RFC 8259 §8.1): a body with invalid UTF-8 was accepted
// and stored with U+FFFD in place of the bytes sent. It is a 400 now.
func TestInvalidUTF8BodyIsRefused(t *testing.T) {
	ts := newTestServer(t)
	status, _, doc := ts.do(t, "POST", "/Users", "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"bad\xff\xfe@example.com\"}")
	if status != 400 || doc["scimType"] != "invalidSyntax" || !strings.Contains(doc["detail"].(string), "UTF-8") {
		t.Errorf("%d %v", status, doc)
	}
	if w := ts.tenant.lastWritten(); w != nil {
		t.Errorf("something was written: %v", w)
	}
}

// HEAD works wherever GET does (RFC 9110 §9.3.2), with the same headers
// and no body; the Allow header of a 405 lists it.
func TestHeadAnswersWhereGetDoes(t *testing.T) {
	ts := newTestServer(t)
	ts.do(t, "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"head@example.com"}`)
	for _, path := range []string{"/ServiceProviderConfig", "/Users/head@example.com", "/Users", "/Status", "/Schemas"} {
		req, _ := http.NewRequest("HEAD", ts.URL+testBase+path, nil)
		req.Header.Set("Authorization", "Bearer "+testToken)
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		get, _ := http.NewRequest("GET", ts.URL+testBase+path, nil)
		get.Header.Set("Authorization", "Bearer "+testToken)
		gresp, err := ts.Client().Do(get)
		if err != nil {
			t.Fatal(err)
		}
		gresp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != gresp.Header.Get("Content-Type") {
			t.Errorf("HEAD %s: %d %q (GET: %q)", path, resp.StatusCode, resp.Header.Get("Content-Type"), gresp.Header.Get("Content-Type"))
		}
	}
	_, hdr, _ := ts.do(t, "DELETE", "/ServiceProviderConfig", "")
	if hdr.Get("Allow") != "GET, HEAD" {
		t.Errorf("Allow: %q", hdr.Get("Allow"))
	}
}
