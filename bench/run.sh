#!/usr/bin/env bash
# Runs the benchmark harness and writes bench/RESULTS.md and bench/redis-cost.svg.
#   bench/run.sh                      the full run: depths 1k, 100k, 1M (about five minutes)
#   bench/run.sh --depths 1000,10000  any harness options (--polls N, --interval-ms N, --rate N, --out DIR)
#   bench/run.sh jmh                  the JMH microbenchmark of the message decoder
#   bench/run.sh flows [SECONDS]      arrivals, departures and waits of a healthy queue, from snapshots and from
#                                     keyspace notifications, and what the notifications cost Redis (bench/FLOWS.md)
#   bench/run.sh heartbeats [SECONDS] the worker side at 200 workers: heartbeats and a full unacked hash, against the
#                                     exporter without it (bench/HEARTBEATS.md)
#   bench/run.sh live                 rehearse --live --compare for the burst, ramp and steady cases on a local
#                                     redis-server: the simulation against the real thing (bench/LIVE.md)
#   bench/run.sh workers              the worker model against real Celery workers in four scenarios
#                                     (bench/WORKERS.md, about 30 minutes)
#   bench/run.sh keda [SAMPLES]       how soon the KEDA push stream says "active" after the first task (bench/KEDA-PUSH.md)
#   bench/run.sh queues [10,100,...]  the queue-count axis (bench/QUEUES.md): this exporter, LLEN per queue and
#                                     Debian's prometheus-redis-exporter (apt-get install prometheus-redis-exporter curl)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
  -Dmdep.includeScope=test
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"
if [ "${1:-}" = "queues" ]; then
  shift
  ./mvnw -q -B -DskipTests package
  exec java ${BENCH_JAVA_OPTS:-} -cp "$cp" io.celeryexporter.bench.QueueCountBench "$@"
fi
if [ "${1:-}" = "flows" ]; then
  shift
  exec java -cp "$cp" io.celeryexporter.bench.FlowBench "$@"
fi
if [ "${1:-}" = "heartbeats" ]; then
  shift
  exec java -cp "$cp" io.celeryexporter.bench.HeartbeatBench "$@"
fi
if [ "${1:-}" = "keda" ]; then
  shift
  exec java -cp "$cp" io.celeryexporter.bench.KedaPushBench "$@"
fi
if [ "${1:-}" = "workers" ]; then
  exec bench/workers.sh
fi
if [ "${1:-}" = "live" ]; then
  exec bench/live.sh
fi
if [ "${1:-}" = "jmh" ]; then
  shift
  exec java -cp "$cp" org.openjdk.jmh.Main DecoderBenchmark -f 1 -wi 3 -i 5 -r 2 -w 1 -rf text -rff bench/jmh-decoder.txt "$@"
fi
exec java -Xmx8g -cp "$cp" io.celeryexporter.bench.BenchmarkHarness "$@"
