{{/* The release's name, or release-chart where the release name does not contain the chart's (Helm's usual rule). */}}
{{- define "cqe.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "cqe.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "cqe.labels" -}}
{{ include "cqe.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* The Secret and key that hold the broker URL: the chart's own when broker.url is set, else an existing one. */}}
{{- define "cqe.brokerSecretName" -}}
{{- if .Values.broker.url -}}
{{- printf "%s-broker" (include "cqe.fullname" .) -}}
{{- else -}}
{{- .Values.broker.existingSecret.name -}}
{{- end -}}
{{- end -}}

{{- define "cqe.brokerSecretKey" -}}
{{- if .Values.broker.url -}}url{{- else -}}{{- .Values.broker.existingSecret.key -}}{{- end -}}
{{- end -}}

{{- define "cqe.webConfigured" -}}
{{- if or .Values.web.config .Values.web.tls.secretName -}}true{{- end -}}
{{- end -}}

{{- define "cqe.scheme" -}}
{{- if .Values.web.tls.secretName -}}HTTPS{{- else -}}HTTP{{- end -}}
{{- end -}}
