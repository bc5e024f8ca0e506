// Everything a user changes: selectors, thresholds, and the dispatcher the scaling and cost rules follow.
// After a change, run ./generate.sh to write ../alerts/*.yml and ../grafana/*.json again.
{
  _config+:: {
    // The exporter's scrape job, as the Prometheus Operator names it from the ServiceMonitor.
    exporterJob: 'celery-queue-exporter',

    // Alert thresholds.
    backlogTasks: 100,  // CeleryQueueBacklogHigh: tasks queued for 10 minutes
    oldestAgeSeconds: 300,  // CeleryTaskWaitTooLong: oldest age SLO
    averageWaitSeconds: 120,  // CeleryTaskWaitTooLong: average wait SLO
    notDrainingFor: '15m',  // CeleryQueueNotDraining: tasks queued and none leaving
    maxedShare: 0.9,  // DispatcherScalingMaxed: share of maxReplicas
    flappingReversalsPerHour: 4,  // DispatcherScalingFlapping
    slowToScaleSeconds: 600,  // DispatcherSlowToScale: desired differs from current while the backlog grows
    orphanedFor: '2m',  // CeleryTasksOrphaned: tasks held by no live worker
    withoutWorkersFor: '5m',  // CeleryQueueWithoutWorkers: tasks queued and no live worker consumes the queue

    // The scaled Deployment, its HPA (with KEDA: keda-hpa-<ScaledObject>), its ScaledObject, the queue it drains,
    // and the price of one replica-hour in your currency. The scaling and cost rules join on these.
    dispatcher: {
      namespace: 'crucible',
      deployment: 'dispatcher',
      hpa: 'dispatcher',
      kedaHpa: 'keda-hpa-dispatcher',
      scaledObject: 'dispatcher',
      queue: 'evaluation',
      replicaHourPrice: 0.05,
    },

    // The Grafana dashboard.
    dashboardUid: 'celery-queue-exporter',
    dashboardTitle: 'Celery queues',
    dashboardRefresh: '30s',
  },
}
