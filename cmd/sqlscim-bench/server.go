package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// build compiles pkg (./cmd/sqlscim) into out, as a user would.
func build(ctx context.Context, root, pkg, out string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", pkg, err, msg)
	}
	return nil
}

// allocsPerRequest runs BenchmarkGetUser (internal/app: one GET /Users/{id}
// through sqlscim's handler on the SQLite demo) and returns its B/op and
// allocs/op, or why it could not.
func allocsPerRequest(ctx context.Context, root string) string {
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "-run", "^$", "-bench", "^BenchmarkGetUser$", "-benchmem", "-benchtime", "2000x", "./internal/app")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	m := benchLine.FindStringSubmatch(string(out))
	if err != nil || m == nil {
		return fmt.Sprintf("not measured (go test -bench GetUser ./internal/app: %v)", err)
	}
	return fmt.Sprintf("%s allocations, %s bytes", m[2], m[1])
}

var benchLine = regexp.MustCompile(`BenchmarkGetUser\S*\s+\d+\s+\d+(?:\.\d+)? ns/op\s+(\d+) B/op\s+(\d+) allocs/op`)

// procs tracks every server process started, so that all of them are
// killed on exit, whatever the reason.
var procs = struct {
	sync.Mutex
	m map[int]*exec.Cmd
}{m: map[int]*exec.Cmd{}}

func killAll() {
	procs.Lock()
	defer procs.Unlock()
	for pid, c := range procs.m {
		_ = c.Process.Kill()
		delete(procs.m, pid)
	}
}

// server is one running sqlscim process.
type server struct {
	cmd     *exec.Cmd
	pid     int
	port    int
	started time.Time
	done    chan struct{}
	waitErr error
	logPath string
	client  *http.Client
	token   string
	// ready is the time from exec to the first 200 on /Status.
	ready time.Duration
	// profiling: the server is profserver, which profiles the window
	// between SIGUSR1 and SIGUSR2.
	profiling bool
}

// window marks the start (open) or the end of a measured window for
// profserver; other servers are not signalled (SIGUSR1 would end them).
func (s *server) window(open bool) {
	if !s.profiling {
		return
	}
	sig := syscall.SIGUSR2
	if open {
		sig = syscall.SIGUSR1
	}
	_ = s.cmd.Process.Signal(sig)
}

// serverEnv is the environment of the server: the bench's own, less any
// SQLSCIM_* variable (sqlscim refuses unknown ones, and the test DSN
// variables are such), plus the pool size and the rule that lets the
// agent's header reach the databases on 127.0.0.1.
func serverEnv(pool int, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "SQLSCIM_") {
			continue
		}
		env = append(env, kv)
	}
	// Scenario (c) is one unpaged GET /Users of every user: streamed, which
	// is a setting (by default a list without count gets one page).
	env = append(env, "SQLSCIM_POOL_MAX_OPEN="+strconv.Itoa(pool), "SQLSCIM_HEADER_ALLOWED_DATABASES=127.0.0.1", "SQLSCIM_SERVER_UNPAGED_LISTS=stream")
	return append(env, extra...)
}

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// startOptions say how to start a server.
type startOptions struct {
	bin, dataDir, tenants, logLevel string
	pool, concurrency               int
	// logFile, when set, is passed as --log-file (in OPS mode sqlscim would
	// otherwise also log to /var/log/OktaOnPremScimServer).
	logFile string
	// adminFlag: the binary has --admin-address, whose default port (8081)
	// is fixed; each start gets a free one instead, so runs never collide.
	adminFlag bool
	env       []string
	// profile: bin is profserver (see window).
	profile bool
	// timeout bounds the wait for the first 200 (the very first start
	// generates an RSA-4096 key).
	timeout time.Duration
	// certPEM is filled by creds.
	certPEM []byte
}

// creds reads the credentials the server uses.
func (o *startOptions) creds() (string, error) {
	token, pem, err := credentials(o.bin, o.dataDir)
	o.certPEM = pem
	return token, err
}

