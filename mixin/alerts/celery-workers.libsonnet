// Recording rules and alerts on the worker side: ../alerts/celery-workers.rules.yml.
{
  local c = $._config,

  celeryWorkersRuleFile:: {
    header: |||
      Recording rules and alerts on Celery's workers, from celery-queue-exporter's worker side (--collector.workers:
      heartbeats and the split of kombu's unacked hash). Generated from mixin/ by mixin/generate.sh: change the
      thresholds in mixin/config.libsonnet, not here (a test fails while the two disagree).

      Every expression takes max by its labels first, so several exporter replicas never add up.
    |||,
    groups: [$.celeryWorkersRecordingGroup, $.celeryWorkersAlertGroup],
  },

  celeryWorkersRecordingGroup:: {
    name: 'celery-workers.recording',
    rules: [
      {
        record: 'worker_group:celery_workers_online:max',
        expr: 'max by (worker_group) (celery_workers_online)',
      },
      {
        comment:: |||
          Share of the group's slots that execute a task: 1 when every slot is busy. Absent where the slots are
          unknown (workers that advertise nothing, and no --worker.concurrency), or no worker is online.
        |||,
        record: 'worker_group:celery_workers_utilization:ratio',
        expr: 'max by (worker_group) (celery_workers_executing_tasks) / max by (worker_group) (celery_workers_slots > 0)',
      },
      {
        comment:: 'Tasks the group started per second, workers gone included.',
        record: 'worker_group:celery_workers_tasks_started:rate5m',
        expr: 'max by (worker_group) (rate(celery_workers_tasks_started_total[5m]))',
      },
      {
        comment:: |||
          Tasks waiting to start, in the queue or in a live worker's prefetch buffer: what an autoscaler should read
          (celery_queue_length misses the prefetched ones).
        |||,
        record: 'queue_name:celery_queue_backlog:max',
        expr: 'max by (queue_name) (celery_queue_backlog)',
      },
      {
        record: 'queue_name_state:celery_queue_held_tasks:max',
        expr: 'max by (queue_name, state) (celery_queue_held_tasks)',
      },
    ],
  },

  celeryWorkersAlertGroup:: {
    name: 'celery-workers.alerts',
    rules: [
      {
        alert: 'CeleryTasksOrphaned',
        expr: "max by (queue_name) (celery_queue_held_tasks{state=\"orphaned\"}) > 0  # threshold: tasks",
        'for': c.orphanedFor,
        labels: { severity: 'warning' },
        annotations: {
          summary: '{{ $value }} tasks of {{ $labels.queue_name }} are held by no live worker',
          description: 'A worker took these tasks from {{ $labels.queue_name }} and died without acknowledging or restoring them (SIGKILL, out of memory, a grace period shorter than its tasks). kombu puts them back only after the visibility timeout (an hour by default), at the next restore sweep of a live worker: until then nobody runs them.',
          runbook: 'alerts/RUNBOOK.md#celerytasksorphaned',
        },
      },
      {
        alert: 'CeleryTasksOverdue',
        expr: 'max by (queue_name) (celery_queue_held_overdue_tasks) > 0  # threshold: tasks',
        'for': '1m',
        labels: { severity: 'warning' },
        annotations: {
          summary: '{{ $value }} tasks of {{ $labels.queue_name }} are held past the visibility timeout',
          description: 'These tasks have been unacknowledged longer than the broker visibility timeout. The next restore sweep of any live worker puts them back in the queue: one that is still running (acks late, or a long ETA) will run twice.',
          runbook: 'alerts/RUNBOOK.md#celerytasksoverdue',
        },
      },
      {
        alert: 'CeleryQueueWithoutWorkers',
        expr: |||
          max by (queue_name) (celery_queue_length) > 0
          and on (queue_name)
          max by (queue_name) (celery_queue_held_attribution_info{tier="certain"}) == 1
        |||,
        'for': c.withoutWorkersFor,
        labels: { severity: 'critical' },
        annotations: {
          summary: '{{ $value }} tasks wait in {{ $labels.queue_name }} and no live worker consumes it',
          description: 'No worker that may consume {{ $labels.queue_name }} has sent a heartbeat for %s while tasks wait in it. Its workers are down, scaled to zero without activation, or run with --without-heartbeat.' % $.duration(c.withoutWorkersFor),
          runbook: 'alerts/RUNBOOK.md#celeryqueuewithoutworkers',
        },
      },
      {
        alert: 'CeleryWorkerHeartbeatsMissed',
        expr: "max by (worker_group) (increase(celery_workers_departures_total{reason=\"heartbeat_missed\"}[10m])) > 0  # threshold: workers in 10 minutes",
        labels: { severity: 'warning' },
        annotations: {
          summary: 'A worker of {{ $labels.worker_group }} stopped sending heartbeats without going offline',
          description: 'In the last 10 minutes, {{ $value }} worker(s) of {{ $labels.worker_group }} went silent without a worker-offline event: killed (OOM, SIGKILL at the end of the grace period), or cut off from the broker. What they held is orphaned until the visibility timeout.',
          runbook: 'alerts/RUNBOOK.md#celeryworkerheartbeatsmissed',
        },
      },
      {
        alert: 'CeleryWorkerEventsUnavailable',
        expr: 'max by (instance) (celery_exporter_worker_events_subscribed) == 0',
        'for': '5m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'celery-queue-exporter {{ $labels.instance }} does not receive the workers\' events',
          description: "The exporter's subscription to Celery's celeryev channels has been down for 5 minutes (refused by the ACL, or failing). Worker counts are stale and no task is taken for orphaned.",
          runbook: 'alerts/RUNBOOK.md#celeryworkereventsunavailable',
        },
      },
      {
        // per instance: each exporter replica answers its own KEDA calls
        alert: 'CeleryKedaTriggerRefused',
        expr: 'sum by (instance, method, code) (increase(celery_exporter_keda_calls_total{code=~"INVALID_ARGUMENT|NOT_FOUND"}[10m])) > 0',
        'for': '5m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'KEDA asks celery-queue-exporter {{ $labels.instance }} for what it does not have ({{ $labels.code }})',
          description: 'In the last 10 minutes, {{ $value }} {{ $labels.method }} calls from KEDA were refused with {{ $labels.code }}: a trigger of an external or external-push ScaledObject names an unknown key or metric (INVALID_ARGUMENT), or a queue the exporter does not read (NOT_FOUND). That ScaledObject cannot scale on it.',
          runbook: 'alerts/RUNBOOK.md#celerykedatriggerrefused',
        },
      },
    ],
  },
}
