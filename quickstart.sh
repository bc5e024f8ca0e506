#!/usr/bin/env bash
# One command to live metrics: builds the exporter (first run only), publishes Celery-style traffic into a Redis so
# the numbers move, and serves metrics on http://localhost:9808/metrics. Ctrl-C stops everything.
#
# The Redis: QUICKSTART_REDIS_URL (default redis://127.0.0.1:6379/15, database 15 so your own data is left alone;
# never point it at a production broker: the traffic generator writes). When nothing answers there and redis-server
# is installed, the quick start runs a private one: on a free loopback port, in a temporary directory, without
# persistence, with keyspace notifications on (so the flows are exact), and stopped when the quick start ends.
#   QUICKSTART_LISTEN_ADDRESS  where to serve the metrics (default :9808)
#   QUICKSTART_REDIS_SERVER    the redis-server command (default: redis-server from PATH)
set -euo pipefail
cd "$(dirname "$0")"

url="${QUICKSTART_REDIS_URL:-redis://127.0.0.1:6379/15}"
listen="${QUICKSTART_LISTEN_ADDRESS:-:9808}"
redis_server="${QUICKSTART_REDIS_SERVER:-redis-server}"
jar=target/celery-queue-exporter.jar
pids=()
private_dir=""

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$private_dir" ]; then rm -rf "$private_dir"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ! command -v java >/dev/null; then
  echo "quickstart: Java 17 or newer is needed (Debian: apt-get install openjdk-17-jre-headless)." >&2
  exit 1
fi
if [ ! -f "$jar" ]; then
  echo "quickstart: building the exporter (first run only) ..." >&2
  ./mvnw -q -B -DskipTests package
fi

answers_ping() { # PORT: a Redis answers PING on 127.0.0.1:PORT
  (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'PING\r\n' >&3 && IFS= read -r -t 1 reply <&3 && [[ $reply == +PONG* ]]) \
    2>/dev/null
}

# Starts redis-server on the first free port from a random start, and sets url to it.
start_private_redis() {
  private_dir="$(mktemp -d "${TMPDIR:-/tmp}/quickstart-redis.XXXXXX")"
  local port attempt
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    port=$((20000 + RANDOM % 30000))
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi   # taken
    "$redis_server" --bind 127.0.0.1 --port "$port" --dir "$private_dir" --save "" --appendonly no \
      --notify-keyspace-events lE --logfile "$private_dir/redis.log" --daemonize no &
    local pid=$!
    local tries
    for tries in $(seq 1 50); do
      if answers_ping "$port"; then
        pids+=("$pid")
        url="redis://127.0.0.1:$port/0"
        return 0
      fi
      kill -0 "$pid" 2>/dev/null || break   # it exited: the port was taken after all
      sleep 0.1
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  echo "quickstart: $redis_server did not start (log: $private_dir/redis.log)." >&2
  cat "$private_dir/redis.log" >&2 || true
  exit 3
}

if java -jar "$jar" inspect --broker.url "$url" >/dev/null 2>&1; then
  echo "quickstart: using the Redis at $url." >&2
elif command -v "$redis_server" >/dev/null; then
  asked="$url"
  start_private_redis
  echo "quickstart: nothing answers at $asked; using a private redis-server at $url (temporary, no persistence, keyspace notifications on), stopped when the quick start ends." >&2
else
  echo "quickstart: no Redis at $url and no redis-server to start one. Install it (Debian: apt-get install redis-server)," >&2
  echo "            or set QUICKSTART_REDIS_URL to a Redis you can write demo data to." >&2
  exit 3
fi

mkdir -p target
java -jar "$jar" load --broker.url "$url" --queue evaluation --rate 20 --consume-rate 16 \
  --priority 0,0,0,5,9 --duration 1h > target/quickstart-load.log 2>&1 &
pids+=("$!")

echo "quickstart: traffic running (log: target/quickstart-load.log)." >&2
echo "quickstart: open http://localhost:${listen##*:}/ or run: curl -s localhost:${listen##*:}/metrics | grep ^celery_queue" >&2
# in the background, so that Ctrl-C and SIGTERM reach the traps at once (bash defers them while a foreground job runs)
java -jar "$jar" serve --broker.url "$url" --web.listen-address "$listen" --poll-interval 1s &
pids+=("$!")
wait "${pids[-1]}"
