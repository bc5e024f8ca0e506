// celery-queue-exporter's monitoring mixin (the monitoring-mixins convention): the alerts, recording rules and
// Grafana dashboard, configured in config.libsonnet. generate.sh writes them to ../alerts and ../grafana.
//
// As a library: (import 'mixin.libsonnet') + { _config+:: { backlogTasks: 500 } }, then render prometheusAlerts,
// prometheusRules and grafanaDashboards as any mixin.
(import 'config.libsonnet')
+ (import 'alerts/celery-queue.libsonnet')
+ (import 'alerts/celery-workers.libsonnet')
+ (import 'rules/scaling-cost.libsonnet')
+ (import 'dashboards/celery-queues.libsonnet')
+ {
  prometheusAlerts+:: { groups+: [$.celeryQueueAlertGroup, $.celeryWorkersAlertGroup] },
  // The dispatcher group keeps its two alerts: its rules must run in order in one group (see its header).
  prometheusRules+:: { groups+: [$.celeryQueueRecordingGroup, $.celeryWorkersRecordingGroup, $.dispatcherGroup] },
}
