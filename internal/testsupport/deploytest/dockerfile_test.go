package deploytest

import (
	"encoding/json"
	"os/exec"
	"path"
	"regexp"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	line int
	cmd  string // upper case
	args string
}

// stage is one FROM ... of a multi-stage Dockerfile.
type stage struct {
	name, image string
	ins         []instruction
}

func parseDockerfile(t *testing.T, rel string) []stage {
	t.Helper()
	var stages []stage
	var cur strings.Builder
	start := 0
	flush := func() {
		text := strings.TrimSpace(cur.String())
		cur.Reset()
		if text == "" {
			return
		}
		cmd, args, _ := strings.Cut(text, " ")
		in := instruction{line: start, cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args)}
		if in.cmd == "FROM" {
			f := strings.Fields(in.args)
			st := stage{image: f[0]}
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				st.name = f[2]
			}
			stages = append(stages, st)
			return
		}
		if len(stages) == 0 {
			if in.cmd != "ARG" {
				t.Errorf("%s:%d: %s before the first FROM", rel, in.line, in.cmd)
			}
			return
		}
		stages[len(stages)-1].ins = append(stages[len(stages)-1].ins, in)
	}
	for i, line := range strings.Split(readFile(t, rel), "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") {
			continue
		}
		if cur.Len() == 0 {
			start = i + 1
		}
		if strings.HasSuffix(trimmed, "\\") {
			cur.WriteString(strings.TrimSuffix(trimmed, "\\") + " ")
			continue
		}
		cur.WriteString(trimmed)
		flush()
	}
	flush()
	return stages
}

// execForm decodes a JSON array argument (["a", "b"]).
func execForm(t *testing.T, where, args string) []string {
	t.Helper()
	var out []string
	if err := json.Unmarshal([]byte(args), &out); err != nil {
		t.Errorf("%s: %q is not in exec form (a JSON array): %v", where, args, err)
	}
	return out
}

// copyArgs splits COPY's flags from its sources and destination.
func copyArgs(args string) (flags map[string]string, srcs []string, dst string) {
	flags = map[string]string{}
	f := strings.Fields(args)
	for len(f) > 0 && strings.HasPrefix(f[0], "--") {
		k, v, _ := strings.Cut(strings.TrimPrefix(f[0], "--"), "=")
		flags[k] = v
		f = f[1:]
	}
	if len(f) < 2 {
		return flags, nil, ""
	}
	return flags, f[:len(f)-1], f[len(f)-1]
}

