package tenant

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// referenceTables reads the tables of docs/tenants.md: for each "## "
// section, the canonical name of each row (its first cell) and the
// normalized spellings it is known by (itself and the "Other spellings"
// cell).
func referenceTables(t *testing.T) map[string]map[string][]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testRoot(t), "docs", "tenants.md"))
	if err != nil {
		t.Fatal(err)
	}
	code := regexp.MustCompile("`([^`]+)`")
	out := map[string]map[string][]string{}
	section, spellingsAt := "", -1
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "## ") {
			section, spellingsAt = strings.TrimPrefix(line, "## "), -1
			continue
		}
		if !strings.HasPrefix(line, "|") || section == "" {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if spellingsAt < 0 {
			for i, c := range cells {
				if c == "Other spellings" {
					spellingsAt = i
				}
			}
			continue
		}
		first := code.FindStringSubmatch(cells[0])
		if first == nil {
			continue // the |---| line
		}
		// Spellings that differ only in case and separators are one.
		seen := map[string]bool{norm(first[1]): true}
		names := []string{norm(first[1])}
		if spellingsAt < len(cells) {
			for _, m := range code.FindAllStringSubmatch(cells[spellingsAt], -1) {
				if n := norm(m[1]); !seen[n] {
					seen[n] = true
					names = append(names, n)
				}
			}
		}
		sort.Strings(names)
		if out[section] == nil {
			out[section] = map[string][]string{}
		}
		out[section][first[1]] = names
	}
	return out
}

// acceptedSpellings turns a decoder table (normalized spelling → canonical) into
// canonical → sorted spellings.
func acceptedSpellings[V ~string](m map[string]V) map[string][]string {
	out := map[string][]string{}
	for spelling, canonical := range m {
		out[string(canonical)] = append(out[string(canonical)], spelling)
	}
	for _, list := range out {
		sort.Strings(list)
	}
	return out
}

// TestTenantsReferenceMatchesTheDecoder: every key, operation and type the
// decoder accepts is in docs/tenants.md with every spelling it accepts, and
// nothing else is.
func TestTenantsReferenceMatchesTheDecoder(t *testing.T) {
	doc := referenceTables(t)
	for section, decoder := range map[string]map[string][]string{
		"Tenant keys":          acceptedSpellings(topFields),
		"`database` keys":      acceptedSpellings(databaseFields),
		"Operations":           acceptedSpellings(opNames),
		"Operation keys":       acceptedSpellings(operationFields),
		"Operation types":      acceptedSpellings(opTypes),
		"Parameter keys":       acceptedSpellings(paramFields),
		"Parameter types":      acceptedSpellings(paramTypes),
		"`password_sync` keys": acceptedSpellings(passwordSyncFields),
	} {
		documented := doc[section]
		if documented == nil {
			t.Errorf("docs/tenants.md has no section %q", section)
			continue
		}
		for name, want := range decoder {
			got, ok := documented[name]
			switch {
			case !ok:
				t.Errorf("%s: %s is accepted but not documented", section, name)
			case !reflect.DeepEqual(got, want):
				t.Errorf("%s: %s is documented with the spellings %v; the decoder accepts %v", section, name, got, want)
			}
		}
		for name := range documented {
			if _, ok := decoder[name]; !ok {
				t.Errorf("%s: %s is documented but not accepted", section, name)
			}
		}
	}
}
