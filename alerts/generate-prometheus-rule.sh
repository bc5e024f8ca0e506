#!/usr/bin/env bash
# Writes prometheus-rule.yml (a PrometheusRule for the Prometheus Operator) from the plain rule files,
# celery-queue.rules.yml, celery-workers.rules.yml and scaling-cost.rules.yml, which ../mixin/generate.sh writes (and runs this after).
#   alerts/generate-prometheus-rule.sh [DIR]   the rule files in DIR (default: this directory)
set -euo pipefail
cd "${1:-$(dirname "$0")}"
{
  cat <<'HEAD'
# Generated from mixin/ by mixin/generate.sh (through alerts/generate-prometheus-rule.sh): edit the mixin, then run it.
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: celery-queue-exporter
  labels:
    app.kubernetes.io/name: celery-queue-exporter
    # kube-prometheus-stack selects rules by its Helm release name; set this to yours.
    release: kube-prometheus-stack
spec:
HEAD
  { sed -n '/^groups:/,$p' celery-queue.rules.yml; sed -n '/^groups:/,$p' celery-workers.rules.yml | tail -n +2
    sed -n '/^groups:/,$p' scaling-cost.rules.yml | tail -n +2; } \
    | sed 's/^\(.\)/  \1/'
} > prometheus-rule.yml
