package quota

import (
	"context"
	"os"
	"testing"

	"github.com/redis/go-redis/v9"
)

// quietRedisLogger drops go-redis's own pool messages ("failed to dial ..."), which the
// outage tests cause on purpose; the Limiter logs outages itself.
type quietRedisLogger struct{}

func (quietRedisLogger) Printf(context.Context, string, ...any) {}

func TestMain(m *testing.M) {
	redis.SetLogger(quietRedisLogger{})
	os.Exit(m.Run())
}
