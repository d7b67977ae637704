#!/usr/bin/env bash
# bench/run.sh: requests/s and p50/p99 latency of espctl run against the backend called directly
# and against nginx (Debian's package) configured as the equivalent reverse proxy / grpc_pass,
# measured in the same run, for plain HTTP proxying, gRPC passthrough and JSON->gRPC
# transcoding. Prints the ratios espctl/nginx and espctl/direct. Not run in CI.
#
#   bench/run.sh              # 10 s per measurement, 32 connections, 3 rounds
#   DUR=30s CONC=64 ROUNDS=5 bench/run.sh
#
# nginx and espctl are measured alternately, ROUNDS times each, and the median round is
# reported, so a change in the machine's background load hits both alike. Besides requests/s
# it reports the CPU time each proxy used per request (all its processes: utime+stime from
# /proc), which moves much less than requests/s with the load of a shared machine.
#
# Installs what it needs: nginx-light, wrk and nghttp2-client from apt, ghz pinned from the Go
# module proxy. On a small machine the load generator, the proxy and the backend share the
# CPUs: compare ratios from one run, not absolute numbers across machines.
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${DUR:-10s}
CONC=${CONC:-32}
ROUNDS=${ROUNDS:-3}
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

# --- tools -------------------------------------------------------------------------------------
missing=()
command -v nginx >/dev/null || missing+=(nginx-light)
command -v wrk >/dev/null || missing+=(wrk)
if ((${#missing[@]})); then
	echo "installing ${missing[*]}" >&2
	apt-get install -y "${missing[@]}" >/dev/null
fi
GHZ=$(go env GOPATH)/bin/ghz
[ -x "$GHZ" ] || go install github.com/bojand/ghz/cmd/ghz@v0.120.0

# --- builds and processes ----------------------------------------------------------------------
go build -o "$work/espctl" ./cmd/espctl
go build -o "$work/backend" ./bench/backend

BE_HTTP=127.0.0.1:18081 BE_GRPC=127.0.0.1:18082
NGINX_HTTP=127.0.0.1:18090 NGINX_GRPC=127.0.0.1:18091
ESP_HTTP=127.0.0.1:18100 ESP_GRPC=127.0.0.1:18101

"$work/backend" -http $BE_HTTP -grpc $BE_GRPC -write "$work" >"$work/backend.log" 2>&1 &
pids+=($!)

cat >"$work/service-http.json" <<JSON
{"name":"bench.espctl.local","configVersion":3,"apis":[{"name":"bench.Http","methods":[{"name":"Get"}]}],
 "http":{"rules":[{"selector":"bench.Http.Get","get":"/bench"}]}}
JSON

mkdir -p "$work/nginx"
cat >"$work/nginx.conf" <<NGINX
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
	access_log off;
	client_body_temp_path $work/nginx;
	proxy_temp_path $work/nginx;
	upstream http_backend { server $BE_HTTP; keepalive 128; }
	upstream grpc_backend { server $BE_GRPC; keepalive 128; }
	server {
		listen $NGINX_HTTP;
		keepalive_requests 10000000;
		location / {
			proxy_pass http://http_backend;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
		}
	}
	server {
		listen $NGINX_GRPC http2;
		keepalive_requests 10000000;
		http2_max_concurrent_streams 1024;
		location / { grpc_pass grpc://grpc_backend; }
	}
}
NGINX
nginx -p "$work/nginx" -c "$work/nginx.conf" -g 'daemon off;' &
pids+=($!)
NGINX_PID=$!

# espctl logs one JSON line per request, as it does in production.
"$work/espctl" run --service_json_path "$work/service-http.json" --backend "http://$BE_HTTP" \
	--listener_address 127.0.0.1 --listener_port "${ESP_HTTP##*:}" >/dev/null 2>"$work/espctl-http.log" &
pids+=($!)
ESP_HTTP_PID=$!
for _ in $(seq 100); do [ -s "$work/descriptor.pb" ] && break; sleep 0.1; done
"$work/espctl" run --service_json_path "$work/service.json" --descriptor "$work/descriptor.pb" --backend "grpc://$BE_GRPC" \
	--listener_address 127.0.0.1 --listener_port "${ESP_GRPC##*:}" >/dev/null 2>"$work/espctl-grpc.log" &
pids+=($!)
ESP_GRPC_PID=$!

wait_for() { for _ in $(seq 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }
wait_for "http://$BE_HTTP/bench"
wait_for "http://$NGINX_HTTP/bench"
wait_for "http://$ESP_HTTP/bench"
wait_for "http://$ESP_GRPC/v1/shelves/1"

# --- measurements ------------------------------------------------------------------------------
# Each prints "rps p50_ms p99_ms".
http_load() {
	wrk -t2 -c"$CONC" -d"$DUR" --latency "$1" | awk '
		/Requests\/sec/ {rps=$2}
		function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
		$1=="50%" {p50=ms($2)} $1=="99%" {p99=ms($2)}
		END {printf "%.0f %.3f %.3f\n", rps, p50, p99}'
}
grpc_load() {
	"$GHZ" --insecure --protoset "$work/descriptor.pb" --call espctl.demo.v1.Library.GetShelf \
		-d '{"shelf":1}' -c "$CONC" --connections 2 -z "$DUR" -O json "$1" 2>/dev/null | python3 -c '
import json, sys
r = json.load(sys.stdin)
p = {d["percentage"]: d["latency"] / 1e6 for d in r.get("latencyDistribution") or []}
print("%.0f %.3f %.3f" % (r["rps"], p.get(50, 0), p.get(99, 0)))'
}

# cputicks PID: clock ticks of CPU used by PID and its children processes (nginx's workers).
cputicks() {
	local t=0 p
	for p in "$1" $(pgrep -P "$1" || true); do
		t=$((t + $(awk '{print $14+$15}' "/proc/$p/stat")))
	done
	echo "$t"
}
# measure PID LOADFN TARGET: "rps p50_ms p99_ms cpu_us_per_request" (cpu 0 without PID).
measure() {
	local pid=$1 c0=0 c1=0 out
	[ "$pid" = - ] || c0=$(cputicks "$pid")
	out=$("$2" "$3")
	[ "$pid" = - ] || c1=$(cputicks "$pid")
	local dur=${DUR%s}
	echo "$out" | awk -v c=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v d="$dur" '{cpu = ($1 > 0) ? c / hz * 1e6 / ($1 * d) : 0; printf "%s %s %s %.1f\n", $1, $2, $3, cpu}'
}
# median of the rounds by requests/s
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}'; }

declare -A R
echo "measuring ($DUR each, $CONC connections, $ROUNDS rounds)..." >&2
R[http_direct]=$(measure - http_load "http://$BE_HTTP/bench")
hn=() he=() gn=() ge=()
for _ in $(seq "$ROUNDS"); do
	hn+=("$(measure "$NGINX_PID" http_load "http://$NGINX_HTTP/bench")")
	he+=("$(measure "$ESP_HTTP_PID" http_load "http://$ESP_HTTP/bench")")
done
R[http_nginx]=$(median "${hn[@]}")
R[http_espctl]=$(median "${he[@]}")
R[grpc_direct]=$(measure - grpc_load "$BE_GRPC")
for _ in $(seq "$ROUNDS"); do
	gn+=("$(measure "$NGINX_PID" grpc_load "$NGINX_GRPC")")
	ge+=("$(measure "$ESP_GRPC_PID" grpc_load "$ESP_GRPC")")
done
R[grpc_nginx]=$(median "${gn[@]}")
R[grpc_espctl]=$(median "${ge[@]}")
R[transcode_espctl]=$(measure "$ESP_GRPC_PID" http_load "http://$ESP_GRPC/v1/shelves/1")
echo "rounds (rps p50 p99 cpu_us/req): http nginx ${hn[*]/%/;} espctl ${he[*]/%/;} grpc nginx ${gn[*]/%/;} espctl ${ge[*]/%/;}" >&2

# --- report ------------------------------------------------------------------------------------
python3 - "$(nproc)" "$(uname -m)" "$DUR" "$CONC" "$ROUNDS" \
	"${R[http_direct]}" "${R[http_nginx]}" "${R[http_espctl]}" \
	"${R[grpc_direct]}" "${R[grpc_nginx]}" "${R[grpc_espctl]}" \
	"${R[transcode_espctl]}" <<'PY'
import sys
cpus, arch, dur, conc, rounds = sys.argv[1:6]
v = [tuple(float(x) for x in s.split()) for s in sys.argv[6:]]
rows = [("HTTP proxying (wrk)", v[0], v[1], v[2]),
        ("gRPC passthrough (ghz)", v[3], v[4], v[5]),
        ("JSON->gRPC transcoding (wrk; direct = gRPC with ghz, nginx cannot)", v[3], None, v[6])]
print(f"machine: {cpus} CPUs {arch}; {dur} per run, {conc} connections, median of {rounds} alternating rounds; rps, p50/p99 ms, proxy CPU µs/request")
print("| scenario | direct | nginx | espctl | espctl/nginx rps | espctl/nginx CPU per request | espctl/direct |")
print("|---|---|---|---|---|---|---|")
def f(r):
    if r is None:
        return "n/a"
    s = f"{r[0]:,.0f} rps, {r[1]:.2f}/{r[2]:.2f} ms"
    return s + (f", {r[3]:.0f} µs CPU" if r[3] > 0 else "")
for name, d, n, e in rows:
    ratio_n = "n/a" if n is None or n[0] == 0 else f"{e[0]/n[0]:.2f}"
    cpu_n = "n/a" if n is None or n[3] == 0 else f"{e[3]/n[3]:.2f}"
    ratio_d = "n/a" if d[0] == 0 else f"{e[0]/d[0]:.2f}"
    print(f"| {name} | {f(d)} | {f(n)} | {f(e)} | {ratio_n} | {cpu_n} | {ratio_d} |")
PY
