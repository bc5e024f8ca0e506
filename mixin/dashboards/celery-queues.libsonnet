// The Grafana dashboard: ../grafana/celery-queues.json. Panels are laid out on Grafana's 24-column grid.
local datasource = { type: 'prometheus', uid: '${datasource}' };

local row(id, title, y) = {
  type: 'row', id: id, title: title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y: y }, panels: [],
};

// A target per [expr, legend] pair, lettered A, B, …; a third element sets its format.
local targets(list) = [
  { datasource: datasource, refId: std.char(65 + i), expr: list[i][0], legendFormat: list[i][1] }
  + (if std.length(list[i]) > 2 then { format: list[i][2] } else {})
  for i in std.range(0, std.length(list) - 1)
];

local timeseries(id, title, description, unit, pos, queries) = {
  type: 'timeseries', id: id, title: title, description: description, datasource: datasource,
  gridPos: { x: pos[0], y: pos[1], w: pos[2], h: pos[3] },
  fieldConfig: { defaults: { unit: unit }, overrides: [] },
  options: {
    legend: { showLegend: true, displayMode: 'list', placement: 'bottom' },
    tooltip: { mode: 'multi', sort: 'desc' },
  },
  targets: targets(queries),
};

local queryVariable(name, label, query, refId) = {
  name: name, label: label, type: 'query', datasource: datasource,
  query: { query: query, refId: refId }, definition: query,
  refresh: 2, includeAll: true, multi: true, sort: 1, current: {}, hide: 0,
};

