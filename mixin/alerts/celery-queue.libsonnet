// Recording rules and alerts on the exporter's own series: ../alerts/celery-queue.rules.yml.
{
  local c = $._config,
  local d = c.dispatcher,

  celeryQueueRuleFile:: {
    header: |||
      Recording rules and alerts for celery-queue-exporter. Generated from mixin/ by mixin/generate.sh: change the
      thresholds in mixin/config.libsonnet, not here (a test fails while the two disagree).

      Every expression takes max by (queue_name) first, so several exporter replicas scraping the same broker never
      add up. Each alert's threshold is the number after its comparison, marked "# threshold".

      prometheus-rule.yml holds the same groups as a PrometheusRule for the Prometheus Operator; a test checks that
      the two agree.
    |||,
    groups: [$.celeryQueueRecordingGroup, $.celeryQueueAlertGroup],
  },

  celeryQueueRecordingGroup:: {
    name: 'celery-queue.recording',
    rules: [
      {
        record: 'queue_name:celery_queue_length:max',
        expr: 'max by (queue_name) (celery_queue_length)',
      },
      {
        comment:: |||
          1 when the last 5 minutes' arrivals, departures and waits were counted exactly (Redis keyspace
          notifications or Celery task events), 0 when they are lower bounds from snapshots: then the rates below
          undercount and the wait quantiles lean long (a healthy queue's tasks mostly come and go between two polls).
        |||,
        record: 'queue_name:celery_queue_counts_exact:min5m',
        expr: 'min by (queue_name) (min_over_time(celery_queue_counts_exact[5m]))',
      },
      {
        comment:: 'Arrival and drain rates, tasks per second; lower bounds where queue_name:celery_queue_counts_exact:min5m is 0.',
        record: 'queue_name:celery_queue_arrival_rate:rate5m',
        expr: 'max by (queue_name) (rate(celery_queue_enqueued_total[5m]))',
      },
      {
        record: 'queue_name:celery_queue_drain_rate:rate5m',
        expr: 'max by (queue_name) (rate(celery_queue_dequeued_total[5m]))',
      },
      {
        comment:: |||
          Estimated time to drain, seconds: length / drain rate. Defined for every queue:
          0 when the queue is empty, +Inf when tasks wait and nothing drains.
        |||,
        record: 'queue_name:celery_queue_time_to_drain_seconds:estimate',
        expr: |||
          (queue_name:celery_queue_length:max / (queue_name:celery_queue_drain_rate:rate5m > 0))
          or on (queue_name) (queue_name:celery_queue_length:max == 0)
          or on (queue_name) (queue_name:celery_queue_length:max > 0) * +Inf
        |||,
      },
    ] + [
      {
        [if q == 0.5 then 'comment']:: 'Time spent in the queue by the tasks workers took, from the histogram.',
        record: 'queue_name:celery_queue_wait_seconds:p%d_5m' % (q * 100),
        expr: 'histogram_quantile(%g, max by (queue_name, le) (rate(celery_queue_wait_seconds_bucket[5m])))' % q,
      }
      for q in [0.5, 0.9, 0.99]
    ],
  },

  celeryQueueAlertGroup:: {
    name: 'celery-queue.alerts',
    rules: [
      {
        alert: 'CeleryQueueBacklogHigh',
        expr: 'queue_name:celery_queue_length:max > %d  # threshold: tasks' % c.backlogTasks,
        'for': '10m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Celery queue {{ $labels.queue_name }} has a backlog of {{ $value }} tasks',
          description: 'More than %d tasks have been waiting in {{ $labels.queue_name }} for 10 minutes. Workers are not keeping up: check that the autoscaler is scaling and not at its maximum.' % c.backlogTasks,
          runbook: 'alerts/RUNBOOK.md#celeryqueuebackloghigh',
        },
      },
      {
        alert: 'CeleryTaskWaitTooLong',
        expr: |||
          max by (queue_name) (celery_queue_oldest_task_age_seconds) > %(oldestAgeSeconds)d  # threshold: oldest age SLO, seconds
          or max by (queue_name) (celery_queue_average_wait_seconds) > %(averageWaitSeconds)d  # threshold: average wait SLO, seconds
        ||| % c,
        'for': '5m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Tasks in {{ $labels.queue_name }} wait longer than the SLO ({{ $value | humanizeDuration }})',
          description: 'The oldest task in {{ $labels.queue_name }} has waited more than %s, or tasks wait more than %s on average, for 5 minutes.' % [$.duration(c.oldestAgeSeconds), $.duration(c.averageWaitSeconds)],
          runbook: 'alerts/RUNBOOK.md#celerytaskwaittoolong',
        },
      },
      {
        alert: 'CeleryQueueNotDraining',
        expr: |||
          queue_name:celery_queue_length:max > 0
          and on (queue_name)
          max by (queue_name) (increase(celery_queue_dequeued_total[5m])) == 0
        |||,
        'for': c.notDrainingFor,
        labels: { severity: 'critical' },
        annotations: {
          summary: 'Nothing has left Celery queue {{ $labels.queue_name }} for %s' % $.duration(c.notDrainingFor),
          description: '{{ $value }} tasks are queued in {{ $labels.queue_name }}, but no worker has taken one for %s. Workers are down, stuck, or not consuming this queue.' % $.duration(c.notDrainingFor),
          runbook: 'alerts/RUNBOOK.md#celeryqueuenotdraining',
        },
      },
      {
        alert: 'DispatcherScalingMaxed',
        expr: |||
          kube_horizontalpodautoscaler_status_current_replicas{horizontalpodautoscaler=~"%(hpa)s|%(kedaHpa)s"}
          >= %(share)g * kube_horizontalpodautoscaler_spec_max_replicas  # threshold: share of max replicas
        ||| % (d { share: c.maxedShare }),
        'for': '5m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} is at %d%% of its max replicas' % (c.maxedShare * 100),
          description: 'The autoscaler has run at %d%% or more of maxReplicas for 5 minutes (kube-state-metrics). It cannot add much more capacity: raise maxReplicas or find the bottleneck.' % (c.maxedShare * 100),
          runbook: 'alerts/RUNBOOK.md#dispatcherscalingmaxed',
        },
      },
      {
        comment:: |||
          KEDA's own metrics (its operator's /metrics, port 8080): a trigger it cannot read. Its HPA then gets the
          fallback replicas (where set) or holds still, so the queue scales on nothing until it is fixed.
        |||,
        alert: 'DispatcherKedaScalerFailing',
        expr: |||
          sum by (namespace, scaledObject) (
            increase(keda_scaled_object_errors_total{scaledObject="%(scaledObject)s"}[5m])
          ) > 0  # threshold: errors in 5 minutes
        ||| % d,
        'for': '5m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'KEDA cannot read a trigger of ScaledObject {{ $labels.namespace }}/{{ $labels.scaledObject }}',
          description: "KEDA's scaler for the dispatcher has failed for 5 minutes (keda_scaled_object_errors_total). Its HPA runs on the fallback replicas, or holds still: autoscaling on the queue is off until KEDA can query Prometheus again.",
          runbook: 'alerts/RUNBOOK.md#dispatcherkedascalerfailing',
        },
      },
      {
        alert: 'CeleryExporterDown',
        expr: 'up{job="%(exporterJob)s"} == 0 or absent(up{job="%(exporterJob)s"})' % c,
        'for': '5m',
        labels: { severity: 'critical' },
        annotations: {
          summary: 'celery-queue-exporter is down',
          description: 'Prometheus cannot scrape celery-queue-exporter (job %s). Autoscaling on queue metrics is blind.' % c.exporterJob,
          runbook: 'alerts/RUNBOOK.md#celeryexporterdown',
        },
      },
      {
        alert: 'CeleryBrokerUnreachable',
        expr: 'max by (instance) (celery_exporter_broker_up) == 0',
        'for': '2m',
        labels: { severity: 'critical' },
        annotations: {
          summary: 'celery-queue-exporter {{ $labels.instance }} cannot read the broker',
          description: "The exporter's polls of the Celery broker have failed for 2 minutes. Queue series are withheld, so autoscalers on them see no data.",
          runbook: 'alerts/RUNBOOK.md#celerybrokerunreachable',
        },
      },
      {
        alert: 'CeleryQueueMetricsAbsent',
        expr: 'absent(celery_queue_length)',
        'for': '10m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'No Celery queue metrics for 10 minutes',
          description: 'celery_queue_length has no series: the exporter is down, its broker is unreachable (series are withheld once stale), or it found no queues. HPAs on these metrics cannot scale down.',
          runbook: 'alerts/RUNBOOK.md#celeryqueuemetricsabsent',
        },
      },
    ],
  },

  // "5 minutes", "2 minutes", "15 minutes" from seconds or a Prometheus duration such as 15m.
  duration(x)::
    local seconds = if std.isString(x) then (
      if std.endsWith(x, 'm') then std.parseInt(std.substr(x, 0, std.length(x) - 1)) * 60
      else if std.endsWith(x, 'h') then std.parseInt(std.substr(x, 0, std.length(x) - 1)) * 3600
      else std.parseInt(std.substr(x, 0, std.length(x) - 1))
    ) else x;
    if seconds % 3600 == 0 then '%d hour%s' % [seconds / 3600, if seconds == 3600 then '' else 's']
    else if seconds % 60 == 0 then '%d minute%s' % [seconds / 60, if seconds == 60 then '' else 's']
    else '%d seconds' % seconds,
}
