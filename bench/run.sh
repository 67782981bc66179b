#!/usr/bin/env bash
# Envkeeper benchmark (issues 8, 13 and 15): one command, one table. Builds the jar, installs wrk and
# inotify-tools if absent, compiles the C floors, starts the real jar on a free port with its own
# data dir under a temporary directory, measures every figure beside its floor in the same run and
# prints the table. Leaves nothing running and nothing outside its temporary directory, which is
# removed at the end.
#
#   bench/run.sh [--skip-build] [--only 1,2,3,4,5,6,7,8,9,c1,c2,s1,s2,s3] [--jfr] [--trace] [--keep] [--strict]
#
#   --skip-build  use the jar already in target/
#   --only        run only these figures (the service is started once either way)
#   --jfr         record the service with JFR (settings=profile); implies --keep
#   --trace       figure 2: kernel timestamps along the reap path (a private ftrace instance under
#                 /sys/kernel/tracing/instances, removed at the end; needs root and tracefs)
#   --keep        keep the temporary directory (service log, JFR recording) and print its path
#   --strict      exit 1 when a goal is missed (otherwise only errors fail the command)
#
# Not part of ./mvnw verify. Needs Java 17, gcc, python3, and root (or wrk and inotify-tools
# already installed) for apt-get.
set -euo pipefail

cd "$(dirname "$0")/.."
skip_build=false keep=false driver_args=()
while (($#)); do
  case "$1" in
    --skip-build) skip_build=true ;;
    --keep) keep=true ;;
    --jfr) keep=true; driver_args+=(--jfr) ;;
    --strict) driver_args+=(--strict) ;;
    --trace) driver_args+=(--trace) ;;
    --only) driver_args+=(--only "$2"); shift ;;
    *) echo "unknown option: $1 (see the header of $0)" >&2; exit 2 ;;
  esac
  shift
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/envkeeper-bench.XXXXXX")
driver=

# Kills exactly the processes this run started (recorded by the driver as "pid starttime"), and
# only while the pid still names the same process, then removes the temporary directory.
cleanup() {
  local status=$? pid ticks now
  if [[ -n $driver ]] && kill -0 "$driver" 2>/dev/null; then
    # The driver stops the service itself on SIGTERM (its shutdown is bounded); give it the time.
    kill -TERM "$driver" 2>/dev/null || true
    for _ in $(seq 60); do kill -0 "$driver" 2>/dev/null || break; sleep 1; done
  fi
  if [[ -f $tmp/pids ]]; then
    local signalled=false
    for signal in TERM KILL; do
      while read -r pid ticks; do
        # start time (field 22) of a live, non-zombie process; empty when gone or a zombie
        now=$(awk '{ sub(/.*\) /, ""); if ($1 != "Z") print $20 }' "/proc/$pid/stat" 2>/dev/null || true)
        if [[ -n $now && $now == "$ticks" ]]; then
          echo "bench: SIG$signal to leftover pid $pid" >&2
          kill "-$signal" "$pid" 2>/dev/null || true
          signalled=true
        fi
      done < "$tmp/pids"
      if [[ $signal == TERM ]] && $signalled; then
        sleep 2
      fi
    done
  fi
  remove_worker_cgroups
  if $keep; then
    echo "bench: kept $tmp" >&2
  else
    rm -rf "$tmp"
  fi
  exit "$status"
}
# The services' parents of worker cgroups (envkeeper.bench-<driver pid>-<port>, below this script's
# own cgroup on the cgroup2 mount): a service stopped cleanly removed its own; one cut short did not.
remove_worker_cgroups() {
  [[ -n $driver ]] || return 0
  local mount own cgroup
  mount=$(awk '/ - cgroup2 / && $4 == "/" { print $5; exit }' /proc/self/mountinfo)
  own=$(sed -n 's/^0:://p' /proc/self/cgroup)
  [[ -n $mount && -n $own ]] || return 0
  for parent in "$mount${own%/}"/envkeeper.bench-"$driver"-*; do
    [[ -d $parent ]] || continue
    for cgroup in "$parent"/*/; do
      [[ -d $cgroup ]] || continue
      echo 1 > "$cgroup/cgroup.kill" 2>/dev/null || true
      for _ in $(seq 50); do rmdir "$cgroup" 2>/dev/null && break; sleep 0.1; done
    done
    rmdir "$parent" 2>/dev/null || echo "bench: could not remove cgroup $parent" >&2
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

need() {
  local missing=()
  for tool in "$@"; do command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}"); done
  ((${#missing[@]})) || return 0
  echo "bench: installing ${missing[*]} with apt-get" >&2
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >"$tmp/apt.log" 2>&1; then
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
    echo "bench: CANNOT INSTALL ${missing[*]} (apt-get failed; see below). Install them and rerun." >&2
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
    tail -20 "$tmp/apt.log" >&2
    exit 1
  fi
}
need wrk:wrk inotifywait:inotify-tools
# Figure 8's peer: measured beside the service when present; the figure says so when it is not.
if ! command -v watchman >/dev/null; then
  echo "bench: installing watchman with apt-get (figure 8 runs without it if that fails)" >&2
  { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq watchman \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq watchman; }; } >>"$tmp/apt.log" 2>&1 \
    || echo "bench: watchman could not be installed; figure 8 is measured without it" >&2
fi
for tool in java gcc python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is required" >&2; exit 1; }
done

if ! $skip_build; then
  echo "bench: building the jar (./mvnw -B -q -DskipTests package)" >&2
  ./mvnw -B -q -DskipTests package
fi
jar=$(ls target/envkeeper-*.jar 2>/dev/null | grep -v -e '-sources' -e '-javadoc' | head -1)
[[ -n $jar ]] || { echo "bench: no target/envkeeper-*.jar (run without --skip-build)" >&2; exit 1; }

mkdir "$tmp/floors"
for source in bench/floors/*.c; do
  gcc -O2 -Wall -Wextra -Werror -o "$tmp/floors/$(basename "$source" .c)" "$source"
done

# In the background and waited for, so that a signal to this script runs the trap at once.
python3 bench/driver.py --jar "$PWD/$jar" --tmp "$tmp" --floors "$tmp/floors" "${driver_args[@]}" &
driver=$!
wait "$driver"
