#!/usr/bin/env bash
# End-to-end benchmark: starts the server jar on loopback with the given store, runs the load tool
# against it, stops the server. Build first: mvn -q -B -DskipTests package
# The server is warmed up first with 10 s of addMessage (BENCH_WARMUP=0 skips it).
# Usage: bash scripts/bench-e2e.sh memory|embedded MODE [load tool options...]
#   e.g. bash scripts/bench-e2e.sh embedded add --seconds 20
set -euo pipefail
cd "$(dirname "$0")/.."
store=$1; mode=$2; shift 2
data=$(mktemp -d)
ws=${BENCH_WS_PORT:-13100}; app=${BENCH_APP_PORT:-13500}
WS_PORT=$ws APP_PORT=$app MPR_BIND_ADDRESS=127.0.0.1 MPR_STORE=$store MPR_DATA_DIR="$data" \
  java ${BENCH_SERVER_JVM:--Xmx256m} -jar mpr-server/target/mpr-server-*-all.jar > "$data/server.log" 2>&1 &
pid=$!
stop() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data"; }
trap stop EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$app/ready" >/dev/null 2>&1 && break
  sleep 0.1
done
if [ "${BENCH_WARMUP:-1}" = 1 ]; then
  # warm the server's JIT up with 10 s of addMessage on other connections than the measured ones
  java -cp mpr-bench/target/mpr-bench.jar io.github.mpr4j.bench.load.LoadTool --mode add \
    --uri "ws://127.0.0.1:$ws/" --seconds 10 --messages 200000 --connections 1000 > /dev/null
fi
java -cp mpr-bench/target/mpr-bench.jar io.github.mpr4j.bench.load.LoadTool --mode "$mode" \
  --uri "ws://127.0.0.1:$ws/" --server-pid "$pid" "$@"
