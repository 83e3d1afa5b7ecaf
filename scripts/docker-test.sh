#!/usr/bin/env bash
# Builds the server's container image and checks it for real: /health and the health check, a JSON-RPC round
# trip, a message that survives a container restart on the same volume, a graceful `docker stop`, TLS from
# mounted PEM files, and two containers sharing a Redis on the host. Every container runs with --network host on loopback ports.
# Usage: bash scripts/docker-test.sh   (needs a running Docker daemon; exits 0 with "SKIPPED: <why>" without one)
# It puts the jar in mpr-server/target into the image (and builds one only when there is none): after a change,
# run mvn package first.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE="${MPR_TEST_IMAGE:-mpr4j/mpr-server:test}"
BASE=debian:bookworm-slim
RUN_ID="mpr-test-$$"
started=$(date +%s)

say() { echo "docker-test: $*"; }
skip() { say "SKIPPED: $*"; exit 0; }

command -v docker >/dev/null 2>&1 || skip "the docker command is not installed"
if ! err=$(docker info 2>&1 >/dev/null); then
  skip "the Docker daemon is not reachable: $(echo "$err" | tail -1)"
fi
command -v curl >/dev/null 2>&1 || skip "curl is not installed (it checks the containers' HTTP endpoints)"
command -v node >/dev/null 2>&1 || skip "node is not installed (it makes the JSON-RPC calls, with the ws package)"

