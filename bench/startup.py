"""Times whole processes, interleaved, and prints medians and ratios (bench/startup.sh runs it)."""
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
# the example keys, kept as a user keeps a private key (owner-only): a clone checks them out readable by all, and
# iotjwt would then print its warning about them on every run, which is not the start-up being measured
keys = tempfile.mkdtemp(prefix="iotjwt-startup-")
rsa = os.path.join(keys, "demo_rsa_private.pem")      # PKCS#1 PEM
ec = os.path.join(keys, "demo_ec_private.pem")        # SEC1 PEM (with its EC PARAMETERS block)
for src, dst in (("examples/demo_rsa_private.pem", rsa), ("examples/demo_ec_private.pem", ec)):
    shutil.copyfile(src, dst)
    os.chmod(dst, 0o600)
now = int(time.time())
token = subprocess.run(["./iotjwt", "mint", "--key", ec, "--project", "bench-project"], check=True,
                       capture_output=True, text=True).stdout.strip()
openssl_rs256 = (
    'b64() { openssl base64 -A | tr "+/" "-_" | tr -d "="; }; '
    'h=$(printf %s \'{"alg":"RS256","typ":"JWT"}\' | b64); '
    'c=$(printf \'{"iat":%d,"exp":%d,"aud":"bench-project"}\' $(date +%s) $(( $(date +%s) + 3600 )) | b64); '
    's=$(printf %s "$h.$c" | openssl dgst -sha256 -sign ' + rsa + ' -binary | b64); echo "$h.$c.$s"')
pyjwt_rs256 = (
    "import jwt, time; k = open('" + rsa + "').read(); t = int(time.time()); "
    "print(jwt.encode({'iat': t, 'exp': t + 3600, 'aud': 'bench-project'}, k, algorithm='RS256'))")
java = os.environ.get("JAVA_HOME", "") + "/bin/java" if os.environ.get("JAVA_HOME") else "java"
cases = [
    ("iotjwt mint RS256 (PKCS#1 PEM)", ["./iotjwt", "mint", "--key", rsa, "--project", "bench-project"]),
    ("iotjwt mint ES256 (SEC1 PEM)", ["./iotjwt", "mint", "--key", ec, "--project", "bench-project"]),
    ("iotjwt check (good token)", ["./iotjwt", "check", token, "--project", "bench-project",
                                   "--public-key", "examples/demo_ec_public.pem"]),
    ("iotjwt --version", ["./iotjwt", "--version"]),
    ("plain java -jar: mint RS256", [java, "-jar", "target/iotjwt.jar", "mint", "--key", rsa, "--project",
                                     "bench-project"]),
    ("openssl pipeline RS256", ["bash", "-c", openssl_rs256]),
    ("PyJWT RS256 (python3-jwt)", ["/usr/bin/python3", "-c", pyjwt_rs256]),
]
times = {name: [] for name, _ in cases}
for _ in range(runs):
    for name, cmd in cases:
        start = time.perf_counter()
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
        if r.returncode not in (0,):
            sys.exit(f"{name} failed ({r.returncode}): {r.stderr.decode()[:300]}")
        times[name].append(elapsed)
med = {name: statistics.median(v) for name, v in times.items()}
java_version = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()[0]
print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; {java_version}")
print(f"{runs} interleaved runs each; median wall time")
print(f"{'command':34} {'median':>8} {'vs PyJWT':>9} {'vs openssl':>11}")
for name, _ in cases:
    print(f"{name:34} {med[name]*1000:7.0f}ms {med[name]/med['PyJWT RS256 (python3-jwt)']:8.2f}x"
          f" {med[name]/med['openssl pipeline RS256']:10.2f}x")
shutil.rmtree(keys, ignore_errors=True)
