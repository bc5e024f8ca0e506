#!/usr/bin/env bash
# One command to live metrics: builds the exporter (first run only), publishes Celery-style traffic into a local
# Redis so the numbers move, and serves metrics on http://localhost:9808/metrics. Ctrl-C stops everything.
#
# The demo traffic goes to database 15 of the local Redis, so your own data is left alone. Override with
# QUICKSTART_REDIS_URL (never point it at a production broker: the traffic generator writes).
set -euo pipefail
cd "$(dirname "$0")"

url="${QUICKSTART_REDIS_URL:-redis://127.0.0.1:6379/15}"
jar=target/celery-queue-exporter.jar

if ! command -v java >/dev/null; then
  echo "quickstart: Java 17 or newer is needed (Debian: apt-get install openjdk-17-jre-headless)." >&2
  exit 1
fi
if [ ! -f "$jar" ]; then
  echo "quickstart: building the exporter (first run only) ..." >&2
  ./mvnw -q -B -DskipTests package
fi

# Fails with one clear line and a hint when no Redis answers.
if ! java -jar "$jar" inspect --broker.url "$url" >/dev/null; then
  echo "quickstart: no Redis at $url. Start one with 'redis-server' (Debian: apt-get install redis-server)," >&2
  echo "            or set QUICKSTART_REDIS_URL to a Redis you can write demo data to." >&2
  exit 3
fi

java -jar "$jar" load --broker.url "$url" --queue evaluation --rate 20 --consume-rate 16 \
  --priority 0,0,0,5,9 --duration 1h > target/quickstart-load.log 2>&1 &
load_pid=$!
trap 'kill "$load_pid" 2>/dev/null || true' EXIT

echo "quickstart: traffic running (log: target/quickstart-load.log)." >&2
echo "quickstart: open http://localhost:9808/ or run: curl -s localhost:9808/metrics | grep ^celery_queue" >&2
java -jar "$jar" serve --broker.url "$url" --poll-interval 1s
