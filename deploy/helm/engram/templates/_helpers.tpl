{{/* Object names: the release name unless overridden. */}}
{{- define "engram.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 52 | trimSuffix "-" -}}
{{- end -}}

{{- define "engram.secretName" -}}
{{- default (include "engram.fullname" .) .Values.secret.name -}}
{{- end -}}

{{- define "engram.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* Selector labels; pass (dict "root" $ "component" "api"), component optional. */}}
{{- define "engram.selectorLabels" -}}
app.kubernetes.io/name: engram
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end -}}

{{- define "engram.labels" -}}
{{ include "engram.selectorLabels" . }}
app.kubernetes.io/part-of: engram
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{/* env entries for Secret keys: [{name, optional}] */}}
{{- define "engram.secretEnv" -}}
{{- range .list }}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ include "engram.secretName" $.root }}
      key: {{ .name }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end }}
{{- end -}}

{{/* The init container that applies pending migrations (advisory-locked, ~0.5 s when none). */}}
{{- define "engram.migrateContainer" -}}
- name: migrate
  image: {{ include "engram.image" . }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  args: ['migrate', 'up']
  envFrom:
    - configMapRef:
        name: {{ include "engram.fullname" . }}
  env:
    {{- include "engram.secretEnv" (dict "root" . "list" (list (dict "name" "DATABASE_URL"))) | nindent 4 }}
  securityContext:
    {{- toYaml .Values.containerSecurityContext | nindent 4 }}
  resources:
    {{- toYaml .Values.migrate.resources | nindent 4 }}
  volumeMounts:
    - name: tmp
      mountPath: /tmp
{{- end -}}

{{- define "engram.topologySpread" -}}
- maxSkew: 1
  topologyKey: kubernetes.io/hostname
  whenUnsatisfiable: ScheduleAnyway
  labelSelector:
    matchLabels:
      {{- include "engram.selectorLabels" . | nindent 6 }}
{{- end -}}
