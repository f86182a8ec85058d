package deploytest

import (
	"os"
	"testing"
)

// packageTestRequested is DEPLOYTEST_PACKAGE=1, read before any test
// runs and then removed from the environment: sqlscim refuses to start with
// an SQLSCIM_* variable that names no setting, and the tests start it (in
// this process, and through the package's install script).
var packageTestRequested bool

func TestMain(m *testing.M) {
	packageTestRequested = os.Getenv("DEPLOYTEST_PACKAGE") == "1"
	os.Unsetenv("DEPLOYTEST_PACKAGE")
	os.Exit(m.Run())
}
