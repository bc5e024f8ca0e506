"""Writes bench/LIVE.md from the cases' JSON (bench/live.sh): each figure live and simulated, and the gap."""
import datetime
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
KEYS = ["arrived", "completed", "max_queue_length", "max_oldest_age_seconds", "p95_oldest_age_seconds",
        "p95_wait_seconds", "max_replicas", "replica_hours", "scale_events", "scale_reversals", "time_to_scale_seconds"]
CASES = [("burst-queue-length", "burst, 20 tasks/s for 3 minutes, hpa/queue-length.yaml"),
         ("ramp-queue-length", "ramp, 40 tasks/s for 3 minutes, hpa/queue-length.yaml"),
         ("ramp-wait-time", "ramp, 40 tasks/s for 3 minutes, hpa/wait-time.yaml"),
         ("steady", "constant, 10 tasks/s for 5 minutes, hpa/load.yaml (the steady case, #25), figures from 1 minute"
                    " on")]


def fmt(v):
    if v is None:
        return "–"
    return f"{v:,}" if isinstance(v, int) else f"{v:.2f}"


def row(name, live, sim):
    gap = "" if not live or sim is None else f"{(sim - live) / live * 100:+.1f} %"
    return f"| {name} | {fmt(live)} | {fmt(sim)} | {gap} |"


results = {name: json.load(open(os.path.join(HERE, name + ".json"))) for name, _ in CASES
           if os.path.exists(os.path.join(HERE, name + ".json"))}
print("# Rehearsal: simulated against live\n")
print("Measured by `bench/run.sh live` on " + datetime.date.fromtimestamp(max(
    os.path.getmtime(os.path.join(HERE, n + ".json")) for n in results)).isoformat() + ": `rehearse --live --compare`"
      " with the rehearsal's defaults (4 slots a replica, 0.8 s a task, 30 s pod start-up, 2 s poll, 15 s scrape and"
      " sync) on a local redis-server. Live: real Celery messages, the exporter's own poller, modelled pods;"
      " simulated: the same traffic and seed through the model.\n")
if all(d["live"][k] == d["simulated"][k] for d in results.values() for k in KEYS):
    print("**Why there is no gap.** The live run and the simulation share the pods (modelled: start-up, slots, and "
          "service times drawn from the same seed) and the controller. What is real in the live run is the broker "
          "(Redis lists, real Celery messages, taken in BRPOP's order, which is the FIFO across priority lists the "
          "model assumes) and the exporter (its poller reads the length exactly, and first sees a task at its first "
          "poll after the arrival, which is the age the model computes). So a zero gap says that the model of the "
          "queue and of the exporter is exact at these rates: the controller acted on the same figures live as "
          "simulated, the oldest age included. It says nothing of the pods: both runs model them alike (the ideal "
          "pods, `--worker-model ideal`, in the first three cases; the worker model's defaults in the steady one). "
          "[WORKERS.md](WORKERS.md) compares the worker model with real Celery workers.\n")
else:
    print("**The figures differ** where a table shows a gap: the live run's broker or exporter did not behave as "
          "the model assumes there. Find out why before trusting the simulation for that autoscaler.\n")
for name, title in CASES:
    if name not in results:
        continue
    live, sim = results[name]["live"], results[name]["simulated"]
    print(f"## {title}\n")
    print("| figure | live | simulated | gap |")
    print("|---|---:|---:|---:|")
    for k in KEYS:
        print(row(k, live[k], sim[k]))
    print(row("replica_hours / ideal", live["replica_hours"] / live["ideal_replica_hours"],
              sim["replica_hours"] / sim["ideal_replica_hours"]))
    notes = os.path.join(HERE, name + ".md")
    if os.path.exists(notes):
        print("\n" + open(notes).read().strip())
    print(f"\n![live](live-{name}.svg) ![simulated](live-{name}-simulated.svg)\n")
