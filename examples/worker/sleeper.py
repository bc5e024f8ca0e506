"""A Celery app for rehearsals: one task that holds a worker slot for a drawn time.

    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 python3 -m celery -A sleeper worker -Q evaluation -c 4 -E -l INFO

The task `sleeper.sleep(seconds, p99=None)` sleeps `seconds`, or, given a p99, a time drawn from the lognormal whose
median is `seconds` and whose 99th percentile is `p99`.

Settings Celery has no worker flag for come from the environment:
  SLEEPER_ACKS_LATE=1           task_acks_late (ack after the task, not when it starts)
  SLEEPER_VISIBILITY_TIMEOUT=N  broker_transport_options visibility_timeout, seconds (kombu's default: 3600)
The prefetch multiplier has a flag: --prefetch-multiplier N (Celery's default: 4).
"""
import math
import os
import random
import time

from celery import Celery
from celery.signals import celeryd_init
from celery.worker import state as worker_state

app = Celery("sleeper", broker=os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"))
app.conf.task_acks_late = os.environ.get("SLEEPER_ACKS_LATE", "0") in ("1", "true", "yes")
if os.environ.get("SLEEPER_VISIBILITY_TIMEOUT"):
    app.conf.broker_transport_options = {"visibility_timeout": float(os.environ["SLEEPER_VISIBILITY_TIMEOUT"])}


@celeryd_init.connect
def advertise(sender=None, instance=None, conf=None, options=None, **kwargs):
    """Tells the exporter what this worker consumes and how, in every heartbeat (README: "What the workers hold")."""
    options = options or {}
    queues = options.get("queues") or ["celery"]
    if isinstance(queues, str):
        queues = queues.split(",")
    worker_state.SOFTWARE_INFO["x_worker_info"] = {
        "queues": sorted(queues),
        "concurrency": int(options.get("concurrency") or os.cpu_count() or 1),
        "prefetch_multiplier": int(options.get("prefetch_multiplier") or app.conf.worker_prefetch_multiplier),
        "acks_late": bool(app.conf.task_acks_late),
    }


# The 99th percentile of the standard normal distribution.
Z99 = 2.3263478740408408


@app.task(name="sleeper.sleep")
def sleep(seconds=1.0, p99=None):
    duration = float(seconds)
    if p99 is not None and float(p99) > duration > 0:
        sigma = math.log(float(p99) / duration) / Z99
        duration = duration * math.exp(sigma * random.gauss(0.0, 1.0))
    time.sleep(duration)
    return duration
