#!/usr/bin/env bash
# rehearse --live --compare on a local redis-server: the burst and ramp profiles with hpa/queue-length.yaml, the ramp
# with hpa/wait-time.yaml (whose metric, the oldest age, comes from the exporter's first-seen tracking), all three
# with the ideal pods, and the steady case (#25): hpa/load.yaml at a constant 10 tasks/s with the worker model's
# defaults. The rehearsal's defaults otherwise (the guide's: 4 slots a replica, 0.8 s a task, 30 s pod start-up, 2 s
# poll, 15 s scrape and sync). Writes bench/LIVE.md (from the JSON under bench/live/) and the charts
# bench/live-*.svg. About 23 minutes; CASES="steady" reruns only the cases named, keeping the others' JSON.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/celery-queue-exporter.jar ] || ./mvnw -q -B -DskipTests package
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no >/dev/null &
redis=$!
trap 'kill $redis' EXIT
sleep 0.5
rehearse() { # case name, rehearse options...
  local name=$1; shift
  java -jar target/celery-queue-exporter.jar rehearse --live --compare --broker.url "redis://127.0.0.1:$port/0" \
    --queue "rehearse-$name" --chart "bench/live-$name.svg" "$@" > "bench/live/$name.json"
}
for name in ${CASES:-burst-queue-length ramp-queue-length ramp-wait-time steady}; do
  echo "$name" >&2
  case $name in
    burst-queue-length) rehearse "$name" --autoscaler hpa/queue-length.yaml --traffic burst --rate 20 --duration 3m \
      --worker-model ideal ;;
    ramp-queue-length) rehearse "$name" --autoscaler hpa/queue-length.yaml --traffic ramp --rate 40 --duration 3m \
      --worker-model ideal ;;
    ramp-wait-time) rehearse "$name" --autoscaler hpa/wait-time.yaml --traffic ramp --rate 40 --duration 3m \
      --worker-model ideal ;;
    steady) rehearse "$name" --autoscaler hpa/load.yaml --traffic constant --rate 10 --duration 5m \
      --measure-from 1m ;;
    *) echo "no such case: $name" >&2; exit 2 ;;
  esac
done
python3 bench/live/report.py > bench/LIVE.md
echo "wrote bench/LIVE.md"
