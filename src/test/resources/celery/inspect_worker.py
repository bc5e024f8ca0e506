"""Prints the worker's own view as JSON: {"reserved": {queue: n}, "scheduled": {queue: n}}."""
import collections
import json

from celery_app import app

inspect = app.control.inspect(timeout=2.0)
view = {}
for kind, reply in (("reserved", inspect.reserved()), ("scheduled", inspect.scheduled())):
    counts = collections.Counter()
    for tasks in (reply or {}).values():
        for task in tasks:
            request = task.get("request", task)
            counts[request["delivery_info"]["routing_key"]] += 1
    view[kind] = dict(counts)
print(json.dumps(view))
