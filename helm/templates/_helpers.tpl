{{/*
Names and labels.
*/}}
{{- define "envkeeper.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "envkeeper.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "envkeeper.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "envkeeper.selectorLabels" -}}
app.kubernetes.io/name: {{ include "envkeeper.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "envkeeper.labels" -}}
helm.sh/chart: {{ include "envkeeper.chart" . }}
{{ include "envkeeper.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "envkeeper.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "envkeeper.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "envkeeper.headlessServiceName" -}}
{{- printf "%s-headless" (include "envkeeper.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "envkeeper.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
Secrets: the chart's own, or the operator's existing ones. Empty when there is none to mount.
*/}}
{{- define "envkeeper.databaseSecretName" -}}
{{- if .Values.database.existingSecret }}
{{- .Values.database.existingSecret }}
{{- else if or .Values.database.username .Values.database.password }}
{{- printf "%s-database" (include "envkeeper.fullname" .) }}
{{- end }}
{{- end }}

{{- define "envkeeper.tokensSecretName" -}}
{{- if .Values.security.existingSecret }}
{{- .Values.security.existingSecret }}
{{- else if .Values.security.tokens }}
{{- printf "%s-tokens" (include "envkeeper.fullname" .) }}
{{- end }}
{{- end }}

{{/* The key holding the tokens' YAML; mounted as tokens.yaml whatever its name (Spring needs the extension). */}}
{{- define "envkeeper.tokensKey" -}}
{{- if .Values.security.existingSecret }}{{ .Values.security.existingSecretKey }}{{ else }}tokens.yaml{{ end }}
{{- end }}

{{/*
Where the pod mounts its configuration. The ConfigMap's file is an extra Spring config location;
secrets come in through spring.config.import (files, never environment variables, so they are not
in the service's environment that workers could be handed).
*/}}
{{- define "envkeeper.configDir" -}}/etc/envkeeper/config{{- end }}
{{- define "envkeeper.databaseSecretDir" -}}/etc/envkeeper/database{{- end }}
{{- define "envkeeper.tokensSecretDir" -}}/etc/envkeeper/security{{- end }}

{{/*
Seconds: the one source of both envkeeper.shutdown.force-exit-after and the pod's
terminationGracePeriodSeconds, so the two can never drift apart.
*/}}
{{- define "envkeeper.forceExitAfter" -}}
{{- printf "%ds" (int .Values.shutdown.forceExitAfterSeconds) }}
{{- end }}

{{- define "envkeeper.terminationGracePeriodSeconds" -}}
{{- add (int .Values.shutdown.forceExitAfterSeconds) (int .Values.shutdown.graceMarginSeconds) }}
{{- end }}

{{/*
Checks the schema cannot express; rendered (to nothing) by every manifest that depends on them.
*/}}
{{- define "envkeeper.validate" -}}
{{- $_ := required "database.url is required: in Kubernetes Envkeeper uses an external PostgreSQL (it never starts an embedded one there). Set it, e.g. --set database.url=jdbc:postgresql://postgres:5432/envkeeper" .Values.database.url }}
{{- if ge (int .Values.shutdown.timeoutSeconds) (int .Values.shutdown.forceExitAfterSeconds) }}
{{- fail (printf "shutdown.timeoutSeconds (%d) must be below shutdown.forceExitAfterSeconds (%d): workers are stopped within the timeout, and the process is halted at force-exit-after" (int .Values.shutdown.timeoutSeconds) (int .Values.shutdown.forceExitAfterSeconds)) }}
{{- end }}
{{- if eq (int .Values.ports.http) (int .Values.ports.management) }}
{{- fail "ports.http and ports.management must differ: the management port keeps Actuator off the API port" }}
{{- end }}
{{- if and .Values.podDisruptionBudget.enabled (not (kindIs "invalid" .Values.podDisruptionBudget.minAvailable)) (not (kindIs "invalid" .Values.podDisruptionBudget.maxUnavailable)) }}
{{- fail "podDisruptionBudget: set minAvailable or maxUnavailable, not both" }}
{{- end }}
{{- if and .Values.database.existingSecret (or .Values.database.username .Values.database.password) }}
{{- fail "database: set existingSecret or username/password, not both" }}
{{- end }}
{{- if and .Values.security.existingSecret .Values.security.tokens }}
{{- fail "security: set existingSecret or tokens, not both" }}
{{- end }}
{{- include "envkeeper.validateExtraConfig" . }}
{{- end }}

{{/*
extraConfig may not set what the chart derives other manifests from (probes, grace period, volume
paths): those have dedicated values. Keys are compared in Spring's relaxed form (case, '-' and '_'
ignored), nested or dotted alike.
*/}}
{{- define "envkeeper.validateExtraConfig" -}}
{{- $owned := dict
      "envkeeper.shutdown." "shutdown.*"
      "envkeeper.datadir" "persistence.mountPath"
      "envkeeper.workspace.managedroot" "persistence.mountPath"
      "server.port" "ports.http"
      "management.server." "ports.management"
      "management.endpoints.web.basepath" "actuator.basePath"
      "spring.datasource.url" "database.url" }}
{{- range $key := splitList "\n" (include "envkeeper.flattenKeys" (dict "prefix" "" "node" .Values.extraConfig)) }}
{{- $relaxed := printf "%s." ($key | lower | replace "-" "" | replace "_" "") }}
{{- range $prefix, $value := $owned }}
{{- if and $key (hasPrefix (trimSuffix "." $prefix | printf "%s.") $relaxed) }}
{{- fail (printf "extraConfig must not set %s: use the chart value %s (other manifests are derived from it)" $key $value) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{- define "envkeeper.flattenKeys" -}}
{{- range $key, $value := .node }}
{{- $name := ternary $key (printf "%s.%s" $.prefix $key) (eq $.prefix "") }}
{{- if kindIs "map" $value }}
{{- include "envkeeper.flattenKeys" (dict "prefix" $name "node" $value) }}
{{- else }}
{{ $name }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The application configuration the ConfigMap holds, as a dict (rendered with toYaml, so no
hand-indented YAML). Keys follow the application's property names.
*/}}
{{- define "envkeeper.applicationConfig" -}}
{{- $v := .Values }}
{{- $mount := $v.persistence.mountPath }}
{{- $roots := $v.workspace.roots | default (list (printf "%s/shared" $mount)) }}
{{- $envkeeper := dict
      "data-dir" $mount
      "workspace" (dict "managed-root" (printf "%s/workspaces" $mount) "roots" $roots)
      "shutdown" (dict "timeout" (printf "%ds" (int $v.shutdown.timeoutSeconds)) "force-exit-after" (include "envkeeper.forceExitAfter" .))
      "reconcile" (dict "interval" $v.reconcile.interval)
      "cluster" (dict "heartbeat-interval" $v.cluster.heartbeatInterval "lease-duration" $v.cluster.leaseDuration) }}
{{- if $v.workers.profiles }}
{{- /* values use Helm's camelCase; the application's names are kebab-case */}}
{{- $names := dict "command" "command" "env" "env" "allowArgs" "allow-args" "maxPerEnvironment" "max-per-environment" "shutdownMessage" "shutdown-message" "ackLine" "ack-line" "ackTimeout" "ack-timeout" "stopGrace" "stop-grace" "killTimeout" "kill-timeout" "logMaxBytes" "log-max-bytes" }}
{{- $profiles := dict }}
{{- range $name, $profile := $v.workers.profiles }}
{{- $rendered := dict }}
{{- range $key, $value := $profile }}
{{- $_ := set $rendered (get $names $key) $value }}
{{- end }}
{{- $_ := set $profiles $name $rendered }}
{{- end }}
{{- $_ := set $envkeeper "workers" (dict "profiles" $profiles) }}
{{- end }}
{{- $imports := list }}
{{- if include "envkeeper.databaseSecretName" . }}
{{- $imports = append $imports (printf "configtree:%s/" (include "envkeeper.databaseSecretDir" .)) }}
{{- end }}
{{- if include "envkeeper.tokensSecretName" . }}
{{- $imports = append $imports (printf "file:%s/tokens.yaml" (include "envkeeper.tokensSecretDir" .)) }}
{{- end }}
{{- $spring := dict "datasource" (dict "url" $v.database.url) }}
{{- if $imports }}
{{- $_ := set $spring "config" (dict "import" $imports) }}
{{- end }}
{{- $config := dict
      "envkeeper" $envkeeper
      "spring" $spring
      "server" (dict "port" (int $v.ports.http))
      "management" (dict
          "server" (dict "port" (int $v.ports.management))
          "endpoints" (dict "web" (dict "base-path" $v.actuator.basePath))
          "endpoint" (dict "health" (dict "show-details" $v.actuator.showDetails))) }}
{{- $logging := dict }}
{{- if $v.logging.structuredFormat }}
{{- $structured := dict "format" (dict "console" $v.logging.structuredFormat) }}
{{- if eq $v.logging.structuredFormat "ecs" }}
{{- /* ECS names the emitting node: the pod name, as envkeeper.node.id (from ENVKEEPER_NODE_ID) */}}
{{- $_ := set $structured "ecs" (dict "service" (dict "node-name" "${envkeeper.node.id}")) }}
{{- end }}
{{- $_ := set $logging "structured" $structured }}
{{- end }}
{{- if $v.logging.levels }}
{{- $_ := set $logging "level" $v.logging.levels }}
{{- end }}
{{- if $logging }}
{{- $_ := set $config "logging" $logging }}
{{- end }}
{{- toYaml (mergeOverwrite $config (deepCopy $v.extraConfig)) }}
{{- end }}

{{/*
Actuator paths on the management port, from the same values the ConfigMap renders.
*/}}
{{- define "envkeeper.actuatorPath" -}}
{{- printf "%s/%s" (trimSuffix "/" .root.Values.actuator.basePath) .endpoint }}
{{- end }}
