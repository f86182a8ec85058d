package deploytest

import (
	"bytes"
	"encoding/json"
	"path"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/sqlscim/sqlscim/internal/tenant"
)

type composeFile struct {
	Name     string                    `yaml:"name"`
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Image string `yaml:"image"`
	Build *struct {
		Context    string            `yaml:"context"`
		Dockerfile string            `yaml:"dockerfile"`
		Args       map[string]string `yaml:"args"`
	} `yaml:"build"`
	Hostname    string            `yaml:"hostname"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	Volumes     []string          `yaml:"volumes"`
	Ports       []string          `yaml:"ports"`
	DependsOn   map[string]struct {
		Condition string `yaml:"condition"`
	} `yaml:"depends_on"`
	Healthcheck *struct {
		Test        []string `yaml:"test"`
		Interval    string   `yaml:"interval"`
		Timeout     string   `yaml:"timeout"`
		Retries     int      `yaml:"retries"`
		StartPeriod string   `yaml:"start_period"`
	} `yaml:"healthcheck"`
}

const composeRel = "docker/docker-compose.yml"

func readCompose(t *testing.T) composeFile {
	t.Helper()
	var c composeFile
	dec := yaml.NewDecoder(bytes.NewReader([]byte(readFile(t, composeRel))))
	dec.KnownFields(true) // a misspelt key is an error, as for docker compose
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("%s: %v", composeRel, err)
	}
	return c
}

// mount is one short-syntax volume: SOURCE:TARGET[:ro].
type mount struct {
	source, target string
	readOnly       bool
	bind           bool // a file of the repository, not a named volume
}

func mounts(t *testing.T, svc string, s composeService) []mount {
	t.Helper()
	var out []mount
	for _, v := range s.Volumes {
		f := strings.Split(v, ":")
		if len(f) < 2 || len(f) > 3 {
			t.Errorf("%s: %s: volume %q is not SOURCE:TARGET[:ro]", composeRel, svc, v)
			continue
		}
		m := mount{source: f[0], target: f[1], readOnly: len(f) == 3 && f[2] == "ro"}
		if strings.HasPrefix(m.source, ".") || strings.HasPrefix(m.source, "/") {
			m.bind = true
			// Relative sources are relative to the compose file's directory.
			m.source = path.Clean(path.Join("docker", m.source))
		}
		out = append(out, m)
	}
	return out
}

func TestCompose(t *testing.T) {
	c := readCompose(t)
	for _, name := range []string{"mariadb", "postgres", "sqlscim", "dbgate"} {
		if _, ok := c.Services[name]; !ok {
			t.Fatalf("%s: no service %s", composeRel, name)
		}
	}

	// Images are pinned, except DBGate's, which only browses.
	for name, s := range c.Services {
		if s.Image == "" && s.Build == nil {
			t.Errorf("%s: %s has neither image nor build", composeRel, name)
		}
		if name != "dbgate" && s.Build == nil && (!strings.Contains(s.Image, ":") || strings.HasSuffix(s.Image, ":latest")) {
			t.Errorf("%s: %s: image %q is not pinned to a version", composeRel, name, s.Image)
		}
		for _, m := range mounts(t, name, s) {
			if m.bind {
				mustExist(t, composeRel+" "+name+" volume", m.source)
			} else if _, ok := c.Volumes[m.source]; !ok {
				t.Errorf("%s: %s uses the volume %s, which volumes: does not declare", composeRel, name, m.source)
			}
		}
		for dep, d := range s.DependsOn {
			if _, ok := c.Services[dep]; !ok {
				t.Errorf("%s: %s depends on %s, which is no service", composeRel, name, dep)
			}
			if d.Condition == "service_healthy" && c.Services[dep].Healthcheck == nil {
				t.Errorf("%s: %s waits for %s to be healthy, which has no health check", composeRel, name, dep)
			}
		}
	}

	// The databases: the lab's credentials, and sql/ mounted in the order the
	// entrypoints run their scripts (alphabetical): schema, procedures, data.
	for svc, dialect := range map[string]string{"mariadb": "mysql", "postgres": "postgresql"} {
		s := c.Services[svc]
		prefix := map[string]string{"mariadb": "MARIADB_", "postgres": "POSTGRES_"}[svc]
		dbKey := map[string]string{"mariadb": "DATABASE", "postgres": "DB"}[svc]
		for _, k := range []string{dbKey, "USER", "PASSWORD"} {
			if s.Environment[prefix+k] != "oktademo" {
				t.Errorf("%s: %s: %s%s=%q, want oktademo", composeRel, svc, prefix, k, s.Environment[prefix+k])
			}
		}
		var inits []mount
		for _, m := range mounts(t, svc, s) {
			if path.Dir(m.target) == "/docker-entrypoint-initdb.d" {
				inits = append(inits, m)
			}
		}
		sort.Slice(inits, func(i, j int) bool { return inits[i].target < inits[j].target })
		want := []string{"schema", "procedures", "data"}
		if len(inits) != len(want) {
			t.Errorf("%s: %s mounts %d scripts in /docker-entrypoint-initdb.d, want %d", composeRel, svc, len(inits), len(want))
			continue
		}
		for i, m := range inits {
			if src := "sql/" + dialect + "/" + want[i] + ".sql"; m.source != src || !m.readOnly || !m.bind {
				t.Errorf("%s: %s: script %d is %s (%s), want %s read-only", composeRel, svc, i+1, m.source, m.target, src)
			}
		}
		if s.Healthcheck == nil || len(s.Healthcheck.Test) < 2 || s.Healthcheck.Test[0] != "CMD" {
			t.Errorf("%s: %s: no exec-form health check", composeRel, svc)
		}
	}
	if hc := c.Services["postgres"].Healthcheck; hc != nil && !strings.Contains(strings.Join(hc.Test, " "), "-h 127.0.0.1") {
		t.Errorf("%s: postgres: the health check must use TCP (-h 127.0.0.1): during initialisation the server is on its socket only", composeRel)
	}

	// sqlscim: built from docker/Dockerfile, both tenants, port 1443.
	s := c.Services["sqlscim"]
	if s.Build == nil || path.Clean(path.Join("docker", s.Build.Context)) != "." || s.Build.Dockerfile != "docker/Dockerfile" {
		t.Errorf("%s: sqlscim must build docker/Dockerfile with the repository as context", composeRel)
	}
	if !contains(s.Ports, "1443:1443") {
		t.Errorf("%s: sqlscim ports %v, want 1443:1443", composeRel, s.Ports)
	}
	if !contains(c.Services["dbgate"].Ports, "8090:3000") {
		t.Errorf("%s: dbgate ports %v, want 8090:3000 as in the connector guide", composeRel, c.Services["dbgate"].Ports)
	}
	checkCommandLine(t, composeRel+" sqlscim command", s.Command)
	flag := func(name string) string {
		for i, a := range s.Command {
			if a == name && i+1 < len(s.Command) {
				return s.Command[i+1]
			}
		}
		return ""
	}
	var tenantsFile string
	dataVolume := false
	for _, m := range mounts(t, "sqlscim", s) {
		if m.target == flag("--tenants") && m.bind {
			tenantsFile = m.source
		}
		if m.target == flag("--data-dir") && !m.bind {
			dataVolume = true
		}
	}
	if tenantsFile != "docker/lab-tenants.yaml" {
		t.Errorf("%s: --tenants %s is not docker/lab-tenants.yaml mounted there", composeRel, flag("--tenants"))
	}
	if !dataVolume {
		t.Errorf("%s: --data-dir %s is not a named volume: the credentials must survive the container", composeRel, flag("--data-dir"))
	}
	if s.Healthcheck == nil || len(s.Healthcheck.Test) < 3 || s.Healthcheck.Test[0] != "CMD" || s.Healthcheck.Test[1] != "/usr/bin/sqlscim" {
		t.Errorf("%s: sqlscim: want the health check [CMD /usr/bin/sqlscim health --url ...] (the image has no shell)", composeRel)
	} else {
		checkCommandLine(t, composeRel+" sqlscim healthcheck", s.Healthcheck.Test[2:])
		checkHealthURL(t, composeRel+" sqlscim healthcheck", s.Healthcheck.Test[1:])
	}
	for _, db := range []string{"mariadb", "postgres"} {
		if s.DependsOn[db].Condition != "service_healthy" {
			t.Errorf("%s: sqlscim must wait for %s to be healthy", composeRel, db)
		}
	}

	// DBGate browses the two database services.
	for k, v := range c.Services["dbgate"].Environment {
		if strings.HasPrefix(k, "SERVER_") {
			if _, ok := c.Services[v]; !ok {
				t.Errorf("%s: dbgate %s=%s is no service", composeRel, k, v)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestLabTenants parses the lab's tenants file and the agent header of
// lab-test.sh as sqlscim does, and checks that they point at the compose
// services with their credentials.
func TestLabTenants(t *testing.T) {
	c := readCompose(t)
	sqlscimEnv := c.Services["sqlscim"].Environment
	for k, v := range sqlscimEnv {
		t.Setenv(k, v)
	}
	byType := map[string]string{"mysql": "mariadb", "postgresql": "postgres"}

	cfgs, err := tenant.Parse("docker/lab-tenants.yaml", []byte(readFile(t, "docker/lab-tenants.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, cfg := range cfgs {
		names[cfg.Name] = cfg.Database.Type
		svc := byType[cfg.Database.Type]
		if cfg.Database.Host != svc {
			t.Errorf("docker/lab-tenants.yaml: %s: host %q, want the compose service %q", cfg.Name, cfg.Database.Host, svc)
		}
		if cfg.Database.Database != "oktademo" || cfg.Database.User != "oktademo" || cfg.Database.Password.Reveal() != "oktademo" {
			t.Errorf("docker/lab-tenants.yaml: %s: database/user/password are not the lab's oktademo", cfg.Name)
		}
		if len(cfg.Operations) != 10 {
			t.Errorf("docker/lab-tenants.yaml: %s has %d operations, want 10", cfg.Name, len(cfg.Operations))
		}
	}
	if names["jdbc_on_prem"] != "mysql" || names["jdbc_on_prem_pg"] != "postgresql" || len(names) != 2 {
		t.Errorf("docker/lab-tenants.yaml: tenants %v; want jdbc_on_prem (mysql) and jdbc_on_prem_pg (postgresql)", names)
	}

	var doc map[string]any
	if err := json.Unmarshal([]byte(readFile(t, "docker/lab-agent-header.json")), &doc); err != nil {
		t.Fatalf("docker/lab-agent-header.json: %v", err)
	}
	cfg, err := tenant.Decode(doc, tenant.Source{Path: tenant.HeaderName})
	if err != nil {
		t.Fatalf("docker/lab-agent-header.json, decoded as the agent's header: %v", err)
	}
	if cfg.Database.Host != "mariadb" || cfg.Database.Password.Reveal() != "oktademo" || len(cfg.Operations) != 10 {
		t.Errorf("docker/lab-agent-header.json: want the lab's MariaDB (host mariadb, oktademo) and ten operations")
	}
	if !strings.Contains(readFile(t, "docker/lab-test.sh"), "docker/lab-agent-header.json") {
		t.Errorf("docker/lab-test.sh does not send docker/lab-agent-header.json")
	}
	for _, f := range []string{"2-create-user.json", "3-update-user.json", "4-deactivate.json"} {
		mustExist(t, "docker/lab-test.sh", "testdata/lab/"+f)
	}
}
