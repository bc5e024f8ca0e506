// How well the autoscaler does, and what each task costs: ../alerts/scaling-cost.rules.yml.
{
  local c = $._config,
  local d = c.dispatcher,
  local target = 'dispatcher:scaling_target:info',

  scalingCostRuleFile:: {
    header: |||
      Scaling and cost: how well the autoscaler does, and what each task costs. Combines this exporter's counters with
      kube-state-metrics and cAdvisor. Generated from mixin/ by mixin/generate.sh.

      CONFIGURE in mixin/config.libsonnet (dispatcher: the scaled Deployment, its HPA, the queue it drains, the price
      of one replica-hour), then run mixin/generate.sh; or edit the first two rules here. Every other rule joins on
      these series.

      Everything is one group on purpose: rules in a group run in order, each seeing the values the ones before it
      recorded at the same evaluation. Split into groups, they would read each other's values from a random earlier
      evaluation, and time-to-scale would be off by one interval.
    |||,
    groups: [$.dispatcherGroup],
  },

  local joinTarget(by) = '* on (%(by)s) group_left max by (%(by)s) (%(target)s)' % { by: by, target: target },

  dispatcherGroup:: {
    name: 'dispatcher',
    rules: [
      {
        comment:: 'The scaled Deployment, its HPA (with KEDA: %s), and the queue it drains.' % d.kedaHpa,
        record: target,
        expr: 'vector(1)',
        labels: {
          namespace: d.namespace,
          deployment: d.deployment,
          horizontalpodautoscaler: d.hpa,
          queue_name: d.queue,
        },
      },
      {
        comment:: 'Price of one replica-hour, in your currency.',
        record: 'dispatcher:replica_hour_price:currency',
        expr: 'vector(%g)' % d.replicaHourPrice,
      },
      {
        comment:: '--- Scaling ---',
        record: 'dispatcher:hpa_replicas:current',
        expr: |||
          max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_current_replicas)
          %s
        ||| % joinTarget('namespace, horizontalpodautoscaler'),
      },
      {
        record: 'dispatcher:hpa_replicas:desired',
        expr: |||
          max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_desired_replicas)
          %s
        ||| % joinTarget('namespace, horizontalpodautoscaler'),
      },
      {
        record: 'dispatcher:hpa_replicas:desired_minus_current',
        expr: 'dispatcher:hpa_replicas:desired - dispatcher:hpa_replicas:current',
      },
      {
        comment:: 'Change of current replicas over the last minute: > 0 a scale-up, < 0 a scale-down.',
        record: 'dispatcher:hpa_replicas:delta1m',
        expr: 'dispatcher:hpa_replicas:current - dispatcher:hpa_replicas:current offset 1m',
      },
    ] + [
      {
        [if direction == 'up' then 'comment']:: 'Minutes in the last hour in which the HPA scaled up (down); 0 when it did not.',
        record: 'dispatcher:hpa_scale_%s_events:1h' % direction,
        expr: |||
          count_over_time((dispatcher:hpa_replicas:delta1m %s 0)[1h:1m])
          or dispatcher:hpa_replicas:current * 0
        ||| % (if direction == 'up' then '>' else '<'),
      }
      for direction in ['up', 'down']
    ] + [
      {
        comment:: |||
          Flapping: the direction of the last scaling step (+1 up, -1 down), kept while replicas hold still, and the
          number of times in the last hour a step went the other way from the one before it.
        |||,
        record: 'dispatcher:hpa_scale_direction:last',
        expr: 'sgn(dispatcher:hpa_replicas:delta1m) != 0 or dispatcher:hpa_scale_direction:last',
      },
      {
        record: 'dispatcher:hpa_scale_reversals:1h',
        expr: |||
          count_over_time(
            (sgn(dispatcher:hpa_replicas:delta1m) != 0
              and sgn(dispatcher:hpa_replicas:delta1m) != dispatcher:hpa_scale_direction:last offset 1m)[1h:1m])
          or dispatcher:hpa_replicas:current * 0
        |||,
      },
      {
        comment:: |||
          Time to scale: seconds since desired last equalled current (0 while they agree), and the longest such
          stretch in the last hour.
        |||,
        record: 'dispatcher:hpa_unsettled_seconds',
        expr: |||
          time() - max_over_time(timestamp(dispatcher:hpa_replicas:desired_minus_current == 0)[1h:1m])
          or dispatcher:hpa_replicas:current * 0 + 3600
        |||,
      },
      {
        record: 'dispatcher:hpa_unsettled_seconds:max1h',
        expr: 'max_over_time(dispatcher:hpa_unsettled_seconds[1h])',
      },
      {
        comment:: '--- Cost ---',
        record: 'dispatcher:deployment_replicas',
        expr: |||
          max by (namespace, deployment) (kube_deployment_status_replicas)
          %s
        ||| % joinTarget('namespace, deployment'),
      },
      {
        record: 'dispatcher:replica_hours:1h',
        expr: 'avg_over_time(dispatcher:deployment_replicas[1h])',
      },
      {
        comment:: "The Deployment's pods: pod -> ReplicaSet -> Deployment, from kube-state-metrics.",
        record: 'dispatcher:pod:info',
        expr: |||
          max by (namespace, pod) (
            label_replace(kube_pod_owner{owner_kind="ReplicaSet"}, "replicaset", "$1", "owner_name", "(.*)")
            * on (namespace, replicaset) group_left
            max by (namespace, replicaset) (
              label_replace(kube_replicaset_owner{owner_kind="Deployment"}, "deployment", "$1", "owner_name", "(.*)")
              %s
            )
          )
        ||| % joinTarget('namespace, deployment'),
      },
      {
        comment:: 'CPU used by those pods against what they request (1 = 100 % of requests).',
        record: 'dispatcher:cpu_utilization:ratio_rate5m',
        expr: |||
          sum by (namespace) (
            rate(container_cpu_usage_seconds_total{container!="",container!="POD"}[5m])
            * on (namespace, pod) group_left dispatcher:pod:info
          )
          /
          sum by (namespace) (
            kube_pod_container_resource_requests{resource="cpu"} * on (namespace, pod) group_left dispatcher:pod:info
          )
        |||,
      },
      {
        comment:: |||
          Cost per task: replica-seconds spent over the last hour divided by the tasks the workers took from the queue
          in that hour. Absent, never a division by zero, while no task left the queue.
        |||,
        record: 'dispatcher:tasks_dequeued:1h',
        expr: |||
          max by (queue_name) (increase(celery_queue_dequeued_total[1h]))
          %s
        ||| % joinTarget('queue_name'),
      },
      {
        comment:: |||
          1 when that hour's tasks were counted exactly (keyspace notifications or task events); 0 when
          dispatcher:tasks_dequeued:1h is a lower bound from snapshots, and so the two figures per task below are upper
          bounds.
        |||,
        record: 'dispatcher:tasks_dequeued_exact:1h',
        expr: |||
          min by (queue_name) (min_over_time(celery_queue_counts_exact[1h]))
          %s
        ||| % joinTarget('queue_name'),
      },
      {
        record: 'dispatcher:replica_seconds_per_task:1h',
        expr: |||
          max(dispatcher:replica_hours:1h) * 3600
          / on () group_right () (dispatcher:tasks_dequeued:1h > 0)
        |||,
      },
      {
        record: 'dispatcher:cost_per_task:1h',
        expr: |||
          dispatcher:replica_seconds_per_task:1h / 3600
          * on () group_left () max(dispatcher:replica_hour_price:currency)
        |||,
      },
      {
        comment:: '--- Alerts ---',
        alert: 'DispatcherScalingFlapping',
        expr: 'dispatcher:hpa_scale_reversals:1h > %d  # threshold: direction reversals per hour' % c.flappingReversalsPerHour,
        'for': '5m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} reversed direction {{ $value }} times in an hour',
          description: 'The autoscaler keeps scaling up and down. Lengthen the scale-down stabilization window or add a tolerance; see hpa/README.md.',
          runbook: 'alerts/RUNBOOK.md#dispatcherscalingflapping',
        },
      },
      {
        alert: 'DispatcherSlowToScale',
        expr: |||
          dispatcher:hpa_unsettled_seconds > %d  # threshold: seconds desired has differed from current
          and on () (max(deriv(queue_name:celery_queue_length:max[10m]) %s) > 0)
        ||| % [c.slowToScaleSeconds, joinTarget('queue_name')],
        'for': '2m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} has not reached its desired replicas for {{ $value | humanizeDuration }}',
          description: 'Desired replicas have differed from current for more than %s while the backlog grows: pods cannot be scheduled, start slowly, or a behaviour policy limits the rate.' % $.duration(c.slowToScaleSeconds),
          runbook: 'alerts/RUNBOOK.md#dispatcherslowtoscale',
        },
      },
    ],
  },
}
