"""Publishes tasks with the real Celery client. Reads a JSON list of sends from argv[1]:
[{"task": "demo.add", "args": [1, 2], "queue": "alpha", "priority": 5, "countdown": 60, "serializer": "pickle",
  "count": 3}, ...]   (every key but "task" optional; no queue = Celery's default queue "celery")
Then prints kombu's own view of each queue's size as JSON: {"queue": size}.
"""
import json
import sys

from celery_app import app

sends = json.loads(sys.argv[1])
queues = set()
for send in sends:
    options = {k: send[k] for k in ("queue", "priority", "countdown", "serializer") if k in send}
    for _ in range(send.get("count", 1)):
        app.send_task(send["task"], args=send.get("args", []), **options)
    queues.add(send.get("queue", "celery"))

with app.connection_for_write() as conn:
    channel = conn.default_channel
    print(json.dumps({q: channel._size(q) for q in sorted(queues)}))
