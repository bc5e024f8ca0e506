#!/usr/bin/env bash
# Writes the alerts, recording rules and dashboard from the mixin (the source of truth):
#   ../alerts/celery-queue.rules.yml, ../alerts/celery-workers.rules.yml, ../alerts/scaling-cost.rules.yml, ../alerts/prometheus-rule.yml and
#   ../grafana/celery-queues.json, and copies them into the Helm chart (../charts/sync-files.sh). Run it after every
#   change to mixin/; a test fails while they disagree.
#   mixin/generate.sh [OUT_DIR]   writes under OUT_DIR (alerts/, grafana/) instead of the repository
# Needs jsonnet (Debian: apt-get install jsonnet).
set -euo pipefail
cd "$(dirname "$0")"
out="${1:-..}"
mkdir -p "$out/alerts" "$out/grafana"
render='local mixin = import "mixin.libsonnet"; local file = import "lib/rulefile.libsonnet";'
jsonnet -S -e "$render file.render(mixin.celeryQueueRuleFile)" > "$out/alerts/celery-queue.rules.yml"
jsonnet -S -e "$render file.render(mixin.celeryWorkersRuleFile)" > "$out/alerts/celery-workers.rules.yml"
jsonnet -S -e "$render file.render(mixin.scalingCostRuleFile)" > "$out/alerts/scaling-cost.rules.yml"
jsonnet -e "$render mixin.grafanaDashboards['celery-queues.json']" > "$out/grafana/celery-queues.json"
../alerts/generate-prometheus-rule.sh "$out/alerts"
# the chart's copies follow the repository's files, never a trial run's
if [ $# -eq 0 ]; then ../charts/sync-files.sh; fi
