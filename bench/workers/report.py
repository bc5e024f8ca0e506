"""Writes bench/WORKERS.md from the scenarios' JSON (bench/workers.sh): live and simulated side by side, with the
bounds of issue #26 checked."""
import datetime
import json
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = [
    ("1-prefetch-4", "default prefetch (4), acks early, 2 s tasks: 40-task bursts on 2-slot workers"),
    ("2-prefetch-1-acks-late", "prefetch 1, acks late, 2 s tasks"),
    ("3-short-grace", "grace 5 s, shorter than the 20 s tasks, prefetch 4, acks early, visibility timeout 60 s"),
    ("4-acks-late-short-visibility", "acks late, prefetch 1, 20 s tasks, grace 5 s, visibility timeout 30 s"),
]
KEYS = ["arrived", "completed", "max_replicas", "max_queue_length", "p95_wait_seconds", "tasks_lost",
        "tasks_redelivered", "tasks_run_twice", "tasks_stranded", "max_redelivery_delay_seconds",
        "idle_slot_share_while_backlog", "replica_hours", "scale_events"]


def fmt(v):
    if v is None:
        return "unknown"
    if isinstance(v, float) and not v.is_integer():
        return f"{v:.3g}" if abs(v) < 1 else f"{v:.1f}"
    return str(int(v))


def bounds(live, sim):
    """Issue #26's bounds: (figure, within, how)."""
    out = []
    out.append(("max replicas", abs(live["max_replicas"] - sim["max_replicas"]) <= 2, "within 2"))
    peak_l, peak_s = live["max_queue_length"], sim["max_queue_length"]
    out.append(("peak backlog (queue)", abs(peak_l - peak_s) <= 0.35 * max(peak_l, peak_s, 1), "within 35 %"))
    wl, ws = live["p95_wait_seconds"], sim["p95_wait_seconds"]
    ok = wl is not None and abs(wl - ws) <= max(0.35 * max(wl, ws), 2)
    out.append(("p95 wait to start", ok, "within 35 % or 2 s"))
    for key in ("tasks_lost", "tasks_redelivered"):
        l, s = live[key], sim[key]
        ok = l is not None and abs(l - s) <= max(0.1 * max(l, s), 2)
        out.append((key.replace("_", " "), ok, "within 10 % or 2 tasks"))
    return out


print("# The worker model against real Celery workers\n")
print(f"Measured by `bench/workers.sh` on {datetime.date.today().isoformat()}: `rehearse --live --compare "
      "--worker-command` on a local redis-server. Live: real Celery 5.2.6 workers (Debian's python3-celery) running "
      "`examples/worker/sleeper.py` with `-c 2 -E`, one process a replica, started 5 s after the controller wants "
      "it, SIGTERM on scale-down and SIGKILL at the grace period; the real exporter reads their heartbeats and "
      "`unacked`; their task events say what ran. Simulated: the same traffic, seed and settings through the "
      "worker model. Autoscaler: `bench/workers/queue-length-small.yaml` (queue length, 2 tasks a replica, 1 to 4 "
      "replicas, down after 15 s), so scale-downs come while workers still hold tasks. Traffic: 40 tasks at once, "
      "twice, a minute apart.\n")
for name, title in SCENARIOS:
    path = os.path.join(HERE, name + ".json")
    if not os.path.exists(path):
        continue
    d = json.load(open(path))
    live, sim = d["live"], d["simulated"]
    print(f"## {name}: {title}\n")
    print("| figure | live | simulated |")
    print("|---|---|---|")
    for k in KEYS:
        print(f"| {k} | {fmt(live.get(k))} | {fmt(sim.get(k))} |")
    print()
    checks = bounds(live, sim)
    print("Bounds: " + "; ".join(f"{f} {how}: {'**yes**' if ok else '**NO**'}" for f, ok, how in checks) + ".\n")
