package flags

import "testing"

func BenchmarkMigrate(b *testing.B) {
	args := []string{"--http_port=8081", "--backend=127.0.0.1:8080", "--service=SERVICE_NAME", "--rollout_strategy=managed", "--ssl_protocols=TLSv1.2", "--dns=8.8.8.8"}
	for b.Loop() {
		if _, err := Migrate(args, MigrateOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
