package telemetry

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestServeAdminServesUntilClosed(t *testing.T) {
	a, err := ServeAdmin("127.0.0.1:0", New(nil).Admin(nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + a.Addr().String() + "/healthz"
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "ok\n" {
		t.Fatalf("GET /healthz: %d %q", resp.StatusCode, body)
	}

	// The same address again is taken: the error names the setting.
	if _, err := ServeAdmin(a.Addr().String(), http.NotFoundHandler()); err == nil || !strings.Contains(err.Error(), "--admin-address") {
		t.Fatalf("second ServeAdmin on %s: %v, want an error naming --admin-address", a.Addr(), err)
	}

	a.Close()
	http.DefaultClient.CloseIdleConnections()
	if resp, err := http.Get(url); err == nil {
		resp.Body.Close()
		t.Fatalf("GET after Close: %d, want a refused connection", resp.StatusCode)
	}
}