// startServer execs `sqlscim serve` on a free port and waits until /Status
// answers 200 with the data directory's token.
func startServer(ctx context.Context, o startOptions) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	args := []string{"serve", "--address", "127.0.0.1", "--port", strconv.Itoa(port),
		"--data-dir", o.dataDir, "--demo", "false", "--log-level", o.logLevel}
	if o.tenants != "" {
		args = append(args, "--tenants", o.tenants)
	}
	if o.logFile != "" {
		args = append(args, "--log-file", o.logFile)
	}
	if o.adminFlag {
		admin, err := freePort()
		if err != nil {
			return nil, err
		}
		args = append(args, "--admin-address", "127.0.0.1:"+strconv.Itoa(admin))
	}
	if err := os.MkdirAll(o.dataDir, 0o700); err != nil {
		return nil, err
	}
	logPath := filepath.Join(filepath.Dir(o.dataDir), "server.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	// Credentials read before the start keep `sqlscim credentials` out of
	// the cold-start measurement; only the very first start creates them.
	token, credErr := o.creds()
	cmd := exec.Command(o.bin, args...)
	cmd.Env = serverEnv(o.pool, o.env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// The server dies with the bench even when the bench is killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	s := &server{cmd: cmd, port: port, done: make(chan struct{}), logPath: logPath, profiling: o.profile}
	procs.Lock()
	s.started = time.Now()
	err = cmd.Start()
	if err == nil {
		procs.m[cmd.Process.Pid] = cmd
	}
	procs.Unlock()
	if err != nil {
		logFile.Close()
		return nil, err
	}
	s.pid = cmd.Process.Pid
	go func() {
		s.waitErr = cmd.Wait()
		logFile.Close()
		procs.Lock()
		delete(procs.m, s.pid)
		procs.Unlock()
		close(s.done)
	}()

	fail := func(err error) (*server, error) {
		s.stop()
		return nil, fmt.Errorf("%w\n%s", err, s.logTail())
	}
	timeout := o.timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	deadline := time.Now().Add(timeout)
	// The token and certificate are those `sqlscim credentials` prints for
	// the same flags: the data directory's, or an OPS installation's when
	// the host has one (sqlscim then serves that one).
	for {
		s.token, err = token, credErr
		if err != nil {
			s.token, err = o.creds()
		}
		credErr = err
		if err == nil {
			s.client, err = newClient(o.certPEM, o.concurrency)
		}
		if err == nil {
			break
		}
		select {
		case <-s.done:
			return fail(fmt.Errorf("sqlscim exited before it was ready: %v", s.waitErr))
		case <-ctx.Done():
			return fail(ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fail(fmt.Errorf("no credentials after %s: %v", timeout, err))
		}
	}
	probe := probeClient(s.client)
	for {
		ok, err := s.status(ctx, probe)
		if ok {
			s.ready = time.Since(s.started)
			probe.CloseIdleConnections()
			return s, nil
		}
		select {
		case <-s.done:
			return fail(fmt.Errorf("sqlscim exited before it was ready: %v", s.waitErr))
		case <-ctx.Done():
			return fail(ctx.Err())
		default:
		}
		if time.Now().After(deadline) {
			return fail(fmt.Errorf("sqlscim did not answer /Status within %s: %v", timeout, err))
		}
		time.Sleep(time.Millisecond)
	}
}

// hasFlag reports whether `bin serve --help` lists flag.
func hasFlag(bin, flag string) bool {
	out, _ := exec.Command(bin, "serve", "--help").CombinedOutput()
	return strings.Contains(string(out), flag+" ")
}

// probeClient makes one fresh connection per probe, so that a refused
// connection is retried at once.
func probeClient(c *http.Client) *http.Client {
	t := c.Transport.(*http.Transport).Clone()
	t.DisableKeepAlives = true
	return &http.Client{Transport: t, Timeout: 2 * time.Second}
}

func (s *server) base(app string) string {
	return "https://127.0.0.1:" + strconv.Itoa(s.port) + "/ws/rest/" + app + "/scim/v2"
}

// status sends GET /Status; ok means 200.
func (s *server) status(ctx context.Context, c *http.Client) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base("status_probe")+"/Status", nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	resp, err := c.Do(req)
	if err != nil {
		return false, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false, fmt.Errorf("/Status: %s", resp.Status)
	}
	return true, nil
}

// stop sends SIGTERM, waits for the graceful shutdown, and kills the
// process if it takes longer than 15 s.
func (s *server) stop() {
	if s.client != nil {
		s.client.CloseIdleConnections()
	}
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// logTail returns the end of the server's log.
func (s *server) logTail() string {
	data, err := os.ReadFile(s.logPath)
	if err != nil {
		return ""
	}
	if len(data) > 4000 {
		data = data[len(data)-4000:]
	}
	return "server log (end):\n" + string(data)
}

// memory reads VmHWM (peak resident set) and VmRSS of the process, in bytes.
func (s *server) memory() (peak, rss int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		for _, k := range []struct {
			prefix string
			dst    *int64
		}{{"VmHWM:", &peak}, {"VmRSS:", &rss}} {
			if rest, ok := strings.CutPrefix(line, k.prefix); ok {
				fields := strings.Fields(rest)
				if len(fields) > 0 {
					kb, _ := strconv.ParseInt(fields[0], 10, 64)
					*k.dst = kb << 10
				}
			}
		}
	}
	if peak == 0 && rss == 0 {
		return 0, 0, errors.New("no VmHWM/VmRSS in /proc/<pid>/status")
	}
	return peak, rss, sc.Err()
}

// credentials runs `sqlscim credentials` with the data directory and returns
// the bearer token and the certificate's PEM.
func credentials(bin, dataDir string) (token string, certPEM []byte, err error) {
	cmd := exec.Command(bin, "credentials", "--data-dir", dataDir)
	cmd.Env = serverEnv(1)
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = fmt.Errorf("sqlscim credentials: %v: %s", err, ee.Stderr)
		}
		return "", nil, err
	}
	text := string(out)
	for _, line := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "Bearer "); ok && v != "" {
			token = v
			break
		}
	}
	i := strings.Index(text, "-----BEGIN CERTIFICATE-----")
	if token == "" || i < 0 {
		return "", nil, fmt.Errorf("sqlscim credentials printed no token or certificate:\n%s", text)
	}
	return token, []byte(text[i:]), nil
}

// newClient is a keep-alive HTTPS client that trusts only the server's
// generated certificate, with a connection per worker.
func newClient(pem []byte, concurrency int) (*http.Client, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, errors.New("the generated certificate is not PEM")
	}
	return &http.Client{Transport: &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		MaxIdleConns:        2 * concurrency,
		MaxIdleConnsPerHost: 2 * concurrency,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
		TLSHandshakeTimeout: 10 * time.Second,
		// One write, hence one TLS record, per request: with the default
		// 4 KB buffer the 4.6 KB agent header of the lab's sql tenants leaves in
		// two, and the second record costs both sides a write, a read
		// and a wakeup, which is the client's doing, not sqlscim's.
		WriteBufferSize: 64 << 10,
	}}, nil
}
