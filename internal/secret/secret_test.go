package secret

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestSecretNeverPrints(t *testing.T) {
	s := String("hunter2-token")
	type holder struct {
		Token String
		Other string
	}
	h := holder{Token: s, Other: "x"}
	js, _ := json.Marshal(h)
	outputs := []string{
		fmt.Sprint(s), fmt.Sprintf("%v %s %q %x %#v %+v", s, s, s, s, s, h), string(js),
	}
	for _, out := range outputs {
		if strings.Contains(out, "hunter2") {
			t.Errorf("secret leaked in %q", out)
		}
	}
	if s.Reveal() != "hunter2-token" {
		t.Fatal("Reveal lost the value")
	}
	if fmt.Sprint(String("")) != "" {
		t.Error("an empty secret should print empty, so missing values are visible")
	}
}
