package mysql

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// identQuotes maps the characters that open a quoted identifier part to the
// ones that close it.
var identQuotes = map[rune]rune{'`': '`'}

// checkProcName validates a configured procedure name before it is spliced
// into a statement: one to four dot-separated parts, each either a plain
// identifier (letters, digits, _, $ and #) or a quoted identifier holding
// no closing quote and no control character. It returns the trimmed name.
func checkProcName(name string) (string, error) {
	n := strings.TrimSpace(name)
	if n == "" {
		return "", fmt.Errorf("procedure name is empty")
	}
	bad := func(why string) error {
		return fmt.Errorf("procedure name %q is not a valid identifier (%s): use letters, digits, _, $ and #, a dot between schema and name, or a quoted name", n, why)
	}
	rest := n
	for parts := 1; ; parts++ {
		if parts > 4 {
			return "", bad("too many dots")
		}
		if rest == "" || rest[0] == '.' {
			return "", bad("empty part")
		}
		first, _ := utf8.DecodeRuneInString(rest)
		if closing, quoted := identQuotes[first]; quoted {
			end := strings.IndexRune(rest[1:], closing)
			if end < 0 {
				return "", bad("unterminated quote")
			}
			inner := rest[1 : 1+end]
			if inner == "" {
				return "", bad("empty quoted part")
			}
			for _, r := range inner {
				if unicode.IsControl(r) {
					return "", bad("control character")
				}
			}
			rest = rest[1+end+utf8.RuneLen(closing):]
		} else {
			i := 0
			for i < len(rest) {
				r, size := utf8.DecodeRuneInString(rest[i:])
				if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && r != '$' && r != '#' {
					break
				}
				i += size
			}
			if i == 0 {
				r, _ := utf8.DecodeRuneInString(rest)
				return "", bad(fmt.Sprintf("unexpected %q", r))
			}
			rest = rest[i:]
		}
		if rest == "" {
			return n, nil
		}
		if rest[0] != '.' {
			r, _ := utf8.DecodeRuneInString(rest)
			return "", bad(fmt.Sprintf("unexpected %q", r))
		}
		rest = rest[1:]
	}
}