func TestDockerfile(t *testing.T) {
	const rel = "docker/Dockerfile"
	stages := parseDockerfile(t, rel)
	if len(stages) < 2 {
		t.Fatalf("%s: %d stage(s); want a builder and a runtime stage", rel, len(stages))
	}
	build, final := stages[0], stages[len(stages)-1]
	if build.name == "" || !strings.HasPrefix(build.image, "golang:") {
		t.Errorf("%s: the first stage is %q AS %q; want a named golang builder", rel, build.image, build.name)
	}
	// The builder's Go is the release toolchain, go.mod's toolchain line.
	if m := regexp.MustCompile(`(?m)^toolchain go(\S+)$`).FindStringSubmatch(readFile(t, "go.mod")); m == nil {
		t.Error("go.mod has no toolchain line")
	} else if a := regexp.MustCompile(`(?m)^ARG GO_VERSION=(\S+)`).FindStringSubmatch(readFile(t, rel)); a == nil || a[1] != m[1] {
		t.Errorf("%s: ARG GO_VERSION %v; want %s, go.mod's toolchain", rel, a, m[1])
	}
	if !strings.HasPrefix(final.image, "gcr.io/distroless/static") && final.image != "scratch" {
		t.Errorf("%s: the runtime stage is %s; want distroless/static or scratch", rel, final.image)
	}

	// The builder: static, and the binary it builds is the one copied.
	cgoOff, built := false, ""
	goBuild := regexp.MustCompile(`go build .*-o (\S+) \./cmd/sqlscim`)
	for _, in := range build.ins {
		if (in.cmd == "ENV" || in.cmd == "ARG") && regexp.MustCompile(`\bCGO_ENABLED=0\b`).MatchString(in.args) {
			cgoOff = true
		}
		if in.cmd == "RUN" {
			if m := goBuild.FindStringSubmatch(in.args); m != nil {
				built = m[1]
				cgoOff = cgoOff || strings.Contains(in.args, "CGO_ENABLED=0")
			}
		}
		if in.cmd == "COPY" {
			flags, srcs, _ := copyArgs(in.args)
			if flags["from"] != "" {
				continue
			}
			for _, s := range srcs {
				mustExist(t, rel+" COPY", s)
			}
		}
	}
	if !cgoOff {
		t.Errorf("%s: the builder does not set CGO_ENABLED=0", rel)
	}
	if built == "" {
		t.Fatalf("%s: the builder has no `go build ... -o FILE ./cmd/sqlscim`", rel)
	}

	binary, user, exposed, volume := "", "", []string{}, ""
	var health, entrypoint, cmd []string
	for _, in := range final.ins {
		switch in.cmd {
		case "COPY":
			flags, srcs, dst := copyArgs(in.args)
			if flags["from"] == build.name && len(srcs) == 1 && srcs[0] == built {
				binary = dst
			}
		case "USER":
			user = in.args
		case "EXPOSE":
			exposed = append(exposed, strings.Fields(in.args)...)
		case "VOLUME":
			if v := execForm(t, rel+" VOLUME", in.args); len(v) == 1 {
				volume = v[0]
			}
		case "HEALTHCHECK":
			i := strings.Index(in.args, "CMD ")
			if i < 0 {
				t.Errorf("%s: HEALTHCHECK without CMD", rel)
				continue
			}
			health = execForm(t, rel+" HEALTHCHECK", in.args[i+4:])
		case "ENTRYPOINT":
			entrypoint = execForm(t, rel+" ENTRYPOINT", in.args)
		case "CMD":
			cmd = execForm(t, rel+" CMD", in.args)
		}
	}
	if binary != "/usr/bin/sqlscim" {
		t.Errorf("%s: the runtime stage copies %s from the builder to %q; want /usr/bin/sqlscim", rel, built, binary)
	}
	uid, _, _ := strings.Cut(user, ":")
	if uid == "" || uid == "0" || uid == "root" {
		t.Errorf("%s: the runtime stage runs as %q; want a non-root USER", rel, user)
	}
	if strings.Join(exposed, " ") != "1443" {
		t.Errorf("%s: EXPOSE %v; want 1443 (the SCIM port) only", rel, exposed)
	}
	if len(entrypoint) != 1 || entrypoint[0] != binary {
		t.Errorf("%s: ENTRYPOINT %v; want [%s]", rel, entrypoint, binary)
	}
	if strings.Join(cmd, " ") != "serve --data-dir "+volume || volume != "/data" {
		t.Errorf("%s: CMD %v with VOLUME %q; want serve --data-dir /data on the volume /data", rel, cmd, volume)
	}
	checkCommandLine(t, rel+" CMD", cmd)
	if len(health) < 2 || health[0] != binary || health[1] != "health" {
		t.Errorf("%s: HEALTHCHECK CMD %v; want [%s health --url http://127.0.0.1:8081/healthz]: the image has no curl, and /Status needs the token", rel, health, binary)
	} else {
		checkCommandLine(t, rel+" HEALTHCHECK", health[1:])
		checkHealthURL(t, rel+" HEALTHCHECK", health)
	}
}

// checkHealthURL checks a health check's --url: the admin endpoint /healthz
// in plain HTTP on loopback port 8081 (the binary's default admin address).
func checkHealthURL(t *testing.T, where string, args []string) {
	t.Helper()
	for i, a := range args {
		if a == "--url" && i+1 < len(args) {
			if args[i+1] != "http://127.0.0.1:8081/healthz" {
				t.Errorf("%s: --url %s; want http://127.0.0.1:8081/healthz", where, args[i+1])
			}
			return
		}
	}
	t.Errorf("%s: %v has no --url", where, args)
}

