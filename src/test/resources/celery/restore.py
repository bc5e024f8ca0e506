"""Takes COUNT messages from QUEUE without acknowledging them, then closes the channel: kombu restores them
(RPUSH back to the consuming end), as it does when a worker's connection closes with messages unacked.

usage: restore.py QUEUE COUNT   prints the number taken
"""
import sys

from celery_app import app

queue, count = sys.argv[1], int(sys.argv[2])
taken = 0
with app.connection_for_read() as conn:
    channel = conn.channel()
    for _ in range(count):
        if channel.basic_get(queue, no_ack=False) is not None:
            taken += 1
    channel.close()
print(taken)
