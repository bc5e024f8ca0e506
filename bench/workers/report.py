"""Writes bench/WORKERS.md from the scenarios' JSON (bench/workers.sh): live and simulated side by side, seed by
seed, with the bounds of issue #26 checked for each run."""
import datetime
import glob
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = [
    ("1-prefetch-4", "Celery's default prefetch (4), acks early, 2 s tasks"),
    ("2-prefetch-1-acks-late", "prefetch 1, acks late, 2 s tasks"),
    ("3-short-grace", "a 5 s grace, shorter than the 20 s tasks; prefetch 4, acks early, visibility timeout 60 s"),
    ("4-acks-late-short-visibility", "acks late, prefetch 1, 20 s tasks, a 5 s grace, visibility timeout 30 s"),
]
COLUMNS = [("completed", "completed", "{:.0f}"), ("max_replicas", "max replicas", "{:.0f}"),
           ("max_queue_length", "peak queue", "{:.0f}"), ("p95_wait_seconds", "p95 wait to start (s)", "{:.1f}"),
           ("tasks_lost", "lost", "{:.0f}"), ("tasks_redelivered", "redelivered", "{:.0f}"),
           ("tasks_run_twice", "run twice", "{:.0f}"), ("tasks_stranded", "stranded", "{:.0f}"),
           ("max_redelivery_delay_seconds", "max redelivery delay (s)", "{:.0f}"),
           ("idle_slot_share_while_backlog", "slots idle while tasks wait", "{:.2f}"),
           ("scale_events", "scale events", "{:.0f}")]
# on the live run's decisions both sides scale alike by construction
FOLLOWED_COLUMNS = [c for c in COLUMNS if c[0] not in ("max_replicas", "scale_events")]


def cell(fmt, v):
    return "–" if v is None else fmt.format(v)


def boots(d):
    """The live workers' mean boot, and the range of those the run started (which the simulation replays)."""
    mean = d.get("worker_boot_seconds")
    started = [b for b in d.get("started_worker_boot_seconds", []) if b is not None]
    if mean is None:
        return "–"
    return f"{mean:.1f}" + (f" ({min(started):.1f}–{max(started):.1f})" if started else "")


def near(a, b, share, floor):
    return a is not None and b is not None and abs(a - b) <= max(share * max(a, b), floor)


def bounds(live, sim):
    """Issue #26's bounds, each (name, met)."""
    return [("max replicas within 2", abs(live["max_replicas"] - sim["max_replicas"]) <= 2)] + worker_bounds(live, sim)


def worker_bounds(live, sim):
    """The bounds that do not follow from the scaling decisions alone."""
    return [("peak queue within 35 %", near(live["max_queue_length"], sim["max_queue_length"], 0.35, 0)),
            ("p95 wait within 35 % or 2 s", near(live["p95_wait_seconds"], sim["p95_wait_seconds"], 0.35, 2)),
            ("lost within 10 % or 2", near(live["tasks_lost"], sim["tasks_lost"], 0.10, 2)),
            ("redelivered within 10 % or 2", near(live["tasks_redelivered"], sim["tasks_redelivered"], 0.10, 2))]


def verdict(missed):
    return "all met" if not missed else "**missed: " + ", ".join(missed) + "**"


def followed_table(runs):
    """Live against the simulation that took the live run's scaling decisions, second by second."""
    rows, met_all = [], 0
    for path in runs:
        seed = path.rsplit("seed", 1)[1].split(".")[0]
        try:
            d = json.load(open(path))
        except ValueError:
            continue
        live, followed = d["live"], d.get("simulated_on_live_decisions")
        if followed is None:
            continue
        missed = [n for n, ok in worker_bounds(live, followed) if not ok]
        met_all += not missed
        cells = [cell(fmt, live.get(k)) + " / " + cell(fmt, followed.get(k)) for k, _, fmt in FOLLOWED_COLUMNS]
        rows.append(f"| {seed} | " + " | ".join(cells) + " | " + verdict(missed) + " |")
    if not rows:
        return
    print("On the live run's decisions (live / simulated on the same scale-ups and scale-downs, at the same seconds):"
          "\n")
    print("| seed | " + " | ".join(c[1] for c in FOLLOWED_COLUMNS) + " | bounds |")
    print("|---" * (len(FOLLOWED_COLUMNS) + 2) + "|")
    print("\n".join(rows))
    print(f"\nThe four bounds that the decisions do not fix met in {met_all} of {len(rows)} runs.\n")


print("# The worker model against real Celery workers\n")
print(f"Measured by `bench/workers.sh` (`bench/run.sh workers`) on {datetime.date.today().isoformat()}, on a shared "
      "2-core VM: `rehearse --live --compare --worker-command` on local redis-servers. **Live**: real Celery 5.2.6 "
      "workers (Debian's python3-celery) running `examples/worker/sleeper.py` with `-c 2 -E -l INFO`, one process "
      "a replica, started 5 s after the controller wants it, given SIGTERM on scale-down (the pod a ReplicaSet "
      "picks, by the same UIDs on both sides) and SIGKILL with its children at the grace period; the real exporter "
      "reads the queue, their heartbeats and `unacked`, and their task events say what was received, started and "
      "finished, with their INFO log lines for the tasks that end after a SIGTERM (a worker sends no task events "
      "then); the first worker is online before the run's clock starts. "
      "**Simulated**: the same traffic, seed and settings through the worker model, each pod starting 5 s plus the "
      "boot its live counterpart took (process start to first heartbeat; the n-th pod the run started takes the n-th "
      "worker's) after it is wanted. Autoscaler: `bench/workers/queue-length-small.yaml` (queue length, 2 tasks a "
      "replica, 1 to 4 "
      "replicas, down after 15 s of lower recommendations), so that scale-downs come while workers still run and "
      "hold tasks. Traffic: 40 tasks at once, twice, about a minute apart (`--traffic batches`; the seed moves the "
      "bursts). Each cell is live / simulated. Under each scenario, a second table sets the live run against the "
      "simulation on the live run's own scaling decisions (`simulated_on_live_decisions`: the replicas the live "
      "controller asked for, second by second), which compares the worker model alone.\n")
for name, title in SCENARIOS:
    runs = sorted(glob.glob(os.path.join(HERE, name + "-seed*.json")))
    if not runs:
        continue
    print(f"## {name}: {title}\n")
    print("| seed | " + " | ".join(c[1] for c in COLUMNS) + " | workers' boots (s) | bounds |")
    print("|---" * (len(COLUMNS) + 3) + "|")
    met_all = 0
    for path in runs:
        seed = path.rsplit("seed", 1)[1].split(".")[0]
        try:
            d = json.load(open(path))
        except ValueError:
            print(f"| {seed} | the run failed: no summary |" + " |" * (len(COLUMNS) + 1))
            continue
        live, sim = d["live"], d["simulated"]
        checks = bounds(live, sim)
        missed = [n for n, ok in checks if not ok]
        met_all += not missed
        cells = [cell(fmt, live.get(k)) + " / " + cell(fmt, sim.get(k)) for k, _, fmt in COLUMNS]
        cells.append(boots(d))
        print(f"| {seed} | " + " | ".join(cells) + " | " + verdict(missed) + " |")
    print(f"\nAll five bounds met in {met_all} of {len(runs)} runs.\n")
    followed_table(runs)

print(open(os.path.join(HERE, "differences.md")).read())

