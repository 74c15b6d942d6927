#!/usr/bin/env bash
# The same 'iotjwt bench' load against 'iotjwt broker' (a JWT verified per connection) and against mosquitto with TLS
# and a password file, in one run: connects per second, connect latency, resident memory with every device held.
# Usage: bench/broker.sh [DEVICES] [CONCURRENCY] [ROUNDS]     (default 10000 devices, concurrency 32, 2 rounds)
# BROKER_JAVA_OPTS: JVM options for the bridge alone (e.g. another collector), IOTJWT_JAVA_OPTS for both JVMs.
# Resident memory is read from /proc once every device is connected (after a full GC for the Java heap figure).
set -euo pipefail
cd "$(dirname "$0")/.."
devices="${1:-10000}"
concurrency="${2:-32}"
rounds="${3:-2}"
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
# mosquitto with TLS, the same certificates, a password file
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
warm=$(( devices < 3000 ? devices : 3000 ))
pids=""
trap 'kill $pids 2>/dev/null || true' EXIT
run_iotjwt() {   # ROUND: a fresh broker, a warm-up pass, the measured pass; memory once every device is connected
  IOTJWT_JAVA_OPTS="${BROKER_JAVA_OPTS:-${IOTJWT_JAVA_OPTS:-}}" \
  ./iotjwt broker --registry "$work/fleet/registry.json" --state-dir "$work/pki" --port 18890 --stop-after 600s \
    >/dev/null 2>"$work/iotjwt-broker.log" &
  local broker=$!; pids="$broker"
  wait_port 18890
  # a first pass warms the JIT (the JVM compiles the handshake path during the first seconds); then the measured pass
  ./iotjwt bench --keys "$work/fleet" --port 18890 --ca "$work/pki/ca.pem" --concurrency "$concurrency" \
    --devices "$warm" --duration 0s >/dev/null || true
  ./iotjwt bench --keys "$work/fleet" --port 18890 --ca "$work/pki/ca.pem" --concurrency "$concurrency" \
    --duration "${hold}s" --format json > "$work/iotjwt-$1.json" &
  local bench=$!
  wait_connected "$work/iotjwt-broker.log" "accepted bench-" $((warm + devices))
  jcmd $broker GC.run >/dev/null 2>&1 || true
  rss $broker > "$work/iotjwt-$1.rss" || echo "?" > "$work/iotjwt-$1.rss"
  jcmd $broker GC.heap_info 2>/dev/null | awk '/used/ {for (i=1;i<=NF;i++) if ($i=="used") {sub(/K,?$/,"",$(i+1)); s+=$(i+1)}} END {print int(s/1024) "M"}' > "$work/iotjwt-$1.heap" || true
  wait $bench || true
  kill $broker; wait $broker 2>/dev/null || true
}
run_mosquitto() {
  mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
  local mosq=$!; pids="$mosq"
  wait_port 18891
  BENCH_PW=bench-secret ./iotjwt bench --keys "$work/fleet" --port 18891 --ca "$work/pki/ca.pem" \
    --concurrency "$concurrency" --devices "$warm" --duration 0s --password-env BENCH_PW >/dev/null || true
  BENCH_PW=bench-secret ./iotjwt bench --keys "$work/fleet" --port 18891 --ca "$work/pki/ca.pem" \
    --concurrency "$concurrency" --duration "${hold}s" --password-env BENCH_PW --format json \
    > "$work/mosquitto-$1.json" &
  local bench=$!
  wait_connected "$work/mosquitto.log" "New client connected" $((warm + devices))
  rss $mosq > "$work/mosquitto-$1.rss" || echo "?" > "$work/mosquitto-$1.rss"
  wait $bench || true
  kill $mosq; wait $mosq 2>/dev/null || true
}
# the state folder (CA, server certificate) exists before mosquitto needs it
./iotjwt broker --registry "$work/fleet/registry.json" --state-dir "$work/pki" --port 0 --stop-after 1s >/dev/null 2>&1
# rounds in the order A B B A (A B B A …): the machine's speed drifts over minutes (a shared host), and this order
# gives both brokers the same share of fast and slow minutes
for r in $(seq "$rounds"); do
  if [ $((r % 2)) = 1 ]; then run_iotjwt "$r"; run_mosquitto "$r"; else run_mosquitto "$r"; run_iotjwt "$r"; fi
done
echo "machine: $(uname -m), $(nproc) cores; $(java -version 2>&1 | head -1); $(mosquitto -h | head -1)"
echo "$devices devices, concurrency $concurrency, every connection held ${hold} s; each device a full TLS handshake;"
echo "a first pass of $warm connects warms each broker up; the bench client shares the machine's cores"
echo "$rounds rounds, brokers in the order A B B A; the ratio compares the two brokers' totals over the rounds"
/usr/bin/python3 - "$work" "$rounds" <<'PY'
import json, sys, statistics
work, rounds = sys.argv[1], int(sys.argv[2])
def load(name, r):
    j = json.load(open(f"{work}/{name}-{r}.json"))
    mem = open(f"{work}/{name}-{r}.rss").read().strip()
    heap = open(f"{work}/{name}-{r}.heap").read().strip() if name == "iotjwt" else ""
    return j, mem, heap
label = {"iotjwt": "iotjwt broker (JWT per connection)", "mosquitto": "mosquitto (TLS, password file)"}
print(f"{'round':6} {'broker':36} {'connected':>10} {'connects/s':>11} {'p50 ms':>7} {'p99 ms':>7} {'RSS MiB':>8}  failures")
rate = {"iotjwt": [], "mosquitto": []}
p99 = {"iotjwt": [], "mosquitto": []}
mem = {"iotjwt": [], "mosquitto": []}
for r in range(1, rounds + 1):
    for name in ("iotjwt", "mosquitto"):
        j, m, heap = load(name, r)
        rate[name].append(j["connectsPerSecond"]); p99[name].append(j["connect"]["p99"])
        mem[name].append(m)
        extra = f" (Java heap in use {heap})" if heap else ""
        print(f"{r:<6} {label[name]:36} {j['connected']:>10} {j['connectsPerSecond']:>11.0f} {j['connect']['p50']:>7.1f}"
              f" {j['connect']['p99']:>7.1f} {m:>8}  {j['failures'] or '-'}{extra}")
ri, rm = statistics.mean(rate["iotjwt"]), statistics.mean(rate["mosquitto"])
print(f"mean: iotjwt {ri:.0f} connects/s, mosquitto {rm:.0f}: ratio {ri / rm:.2f}; p99 {statistics.mean(p99['iotjwt']):.1f}"
      f" vs {statistics.mean(p99['mosquitto']):.1f} ms; RSS {', '.join(mem['iotjwt'])} vs {', '.join(mem['mosquitto'])} MiB")
PY