{
  local c = $._config,

  grafanaDashboards+:: {
    'celery-queues.json': {
      uid: c.dashboardUid,
      title: c.dashboardTitle,
      description: "Celery queues on Redis, from celery-queue-exporter: depth, waits, rates, workers' holdings and the autoscaler.",
      tags: ["celery", "redis", "autoscaling"],
      timezone: "browser",
      schemaVersion: 39,
      version: 1,
      editable: true,
      refresh: c.dashboardRefresh,
      time: {"from": "now-3h", "to": "now"},
      templating: { list: [
        { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', current: {}, hide: 0 },
        queryVariable("queue_name", "Queue", "label_values(celery_queue_length, queue_name)", "queues"),
        queryVariable("hpa", "HPA", "label_values(kube_horizontalpodautoscaler_spec_max_replicas, horizontalpodautoscaler)", "hpas"),
      ] },
      annotations: {"list": []},
      panels: [
        row(1, "Queue", 0),
        timeseries(2, "Queue depth",
                   "Tasks waiting in each queue, all priority sub-lists together (celery_queue_length). The max over exporter replicas.",
                   "short", [0, 1, 12, 8], [
          ["max by (queue_name) (celery_queue_length{queue_name=~\"$queue_name\"})", "{{queue_name}}"],
        ]),
        timeseries(3, "Queue depth by priority",
                   "Tasks waiting in each priority sub-list; priority is the kombu priority step of the list (celery_queue_length_by_priority). Only non-empty sub-lists are drawn.",
                   "short", [12, 1, 12, 8], [
          ["max by (queue_name, priority) (celery_queue_length_by_priority{queue_name=~\"$queue_name\"}) > 0", "{{queue_name}} p{{priority}}"],
        ]),
        timeseries(4, "Oldest task age and average wait",
                   "How long the oldest queued task has waited, and the mean wait of the tasks queued now. While celery_queue_age_lower_bound is 1 the age is only a lower bound (the exporter restarted).",
                   "s", [0, 9, 12, 8], [
          ["max by (queue_name) (celery_queue_oldest_task_age_seconds{queue_name=~\"$queue_name\"})", "oldest {{queue_name}}"],
          ["max by (queue_name) (celery_queue_average_wait_seconds{queue_name=~\"$queue_name\"})", "average {{queue_name}}"],
        ]),
        timeseries(5, "Time in queue (quantiles)",
                   "Quantiles of the time tasks spent queued before a worker took them, from the celery_queue_wait_seconds histogram: the wait users experienced. Where a series says \"lower bound\", only the tasks still queued at a poll were seen, so the quantiles lean long; switch on keyspace notifications for exact waits.",
                   "s", [12, 9, 12, 8], [
          ["histogram_quantile(0.5, max by (queue_name, le) (rate(celery_queue_wait_seconds_bucket{queue_name=~\"$queue_name\"}[$__rate_interval]))) * on (queue_name) group_left (counts) (label_replace(min by (queue_name) (min_over_time(celery_queue_counts_exact{queue_name=~\"$queue_name\"}[$__rate_interval])) == 1, \"counts\", \"exact\", \"\", \"\") or label_replace(min by (queue_name) (min_over_time(celery_queue_counts_exact{queue_name=~\"$queue_name\"}[$__rate_interval])) + 1 == 1, \"counts\", \"lower bound\", \"\", \"\"))", "p50 {{queue_name}} ({{counts}})"],
          ["histogram_quantile(0.9, max by (queue_name, le) (rate(celery_queue_wait_seconds_bucket{queue_name=~\"$queue_name\"}[$__rate_interval]))) * on (queue_name) group_left (counts) (label_replace(min by (queue_name) (min_over_time(celery_queue_counts_exact{queue_name=~\"$queue_name\"}[$__rate_interval])) == 1, \"counts\", \"exact\", \"\", \"\") or label_replace(min by (queue_name) (min_over_time(celery_queue_counts_exact{queue_name=~\"$queue_name\"}[$__rate_interval])) + 1 == 1, \"counts\", \"lower bound\", \"\", \"\"))", "p90 {{queue_name}} ({{counts}})"],
          ["histogram_quantile(0.99, max by (queue_name, le) (rate(celery_queue_wait_seconds_bucket{queue_name=~\"$queue_name\"}[$__rate_interval]))) * on (queue_name) group_left (counts) (label_replace(min by (queue_name) (min_over_time(celery_queue_counts_exact{queue_name=~\"$queue_name\"}[$__rate_interval])) == 1, \"counts\", \"exact\", \"\", \"\") or label_replace(min by (queue_name) (min_over_time(celery_queue_counts_exact{queue_name=~\"$queue_name\"}[$__rate_interval])) + 1 == 1, \"counts\", \"lower bound\", \"\", \"\"))", "p99 {{queue_name}} ({{counts}})"],
        ]),
        timeseries(6, "Time in queue (heatmap)",
                   "Distribution over time of the waits of the tasks workers took (celery_queue_wait_seconds buckets), all selected queues together.",
                   "s", [0, 17, 12, 8], [
          ["sum by (le) (rate(celery_queue_wait_seconds_bucket{queue_name=~\"$queue_name\"}[$__rate_interval]))", "{{le}}", "heatmap"],
        ]) + { type: 'heatmap', options: {"calculate": false, "yAxis": {"unit": "s"}, "cellGap": 1, "color": {"mode": "scheme", "scheme": "Oranges"}, "legend": {"show": true}, "tooltip": {"show": true}} },
        timeseries(7, "Arrival and drain rate",
                   "Tasks arriving (celery_queue_enqueued_total) and leaving (celery_queue_dequeued_total) per second. A drain rate below the arrival rate means the queue grows. Each series says whether it is exact (from Redis keyspace notifications) or a lower bound (from snapshots, which miss the tasks that come and go between two polls: most of a healthy queue's flow); see celery_queue_counts_exact.",
                   "ops", [12, 17, 12, 8], [
          ["max by (queue_name) (rate(celery_queue_enqueued_total{queue_name=~\"$queue_name\"}[$__rate_interval])) * on (queue_name) group_left (counts) (label_replace(min by (queue_name) (min_over_time(celery_queue_counts_exact{queue_name=~\"$queue_name\"}[$__rate_interval])) == 1, \"counts\", \"exact\", \"\", \"\") or label_replace(min by (queue_name) (min_over_time(celery_queue_counts_exact{queue_name=~\"$queue_name\"}[$__rate_interval])) + 1 == 1, \"counts\", \"lower bound\", \"\", \"\"))", "in {{queue_name}} ({{counts}})"],
          ["max by (queue_name) (rate(celery_queue_dequeued_total{queue_name=~\"$queue_name\"}[$__rate_interval])) * on (queue_name) group_left (counts) (label_replace(min by (queue_name) (min_over_time(celery_queue_counts_exact{queue_name=~\"$queue_name\"}[$__rate_interval])) == 1, \"counts\", \"exact\", \"\", \"\") or label_replace(min by (queue_name) (min_over_time(celery_queue_counts_exact{queue_name=~\"$queue_name\"}[$__rate_interval])) + 1 == 1, \"counts\", \"lower bound\", \"\", \"\"))", "out {{queue_name}} ({{counts}})"],
        ]),
        timeseries(8, "Time to drain",
                   "Estimated time to empty each queue at the current drain rate: length / drain rate. No value while nothing drains (see the CeleryQueueNotDraining alert).",
                   "s", [0, 25, 12, 8], [
          ["max by (queue_name) (celery_queue_length{queue_name=~\"$queue_name\"}) / (max by (queue_name) (rate(celery_queue_dequeued_total{queue_name=~\"$queue_name\"}[$__rate_interval])) > 0)", "{{queue_name}}"],
        ]),
        timeseries(9, "Reserved and scheduled tasks",
                   "Tasks workers hold: reserved (prefetched, not started) and scheduled (ETA/countdown, waiting until due). From kombu's unacked hash.",
                   "short", [12, 25, 12, 8], [
          ["max by (queue_name) (celery_queue_reserved_tasks{queue_name=~\"$queue_name\"})", "reserved {{queue_name}}"],
          ["max by (queue_name) (celery_queue_scheduled_tasks{queue_name=~\"$queue_name\"})", "scheduled {{queue_name}}"],
        ]),
        timeseries(10, "Queued tasks by task name",
                   "Queued tasks per task name (celery_queue_tasks). Empty unless the exporter runs with --task-breakdown.",
                   "short", [0, 33, 24, 8], [
          ["max by (queue_name, task_name) (celery_queue_tasks{queue_name=~\"$queue_name\"})", "{{queue_name}} {{task_name}}"],
        ]),
        row(11, "Autoscaler", 41),
        timeseries(12, "HPA replicas",
                   "Current, desired and maximum replicas of the selected HorizontalPodAutoscaler, from kube-state-metrics.",
                   "short", [0, 42, 24, 8], [
          ["max by (horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_current_replicas{horizontalpodautoscaler=~\"$hpa\"})", "current {{horizontalpodautoscaler}}"],
          ["max by (horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_desired_replicas{horizontalpodautoscaler=~\"$hpa\"})", "desired {{horizontalpodautoscaler}}"],
          ["max by (horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas{horizontalpodautoscaler=~\"$hpa\"})", "max {{horizontalpodautoscaler}}"],
        ]),
        row(13, "Exporter", 50),
        timeseries(14, "Exporter and broker up",
                   "1 while Prometheus scrapes the exporter (up) and while the exporter's polls of the broker succeed (celery_exporter_broker_up).",
                   "none", [0, 51, 8, 8], [
          ["max by (instance) (celery_exporter_broker_up)", "broker {{instance}}"],
          ["max by (instance) (up{job=\"celery-queue-exporter\"})", "scrape {{instance}}"],
        ]),
        timeseries(15, "Poll duration",
                   "How long the exporter's last poll of the broker took (celery_exporter_poll_duration_seconds).",
                   "s", [8, 51, 8, 8], [
          ["max by (instance) (celery_exporter_poll_duration_seconds)", "{{instance}}"],
        ]),
        timeseries(16, "Poll errors and undecodable messages",
                   "Failed polls and skipped undecodable messages per second (celery_exporter_poll_errors_total, celery_exporter_undecodable_messages_total).",
                   "ops", [16, 51, 8, 8], [
          ["sum by (instance) (rate(celery_exporter_poll_errors_total[$__rate_interval]))", "poll errors {{instance}}"],
          ["sum by (queue_name) (rate(celery_exporter_undecodable_messages_total[$__rate_interval]))", "undecodable {{queue_name}}"],
        ]),
        row(17, "Scaling & cost", 59),
        timeseries(18, "Current and desired replicas",
                   "Replicas of the scaled Deployment's HPA now, and what it wants (dispatcher:hpa_replicas:*). The target is configured once, in the dispatcher.target group of alerts/scaling-cost.rules.yml.",
                   "short", [0, 60, 6, 8], [
          ["dispatcher:hpa_replicas:current", "current"],
          ["dispatcher:hpa_replicas:desired", "desired"],
        ]),
        timeseries(19, "Scale events per hour",
                   "Minutes in the last hour in which the HPA scaled up, and down (changes of kube_horizontalpodautoscaler_status_current_replicas).",
                   "short", [6, 60, 6, 8], [
          ["dispatcher:hpa_scale_up_events:1h", "up"],
          ["dispatcher:hpa_scale_down_events:1h", "down"],
        ]),
        timeseries(20, "Time to scale",
                   "Seconds desired replicas have differed from current (0 while they agree), and the longest such stretch in the last hour.",
                   "s", [12, 60, 6, 8], [
          ["dispatcher:hpa_unsettled_seconds", "now"],
          ["dispatcher:hpa_unsettled_seconds:max1h", "longest in 1h"],
        ]),
        timeseries(21, "Direction reversals per hour",
                   "How often in the last hour a scaling step went the other way from the one before it: flapping (alert DispatcherScalingFlapping).",
                   "short", [18, 60, 6, 8], [
          ["dispatcher:hpa_scale_reversals:1h", "reversals"],
        ]),
        timeseries(22, "Replica-hours per hour",
                   "Average replicas of the Deployment over the last hour, that is, replica-hours spent per hour (kube_deployment_status_replicas).",
                   "short", [0, 68, 6, 8], [
          ["dispatcher:replica_hours:1h", "replica-hours"],
        ]),
        timeseries(23, "CPU used against requests",
                   "CPU used by the Deployment's pods (cAdvisor) divided by the CPU they request (kube-state-metrics): how well the requests fit.",
                   "percentunit", [6, 68, 6, 8], [
          ["dispatcher:cpu_utilization:ratio_rate5m", "utilisation"],
        ]),
        timeseries(24, "Replica-seconds per task",
                   "Replica-seconds spent in the last hour divided by the tasks taken from the queue in that hour. No value while no task left the queue. Where a series says \"lower bound\" for the tasks, they were counted from snapshots (keyspace notifications off), so the figure per task is an upper bound.",
                   "s", [12, 68, 6, 8], [
          ["dispatcher:replica_seconds_per_task:1h * on (queue_name) group_left (counts) (label_replace(dispatcher:tasks_dequeued_exact:1h == 1, \"counts\", \"exact tasks\", \"\", \"\") or label_replace(dispatcher:tasks_dequeued_exact:1h + 1 == 1, \"counts\", \"tasks a lower bound\", \"\", \"\"))", "{{queue_name}} ({{counts}})"],
        ]),
        timeseries(25, "Cost per task",
                   "Replica-seconds per task times the price of a replica-hour (dispatcher:replica_hour_price:currency, set in alerts/scaling-cost.rules.yml). In that price's currency. Where a series says \"lower bound\" for the tasks, they were counted from snapshots (keyspace notifications off), so the figure per task is an upper bound.",
                   "none", [18, 68, 6, 8], [
          ["dispatcher:cost_per_task:1h * on (queue_name) group_left (counts) (label_replace(dispatcher:tasks_dequeued_exact:1h == 1, \"counts\", \"exact tasks\", \"\", \"\") or label_replace(dispatcher:tasks_dequeued_exact:1h + 1 == 1, \"counts\", \"tasks a lower bound\", \"\", \"\"))", "{{queue_name}} ({{counts}})"],
        ]),
        row(26, "Workers", 76),
        timeseries(27, "Workers online",
                   "Workers per group that sent a heartbeat within 2 x their interval and did not go offline (celery_workers_online). Groups are named from the node names (--worker.group-pattern), never one series per pod.",
                   "short", [0, 77, 8, 8], [
          ["max by (worker_group) (celery_workers_online)", "{{worker_group}}"],
        ]),
        timeseries(28, "Executing and slots",
                   "Tasks the group executes now, from its heartbeats (celery_workers_executing_tasks), against its slots (celery_workers_slots), where its workers advertise them or --worker.concurrency sets them.",
                   "short", [8, 77, 8, 8], [
          ["max by (worker_group) (celery_workers_executing_tasks)", "executing {{worker_group}}"],
          ["max by (worker_group) (celery_workers_slots)", "slots {{worker_group}}"],
        ]),
        timeseries(29, "Slot utilization",
                   "Executing tasks / slots per group (worker_group:celery_workers_utilization:ratio): 1 when every slot is busy. No value where the slots are unknown.",
                   "percentunit", [16, 77, 8, 8], [
          ["worker_group:celery_workers_utilization:ratio", "{{worker_group}}"],
        ]),
        timeseries(30, "Backlog and queue length",
                   "Tasks waiting to start (celery_queue_backlog: the queue and the live workers' prefetch buffers) against the queue alone (celery_queue_length). The gap is what prefetch hides from a depth-only autoscaler.",
                   "short", [0, 85, 12, 8], [
          ["max by (queue_name) (celery_queue_backlog{queue_name=~\"$queue_name\"})", "backlog {{queue_name}}"],
          ["max by (queue_name) (celery_queue_length{queue_name=~\"$queue_name\"})", "queue {{queue_name}}"],
        ]),
        timeseries(31, "What the workers hold",
                   "Reserved tasks by state (celery_queue_held_tasks): prefetched by a live worker, running with acks late, orphaned by a dead worker (restored only after the visibility timeout); and those held past the visibility timeout (celery_queue_held_overdue_tasks), which will be redelivered. The legend names the attribution tier: orphaned is exact in tiers exact and certain, a lower bound otherwise.",
                   "short", [12, 85, 12, 8], [
          ["max by (queue_name, state) (celery_queue_held_tasks{queue_name=~\"$queue_name\"}) * on (queue_name) group_left (tier) max by (queue_name, tier) (celery_queue_held_attribution_info{queue_name=~\"$queue_name\"})", "{{state}} {{queue_name}} ({{tier}})"],
          ["max by (queue_name) (celery_queue_held_overdue_tasks{queue_name=~\"$queue_name\"})", "overdue {{queue_name}}"],
        ]),
        timeseries(32, "Oldest held task",
                   "Seconds since a worker received the oldest reserved task of each state (celery_queue_held_oldest_age_seconds, from kombu's unacked_index). An orphan older than the visibility timeout is about to be restored.",
                   "s", [0, 93, 12, 8], [
          ["max by (queue_name, state) (celery_queue_held_oldest_age_seconds{queue_name=~\"$queue_name\"})", "{{state}} {{queue_name}}"],
        ]),
        timeseries(33, "Worker departures",
                   "Workers that left per group in the window: offline (a warm shutdown) or heartbeat_missed (killed without a word: alert CeleryWorkerHeartbeatsMissed).",
                   "short", [12, 93, 12, 8], [
          ["max by (worker_group, reason) (increase(celery_workers_departures_total[$__rate_interval]))", "{{reason}} {{worker_group}}"],
        ]),
        row(34, "KEDA port", 101),
        timeseries(35, "KEDA's calls and push streams",
                   "With --keda.listen-address: calls of KEDA's external scaler API per second by method and gRPC status (celery_exporter_keda_calls_total; INVALID_ARGUMENT and NOT_FOUND are a trigger asking for what the exporter does not have: alert CeleryKedaTriggerRefused), and the StreamIsActive streams open (celery_exporter_keda_streams: one per external-push trigger per KEDA operator).",
                   "short", [0, 102, 24, 8], [
          ["sum by (instance, method, code) (rate(celery_exporter_keda_calls_total[$__rate_interval]))", "{{method}} {{code}} {{instance}}"],
          ["max by (instance) (celery_exporter_keda_streams)", "streams {{instance}}"],
        ]),
      ],
    },
  },
}
