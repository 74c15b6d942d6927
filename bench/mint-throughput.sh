#!/usr/bin/env bash
# Tokens per second of 'iotjwt mint --batch' for 10,000 RS256 and 10,000 ES256 devices, against
# 'openssl speed -multi $(nproc)' sign/s for rsa2048 and ecdsap256, in the same run.
# Usage: bench/mint-throughput.sh [DEVICES]   (the devices share 100 key files of each kind, each read once)
set -euo pipefail
cd "$(dirname "$0")/.."
devices="${1:-10000}"
cores="$(nproc)"
if ! command -v openssl >/dev/null || [ ! -x /usr/bin/python3 ]; then
  s=""; [ "$(id -u)" = 0 ] || s=sudo
  $s apt-get update -qq && $s apt-get install -y -qq openssl python3 >/dev/null
fi
work="target/bench-mint"
mkdir -p "$work/keys"
if [ ! -f "$work/keys/ec_99.pem" ]; then
  echo "making 100 RSA 2048 and 100 P-256 device keys in $work/keys ..." >&2
  for i in $(seq 0 99); do
    openssl genrsa -traditional -out "$work/keys/rsa_$i.pem" 2048 2>/dev/null &
    openssl ecparam -genkey -name prime256v1 -noout -out "$work/keys/ec_$i.pem" &
    if (( i % cores == cores - 1 )); then wait; fi
  done
  wait
fi
for kind in rsa ec; do
  f="$work/$kind.csv"
  echo "device,key,project" > "$f"
  for i in $(seq 0 $((devices - 1))); do echo "$kind-device-$i,keys/${kind}_$((i % 100)).pem,bench-project"; done >> "$f"
done
./iotjwt --version >/dev/null   # build outside the timing
run() {   # prints tokens/s of the whole process (start-up included) and the minting alone
  local file="$1" start end
  start=$(date +%s%N)
  ./iotjwt --verbose mint --batch "$file" 2> "$work/summary.txt" > "$work/out.txt"
  end=$(date +%s%N)
  local ok; ok=$(grep -c ' eyJ' "$work/out.txt")
  [ "$ok" = "$devices" ] || { echo "only $ok of $devices minted" >&2; head -3 "$work/out.txt" >&2; exit 1; }
  /usr/bin/python3 -c "import re,sys; s=open('$work/summary.txt').read(); m=re.search(r'\(([0-9]+) tokens/s', s); \
print(f'{$devices/(($end-$start)/1e9):.0f} {m.group(1)}')"
}
read -r rs_wall rs_mint < <(run "$work/rsa.csv")
read -r es_wall es_mint < <(run "$work/ec.csv")
provider="$(sed -n 's/.*); //p' "$work/summary.txt")"
speed="$(openssl speed -multi "$cores" -seconds 3 rsa2048 ecdsap256 2>/dev/null)"
rsa_ssl="$(awk '/^rsa 2048 bits/ {print $(NF-1)}' <<<"$speed")"
ec_ssl="$(awk '/ecdsa \(nistp256\)/ {print $(NF-1)}' <<<"$speed")"
echo "machine: $(uname -m), $cores cores; $(java -version 2>&1 | head -1); $(openssl version | cut -d' ' -f1-2)"
echo "iotjwt $provider"
printf "%-8s %10s %14s %18s %10s\n" alg "openssl/s" "iotjwt mint/s" "iotjwt process/s" "ratio"
/usr/bin/python3 - "$rsa_ssl" "$rs_mint" "$rs_wall" "$ec_ssl" "$es_mint" "$es_wall" <<'PY'
import sys
a = list(map(float, sys.argv[1:]))
for name, ssl, mint, wall in (("RS256", a[0], a[1], a[2]), ("ES256", a[3], a[4], a[5])):
    print(f"{name:8} {ssl:10.0f} {mint:14.0f} {wall:18.0f} {mint / ssl:9.2f}x")
PY
