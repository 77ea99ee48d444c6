{{/* Names and labels */}}
{{- define "rapport.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "rapport.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" -}}
{{- else if contains (include "rapport.name" .) .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "rapport.name" .) | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* (list $ "rasa") */}}
{{- define "rapport.selectorLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ include "rapport.name" $root }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "rapport.labels" -}}
{{- $root := index . 0 -}}
{{ include "rapport.selectorLabels" . }}
app.kubernetes.io/part-of: rapport
app.kubernetes.io/version: {{ $root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ $root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" $root.Chart.Name $root.Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "rapport.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "rapport.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* (list $ "rasa") -> the image reference */}}
{{- define "rapport.image" -}}
{{- $root := index . 0 -}}
{{- printf "%s:%s" (index $root.Values.image (index . 1)) (default $root.Chart.AppVersion $root.Values.image.tag) -}}
{{- end -}}

{{- define "rapport.secretName" -}}
{{- required "secrets.existingSecret: the name of the Secret with MONGODB_URL, REDIS_URL, ... (see values.yaml)" .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "rapport.tenantsConfigMap" -}}
{{- if .Values.tenants.content -}}
{{- printf "%s-tenants" (include "rapport.fullname" .) -}}
{{- else -}}
{{- required "tenants.existingConfigMap or tenants.content (config/tenants.yml) is required" .Values.tenants.existingConfigMap -}}
{{- end -}}
{{- end -}}

{{/* (list $ "NAME" optional) -> an env entry from the Secret */}}
{{- define "rapport.secretEnv" -}}
{{- $root := index . 0 -}}
- name: {{ index . 1 }}
  valueFrom:
    secretKeyRef:
      name: {{ include "rapport.secretName" $root }}
      key: {{ index . 1 }}
      {{- if index . 2 }}
      optional: true
      {{- end }}
{{- end -}}

{{/* Environment of every process: stores, keys, tenants, logs (bot/base/settings.py) */}}
{{- define "rapport.env.data" -}}
{{ include "rapport.secretEnv" (list . "MONGODB_URL" false) }}
{{ include "rapport.secretEnv" (list . "REDIS_URL" false) }}
{{ include "rapport.secretEnv" (list . "RAPPORT_GUEST_KEY" false) }}
{{ include "rapport.secretEnv" (list . "RAPPORT_DATA_KEYS" false) }}
{{ include "rapport.secretEnv" (list . "RAPPORT_AUDIT_KEYS" true) }}
- name: RAPPORT_TENANTS
  value: /etc/rapport/tenants.yml
- name: RAPPORT_DATA_DIR
  value: /var/lib/rapport
- name: RAPPORT_LOG_LEVEL
  value: {{ .Values.config.logLevel | quote }}
- name: RAPPORT_LOG_FORMAT
  value: {{ .Values.config.logFormat | quote }}
- name: RAPPORT_PUBLIC_URL
  value: {{ .Values.config.publicUrl | quote }}
- name: RAPPORT_CONSOLE_URL
  value: {{ .Values.config.consoleUrl | quote }}
{{- with .Values.config.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* The way out: SMTP relay and Twilio (rasa's outbox, console, jobs) */}}
{{- define "rapport.env.outbound" -}}
- name: SMTP_HOST
  value: {{ .Values.config.smtp.host | quote }}
- name: SMTP_PORT
  value: {{ .Values.config.smtp.port | quote }}
- name: SMTP_STARTTLS
  value: {{ .Values.config.smtp.starttls | quote }}
- name: SMTP_USERNAME
  value: {{ .Values.config.smtp.username | quote }}
{{ include "rapport.secretEnv" (list . "SMTP_PASSWORD" false) }}
- name: TWILIO_ACCOUNT_SID
  value: {{ .Values.config.twilioAccountSid | quote }}
{{ include "rapport.secretEnv" (list . "TWILIO_AUTH_TOKEN" true) }}
{{- end -}}

{{/* (list port) -> readiness on /readyz, liveness on /healthz */}}
{{- define "rapport.probes" -}}
readinessProbe:
  httpGet:
    path: /readyz
    port: {{ . }}
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 3
livenessProbe:
  httpGet:
    path: /healthz
    port: {{ . }}
  periodSeconds: 10
  timeoutSeconds: 5
  failureThreshold: 6
{{- end -}}

{{/* (list $ "rasa" port) -> pod annotations */}}
{{- define "rapport.podAnnotations" -}}
{{- $root := index . 0 -}}
checksum/tenants: {{ printf "%s%s" $root.Values.tenants.content $root.Values.tenants.existingConfigMap | sha256sum }}
{{- if $root.Values.metricsAnnotations }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ index . 2 | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- end -}}

{{/* (list $ "rasa" component-values) -> pod spec fields shared by every process */}}
{{- define "rapport.podCommon" -}}
{{- $root := index . 0 -}}
{{- $values := index . 2 -}}
serviceAccountName: {{ include "rapport.serviceAccountName" $root }}
automountServiceAccountToken: false
enableServiceLinks: false
terminationGracePeriodSeconds: {{ $values.terminationGracePeriodSeconds }}
securityContext:
  {{- toYaml $root.Values.podSecurityContext | nindent 2 }}
{{- with $root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if $root.Values.topologySpread }}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "rapport.selectorLabels" (list $root (index . 1)) | nindent 8 }}
  - maxSkew: 1
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "rapport.selectorLabels" (list $root (index . 1)) | nindent 8 }}
{{- end }}
{{- end -}}

{{/* Writable places on a read-only root: /tmp, the data folder, $HOME */}}
{{- define "rapport.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: data
  mountPath: /var/lib/rapport
- name: home
  mountPath: /home/rapport
- name: tenants
  mountPath: /etc/rapport
  readOnly: true
{{- end -}}

{{- define "rapport.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: 256Mi
- name: data
  emptyDir:
    sizeLimit: 256Mi
- name: home
  emptyDir:
    sizeLimit: 64Mi
- name: tenants
  configMap:
    name: {{ include "rapport.tenantsConfigMap" . }}
    items:
      - key: tenants.yml
        path: tenants.yml
{{- end -}}