containers=()
redis_pid=""
work=$(mktemp -d)
cleanup() {
  for c in "${containers[@]}"; do docker rm -f "$c" >/dev/null 2>&1 || true; done
  docker volume rm -f "$RUN_ID-data" >/dev/null 2>&1 || true
  if [ -n "$redis_pid" ]; then kill "$redis_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# --- the base image: made from Debian's archive when no registry is reachable -------------------------------
if ! docker image inspect "$BASE" >/dev/null 2>&1; then
  command -v debootstrap >/dev/null 2>&1 || skip "$BASE is missing and debootstrap is not installed to make it"
  [ "$(id -u)" -eq 0 ] || skip "$BASE is missing and making it with debootstrap needs root"
  # the Debian mirror this machine's apt uses (deb.debian.org when none is named)
  mirror=$( (grep -rhoE '^(URIs:|deb) +https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d \
    2>/dev/null || true) | head -1 | awk '{print $2}')
  mirror="${mirror:-http://deb.debian.org/debian}"
  say "making $BASE with debootstrap --variant=minbase bookworm from $mirror"
  t0=$(date +%s)
  debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log"; exit 1; }
  # what the official slim image also leaves out: downloaded packages, package lists, documentation
  rm -rf "$work/rootfs"/var/cache/apt/archives/*.deb "$work/rootfs"/var/lib/apt/lists/* \
    "$work/rootfs"/usr/share/doc/* "$work/rootfs"/usr/share/man/* "$work/rootfs"/usr/share/locale/*
  tar -C "$work/rootfs" -c . | docker import - "$BASE" >/dev/null
  rm -rf "$work/rootfs"
  say "made $BASE in $(( $(date +%s) - t0 )) s"
fi

# --- the image -------------------------------------------------------------------------------------------------
if ! ls mpr-server/target/mpr-server-*-all.jar >/dev/null 2>&1; then
  say "building the runnable jar (mvn -DskipTests package)"
  mvn -B -ntp -q -DskipTests package -pl mpr-server -am
fi
t0=$(date +%s)
docker build --network host -q -t "$IMAGE" . >/dev/null
size=$(docker image inspect -f '{{.Size}}' "$IMAGE")
say "built $IMAGE in $(( $(date +%s) - t0 )) s: $(( size / 1000000 )) MB"

# --- helpers ---------------------------------------------------------------------------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
  || shuf -i 20000-60000 -n 1; }
ws_dir=target/node
if [ ! -d "$ws_dir/node_modules/ws" ]; then
  npm install --no-save --no-audit --no-fund --prefix "$ws_dir" ws@8 >/dev/null 2>&1 \
    || skip "npm could not install ws (it makes the JSON-RPC calls)"
fi
cat >"$work/rpc.js" <<'JS'
// node rpc.js ws://127.0.0.1:PORT/ METHOD 'PARAMS-JSON'  -> prints the result as JSON, exit 1 on an error
const WebSocket = require('ws');
const [url, method, params] = process.argv.slice(2);
const ws = new WebSocket(url);
const timer = setTimeout(() => { console.error('timeout'); process.exit(2); }, 10000);
ws.on('open', () => ws.send(JSON.stringify({ jsonrpc: '2.0', method, params: params ? JSON.parse(params) : undefined, id: 1 })));
ws.on('message', m => { const r = JSON.parse(String(m)); if (r.id !== 1) return;
  clearTimeout(timer); if (r.error) { console.error(JSON.stringify(r.error)); process.exit(1); }
  console.log(JSON.stringify(r.result)); process.exit(0); });
ws.on('error', e => { console.error(String(e)); process.exit(1); });
JS
rpc() { NODE_PATH="$ws_dir/node_modules" node "$work/rpc.js" "ws://127.0.0.1:$1/" "$2" "${3:-}"; }

# run NAME WS APP [docker run options...]: starts a container and waits for /health; sets up_ms to the time it took
run() {
  local name=$1 ws=$2 app=$3; shift 3
  local t0; t0=$(date +%s%N)
  docker run -d --name "$name" --network host --health-interval 2s -e WS_PORT="$ws" -e APP_PORT="$app" \
    -e MPR_BIND_ADDRESS=127.0.0.1 "$@" "$IMAGE" >/dev/null
  containers+=("$name")
  for _ in $(seq 1 300); do
    if curl -fsS --max-time 2 "http://127.0.0.1:$app/health" >/dev/null 2>&1; then
      up_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
      return 0
    fi
    [ "$(docker inspect -f '{{.State.Running}}' "$name")" = true ] || break
    sleep 0.1
  done
  docker logs "$name" | tail -30 >&2
  say "FAILED: $name did not answer /health" >&2
  return 1
}
fail() { say "FAILED: $*"; for c in "${containers[@]}"; do echo "--- logs of $c"; docker logs "$c" 2>&1 | tail -20 || true; done; exit 1; }
expect() { [ "$2" = "$3" ] || fail "$1: expected $3, got $2"; }

# --- the embedded store on a volume ------------------------------------------------------------------------------
WS=$(free_port); APP=$(free_port)
run "$RUN_ID-embedded" "$WS" "$APP" -v "$RUN_ID-data:/data" || fail "start"
say "embedded store: /health answered $up_ms ms after docker run"
expect "ping" "$(rpc "$WS" ping)" '"pong"'
id=$(rpc "$WS" addMessage '{"connectionId":"c1","recipientDids":["did:example:r"],"payload":{"ciphertext":"kept"}}' \
  | sed -E 's/.*"messageId":"([^"]+)".*/\1/')
[ -n "$id" ] || fail "addMessage gave no messageId"
expect "count before the restart" "$(rpc "$WS" getAvailableMessageCount '{"connectionId":"c1"}')" 1
for _ in $(seq 1 100); do
  [ "$(docker inspect -f '{{.State.Health.Status}}' "$RUN_ID-embedded")" = healthy ] && break
  sleep 0.2
done
expect "health check status" "$(docker inspect -f '{{.State.Health.Status}}' "$RUN_ID-embedded")" healthy
expect "user" "$(docker exec "$RUN_ID-embedded" id -un)" mpr

t0=$(date +%s%N)
docker stop -t 20 "$RUN_ID-embedded" >/dev/null
stop_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
expect "exit code after docker stop (SIGTERM)" "$(docker inspect -f '{{.State.ExitCode}}' "$RUN_ID-embedded")" 143
docker logs "$RUN_ID-embedded" 2>&1 | grep -q "MPR server stopped" || fail "no graceful shutdown in the logs"
say "docker stop: graceful shutdown in $stop_ms ms (exit 143 after SIGTERM, 'MPR server stopped' logged)"

docker start "$RUN_ID-embedded" >/dev/null
for _ in $(seq 1 300); do curl -fsS --max-time 2 "http://127.0.0.1:$APP/health" >/dev/null 2>&1 && break; sleep 0.1; done
taken=$(rpc "$WS" takeFromQueue '{"connectionId":"c1","deleteMessages":true}')
echo "$taken" | grep -q "\"id\":\"$id\"" || fail "the message did not survive the restart: $taken"
echo "$taken" | grep -q '"ciphertext":"kept"' || fail "the payload changed across the restart: $taken"
say "the message added before the restart was taken after it, from the volume"
docker rm -f "$RUN_ID-embedded" >/dev/null

# --- TLS from PEM files mounted read-only: https health (the image's health check too), BoringSSL in the image --
if command -v openssl >/dev/null 2>&1; then
  mkdir -p "$work/certs"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$work/certs/key.pem" -out "$work/certs/cert.pem" 2>/dev/null
  chmod 644 "$work/certs/key.pem"
  WS=$(free_port); APP=$(free_port)
  t0=$(date +%s%N)
  docker run -d --name "$RUN_ID-tls" --network host --health-interval 2s -e WS_PORT="$WS" -e APP_PORT="$APP" \
    -e MPR_BIND_ADDRESS=127.0.0.1 -e MPR_STORE=memory -e MPR_TLS_CERT_FILE=/certs/cert.pem \
    -e MPR_TLS_KEY_FILE=/certs/key.pem -v "$work/certs:/certs:ro" "$IMAGE" >/dev/null
  containers+=("$RUN_ID-tls")
  for _ in $(seq 1 300); do
    curl -fsS --max-time 2 --cacert "$work/certs/cert.pem" "https://localhost:$APP/health" >/dev/null 2>&1 && break
    sleep 0.1
  done
  expect "https /health" "$(curl -s --cacert "$work/certs/cert.pem" "https://localhost:$APP/health")" '{"status":"up"}'
  for _ in $(seq 1 100); do
    [ "$(docker inspect -f '{{.State.Health.Status}}' "$RUN_ID-tls")" = healthy ] && break
    sleep 0.2
  done
  expect "health check status over https" "$(docker inspect -f '{{.State.Health.Status}}' "$RUN_ID-tls")" healthy
  tls_line=$(docker logs "$RUN_ID-tls" 2>&1 | grep -o 'TLS [A-Za-z]* ([^)]*)\|TLS JDK' | head -1)
  say "TLS: https /health answered $(( ($(date +%s%N) - t0) / 1000000 )) ms after docker run, health check healthy, $tls_line"
  docker rm -f "$RUN_ID-tls" >/dev/null
else
  say "openssl is not installed: the TLS part is left out"
fi

# --- two containers sharing a Redis on the host ------------------------------------------------------------------
if command -v redis-server >/dev/null 2>&1; then
  RP=$(free_port)
  redis-server --port "$RP" --bind 127.0.0.1 --save "" --appendonly no >"$work/redis.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 1 50); do (echo >"/dev/tcp/127.0.0.1/$RP") 2>/dev/null && break; sleep 0.1; done
  WS1=$(free_port); APP1=$(free_port); WS2=$(free_port); APP2=$(free_port)
  run "$RUN_ID-redis-1" "$WS1" "$APP1" -e REDIS_URL="redis://127.0.0.1:$RP" || fail "start on Redis"
  ms1=$up_ms
  run "$RUN_ID-redis-2" "$WS2" "$APP2" -e REDIS_URL="redis://127.0.0.1:$RP" || fail "start on Redis"
  say "on Redis: /health answered $ms1 ms and $up_ms ms after docker run"
  expect "/ready on Redis" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$APP1/ready")" 200
  rpc "$WS1" addMessage '{"connectionId":"c2","recipientDids":["did:example:r"],"payload":{"ciphertext":"shared"}}' >/dev/null
  taken=$(rpc "$WS2" takeFromQueue '{"connectionId":"c2","deleteMessages":true}')
  echo "$taken" | grep -q '"ciphertext":"shared"' || fail "a message added through one container was not taken through the other: $taken"
  say "a message added through container 1 was taken through container 2 (shared Redis)"
else
  say "redis-server is not installed: the Redis part is left out"
fi

# --- the compose files -------------------------------------------------------------------------------------------
if docker compose version >/dev/null 2>&1; then
  for f in docker-compose.yml docker-compose.cluster.yml; do
    docker compose -f "$f" config -q || fail "docker compose config $f"
  done
  say "docker compose config: both compose files are valid"
else
  say "the compose plugin is not installed: the compose files are parsed and checked by DeployFilesIT (mvn verify) instead"
fi

say "PASSED in $(( $(date +%s) - started )) s (image $(( size / 1000000 )) MB)"
