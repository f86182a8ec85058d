package dbtest

import "testing"

func TestThrowAwayDatabases(t *testing.T) {
	for name, open := range map[string]func(testing.TB) *Database{"mysql": MySQL, "postgres": Postgres} {
		t.Run(name, func(t *testing.T) {
			d := open(t)
			if _, err := d.DB.Exec("CREATE TABLE t (x INT)"); err != nil {
				t.Fatal(err)
			}
			if d.Conn.Database != d.Name || d.Conn.Host == "" || d.Conn.Port == 0 {
				t.Errorf("conn %+v", d.Conn)
			}
		})
	}
}
