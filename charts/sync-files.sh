#!/usr/bin/env bash
# Copies into the chart the files it renders from, which live elsewhere in the repository (Helm reads only the
# chart's own folder): the mixin's rule files and dashboard, and the shipped autoscalers of hpa/ and keda/.
# mixin/generate.sh runs it; run it after editing hpa/ or keda/. ChartTest fails while the copies differ.
set -euo pipefail
cd "$(dirname "$0")/.."
files=charts/celery-queue-exporter/files
mkdir -p "$files/rules" "$files/dashboards" "$files/autoscalers"
cp alerts/celery-queue.rules.yml alerts/celery-workers.rules.yml alerts/scaling-cost.rules.yml "$files/rules/"
cp grafana/celery-queues.json "$files/dashboards/"
for kind in load composite queue-length wait-time; do
  cp "hpa/$kind.yaml" "$files/autoscalers/hpa-$kind.yaml"
  cp "keda/$kind.yaml" "$files/autoscalers/keda-$kind.yaml"
done
cp keda/push.yaml "$files/autoscalers/keda-push.yaml"
