#!/usr/bin/env bash
# Cold start of whole processes: iotjwt against an openssl pipeline and PyJWT minting the same RS256 token.
# Interleaved (A B C … A B C …), RUNS rounds (default 15), medians and ratios. Usage: bench/startup.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-15}"
if [ "$runs" -lt 10 ] 2>/dev/null; then
  echo "startup.sh: warning: $runs runs asked; medians of fewer than 10 runs are not what the README's table reports (default 15)" >&2
fi
# peers: Debian's openssl and python3-jwt (with python3-cryptography for RS256/ES256)
if ! command -v openssl >/dev/null || ! /usr/bin/python3 -c 'import jwt, cryptography' 2>/dev/null; then
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq openssl python3-jwt python3-cryptography >/dev/null
fi
./iotjwt --version >/dev/null   # builds the jar (and the class-data archive) once, outside the timing
exec /usr/bin/python3 bench/startup.py "$runs"
