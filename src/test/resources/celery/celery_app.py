"""A Celery app configured from the environment, for the interoperability tests.

BROKER_URL       broker URL (required)
PRIORITY_STEPS   e.g. "0,3,6,9" (kombu's priority_steps transport option; unset = kombu's default)
KEY_PREFIX       kombu's global_keyprefix transport option (unset = none)
FLAG_FILE        demo.slow blocks until this file exists
SEND_SENT_EVENT  "1": producers send the task-sent event (task_send_sent_event)
PREFETCH         worker_prefetch_multiplier (unset = 4, Celery's default)
ACKS_LATE        "1": task_acks_late
VISIBILITY_TIMEOUT  kombu's visibility_timeout transport option, seconds (unset = kombu's 3600)
ADVERTISE        "1": the worker adds x_worker_info (queues, concurrency, prefetch, acks) to its heartbeats, as the
                 README's "What the workers hold" shows
RECORD_STARTED   "1": the worker records when each task starts in the hash interop:started (task id -> time)
"""
import os
import time

from celery import Celery

options = {}
if os.environ.get("PRIORITY_STEPS"):
    options["priority_steps"] = [int(s) for s in os.environ["PRIORITY_STEPS"].split(",")]
if os.environ.get("KEY_PREFIX"):
    options["global_keyprefix"] = os.environ["KEY_PREFIX"]
if os.environ.get("VISIBILITY_TIMEOUT"):
    options["visibility_timeout"] = float(os.environ["VISIBILITY_TIMEOUT"])

app = Celery("interop", broker=os.environ["BROKER_URL"])
app.conf.update(
    broker_transport_options=options,
    accept_content=["json", "pickle"],
    worker_prefetch_multiplier=int(os.environ.get("PREFETCH", "4")),
    task_acks_late=os.environ.get("ACKS_LATE") == "1",
    worker_hijack_root_logger=False,
    broker_connection_retry_on_startup=True,
    task_send_sent_event=os.environ.get("SEND_SENT_EVENT") == "1",
)


@app.task(name="demo.add")
def add(x, y):
    return x + y


@app.task(name="demo.slow")
def slow(n):
    flag = os.environ.get("FLAG_FILE", "")
    deadline = time.time() + 120
    while flag and not os.path.exists(flag) and time.time() < deadline:
        time.sleep(0.05)
    return n


if os.environ.get("ADVERTISE") == "1":
    from celery.signals import worker_ready
    from celery.worker import state as worker_state

    @worker_ready.connect
    def _advertise(sender=None, **_):
        """What the README tells users to add: the worker's queues, slots and acks, on every heartbeat."""
        worker_state.SOFTWARE_INFO["x_worker_info"] = {
            "queues": sorted(q.name for q in sender.task_consumer.queues),
            "concurrency": sender.controller.concurrency,
            "prefetch_multiplier": sender.app.conf.worker_prefetch_multiplier,
            "acks_late": bool(sender.app.conf.task_acks_late),
        }


if os.environ.get("RECORD_STARTED") == "1":
    import redis as _started_redis
    from celery.signals import task_prerun

    @task_prerun.connect
    def _record_started(task_id=None, **_):
        """Test bookkeeping only: when each task started, the truth the backlog is checked against."""
        _started_redis.Redis.from_url(os.environ["BROKER_URL"]).hset("interop:started", task_id, repr(time.time()))


if os.environ.get("RECORD_RECEIVED") or os.environ.get("RECORD_EXECUTED"):
    import json
    import redis
    from celery.signals import task_received

    _recorder = redis.Redis.from_url(os.environ["BROKER_URL"])


@app.task(name="demo.echo", bind=True)
def echo(self, *args, **kwargs):
    """Test bookkeeping only: what the worker executed, by task id."""
    _recorder.hset("interop:executed", self.request.id, json.dumps([self.name, list(args), kwargs]))


if os.environ.get("RECORD_RECEIVED"):

    @task_received.connect
    def _record_received(request=None, **_):
        """Test bookkeeping only: when the worker took each task off the queue."""
        _recorder.hset("interop:received", request.id, repr(time.time()))


@app.task(name="demo.nap")
def nap(seconds):
    time.sleep(seconds)


@app.task(name="demo.requeue_once", bind=True, acks_late=True)
def requeue_once(self):
    """Rejects itself with requeue the first time it runs (kombu LPUSHes it back), succeeds the second."""
    from celery.exceptions import Reject
    import redis as _redis

    marker = "interop:rejected:" + self.request.id
    if _redis.Redis.from_url(os.environ["BROKER_URL"]).set(marker, "1", nx=True):
        raise Reject("once", requeue=True)
