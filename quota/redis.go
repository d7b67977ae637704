package quota

import (
	"context"
	"fmt"
	"github.com/espctl/espctl/observe"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// chargeScript charges one call against every limit it touches, all or nothing, in one atomic
// step on the Redis server, so replicas sharing it admit exactly the limit between them.
//
//	KEYS[i]            the counter of limit i for this consumer and minute
//	ARGV[1]            counter lifetime in seconds (past the end of its minute)
//	ARGV[2i], [2i+1]   cost and limit value for KEYS[i]
//
// It returns 0 when charged, or i when limit i would be exceeded (nothing is charged).
// Lua numbers are doubles: costs and limits are exact up to 2^53.
var chargeScript = redis.NewScript(`
local ttl = tonumber(ARGV[1])
for i = 1, #KEYS do
  local used = tonumber(redis.call('GET', KEYS[i]) or '0')
  if used + tonumber(ARGV[2*i]) > tonumber(ARGV[2*i+1]) then
    return i
  end
end
for i = 1, #KEYS do
  redis.call('INCRBY', KEYS[i], ARGV[2*i])
  redis.call('EXPIRE', KEYS[i], ttl)
end
return 0
`)

// counterTTL keeps a counter for its minute and one more, then Redis drops it.
const counterTTL = 2 * time.Minute

type redisBackend struct {
	client *redis.Client
	addr   string
	prefix string
}

func newRedis(url string, opts Options) (*redisBackend, error) {
	ro, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("quota backend: %w", err)
	}
	// A retried script whose first run did execute would charge twice; fail fast instead and
	// let the fail policy decide.
	ro.MaxRetries = -1
	ro.DialerRetries = 1
	ro.DialTimeout = opts.Timeout
	ro.ReadTimeout = opts.Timeout
	ro.WriteTimeout = opts.Timeout
	ro.ContextTimeoutEnabled = true
	return &redisBackend{client: redis.NewClient(ro), addr: ro.Addr, prefix: opts.KeyPrefix}, nil
}

func (r *redisBackend) ping(ctx context.Context) error { return r.client.Ping(ctx).Err() }

// key names a counter: `<prefix>{<service>|<consumer>}:<limit>:<minute>`. The braces are a
// Redis Cluster hash tag, so all counters one call touches live in one slot and the script
// may use them together.
func (r *redisBackend) key(service string, c charge, window int64) string {
	return r.prefix + "{" + service + "|" + c.consumer + "}:" + c.counter + ":" + strconv.FormatInt(window, 10)
}

func (r *redisBackend) charge(ctx context.Context, service string, window int64, charges []charge) (int, error) {
	keys := make([]string, len(charges))
	args := make([]any, 0, 1+2*len(charges))
	args = append(args, int64(counterTTL/time.Second))
	for i, c := range charges {
		keys[i] = r.key(service, c, window)
		args = append(args, c.cost, c.value)
	}
	ctx, span := observe.StartQuotaCall(ctx, "allocate")
	n, err := chargeScript.Run(ctx, r.client, keys, args...).Int()
	observe.EndSpan(span, err)
	if err != nil {
		return 0, fmt.Errorf("quota backend %s: %w", r.addr, err)
	}
	return n - 1, nil
}

func (r *redisBackend) close() error { return r.client.Close() }
