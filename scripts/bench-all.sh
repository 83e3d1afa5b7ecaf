#!/usr/bin/env bash
# Runs every benchmark of docs/benchmarks.md, one after the other, and prints the results.
# Build first: mvn -q -B -DskipTests package. Takes about 10 minutes; all traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
e2e=scripts/bench-e2e.sh
echo "== $(date -u +%FT%TZ) $(nproc) cores, $(java -version 2>&1 | head -1), load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== addMessage throughput, 4 sockets x 64 in flight, 1 KiB payloads, 1,000 connections"
BENCH_SERVER_JVM=-Xmx4g bash $e2e memory add --seconds 20
bash $e2e embedded add --seconds 20
echo "== live delivery latency (addMessage on one socket -> messagesReceived on another, then removeMessages)"
for store in memory embedded; do
  for rate in 1000 8000; do
    BENCH_SERVER_JVM=-Xmx1g bash $e2e $store live --rate $rate --seconds 20
  done
done
echo "== drain: 100,000 messages on 1,000 connections, takeFromQueue 100 + removeMessages"
BENCH_WARMUP=0 bash $e2e embedded drain --messages 100000 --seconds 120
echo "== heap holding 100,000 queued 1 KiB messages (embedded store, -Xmx256m, after a full GC)"
BENCH_WARMUP=0 bash $e2e embedded fill --messages 100000 --seconds 120
echo "== JMH: codec"
java -jar mpr-bench/target/mpr-bench.jar CodecBenchmark -wi 2 -i 3 -f 1 -w 1s -r 2s 2>&1 | grep -E "^Benchmark|CodecBenchmark\."
