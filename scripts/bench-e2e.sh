#!/usr/bin/env bash
# End-to-end benchmark: starts the server jar on loopback with the given store, runs the load tool
# against it, stops the server. Build first: mvn -q -B -DskipTests package
# Each server instance is warmed up first with 10 s of addMessage, and in the live, callback and drain
# modes with the measured path itself through the same instances: 10 s of live deliveries at 1,000/s, 10 s
# of callbacks at 2,000/s, a drain of all that the warm-up added and 100,000 more (BENCH_WARMUP=0 skips
# all of it).
# Usage: bash scripts/bench-e2e.sh memory|embedded|redis|postgres MODE [load tool options...]
#   e.g. bash scripts/bench-e2e.sh embedded add --seconds 20
# With redis, a redis-server (from the PATH) is started on 127.0.0.1:${BENCH_REDIS_PORT:-13379}, without
# persistence, and its command counts are printed after the run. BENCH_INSTANCES=2 starts a second server
# instance on the same Redis; the live mode then adds through it (cross-instance delivery).
# With postgres, a PostgreSQL (initdb and postgres: the newest /usr/lib/postgresql/N/bin, else the PATH) is
# initialized in the run's temporary directory and started on 127.0.0.1:${BENCH_PG_PORT:-13432} with
# synchronous_commit on (as the postgres user, else nobody, when run as root: PostgreSQL refuses root), the
# servers get MPR_STORE=postgres and MPR_POSTGRES_URL, and the CPU time of the postgres processes during the
# measured run is printed after it; BENCH_INSTANCES=2 works as with Redis. PostgreSQL is stopped at exit.
# BENCH_KEEP_LOGS=1 copies the servers' logs to /tmp (server-WSPORT.log) before the data directory goes.
set -euo pipefail
cd "$(dirname "$0")/.."
store=$1; mode=$2; shift 2
data=$(mktemp -d)
ws=${BENCH_WS_PORT:-13100}; app=${BENCH_APP_PORT:-13500}
instances=${BENCH_INSTANCES:-1}
redis_port=${BENCH_REDIS_PORT:-13379}
pg_port=${BENCH_PG_PORT:-13432}
pg_dir="$data/pg"
pids=()
pg_bin() { # the directory of initdb and postgres
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/postgres" ]; then echo "$d"; return; fi
  dirname "$(command -v postgres)"
}
pg_as() { # runs a command as the database's user: this one, or an unprivileged one when root
  if [ "$(id -u)" = 0 ]; then runuser -u "$pg_user" -- "$@"; else "$@"; fi
}
pg_pid() { head -1 "$pg_dir/data/postmaster.pid" 2>/dev/null || true; }
pg_stop() {
  local p
  p=$(pg_pid)
  [ -n "$p" ] || return 0
  kill -INT "$p" 2>/dev/null || true # a fast shutdown
  for _ in $(seq 1 300); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$p" 2>/dev/null || true
}
pg_cpu_ticks() { # CPU time (clock ticks) of the postmaster, its reaped children and its living ones
  local p total=0 pid
  p=$(pg_pid)
  [ -n "$p" ] || { echo 0; return; }
  read -r -a f < <(sed 's/^.*) //' "/proc/$p/stat") # fields from the 3rd on: utime is f[11]
  total=$((f[11] + f[12] + f[13] + f[14]))
  for pid in $(cat "/proc/$p/task/$p/children" 2>/dev/null); do
    read -r -a f < <(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null) || continue
    total=$((total + f[11] + f[12]))
  done
  echo "$total"
}
stop() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ "$store" = redis ] && redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  [ "$store" = postgres ] && pg_stop
  [ -n "${BENCH_KEEP_LOGS:-}" ] && cp "$data"/server-*.log /tmp/ 2>/dev/null; rm -rf "$data"
}
trap stop EXIT
extra_env=()
if [ "$store" = redis ]; then
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$data" \
    --daemonize yes --logfile "$data/redis.log"
  for _ in $(seq 1 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  extra_env=(REDIS_URL="redis://127.0.0.1:$redis_port")
fi
if [ "$store" = postgres ]; then
  bin=$(pg_bin)
  pg_user=$(id -un)
  if [ "$(id -u)" = 0 ]; then
    pg_user=postgres; id -u postgres >/dev/null 2>&1 || pg_user=nobody
    chmod 755 "$data"
  fi
  mkdir -p "$pg_dir"
  [ "$(id -u)" = 0 ] && chown "$pg_user" "$pg_dir"
  pg_as "$bin/initdb" -D "$pg_dir/data" -U mpr --auth=trust -E UTF8 --locale=C > "$pg_dir/initdb.log" 2>&1 \
    || { echo "initdb failed:" >&2; cat "$pg_dir/initdb.log" >&2; exit 1; }
  pg_as "$bin/postgres" -D "$pg_dir/data" -p "$pg_port" -h 127.0.0.1 -k "$pg_dir" -c synchronous_commit=on \
    -c max_connections=200 > "$pg_dir/postgres.log" 2>&1 &
  for _ in $(seq 1 300); do "$bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" && break; sleep 0.1; done
  "$bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" \
    || { echo "postgres did not start:" >&2; cat "$pg_dir/postgres.log" >&2; exit 1; }
  echo "postgres $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port (pid $(pg_pid)," \
    "synchronous_commit on)" >&2
  extra_env=(MPR_POSTGRES_URL="postgresql://mpr@127.0.0.1:$pg_port/postgres")
fi
start_server() { # ws app
  env WS_PORT=$1 APP_PORT=$2 MPR_BIND_ADDRESS=127.0.0.1 MPR_STORE=$store MPR_DATA_DIR="$data/$1" "${extra_env[@]}" \
    java ${BENCH_SERVER_JVM:--Xmx256m} -jar mpr-server/target/mpr-server-*-all.jar > "$data/server-$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$2/ready" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "server on $1 not ready:" >&2; cat "$data/server-$1.log" >&2; return 1
}
start_server "$ws" "$app"
sender=()
if [ "$instances" = 2 ]; then
  start_server $((ws + 1)) $((app + 1))
  [ "$mode" = live ] && sender=(--sender-uri "ws://127.0.0.1:$((ws + 1))/")
  [ "$mode" = callback ] && sender=(--sender-app-uri "http://127.0.0.1:$((app + 1))/")
fi
if [ "${BENCH_WARMUP:-1}" = 1 ]; then
  # warm each instance's JIT up with 10 s of addMessage on other connections than the measured ones (the
  # second instance too: it is the one that adds or POSTs in the cross-instance modes)
  for ((i = 0; i < instances; i++)); do
    java -cp mpr-bench/target/mpr-bench.jar io.github.mpr4j.bench.load.LoadTool --mode add \
      --uri "ws://127.0.0.1:$((ws + i))/" --seconds 10 --messages 200000 --connections 1000 > /dev/null
  done
  if [ "$mode" = live ]; then
    # and the live path itself (routed append, the bus, messagesReceived, removeMessages), through the same
    # instances as the measured run: 10 s at 1,000 messages/s to live sessions on the same connections
    java -cp mpr-bench/target/mpr-bench.jar io.github.mpr4j.bench.load.LoadTool --mode live \
      --uri "ws://127.0.0.1:$ws/" "${sender[@]}" --rate 1000 --seconds 10 --warmup-seconds 0 > /dev/null
  fi
  if [ "$mode" = drain ]; then
    # and the drain path itself: a first drain empties the connections the warm-up filled, with 100,000 more
    java -cp mpr-bench/target/mpr-bench.jar io.github.mpr4j.bench.load.LoadTool --mode drain \
      --uri "ws://127.0.0.1:$ws/" --messages 100000 --seconds 120 > /dev/null
  fi
  if [ "$mode" = callback ]; then
    # and the callback path itself (HTTP POST, the gateway, the browser socket, the ack), through the same
    # instances as the measured run: 10 s at 2,000 POSTs/s, with another browser socket (another clientId)
    java -cp mpr-bench/target/mpr-bench.jar io.github.mpr4j.bench.load.LoadTool --mode callback \
      --uri "ws://127.0.0.1:$ws/" --app-uri "http://127.0.0.1:$app/" "${sender[@]}" \
      --rate 2000 --seconds 10 --warmup-seconds 0 > /dev/null
  fi
fi
[ "$store" = redis ] && redis-cli -p "$redis_port" config resetstat >/dev/null
[ "$store" = postgres ] && pg_before=$(pg_cpu_ticks)
java -cp mpr-bench/target/mpr-bench.jar io.github.mpr4j.bench.load.LoadTool --mode "$mode" \
  --uri "ws://127.0.0.1:$ws/" --app-uri "http://127.0.0.1:$app/" --server-pid "${pids[0]}" "${sender[@]}" "$@"
if [ "$store" = redis ]; then
  # commands that clients sent (evalsha, publish...) and the total that Redis ran, scripts' inner calls included
  redis-cli -p "$redis_port" info commandstats | grep -E '^cmdstat_(evalsha|publish|spublish|hmget|exists|set):' \
    | sed 's/,usec_per_call.*//' | tr '\n' ' '
  redis-cli -p "$redis_port" info stats | grep -E '^total_commands_processed' | tr -d '\r'
fi
if [ "$store" = postgres ]; then
  # the database's CPU time during the measured run: the postmaster, its backends and helpers (those that
  # ended, through the postmaster's cutime/cstime), from /proc
  ticks=$(( $(pg_cpu_ticks) - pg_before ))
  echo "postgres CPU: $(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }') s"
fi
