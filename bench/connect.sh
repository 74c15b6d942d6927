#!/usr/bin/env bash
# A cold 'iotjwt connect' (every step, one QoS 1 publish) against 'mosquitto_pub' doing the same TLS connect and
# publish, both to mosquitto on 127.0.0.1 with TLS. Interleaved, RUNS rounds (default 11), medians.
# Usage: bench/connect.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-11}"
if ! command -v mosquitto >/dev/null || ! command -v mosquitto_pub >/dev/null || [ ! -x /usr/bin/python3 ]; then
  s=""; [ "$(id -u)" = 0 ] || s=sudo
  $s apt-get update -qq && $s apt-get install -y -qq mosquitto mosquitto-clients python3 >/dev/null
fi
work="$(pwd)/target/bench-connect"
mkdir -p "$work"
./iotjwt --version >/dev/null
# the local broker's CA and a server certificate for localhost, made once, served by mosquitto
if [ ! -f "$work/pki/server.pem" ]; then
  ./iotjwt broker --state-dir "$work/pki" --port 0 --device bench-device=examples/demo_ec_public.pem \
    --stop-after 1s >/dev/null 2>&1
fi
port=18885        # mosquitto as installed (Nagle's algorithm on: small writes wait for the peer's delayed ACK)
fast=18886        # the same with set_tcp_nodelay true
for p in $port $fast; do
  cat > "$work/mosquitto-$p.conf" <<CONF
listener $p 127.0.0.1
cafile $work/pki/ca.pem
certfile $work/pki/server.pem
keyfile $work/pki/server-key.pem
allow_anonymous true
persistence false
$( [ "$p" = "$fast" ] && echo "set_tcp_nodelay true" )
$( [ "$(id -u)" = 0 ] && echo "user root" )
CONF
done
mosquitto -c "$work/mosquitto-$port.conf" >"$work/mosquitto-$port.log" 2>&1 &
m1=$!
mosquitto -c "$work/mosquitto-$fast.conf" >"$work/mosquitto-$fast.log" 2>&1 &
m2=$!
trap 'kill $m1 $m2 2>/dev/null || true' EXIT
for p in $port $fast; do
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && break; sleep 0.1; done
done
client="projects/bench-project/locations/us-central1/registries/bench-registry/devices/bench-device"
token="$(./iotjwt mint --key examples/demo_ec_private.pem --project bench-project)"
/usr/bin/python3 - "$runs" "$work" "$port" "$fast" "$client" "$token" <<'PY'
import os, platform, statistics, subprocess, sys, time
runs, work, port, fast, client, token = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
cases = []
for p, label in ((port, "mosquitto as installed"), (fast, "mosquitto, set_tcp_nodelay")):
    cases.append((f"iotjwt connect + publish | {label}", ["./iotjwt", "connect", "--host", "localhost", "--port", p,
        "--ca", f"{work}/pki/ca.pem", "--client-id", client, "--key", "examples/demo_ec_private.pem", "--publish",
        "hello"]))
    cases.append((f"mosquitto_pub           | {label}", ["mosquitto_pub", "-h", "localhost", "-p", p, "--cafile",
        f"{work}/pki/ca.pem", "-i", client, "-u", "unused", "-P", token, "-t", "/devices/bench-device/events", "-m",
        "hello", "-q", "1"]))
times = {n: [] for n, _ in cases}
for _ in range(runs):
    for name, cmd in cases:
        start = time.perf_counter()
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times[name].append(time.perf_counter() - start)
        if r.returncode != 0:
            sys.exit(f"{name} failed: {r.stderr.decode()[:300]}")
med = {n: statistics.median(v) for n, v in times.items()}
java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
mosq = subprocess.run(["mosquitto", "-h"], capture_output=True, text=True).stdout.splitlines()[0]
print(f"machine: {platform.machine()}, {os.cpu_count()} cores; {java}; {mosq}")
print(f"{runs} interleaved runs each, median wall time, against mosquitto with TLS on 127.0.0.1")
for name, _ in cases:
    base = med["mosquitto_pub           |" + name.split("|")[1]]
    print(f"{name:58} {med[name]*1000:7.0f} ms {med[name]/base:6.2f}x")
PY