// dockerignore is a .dockerignore file: the last matching pattern decides,
// a pattern matches a path or any directory above it, ! re-includes.
type dockerignore []struct {
	re     *regexp.Regexp
	negate bool
}

func parseDockerignore(text string) dockerignore {
	var d dockerignore
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		neg := strings.HasPrefix(line, "!")
		p := path.Clean(strings.TrimPrefix(line, "!"))
		var re strings.Builder
		for i := 0; i < len(p); i++ {
			switch {
			case strings.HasPrefix(p[i:], "**/"):
				re.WriteString(`(?:.*/)?`)
				i += 2
			case strings.HasPrefix(p[i:], "**"):
				re.WriteString(`.*`)
				i++
			case p[i] == '*':
				re.WriteString(`[^/]*`)
			case p[i] == '?':
				re.WriteString(`[^/]`)
			default:
				re.WriteString(regexp.QuoteMeta(p[i : i+1]))
			}
		}
		d = append(d, struct {
			re     *regexp.Regexp
			negate bool
		}{regexp.MustCompile(`^` + re.String() + `(?:/.*)?$`), neg})
	}
	return d
}

func (d dockerignore) excluded(file string) bool {
	out := false
	for _, p := range d {
		if p.re.MatchString(file) {
			out = !p.negate
		}
	}
	return out
}

// TestDockerBuildContext checks that the build context keeps every file
// the binary is built from, and that the Dockerfile copies them all.
func TestDockerBuildContext(t *testing.T) {
	ignore := parseDockerignore(readFile(t, "docker/Dockerfile.dockerignore"))
	list := exec.Command("go", "list", "-deps", "-f",
		`{{if not .Standard}}{{.ImportPath}}|{{.Dir}}|{{join .GoFiles ","}}|{{join .EmbedFiles ","}}{{end}}`,
		"./cmd/sqlscim")
	list.Dir = root()
	out, err := list.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	copied := map[string]bool{}
	for _, st := range parseDockerfile(t, "docker/Dockerfile")[:1] {
		for _, in := range st.ins {
			if in.cmd == "COPY" {
				_, srcs, _ := copyArgs(in.args)
				for _, s := range srcs {
					copied[path.Clean(s)] = true
				}
			}
		}
	}
	const module = "github.com/sqlscim/sqlscim"
	files := []string{"go.mod", "go.sum"}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "|")
		if len(f) != 4 || (f[0] != module && !strings.HasPrefix(f[0], module+"/")) {
			continue
		}
		dir := strings.TrimPrefix(strings.TrimPrefix(f[0], module), "/")
		for _, list := range f[2:] {
			for _, name := range strings.Split(list, ",") {
				if name != "" {
					files = append(files, path.Join(dir, name))
				}
			}
		}
	}
	if len(files) < 20 {
		t.Fatalf("go list found only %d files", len(files))
	}
	for _, f := range files {
		if ignore.excluded(f) {
			t.Errorf("docker/Dockerfile.dockerignore leaves %s out of the build context, and the binary needs it", f)
		}
		top, _, _ := strings.Cut(f, "/")
		if !copied[top] {
			t.Errorf("docker/Dockerfile does not COPY %s into the builder (%s is not copied)", f, top)
		}
	}
	for _, f := range []string{".git/HEAD", "bin/sqlscim", "data/demo.db", "dist/x.deb", "internal/app/app_test.go", "testdata/lab/README.md", "internal/testsupport/conformance/testdata/x.json", "scripts/newman/node_modules/x"} {
		if !ignore.excluded(f) {
			t.Errorf("docker/Dockerfile.dockerignore sends %s to the builder", f)
		}
	}
}
