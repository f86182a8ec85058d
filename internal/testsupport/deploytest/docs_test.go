package deploytest

import (
	"regexp"
	"strings"
	"testing"

	"github.com/sqlscim/sqlscim/internal/config"
)

// markdownCode returns the shell code of a Markdown file: its fenced
// blocks, continuation lines joined, and its inline code spans.
func markdownCode(text string) []string {
	var out []string
	inBlock := false
	var cont strings.Builder
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inBlock = !inBlock
			continue
		}
		if inBlock {
			if strings.HasSuffix(line, "\\") {
				cont.WriteString(strings.TrimSuffix(line, "\\") + " ")
				continue
			}
			out = append(out, cont.String()+line)
			cont.Reset()
			continue
		}
		for _, m := range inlineCode.FindAllStringSubmatch(line, -1) {
			out = append(out, m[1])
		}
	}
	return out
}

var inlineCode = regexp.MustCompile("`([^`]+)`")

// sqlscimCall finds `sqlscim <subcommand> <args>` up to the end of the
// shell word list (a pipe, a parenthesis, a quote, a separator).
var sqlscimCall = regexp.MustCompile(`(?:^|[\s(;'"])sqlscim\s+([a-z][a-z-]*)([^|;)'"&<>\n]*)`)

// knownSubcommandCall is the same, for prose and scripts, where "sqlscim"
// followed by a word is often a sentence: only the real subcommands count.
var knownSubcommandCall = regexp.MustCompile(`(?:^|[\s(;'"])sqlscim\s+(serve|init|credentials|check|version|health|pins)\b([^|;)'"&<>\n]*)`)

var subcommandWord = regexp.MustCompile(`^[a-z][a-z-]*$`)

// commandLines returns the sqlscim command lines in code.
func commandLines(code []string, re *regexp.Regexp) [][]string {
	var out [][]string
	for _, c := range code {
		for _, m := range re.FindAllStringSubmatch(c, -1) {
			args := append([]string{m[1]}, strings.Fields(m[2])...)
			if m[1] == "sqlscim" { // `docker exec sqlscim sqlscim ...`: the container, then the program
				args = args[1:]
				if len(args) == 0 || !subcommandWord.MatchString(args[0]) {
					continue
				}
			}
			// `(as user okscimserver)` and the like end the command.
			for i, a := range args {
				if strings.HasPrefix(a, "(") || a == "#" {
					args = args[:i]
					break
				}
			}
			out = append(out, args)
		}
	}
	return out
}

// TestCommandsInDocs checks that every sqlscim command line the deployment
// files show is one the binary accepts, and every packaged path they name
// is in the package.
func TestCommandsInDocs(t *testing.T) {
	markdown := []string{"docs/migrate-from-ops.md", "deploy/kubernetes/README.md", "docker/README.md"}
	other := []string{
		"deploy/setup.sh", "deploy/scripts/postinstall.sh", "deploy/default/sqlscim",
		"deploy/tenants.yaml.example", "deploy/systemd/sqlscim.service",
		"docker/Dockerfile", "docker/docker-compose.yml", "docker/lab-test.sh",
	}
	total := 0
	for _, rel := range markdown {
		calls := commandLines(markdownCode(readFile(t, rel)), sqlscimCall)
		if len(calls) == 0 {
			t.Errorf("%s shows no sqlscim command", rel)
		}
		for _, args := range calls {
			total++
			t.Logf("%s: sqlscim %s", rel, strings.Join(args, " "))
			checkCommandLine(t, rel, args)
		}
	}
	for _, rel := range other {
		for _, args := range commandLines(strings.Split(readFile(t, rel), "\n"), knownSubcommandCall) {
			total++
			checkCommandLine(t, rel, args)
		}
	}
	t.Logf("%d sqlscim command lines checked", total)

	files := packaged(t)
	pkgPath := regexp.MustCompile(`/usr/(?:bin|lib|share/doc)/sqlscim[^\s` + "`" + `'")|,]*|/etc/default/sqlscim|/etc/sqlscim/tenants\.yaml\.example`)
	for _, rel := range append(markdown, other...) {
		for _, p := range pkgPath.FindAllString(readFile(t, rel), -1) {
			p = strings.TrimRight(p, ".:")
			if _, ok := files[p]; !ok && p != "/usr/lib/sqlscim" && p != "/usr/share/doc/sqlscim" {
				t.Errorf("%s names %s, which the package does not install", rel, p)
			}
		}
	}

	guide := readFile(t, "docs/migrate-from-ops.md")
	layout := config.OPSLayout(config.DefaultOPSDir, config.DefaultPKIDir)
	for _, want := range []string{
		"sudo systemctl disable --now OktaOnPremScimServer.service",
		"sudo systemctl enable --now sqlscim.service",
		"sudo systemctl disable --now sqlscim.service",
		"sudo systemctl enable --now OktaOnPremScimServer.service",
		"sudo sqlscim credentials",
		"sqlscim check",
		layout.CertFile("<id>"),
		"https://localhost:1443/ws/rest/jdbc_on_prem/scim/v2/Status",
		"Test Connector Configuration",
		"Nothing changes in Okta",
	} {
		if !strings.Contains(guide, want) {
			t.Errorf("docs/migrate-from-ops.md does not say %q", want)
		}
	}
}
