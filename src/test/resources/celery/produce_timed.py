"""Sends tasks at a steady rate and prints {task_id: send_time} as JSON.

usage: produce_timed.py QUEUE COUNT RATE [HEADER]
HEADER, if given, is a header name set to the send time (epoch seconds), as Sentry's SDK or a
before_task_publish hook would.
"""
import json
import sys
import time

from celery_app import app

queue, count, rate = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
header = sys.argv[4] if len(sys.argv) > 4 else None
sent = {}
start = time.time()
for i in range(count):
    delay = start + i / rate - time.time()
    if delay > 0:
        time.sleep(delay)
    now = time.time()
    headers = {header: now} if header else None
    result = app.send_task("demo.nap", args=[0.05], queue=queue, headers=headers)
    sent[result.id] = now
print(json.dumps(sent))
