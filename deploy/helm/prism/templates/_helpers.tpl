{{/* The namespace of this environment. */}}
{{- define "prism.namespace" -}}
prism-{{ .Values.environment }}
{{- end -}}

{{/* Labels every object carries. */}}
{{- define "prism.labels" -}}
app.kubernetes.io/part-of: prism
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
prism.io/environment: {{ .Values.environment }}
{{- end -}}

{{/* The Secret the processes read: the existing one, or the chart's. */}}
{{- define "prism.secretName" -}}
{{- default (printf "%s-secret" .Release.Name) .Values.existingSecret -}}
{{- end -}}
