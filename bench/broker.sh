#!/usr/bin/env bash
# The same 'iotjwt bench' load against 'iotjwt broker' (a JWT verified per connection) and against mosquitto with TLS
# and a password file, in one run: connects per second, connect latency, resident memory with every device held.
# Usage: bench/broker.sh [DEVICES] [CONCURRENCY]     (default 10000 devices, concurrency 32)
# Resident memory is read from /proc once every device is connected (after a full GC for the Java heap figure).
set -euo pipefail
cd "$(dirname "$0")/.."
devices="${1:-10000}"
concurrency="${2:-32}"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if ! command -v mosquitto >/dev/null || ! command -v mosquitto_passwd >/dev/null || [ ! -x /usr/bin/python3 ]; then
  s=""; [ "$(id -u)" = 0 ] || s=sudo
  $s apt-get update -qq && $s apt-get install -y -qq mosquitto mosquitto-clients python3 >/dev/null
fi
work="$(pwd)/target/bench-broker"
mkdir -p "$work"
./iotjwt --version >/dev/null
if [ ! -f "$work/fleet/registry.json" ] || [ "$(grep -o '"id":"bench-' "$work/fleet/registry.json" | wc -l)" != "$devices" ]; then
  rm -rf "$work/fleet"
  ./iotjwt bench --prepare "$work/fleet" --devices "$devices" >/dev/null
fi
rss() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }
wait_port() { for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }
hold=30
wait_connected() {   # LOG PATTERN COUNT: until the log shows COUNT connections (bounded by the hold)
  local seen=0
  for _ in $(seq $((hold * 10))); do
    seen="$(grep -c "$2" "$1" 2>/dev/null || true)"
    [ "$seen" -ge "$3" ] && { sleep 1; return 0; }
    sleep 0.1
  done
  echo "broker.sh: warning: only $seen of $3 connections in $1 after ${hold} s; memory is read with fewer devices connected" >&2
  return 0
}
# 1. iotjwt broker
./iotjwt broker --registry "$work/fleet/registry.json" --state-dir "$work/pki" --port 18890 --stop-after 600s \
  >/dev/null 2>"$work/iotjwt-broker.log" &
broker=$!
trap 'kill $broker ${mosq:-} 2>/dev/null || true' EXIT
wait_port 18890
warm=$(( devices < 3000 ? devices : 3000 ))
# a first pass warms the JIT (the JVM compiles the handshake path during the first seconds); then the measured pass
./iotjwt bench --keys "$work/fleet" --port 18890 --ca "$work/pki/ca.pem" --concurrency "$concurrency" \
  --devices "$warm" --duration 0s >/dev/null || true
./iotjwt bench --keys "$work/fleet" --port 18890 --ca "$work/pki/ca.pem" --concurrency "$concurrency" \
  --duration "${hold}s" --format json > "$work/iotjwt.json" &
bench=$!
# memory is read once every device of the measured pass is connected (the broker logs each acceptance)
wait_connected "$work/iotjwt-broker.log" "accepted bench-" $((warm + devices))
jcmd $broker GC.run >/dev/null 2>&1 || true
iot_rss=$(rss $broker) || iot_rss="?"
iot_heap=$(jcmd $broker GC.heap_info 2>/dev/null | awk '/total/ {for (i=1;i<=NF;i++) if ($i=="used") {print int($(i+1)/1024) "M"; exit}}') || true
wait $bench || true
kill $broker; wait $broker 2>/dev/null || true
# 2. mosquitto with TLS, the same certificates, a password file
mosquitto_passwd -c -b "$work/passwd" unused bench-secret >/dev/null 2>&1
cat > "$work/mosquitto.conf" <<CONF
listener 18891 127.0.0.1
cafile $work/pki/ca.pem
certfile $work/pki/server.pem
keyfile $work/pki/server-key.pem
allow_anonymous false
password_file $work/passwd
persistence false
set_tcp_nodelay true
max_connections -1
$( [ "$(id -u)" = 0 ] && echo "user root" )
CONF
mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
mosq=$!
wait_port 18891
BENCH_PW=bench-secret ./iotjwt bench --keys "$work/fleet" --port 18891 --ca "$work/pki/ca.pem" \
  --concurrency "$concurrency" --devices "$warm" --duration 0s --password-env BENCH_PW >/dev/null || true
BENCH_PW=bench-secret ./iotjwt bench --keys "$work/fleet" --port 18891 --ca "$work/pki/ca.pem" \
  --concurrency "$concurrency" --duration "${hold}s" --password-env BENCH_PW --format json > "$work/mosquitto.json" &
bench=$!
wait_connected "$work/mosquitto.log" "New client connected" $((warm + devices))
mq_rss=$(rss $mosq) || mq_rss="?"
wait $bench || true
echo "machine: $(uname -m), $(nproc) cores; $(java -version 2>&1 | head -1); $(mosquitto -h | head -1)"
echo "$devices devices, concurrency $concurrency, every connection held ${hold} s; each device a full TLS handshake;"
echo "a first pass of $warm connects warms each broker up; the bench client shares the machine's cores"
echo "iotjwt broker's Java heap in use with every device connected: ${iot_heap:-?}"
/usr/bin/python3 - "$work" "$iot_rss" "$mq_rss" <<'PY'
import json, sys
work, iot_rss, mq_rss = sys.argv[1], sys.argv[2], sys.argv[3]
rows = [("iotjwt broker (JWT per connection)", json.load(open(f"{work}/iotjwt.json")), iot_rss),
        ("mosquitto (TLS, password file)", json.load(open(f"{work}/mosquitto.json")), mq_rss)]
base = rows[1][1]["connectsPerSecond"]
print(f"{'broker':36} {'connected':>10} {'connects/s':>11} {'ratio':>6} {'p50 ms':>7} {'p99 ms':>7} {'RSS MiB':>8}  failures")
for name, r, mem in rows:
    print(f"{name:36} {r['connected']:>10} {r['connectsPerSecond']:>11.0f} {r['connectsPerSecond']/base:>6.2f}"
          f" {r['connect']['p50']:>7.1f} {r['connect']['p99']:>7.1f} {mem:>8}  {r['failures'] or '-'}")
PY
