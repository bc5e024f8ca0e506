#!/usr/bin/env bash
# The worker model against real Celery workers (Debian's python3-celery): rehearse --live --compare with
# --worker-command running examples/worker/sleeper.py, one process a replica, under
# bench/workers/queue-length-small.yaml. Four scenarios (issue #26): default prefetch with acks early; prefetch 1
# with acks late; a grace period shorter than the task time; acks late with a short visibility timeout. Each runs
# with seeds 1 to 3 (the bursts land at other moments); the four scenarios of a seed run side by side, each on a
# redis-server of its own. Writes bench/WORKERS.md (and its JSON under bench/workers/). About 30 minutes; SEEDS="3"
# reruns or adds only the seeds named (about 10 minutes each), keeping the others' JSON (WORKERS.md has 1 to 6).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/celery-queue-exporter.jar ] || ./mvnw -q -B -DskipTests package
logs=$(mktemp -d)
echo "the rehearsals' progress lines and the workers' output go to $logs" >&2
cp target/celery-queue-exporter.jar "$logs/rehearse.jar" # a rebuild meanwhile must not pull classes from under it
worker="/usr/bin/python3 -m celery --workdir examples/worker -A sleeper worker -Q evaluation -c 2 -E --without-mingle --loglevel INFO"
run() { # seed, name, task seconds, worker env, worker flags, rehearsal flags...
  local seed=$1 name=$2 seconds=$3 env=$4 flags=$5 port redis; shift 5
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no >/dev/null &
  redis=$!
  sleep 0.5
  env $env java -Djava.io.tmpdir="$logs" -jar "$logs/rehearse.jar" rehearse --live --compare --seed "$seed" \
    --broker.url "redis://127.0.0.1:$port/0" --queue evaluation --autoscaler bench/workers/queue-length-small.yaml \
    --traffic batches --batch-size 40 --period 60s --duration 120s --pod-startup 5s --concurrency 2 \
    --task-distribution fixed --task sleeper.sleep -o json --task-seconds "$seconds" --args "[$seconds]" \
    --worker-command "$worker $flags" "$@" > "bench/workers/$name-seed$seed.json" 2> "$logs/$name-seed$seed.log" \
    || echo "scenario $name, seed $seed failed: see $logs/$name-seed$seed.log" >&2
  kill "$redis"
}
for seed in ${SEEDS:-1 2 3}; do
  echo "seed $seed" >&2
  run "$seed" 1-prefetch-4 2 "SLEEPER_ACKS_LATE=0" "--prefetch-multiplier 4" --prefetch-multiplier 4 &
  run "$seed" 2-prefetch-1-acks-late 2 "SLEEPER_ACKS_LATE=1" "--prefetch-multiplier 1" --prefetch-multiplier 1 \
    --acks-late &
  run "$seed" 3-short-grace 20 "SLEEPER_VISIBILITY_TIMEOUT=60" "--prefetch-multiplier 4" --prefetch-multiplier 4 \
    --termination-grace-period 5s --visibility-timeout 60s &
  run "$seed" 4-acks-late-short-visibility 20 "SLEEPER_ACKS_LATE=1 SLEEPER_VISIBILITY_TIMEOUT=30" \
    "--prefetch-multiplier 1" --prefetch-multiplier 1 --acks-late --termination-grace-period 5s \
    --visibility-timeout 30s &
  wait
done
python3 bench/workers/report.py > bench/WORKERS.md
