#!/usr/bin/env python3
"""Envkeeper benchmark driver (issue 8): starts the real jar, measures each figure beside its floor
in the same run, and prints one table. Started by bench/run.sh, which builds the jar and the C floors
and owns the temporary directory; everything this driver creates lives under --tmp.

Standard library only. Every wait has a deadline; every process started here is recorded in
<tmp>/pids ("pid starttime" lines) so that run.sh's EXIT trap can kill exactly those if this driver
dies.
"""

import argparse
import collections
import hashlib
import http.client
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

API = "/api/v1/environments"
# The cooperative worker of issue 8: says it is up, answers the shutdown message with the ack line
# and exits 0 (and exits at EOF on stdin, as the worker contract asks).
COOP_SCRIPT = 'echo ready; while read line; do if [ "$line" = shutdown ]; then echo done; exit 0; fi; done'
SHUTDOWN_MESSAGE, ACK_LINE = "shutdown", "done"
# A quick worker whose exit the observer triggers: it exits 0 as soon as a line reaches go.fifo.
QUICK_SCRIPT = "read x < go.fifo"
# Ignores SIGTERM (the ignored disposition survives exec): only SIGKILL after stop-grace ends it.
STUBBORN_SCRIPT = "trap '' TERM; exec sleep 3600"
STOP_GRACE_S = 3


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- statistics -------------------------------------------------------------------------------

def p99(values):
    """Nearest-rank 99th percentile (with fewer than 100 samples it is the maximum)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]


def summary(values):
    return statistics.median(values), p99(values)


def ms(ns):
    return ns / 1e6


# --- process bookkeeping ------------------------------------------------------------------------

def start_ticks(pid):
    """Field 22 of /proc/<pid>/stat (start time in clock ticks), or None if the pid is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return None
    return int(stat[stat.rindex(")") + 2:].split()[19])


def proc_state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2]


class Pids:
    """Every process this run started (directly or through the service), for the EXIT trap."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()

    def add(self, pid):
        ticks = start_ticks(pid)
        if ticks is not None:
            with self.lock, open(self.path, "a") as f:
                f.write(f"{pid} {ticks}\n")
        return ticks


def alive_as(pid, ticks):
    """The pid still names the process that started at `ticks` and it is not a zombie."""
    return ticks is not None and start_ticks(pid) == ticks and proc_state(pid) not in (None, "Z", "X")


def await_until(condition, timeout, interval=0.02, what="condition"):
    """Awaitility-style: polls until condition() is truthy; raises after the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not reached within {timeout} s")
        time.sleep(interval)


# --- the service --------------------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Service:
    """The real jar with its own data dir, a bearer token and the benchmark's worker profiles."""

    def __init__(self, jar, tmp, pids, jfr):
        self.tmp, self.pids = tmp, pids
        self.port = free_port()
        self.token = secrets.token_hex(32)
        self.data_dir = os.path.join(tmp, "data")
        self.log_path = os.path.join(tmp, "service.log")
        token_hash = hashlib.sha256(self.token.encode()).hexdigest()
        java_tmp = os.path.join(tmp, "java-tmp")  # zonky's PostgreSQL binaries, Tomcat's work dir
        os.makedirs(java_tmp, exist_ok=True)
        jvm = [f"-Djava.io.tmpdir={java_tmp}"]
        if jfr:  # profiling run: JFR recording and native memory tracking (slightly more memory)
            jvm.append(f"-XX:StartFlightRecording=filename={os.path.join(tmp, 'service.jfr')},settings=profile,dumponexit=true")
            jvm.append("-XX:NativeMemoryTracking=summary")
        props = {
            "server.port": self.port,
            "management.server.port": self.port,  # actuator on the API port, whatever the default becomes
            "envkeeper.data-dir": self.data_dir,
            "envkeeper.workspace.roots[0]": tmp,
            "envkeeper.watch.coalesce-window": "0",
            "envkeeper.security.tokens[0].hash": f"sha256:{token_hash}",
            "envkeeper.security.tokens[0].tenant": "bench",
            "envkeeper.security.tokens[0].role": "admin",
            "envkeeper.limits.requests-per-second": 1000000,
            "envkeeper.limits.max-environments-per-tenant": 100000,
            "envkeeper.limits.max-workers-per-tenant": 100000,
        }
        profiles = {
            "coop": (["sh", "-c", COOP_SCRIPT], {"shutdown-message": SHUTDOWN_MESSAGE, "ack-line": ACK_LINE}),
            "quick": (["sh", "-c", QUICK_SCRIPT], {"max-per-environment": 100000}),
            "sleeper": (["sleep", "3600"], {}),
            "stubborn": (["sh", "-c", STUBBORN_SCRIPT], {}),
        }
        for name, (command, extra) in profiles.items():
            for i, arg in enumerate(command):
                props[f"envkeeper.workers.profiles.{name}.command[{i}]"] = arg
            props.setdefault(f"envkeeper.workers.profiles.{name}.max-per-environment", 8)
            props[f"envkeeper.workers.profiles.{name}.stop-grace"] = f"{STOP_GRACE_S}s"
            for key, value in extra.items():
                props[f"envkeeper.workers.profiles.{name}.{key}"] = value
        self.argv = ["java", *jvm, "-jar", jar, *[f"--{k}={v}" for k, v in props.items()]]
        self.process = None

    def start(self, timeout=240):
        log(f"starting the service on port {self.port} (data dir {self.data_dir})")
        with open(self.log_path, "ab") as out:
            self.process = subprocess.Popen(self.argv, cwd=self.tmp, stdout=out, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL)
        self.pids.add(self.process.pid)
        started = time.monotonic()

        def ready():
            if self.process.poll() is not None:
                raise RuntimeError(f"the service exited with {self.process.returncode}; see {self.log_path}")
            try:
                return self.request("GET", "/actuator/health/readiness", auth=False)[0] == 200
            except OSError:
                return False

        await_until(ready, timeout, 0.25, "service readiness")
        log(f"service ready after {time.monotonic() - started:.1f} s (pid {self.process.pid})")
        self.record_postmaster()

    def record_postmaster(self):
        try:
            with open(os.path.join(self.data_dir, "postgres", "postmaster.pid")) as f:
                self.postmaster = int(f.readline())
            self.pids.add(self.postmaster)
        except (OSError, ValueError):
            self.postmaster = None

    @property
    def pid(self):
        return self.process.pid

    # One keep-alive connection per thread.
    _local = threading.local()

    def connection(self):
        conn = getattr(self._local, "conn", None)
        if conn is None or getattr(self._local, "port", None) != self.port:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=90)
            self._local.conn, self._local.port = conn, self.port
        return conn

    def headers(self, auth=True, body=False):
        headers = {}
        if auth:
            headers["Authorization"] = f"Bearer {self.token}"
        if body:
            headers["Content-Type"] = "application/json"
        return headers

    def request(self, method, path, body=None, auth=True):
        data = json.dumps(body) if body is not None else None
        for attempt in (1, 2):
            conn = self.connection()
            try:
                conn.request(method, path, body=data, headers=self.headers(auth, data is not None))
                response = conn.getresponse()
                raw = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                conn.close()
                self._local.conn = None
                if attempt == 2:
                    raise
        content_type = response.getheader("Content-Type", "")
        payload = json.loads(raw) if "json" in content_type and raw else raw.decode(errors="replace")
        return response.status, payload

    def ok(self, method, path, body=None, expect=(200, 201)):
        status, payload = self.request(method, path, body)
        if status not in expect:
            raise RuntimeError(f"{method} {path} answered {status}: {payload}")
        return payload

    def create_environment(self, name):
        return self.ok("POST", API, {"name": name}, expect=(201,))

    def start_worker(self, env_id, profile):
        worker = self.ok("POST", f"{API}/{env_id}/workers", {"profile": profile}, expect=(201,))
        self.pids.add(worker["pid"])
        return worker

    def log_lines(self):
        with open(self.log_path, errors="replace") as f:
            return f.readlines()


# --- counting where the time goes ---------------------------------------------------------------

CLK_TCK = os.sysconf("SC_CLK_TCK")


class Probe:
    """Counters read beside the figures: CPU time of the JVM and of PostgreSQL, run-queue waits
    (schedstat), write transactions (PostgreSQL's transaction id, through psql when present),
    connection-pool use (the service's own Hikari metrics) and the disk's fdatasync latency."""

    def __init__(self, service):
        self.service = service
        self.psql = shutil.which("psql")
        try:
            with open(os.path.join(service.data_dir, "postgres", "postmaster.pid")) as f:
                self.pg_port = int(f.read().splitlines()[3])
        except (OSError, ValueError, IndexError):
            self.pg_port = None

    def postgres_pids(self):
        postmaster = self.service.postmaster
        pids = [postmaster] if postmaster else []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        stat = f.read()
                except OSError:
                    continue
                if int(stat[stat.rindex(")") + 2:].split()[1]) == postmaster:
                    pids.append(int(entry))
        return pids

    @staticmethod
    def cpu_seconds(pid):
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            return 0.0
        fields = stat[stat.rindex(")") + 2:].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    @staticmethod
    def schedstat(pid, thread=None):
        """(on-CPU ns, run-queue wait ns, timeslices) summed over the live threads named `thread`
        (all when None)."""
        total = [0, 0, 0]
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            return tuple(total)
        for tid in tasks:
            try:
                if thread is not None:
                    with open(f"/proc/{pid}/task/{tid}/comm") as f:
                        if f.read().strip() != thread:
                            continue
                with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                    for i, value in enumerate(f.read().split()[:3]):
                        total[i] += int(value)
            except OSError:
                continue
        return tuple(total)

    @staticmethod
    def thread_cpu(pid):
        """CPU seconds of the live threads of `pid`, by thread name with numbers folded
        ("teardown-3" -> "teardown-#"; Linux keeps 15 characters of a name)."""
        groups = collections.Counter()
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            return groups
        for tid in tasks:
            try:
                with open(f"/proc/{pid}/task/{tid}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            name = re.sub(r"\d+", "#", stat[stat.index("(") + 1:stat.rindex(")")])
            fields = stat[stat.rindex(")") + 2:].split()
            groups[name] += (int(fields[11]) + int(fields[12])) / CLK_TCK
        return groups

    def snapshot(self):
        pg = self.postgres_pids()
        sched_jvm = self.schedstat(self.service.pid)
        sched_pg = [sum(x) for x in zip(*[self.schedstat(p) for p in pg])] or [0, 0, 0]
        return {
            "time": time.perf_counter(),
            "jvm cpu": self.cpu_seconds(self.service.pid),
            "pg cpu": sum(self.cpu_seconds(p) for p in pg),
            "jvm runq": sched_jvm[1] / 1e9,
            "pg runq": sched_pg[1] / 1e9,
            "xact": self.xact_id(),
            "threads": self.thread_cpu(self.service.pid),
            **self.pool(),
        }

    def xact_id(self):
        if not (self.psql and self.pg_port):
            return None
        out = subprocess.run([self.psql, "-h", "localhost", "-p", str(self.pg_port), "-U", "postgres", "-d", "postgres",
                              "-Atc", "select pg_current_xact_id()"], capture_output=True, text=True, timeout=30)
        return int(out.stdout) if out.returncode == 0 else None

    def pool(self):
        status, text = self.service.request("GET", "/actuator/prometheus")
        values = {}
        if status == 200:
            for name in ("hikaricp_connections_usage_seconds_count", "hikaricp_connections_usage_seconds_sum",
                         "hikaricp_connections_acquire_seconds_sum", "envkeeper_reaper_sweeps_total"):
                m = re.search(rf"^{name}(?:{{[^}}]*}})? ([\d.eE+-]+)$", text, re.M)
                if m:
                    values[name] = float(m.group(1))
        return values

    @staticmethod
    def delta(before, after, per=1, unit="ms"):
        """Per-operation differences of two snapshots (times in `unit`: ms or us), as readable text."""
        scale = {"ms": 1e3, "us": 1e6}[unit]

        def d(key):
            return (after.get(key) or 0) - (before.get(key) or 0)

        def t(key):
            return f"{d(key) * scale / per:.{2 if unit == 'ms' else 0}f} {unit}"

        parts = {
            "JVM CPU": t("jvm cpu"),
            "PostgreSQL CPU": t("pg cpu"),
            "JVM threads waiting for a CPU": t("jvm runq"),
            "PostgreSQL waiting for a CPU": t("pg runq"),
        }
        if before.get("xact") is not None and after.get("xact") is not None:
            parts["write transactions (each waits for a WAL fdatasync)"] = f"{(d('xact') - 1) / per:.2f}"
        if "hikaricp_connections_usage_seconds_count" in after:
            parts["connection borrows"] = f"{d('hikaricp_connections_usage_seconds_count') / per:.2f}"
            parts["connection held"] = t("hikaricp_connections_usage_seconds_sum")
            parts["waiting for a pooled connection"] = t("hikaricp_connections_acquire_seconds_sum")
        text = ", ".join(f"{k} {v}" for k, v in parts.items())
        if "threads" in after:
            threads = collections.Counter(after["threads"])
            threads.subtract(before["threads"])
            threads["(threads that ended meanwhile)"] = d("jvm cpu") - sum(threads.values())
            top = [(name, cpu) for name, cpu in threads.most_common(8) if cpu * scale / per >= 0.005 * scale / 1e3]
            text += "; JVM CPU by thread: " + ", ".join(f"{name} {cpu * scale / per:.{2 if unit == 'ms' else 0}f}"
                                                        for name, cpu in top)
        return text


def fsync_latency(directory, rounds=50):
    """fdatasync of an 8 KiB write on the data dir's filesystem (what every commit waits for)."""
    path = os.path.join(directory, "fsync-probe")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    samples = []
    try:
        for i in range(rounds):
            os.pwrite(fd, b"x" * 8192, (i % 16) * 8192)
            t0 = time.perf_counter_ns()
            os.fdatasync(fd)
            samples.append(time.perf_counter_ns() - t0)
    finally:
        os.close(fd)
        os.unlink(path)
    m50, m99 = summary(samples)
    return f"{ms(m50):.2f} / {ms(m99):.2f} ms"


# --- the service's own log: timestamps along the path -----------------------------------------------

LOG_LINE = re.compile(r"^(\S+Z)\s+\w+\s+\d+ --- \[[^]]*\] \[\s*([^]]+)\] \S+\s*: (.*)$")


def service_log(service, since=0.0):
    """(wall-clock seconds, thread, message) of each log line at or after `since` (ms resolution)."""
    entries = []
    for line in service.log_lines():
        match = LOG_LINE.match(line)
        if match:
            stamp = datetime.fromisoformat(match.group(1).replace("Z", "+00:00")).timestamp()
            if stamp >= since - 0.001:
                entries.append((stamp, match.group(2), match.group(3)))
    return entries


def first_marks(entries, marks):
    """{(environment id, mark): first timestamp} for messages 'environment <id>: ...' matching marks."""
    seen = {}
    for stamp, _, message in entries:
        for name, pattern in marks.items():
            m = pattern.search(message)
            if m:
                seen.setdefault((m.group(1), name), stamp)
    return seen


DESTROY_MARKS = {
    "DESTROYING committed": re.compile(r"environment (\S+): READY -> DESTROYING"),
    "watcher closed": re.compile(r"environment (\S+): watcher closed"),
    "worker STOPPING committed": re.compile(r"environment (\S+): worker \S+: RUNNING -> STOPPING"),
    "worker EXITED committed": re.compile(r"environment (\S+): worker \S+: STOPPING -> EXITED"),
    "runtime torn down": re.compile(r"environment (\S+): runtime torn down"),
    "DESTROYED committed": re.compile(r"environment (\S+): DESTROYING -> DESTROYED"),
}


def destroy_phases(service, envs, since):
    """Median / p99 of each step of a destroy, from the service's own INFO lines."""
    seen = first_marks(service_log(service, since), DESTROY_MARKS)
    names = ["request sent", *DESTROY_MARKS, "response received"]
    deltas = {f"{a} -> {b}": [] for a, b in zip(names, names[1:])}
    for env in envs:
        times = [env["sent"], *[seen.get((env["id"], name)) for name in DESTROY_MARKS], env["received"]]
        if None not in times:
            for a, b, t_a, t_b in zip(names, names[1:], times, times[1:]):
                deltas[f"{a} -> {b}"].append((t_b - t_a) * 1000)
    return [f"{k}: {statistics.median(v):.1f} / {p99(v):.1f} ms" for k, v in deltas.items() if v]


# --- figure 1: destroy latency with one cooperative worker ------------------------------------

def figure_destroy(service, probe, floors, tmp, notes, rounds=30, warmup=10):
    log(f"figure 1: destroy latency, {rounds} environments with one cooperative worker each "
        f"(after {warmup} not measured)")
    envs = []
    for i in range(warmup + rounds):
        env = service.create_environment(f"destroy-{i}")
        worker = service.start_worker(env["id"], "coop")
        envs.append({"id": env["id"], "worker": worker["id"]})
    for env in envs:
        await_until(lambda: "ready" in str(service.request("GET", f"{API}/{env['id']}/workers/{env['worker']}/log?tail=5")[1]),
                    10, what="cooperative worker up")
    for env in envs[:warmup]:  # the JIT compiles the destroy path here, not in the measured rounds
        service.ok("DELETE", f"{API}/{env['id']}?wait=PT10S")
    envs = envs[warmup:]
    floor_dir = os.path.join(tmp, "floor-destroy")
    os.makedirs(floor_dir)
    floor = subprocess.Popen([floors["destroy_floor"], floor_dir, SHUTDOWN_MESSAGE, ACK_LINE, "sh", "-c", COOP_SCRIPT],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    service.pids.add(floor.pid)
    for _ in range(3):  # the floor's warm-up (page cache, the shell binary), not measured
        floor.stdin.write("go\n")
        floor.stdin.flush()
        floor.stdout.readline()
    measured, floor_ns = [], []
    since = time.time()
    before = probe.snapshot()
    try:
        for env in envs:  # interleaved with the floor, so both see the same machine
            env["sent"] = time.time()
            t0 = time.perf_counter_ns()
            status, body = service.request("DELETE", f"{API}/{env['id']}?wait=PT10S")
            measured.append(time.perf_counter_ns() - t0)
            env["received"] = time.time()
            if status != 200 or body.get("status") != "DESTROYED":
                raise RuntimeError(f"destroy of {env['id']} answered {status} {body}")
            floor.stdin.write("go\n")
            floor.stdin.flush()
            floor_ns.append(int(floor.stdout.readline()))
    finally:
        floor.stdin.close()
        floor.wait(10)
    after = probe.snapshot()
    if any(os.path.exists(os.path.join(service.data_dir, "workspaces", e["id"])) for e in envs):
        raise RuntimeError("a destroyed workspace is still on disk")
    (m50, m99), (f50, f99) = summary(measured), summary(floor_ns)
    notes["1 destroy: steps (median / p99, from the service's log, ms resolution)"] = destroy_phases(service, envs, since)
    notes[f"1 destroy: per destroy (counters over the {rounds}; the floor's C rounds run in between)"] = [
        Probe.delta(before, after, rounds),
        f"runtime closed twice (a reconcile pass, which every accepted destroy requests, closing it beside "
        f"the destroy): {double_runtime_teardowns(service, envs, since)} of {rounds} environments"]
    ratio = m50 / f50
    verdict = ratio <= 2 and ms(m99) <= 50
    misses = ([f"p50 {ratio:.1f}x the floor > 2x"] if ratio > 2 else []) + \
             ([f"p99 {ms(m99):.1f} ms > 50 ms"] if ms(m99) > 50 else [])
    return Row("1", f"destroy latency, 1 coop worker (n={rounds})", f"{ms(m50):.1f} / {ms(m99):.1f} ms",
               f"{ms(f50):.2f} / {ms(f99):.2f} ms", f"p50 {ratio:.1f}x", "p50 <= 2x floor; p99 <= 50 ms",
               verdict, "; ".join(misses))


# --- kernel timestamps along the reap path (optional: --trace, needs tracefs and root) -------------

class ReapTrace:
    """A private ftrace instance recording, for each traced child, its exit, the wake-ups and
    switches of the threads on the way to its reap, and the wait4 that reaped it. Removed again at
    the end; the global tracing state is not touched."""

    ROOT = "/sys/kernel/tracing"
    LINE = re.compile(r"^\s*(.+?)-(\d+)\s+\[\d+\]\s+\S+\s+([\d.]+): (\w+):? (.*)$")
    EVENTS = {
        "sched/sched_process_exit": None,
        "signal/signal_generate": "sig == 17",
        "sched/sched_wakeup": 'comm ~ "Signal*" || comm ~ "SIGCHLD*" || comm == "reaper" || comm == "waitpid_floor"',
        "sched/sched_wakeup_new": 'comm ~ "Signal*" || comm ~ "SIGCHLD*"',
        "sched/sched_switch": 'next_comm ~ "Signal*" || next_comm ~ "SIGCHLD*" || next_comm == "reaper" '
                              '|| next_comm == "waitpid_floor"',
        "sched/sched_process_fork": 'parent_comm ~ "Signal*"',
        "syscalls/sys_exit_wait4": "ret > 0",
    }

    def __init__(self):
        self.path = os.path.join(self.ROOT, "instances", f"envkeeper-bench-{os.getpid()}")

    def write(self, relative, value):
        with open(os.path.join(self.path, relative), "w") as f:
            f.write(value)

    def start(self):
        os.mkdir(self.path)
        self.write("buffer_size_kb", "16384")
        for event, condition in self.EVENTS.items():
            if condition:
                self.write(f"events/{event}/filter", condition)
            self.write(f"events/{event}/enable", "1")
        self.write("tracing_on", "1")

    def stop(self, keep_as):
        """Stops tracing, returns the parsed events (the raw text goes to `keep_as`) and removes
        the instance."""
        try:
            self.write("tracing_on", "0")
            with open(os.path.join(self.path, "trace")) as f:
                lines = f.readlines()
            with open(keep_as, "w") as f:
                f.writelines(lines)
            for event in self.EVENTS:
                self.write(f"events/{event}/enable", "0")
        finally:
            os.rmdir(self.path)
        events = []
        for line in lines:
            m = self.LINE.match(line)
            if m:
                comm, tid, stamp, name, fields = m.groups()
                events.append((float(stamp), name, int(tid), comm, fields))
        return sorted(events, key=lambda e: e[0])

    @staticmethod
    def field(fields, key):
        m = re.search(rf"(?:^|\s){key}=(.+?)(?=\s\w+=|$)", fields)
        return m.group(1) if m else None

    def steps(self, events, children, path):
        """Median / p99 of each step of `path` ((name, predicate(event, child, state)) pairs, the
        last one being the reap), over the children whose every step lies between their exit and
        their reap; the others took another path (say, a sweep woken for another reason)."""
        deltas = {name: [] for name, _ in path}
        total, other = [], 0
        exits = {}
        for t, n, _, _, f in events:
            if n == "sched_process_exit":
                exits.setdefault(int(self.field(f, "pid")), t)
        for child in children:
            if child not in exits:
                continue
            window = [e for e in events if e[0] >= exits[child]]
            reaped = next((e[0] for e in window if path[-1][1](e, child, {})), None)
            if reaped is None:
                continue
            state, last, stamps = {}, exits[child], []
            for name, predicate in path:
                hit = next((e for e in window if last <= e[0] <= reaped and predicate(e, child, state)), None)
                if hit is None:
                    break
                stamps.append((name, hit[0] - last))
                last = hit[0]
            if len(stamps) < len(path):
                other += 1
                continue
            for name, delta in stamps:
                deltas[name].append(delta * 1000)
            total.append(sum(delta for _, delta in stamps[1:]))
        lines = [f"{name}: {statistics.median(v):.3f} / {p99(v):.3f} ms" for name, v in deltas.items() if v]
        if total:
            lines.append(f"SIGCHLD -> reaped (what the observer measures), kernel clock: "
                         f"{statistics.median(total) * 1000:.3f} / {p99(total) * 1000:.3f} ms over {len(total)} "
                         f"rounds; {other} rounds reaped along another path")
        return lines

    def service_path(self, dispatcher_tid):
        def reaped(e, child, state):
            return e[1] == "sys_wait4" and re.search(r"->\s*0x([0-9a-f]+)", e[4]) \
                and int(re.search(r"->\s*0x([0-9a-f]+)", e[4]).group(1), 16) == child

        def forked(e, child, state):
            if e[1] == "sched_process_fork" and e[2] == dispatcher_tid:
                state["handler"] = int(self.field(e[4], "child_pid"))
                return True
            return False

        return [
            ("exit -> SIGCHLD sent (exit_notify: the parent and pidfds learn of the exit)",
             lambda e, c, s: e[1] == "signal_generate" and e[2] == c),
            ("-> the JVM's signal handler ran on some thread: Signal Dispatcher woken",
             lambda e, c, s: e[1] == "sched_wakeup" and int(self.field(e[4], "pid")) == dispatcher_tid),
            ("-> Signal Dispatcher on a CPU", lambda e, c, s: e[1] == "sched_switch" and f"next_pid={dispatcher_tid} " in e[4] + " "),
            ("-> 'SIGCHLD handler' thread created", forked),
            ("-> handler thread on a CPU", lambda e, c, s: e[1] == "sched_switch" and f"next_pid={s['handler']} " in e[4] + " "),
            ("-> reaper thread woken", lambda e, c, s: e[1] == "sched_wakeup" and self.field(e[4], "comm") == "reaper"),
            ("-> reaper thread on a CPU", lambda e, c, s: e[1] == "sched_switch" and "next_comm=reaper " in e[4] + " "),
            ("-> wait4 returned the pid (reaped)", reaped),
        ]

    def floor_path(self):
        return [
            ("exit -> SIGCHLD sent (exit_notify: the parent and pidfds learn of the exit)",
             lambda e, c, s: e[1] == "signal_generate" and e[2] == c),
            ("-> parent woken", lambda e, c, s: e[1] == "sched_wakeup" and self.field(e[4], "comm") == "waitpid_floor"),
            ("-> parent on a CPU", lambda e, c, s: e[1] == "sched_switch" and "next_comm=waitpid_floor " in e[4] + " "),
            ("-> wait4 returned the pid (reaped)", lambda e, c, s: e[1] == "sys_wait4"
                and int(re.search(r"->\s*0x([0-9a-f]+)", e[4]).group(1), 16) == c),
        ]


def thread_id(pid, name):
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                if f.read().strip() == name:
                    return int(tid)
        except OSError:
            pass
    return None


# --- figure 2: zombie lifetime --------------------------------------------------------------------

def figure_zombies(service, probe, floors, tmp, notes, rounds=100, trace=False):
    log(f"figure 2: zombie lifetime, {rounds} quick workers and {rounds} floor children")
    env = service.create_environment("zombies")
    os.mkfifo(os.path.join(env["path"], "go.fifo"))
    floor_dir = os.path.join(tmp, "floor-zombies")
    os.makedirs(floor_dir)
    os.mkfifo(os.path.join(floor_dir, "go.fifo"))
    observer = floors["zombie_observer"]
    measured, floor_ns, workers, floor_children = [], [], [], []
    floor_sched = [0, 0, 0]
    for _ in range(10):  # warm-up, not measured
        worker = service.start_worker(env["id"], "quick")
        subprocess.run([observer, str(worker["pid"]), os.path.join(env["path"], "go.fifo")],
                       capture_output=True, timeout=30, check=True)
    reaper_before = probe.schedstat(service.pid, "reaper")
    dispatcher_before = probe.schedstat(service.pid, "Signal Dispatch")
    sweeps_before = probe.pool().get("envkeeper_reaper_sweeps_total", 0)
    tracer = ReapTrace() if trace else None
    if tracer:
        tracer.start()
    worker_pids = []
    for _ in range(rounds):
        worker = service.start_worker(env["id"], "quick")
        workers.append(worker["id"])
        worker_pids.append(worker["pid"])
        out = subprocess.run([observer, str(worker["pid"]), os.path.join(env["path"], "go.fifo")],
                             capture_output=True, text=True, timeout=30, check=True)
        measured.append(int(out.stdout))

        parent = subprocess.Popen([floors["waitpid_floor"], floor_dir, "sh", "-c", QUICK_SCRIPT],
                                  stdout=subprocess.PIPE, text=True)
        service.pids.add(parent.pid)
        child = int(parent.stdout.readline())
        service.pids.add(child)
        floor_children.append(child)
        out = subprocess.run([observer, str(child), os.path.join(floor_dir, "go.fifo")],
                             capture_output=True, text=True, timeout=30, check=True)
        floor_ns.append(int(out.stdout))
        await_until(lambda: proc_state(parent.pid) == "Z", 10, 0.001, "floor parent done")
        floor_sched = [a + b for a, b in zip(floor_sched, probe.schedstat(parent.pid))]
        parent.wait(10)
    if tracer:
        events = tracer.stop(os.path.join(tmp, "reap-trace.txt"))
        dispatcher = thread_id(service.pid, "Signal Dispatch")
        notes["2 zombies: kernel timestamps along the reap path (ftrace; median / p99 of each step)"] = [
            "service:", *tracer.steps(events, worker_pids, tracer.service_path(dispatcher)),
            "floor:", *tracer.steps(events, floor_children, tracer.floor_path())]
    reaper = [a - b for a, b in zip(probe.schedstat(service.pid, "reaper"), reaper_before)]
    dispatcher = [a - b for a, b in zip(probe.schedstat(service.pid, "Signal Dispatch"), dispatcher_before)]
    sweeps = probe.pool().get("envkeeper_reaper_sweeps_total", 0) - sweeps_before
    for wid in workers:  # every quick worker was recorded as having exited
        await_until(lambda: service.ok("GET", f"{API}/{env['id']}/workers/{wid}").get("status") == "EXITED",
                    10, what=f"worker {wid} EXITED")
    per_wake = lambda s: f"{s[1] / max(s[2], 1) / 1e6:.2f} ms waiting for a CPU per run ({s[2] / rounds:.1f} runs per round)"
    notes["2 zombies: run-queue waits (schedstat) over the rounds"] = [
        f"service's 'reaper' thread: {per_wake(reaper)}; {sweeps / rounds:.1f} sweeps per round",
        f"service's 'Signal Dispatcher' thread: {per_wake(dispatcher)}",
        "(between them, each SIGCHLD starts a new short-lived 'SIGCHLD handler' thread: sun.misc.Signal dispatch)",
        f"floor parent (blocked in waitpid): {per_wake(floor_sched)}",
    ]
    (m50, m99), (f50, f99) = summary(measured), summary(floor_ns)
    verdict = ms(m99) <= 10
    return Row("2", f"zombie lifetime, exit -> /proc gone (n={rounds})", f"{ms(m50):.2f} / {ms(m99):.2f} ms",
               f"{ms(f50):.3f} / {ms(f99):.3f} ms", f"p99 {m99 / max(f99, 1):.0f}x",
               "p99 <= 10 ms", verdict, "" if verdict else f"p99 {ms(m99):.2f} ms > 10 ms")


# --- figure 3: status polls per second -------------------------------------------------------------

WRK_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def wrk(service, probe, path, seconds, auth=True):
    argv = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if auth:
        argv += ["-H", f"Authorization: Bearer {service.token}"]
    argv.append(f"http://127.0.0.1:{service.port}{path}")
    before = probe.snapshot()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    service.pids.add(process.pid)
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)  # wrk's own CPU time, too
    process.returncode = os.waitstatus_to_exitcode(status)
    after = probe.snapshot()
    scale = {"us": 1e-3, "ms": 1.0, "s": 1e3}
    latency = {pct: float(v) * scale[unit] for pct, v, unit in WRK_LATENCY.findall(out)}
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rate": rate, "p50": latency["50"], "p99": latency["99"], "total": total,
            "non2xx": int(non2xx.group(1)) if non2xx else 0, "errors": errors.group(1) if errors else None,
            "per request": f"wrk CPU {(usage.ru_utime + usage.ru_stime) * 1e6 / max(total, 1):.0f} us, "
                           + Probe.delta(before, after, total, "us")}


def figure_polls(service, probe, notes, seconds=10):
    log(f"figure 3: status polls, wrk 8 connections x {seconds} s per target, each between two liveness runs")
    ready = service.create_environment("polled")["id"]
    gone = service.create_environment("polled-destroyed")["id"]
    service.ok("DELETE", f"{API}/{gone}?wait=PT10S")
    if service.request("GET", f"{API}/{gone}/workspace")[0] != 410:
        raise RuntimeError("a destroyed environment's /workspace does not answer 410")
    liveness = ("/actuator/health/liveness", False)
    targets = {
        "ready": (f"{API}/{ready}", True, "GET /environments/{id}, READY (200)", 0.5, False),
        "destroyed": (f"{API}/{gone}", True, "GET /environments/{id}, DESTROYED (200)", 0.8, False),
        "destroyed-410": (f"{API}/{gone}/workspace", True, "GET /{id}/workspace, DESTROYED (410)", 0.8, True),
    }
    for _ in range(2):  # JIT warm-up, not measured (the JIT converges slowly on a busy machine)
        for path, auth, *_ in [liveness, *targets.values()]:
            wrk(service, probe, path, 5, auth)
    runs = [wrk(service, probe, *liveness[:1], seconds, False)]
    fmt = lambda r: (f"{r['rate']:,.0f}/s, latency {r['p50']:.2f} / {r['p99']:.2f} ms, {r['total']} requests "
                     f"({r['non2xx']} non-2xx); per request: {r['per request']}")
    rows, lines = [], [f"liveness: {fmt(runs[0])}"]
    for name, (path, auth, label, goal, all_non2xx) in targets.items():
        r = wrk(service, probe, path, seconds, auth)
        runs.append(wrk(service, probe, liveness[0], seconds, False))
        floor = {k: (runs[-2][k] + runs[-1][k]) / 2 for k in ("rate", "p50", "p99")}
        lines += [f"{name}: {fmt(r)}", f"liveness: {fmt(runs[-1])}"]
        ratio = r["rate"] / floor["rate"]
        wrong = r["non2xx"] != r["total"] if all_non2xx else r["non2xx"] != 0
        verdict = ratio >= goal and not wrong and not r["errors"]
        note = []
        if ratio < goal:
            note.append(f"{ratio:.3f}x < {goal}x")
        if wrong:
            note.append(f"{r['non2xx']} of {r['total']} answers had an unexpected status")
        if r["errors"]:
            note.append(f"socket errors {r['errors']}")
        rows.append(Row("3", f"status polls: {label}",
                        f"{r['rate']:,.0f}/s (lat {r['p50']:.2f} / {r['p99']:.2f} ms)",
                        f"{floor['rate']:,.0f}/s (lat {floor['p50']:.2f} / {floor['p99']:.2f} ms)",
                        f"{ratio:.3f}x", f">= {goal}x liveness", verdict, "; ".join(note)))
    notes["3 polls: each wrk run, in order (floor = mean of the liveness runs either side)"] = lines
    return rows


# --- figure 4: file event latency ----------------------------------------------------------------

class LineReader(threading.Thread):
    """Reads lines from a stream, stamping each with perf_counter_ns at arrival."""

    def __init__(self, readline, on_line):
        super().__init__(daemon=True)
        self.readline, self.on_line = readline, on_line

    def run(self):
        try:
            while True:
                line = self.readline()
                if not line:
                    return
                self.on_line(time.perf_counter_ns(), line.decode() if isinstance(line, bytes) else line)
        except (OSError, ValueError, AttributeError, http.client.HTTPException):
            return  # the stream was closed under us (http.client drops its file object on close)


def figure_file_events(service, rounds=100):
    log(f"figure 4: file event latency, {rounds} files, SSE beside inotifywait")
    env = service.create_environment("events")
    workspace = env["path"]
    sse_seen, inotify_seen = {}, {}
    live = threading.Event()
    sse = http.client.HTTPConnection("127.0.0.1", service.port, timeout=120)
    sse.request("GET", f"{API}/{env['id']}/events", headers={**service.headers(), "Accept": "text/event-stream"})
    response = sse.getresponse()
    if response.status != 200:
        raise RuntimeError(f"/events answered {response.status}")

    def on_sse(at, line):
        if line.startswith(":"):
            live.set()
        elif line.startswith("data:"):
            change = json.loads(line[5:])
            if change.get("kind") == "CREATE":
                sse_seen.setdefault(change["path"], at)

    LineReader(response.readline, on_sse).start()
    inotify = subprocess.Popen(["inotifywait", "-m", "-e", "create", "--format", "%f", workspace],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    service.pids.add(inotify.pid)
    try:
        await_until(lambda: b"Watches established" in inotify.stderr.readline(), 10, 0, "inotifywait ready")
        LineReader(inotify.stdout.readline, lambda at, line: inotify_seen.setdefault(line.strip(), at)).start()
        await_until(live.is_set, 10, what="event stream live")
        measured, floor_ns = [], []
        for i in range(-5, rounds):  # five warm-up files, not counted
            name = f"file-{i + 5}.txt"
            t0 = time.perf_counter_ns()
            with open(os.path.join(workspace, name), "w") as f:
                f.write("x")
            await_until(lambda: name in sse_seen and name in inotify_seen, 10, 0.0005, f"events for {name}")
            if i >= 0:
                measured.append(sse_seen[name] - t0)
                floor_ns.append(inotify_seen[name] - t0)
            time.sleep(0.01)
    finally:
        inotify.terminate()
        inotify.wait(5)
        sse.close()
    (m50, m99), (f50, f99) = summary(measured), summary(floor_ns)
    verdict = ms(m99) <= ms(f99) + 20
    return Row("4", f"file event latency, write -> SSE change (n={rounds})", f"{ms(m50):.2f} / {ms(m99):.2f} ms",
               f"{ms(f50):.2f} / {ms(f99):.2f} ms", f"p99 +{ms(m99 - f99):.2f} ms", "p99 <= floor + 20 ms",
               verdict, "" if verdict else f"p99 {ms(m99 - f99):.1f} ms over the floor")


# --- figure 5: scale ------------------------------------------------------------------------------

def inotify_watches(pid):
    count = 0
    fd_dir = f"/proc/{pid}/fdinfo"
    for fd in os.listdir(fd_dir):
        try:
            with open(os.path.join(fd_dir, fd)) as f:
                count += sum(1 for line in f if line.startswith("inotify wd:"))
        except OSError:
            pass
    return count


def vm_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return None


def jcmd(pid, *command):
    tool = shutil.which("jcmd")
    if not tool:
        return ""
    out = subprocess.run([tool, str(pid), *command], capture_output=True, text=True, timeout=120)
    return out.stdout


def nmt_categories(summary_text):
    """'Java Heap 188 MB', ... from `jcmd VM.native_memory summary scale=MB`."""
    found = []
    for m in re.finditer(r"^(?:-\s+([\w ]+?)|Total:) \(?reserved=\d+MB, committed=(\d+)MB", summary_text, re.M):
        if int(m.group(2)) >= 1:
            found.append(f"{(m.group(1) or 'total').strip()} {m.group(2)} MB")
    return found


def double_runtime_teardowns(service, envs, since):
    """Environments whose runtime teardown ran twice: once in the destroy, once more from a
    reconcile pass that found the runtime still registered while the destroy was closing it."""
    counts = collections.Counter()
    for _, _, message in service_log(service, since):
        m = re.search(r"environment (\S+): runtime torn down", message)
        if m:
            counts[m.group(1)] += 1
    ids = {e["id"] for e in envs}
    return sum(1 for env_id, n in counts.items() if env_id in ids and n > 1)


def parallel(function, items, threads):
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(function, items))


def figure_scale(service, probe, notes, environments=500, directories=20, workers=100):
    log(f"figure 5: scale, {environments} environments x {directories} directories, then {workers} workers")
    limits = {name: open(f"/proc/sys/fs/inotify/{name}").read().strip()
              for name in ("max_user_watches", "max_user_instances", "max_queued_events")}
    watches_before = inotify_watches(service.pid)
    t0 = time.perf_counter()
    envs = parallel(lambda i: service.create_environment(f"scale-{i}"), range(environments), 4)
    create_s = time.perf_counter() - t0
    create_rate = environments / create_s
    baseline_dirs = service.ok("GET", f"{API}/{envs[0]['id']}/workspace")["watchedDirectories"]
    t0 = time.perf_counter()
    for env in envs:
        for d in range(directories):
            os.mkdir(os.path.join(env["path"], f"dir-{d:02d}"))

    def watched(env):
        await_until(lambda: service.ok("GET", f"{API}/{env['id']}/workspace")["watchedDirectories"]
                    >= baseline_dirs + directories, 120, 0.05, f"{env['id']} watching its directories")
        return True

    parallel(watched, envs, 4)
    watch_settle_s = time.perf_counter() - t0
    failed = [e["id"] for e in envs if service.ok("GET", f"{API}/{e['id']}/workspace")["watcher"] != "WATCHING"]
    t0 = time.perf_counter()
    spawned = parallel(lambda env: service.start_worker(env["id"], "coop"), envs[:workers], 4)
    spawn_rate = workers / (time.perf_counter() - t0)
    ticks = {w["pid"]: start_ticks(w["pid"]) for w in spawned}
    running = sum(1 for pid, t in ticks.items() if alive_as(pid, t))
    time.sleep(1)  # let the JVM settle before reading its memory
    rss_mb = vm_kb(service.pid, "VmRSS") / 1024
    hwm_mb = vm_kb(service.pid, "VmHWM") / 1024
    watches = inotify_watches(service.pid)
    heap_before = " ".join(jcmd(service.pid, "GC.heap_info").split())
    jcmd(service.pid, "GC.run")
    time.sleep(1)
    rss_after_gc_mb = vm_kb(service.pid, "VmRSS") / 1024
    heap_after = " ".join(jcmd(service.pid, "GC.heap_info").split())
    native = jcmd(service.pid, "VM.native_memory", "summary", "scale=MB")

    since = time.time()
    before = probe.snapshot()
    t0 = time.perf_counter()
    answers = parallel(lambda env: service.request("DELETE", f"{API}/{env['id']}?wait=PT60S"), envs, 8)
    destroy_s = time.perf_counter() - t0
    after = probe.snapshot()
    not_destroyed = [a for a in answers if a[0] != 200]
    survivors = [pid for pid, t in ticks.items() if alive_as(pid, t)]
    watches_after = inotify_watches(service.pid)
    seen = first_marks(service_log(service, since), DESTROY_MARKS)
    spans = [(seen[(e["id"], "DESTROYED committed")] - seen[(e["id"], "DESTROYING committed")]) * 1000
             for e in envs if (e["id"], "DESTROYED committed") in seen and (e["id"], "DESTROYING committed") in seen]
    teardown_threads = {thread for _, thread, message in service_log(service, since) if "DESTROYING -> DESTROYED" in message}

    works = running == workers and not not_destroyed and not survivors and not failed
    rows = [
        Row("5", f"scale: {environments} envs x {directories} dirs + {workers} workers, default limits",
            f"{'works' if works else 'FAILED'}", "-", "-", "works", works,
            "" if works else f"{len(failed)} watchers not WATCHING; {len(not_destroyed)} not destroyed; "
                             f"{len(survivors)} workers survived"),
        Row("5", "scale: service RSS (VmRSS) at full scale", f"{rss_mb:.0f} MB (peak {hwm_mb:.0f} MB)", "-", "-",
            "<= 600 MB", rss_mb <= 600, "" if rss_mb <= 600 else f"{rss_mb - 600:.0f} MB over"),
        Row("5", "scale: inotify watches (fdinfo 'inotify wd:')", f"{watches} (after destroy-all: {watches_after})",
            f"{environments * (baseline_dirs + directories)} dirs", "-", "info", None, ""),
        Row("5", "scale: create rate (4 client connections)", f"{create_rate:.0f}/s", "-", "-", ">= 100/s",
            create_rate >= 100, "" if create_rate >= 100 else f"{100 - create_rate:.0f}/s short"),
        Row("5", f"scale: destroy-all ({environments} envs, {workers} with a worker; 8 connections)",
            f"{destroy_s:.2f} s", "-", "-", "<= 5 s", destroy_s <= 5 and not not_destroyed,
            "" if destroy_s <= 5 else f"{destroy_s - 5:.2f} s over"),
        Row("5", "scale: worker spawn rate (4 client connections)", f"{spawn_rate:.0f}/s", "-", "-", "info", None, ""),
    ]
    notes["5 scale"] = [
        f"inotify limits (untouched): {limits}; watches before: {watches_before}",
        f"{environments} creates in {create_s:.2f} s; {environments * directories} directories watched "
        f"{watch_settle_s:.2f} s after the mkdirs began",
        f"RSS {rss_mb:.0f} MB; after a full GC (jcmd GC.run) {rss_after_gc_mb:.0f} MB",
        f"heap before GC: {heap_before[:300]}",
        f"heap after GC: {heap_after[:300]}",
        *(["native memory (NMT, committed >= 1 MB): " + "; ".join(nmt_categories(native))] if "Total" in native else []),
        f"destroy-all: each destroy (DESTROYING -> DESTROYED, service log) {statistics.median(spans):.0f} / {p99(spans):.0f} ms "
        f"on {len(teardown_threads)} teardown threads; per environment: {Probe.delta(before, after, environments)}"
        if spans else "destroy-all: no log marks",
        f"runtime closed twice (a reconcile pass, which every accepted destroy requests, closing it beside "
        f"the destroy): {double_runtime_teardowns(service, envs, since)} of {environments} environments",
    ]
    return rows


# --- figure 6: shutdown ---------------------------------------------------------------------------

SHUTDOWN_MARKS = [
    ("graceful HTTP shutdown begins", re.compile(r"Commencing graceful shutdown")),
    ("worker stop begins", re.compile(r"stopping \d+ worker\(s\) within")),
    ("first worker STOPPING committed", re.compile(r"RUNNING -> STOPPING")),
    ("last worker STOPPING committed", None),
    ("last worker EXITED committed", None),
    ("workers stopped", re.compile(r"shutdown: \d+ worker\(s\) stopped")),
    ("connection pool closed", re.compile(r"HikariDataSource\s*: .* Shutdown completed")),
    ("PostgreSQL stopped", re.compile(r"shut down postmaster")),
]


def shutdown_steps(service, since, sent, exited):
    entries = service_log(service, since)
    stamps = {}
    for name, pattern in SHUTDOWN_MARKS:
        if pattern is not None:
            stamps[name] = next((t for t, _, m in entries if pattern.search(m)), None)
    stopping = [t for t, _, m in entries if "RUNNING -> STOPPING" in m]
    exited_marks = [t for t, _, m in entries if "STOPPING -> EXITED" in m]
    stamps["last worker STOPPING committed"] = stopping[-1] if stopping else None
    stamps["last worker EXITED committed"] = exited_marks[-1] if exited_marks else None
    lines = [f"+{(stamps[name] - sent) * 1000:6.0f} ms  {name}" for name, _ in SHUTDOWN_MARKS if stamps.get(name)]
    lines.append(f"+{(exited - sent) * 1000:6.0f} ms  process exited")
    lines.append(f"{len(stopping)} STOPPING commits, one after another on the shutdown thread: "
                 f"{(stopping[-1] - stopping[0]) * 1000 / max(len(stopping) - 1, 1):.1f} ms apart on average"
                 if len(stopping) > 1 else "")
    return lines


def figure_shutdown(service, notes, workers=100):
    log(f"figure 6: SIGTERM with {workers} workers running")
    cycle = ["coop", "sleeper", "stubborn", "coop"]
    envs = [service.create_environment(f"shutdown-{i}") for i in range(workers // len(cycle))]
    started = []
    for env in envs:
        for profile in cycle:
            started.append(service.start_worker(env["id"], profile))
    ticks = {w["pid"]: start_ticks(w["pid"]) for w in started}
    running = sum(1 for pid, t in ticks.items() if alive_as(pid, t))
    postmaster = service.postmaster
    postmaster_ticks = start_ticks(postmaster) if postmaster else None
    time.sleep(1)
    sent = time.time()
    t0 = time.perf_counter()
    service.process.send_signal(signal.SIGTERM)
    try:
        code = service.process.wait(60)
    except subprocess.TimeoutExpired:
        code = None
    exit_s = time.perf_counter() - t0
    exited = time.time()
    survivors = [pid for pid, t in ticks.items() if alive_as(pid, t)]
    postmaster_alive = bool(postmaster and alive_as(postmaster, postmaster_ticks))
    notes["6 shutdown: steps after SIGTERM (service log, ms resolution)"] = shutdown_steps(service, sent, sent, exited)
    bound = STOP_GRACE_S + 2
    ok = code is not None and exit_s <= bound and not survivors and not postmaster_alive and running == workers
    note = []
    if exit_s > bound:
        note.append(f"{exit_s - bound:.2f} s over")
    if survivors:
        note.append(f"{len(survivors)} workers still running")
    if postmaster_alive:
        note.append("embedded PostgreSQL still running")
    return Row("6", f"shutdown: SIGTERM, {running} workers (50 coop, 25 SIGTERM, 25 ignore SIGTERM)",
               f"exit {exit_s:.2f} s, status {code}; {len(survivors)} left", "-", "-",
               f"<= stop-grace {STOP_GRACE_S} s + 2 s; 0 left", ok, "; ".join(note))


# --- the table ------------------------------------------------------------------------------------

class Row:
    def __init__(self, figure, name, measured, floor, ratio, goal, verdict, note):
        self.cells = [figure, name, measured, floor, ratio, goal,
                      "info" if verdict is None else ("PASS" if verdict else "MISS")]
        self.note = note


def table(rows):
    head = ["#", "figure", "measured (median / p99)", "floor, same run (median / p99)", "ratio", "goal", "result"]
    widths = [max(len(str(c)) for c in col) for col in zip(head, *[r.cells for r in rows])]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"
    rows = sorted(rows, key=lambda r: r.cells[0])  # figure order, whatever order they ran in
    out = [line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r.cells) for r in rows]
    notes = [f"- {r.cells[0]} {r.cells[1]}: {r.note}" for r in rows if r.note]
    return "\n".join(out + ([""] + ["Misses:"] + notes if notes else []))


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal"))
    return f"nproc {os.cpu_count()}, Linux {os.uname().release}, {cpu}, {mem / 1024 / 1024:.0f} GiB RAM"


def load():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def interrupted(signum, frame):
    """SIGTERM (from run.sh's trap) unwinds like Ctrl-C, so main's finally stops the service."""
    raise KeyboardInterrupt(f"signal {signum}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jar", required=True)
    parser.add_argument("--tmp", required=True)
    parser.add_argument("--floors", required=True, help="directory with the compiled C floors")
    parser.add_argument("--jfr", action="store_true", help="record the service with JFR (<tmp>/service.jfr)")
    parser.add_argument("--only", default="1,2,3,4,5,6", help="figures to run, e.g. 1,4")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    parser.add_argument("--trace", action="store_true",
                        help="figure 2: kernel timestamps along the reap path (a private ftrace instance; root)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, interrupted)
    only = set(args.only.split(","))
    floors = {name: os.path.join(args.floors, name) for name in ("destroy_floor", "waitpid_floor", "zombie_observer")}
    pids = Pids(os.path.join(args.tmp, "pids"))
    service = Service(args.jar, args.tmp, pids, args.jfr)
    rows, notes, context = [], {}, []
    started = time.time()
    load_at_start = load()
    try:
        service.start()
        probe = Probe(service)
        context.append(f"fdatasync of 8 KiB on the data dir's filesystem, before: {fsync_latency(service.data_dir)}")
        if "1" in only:
            rows.append(figure_destroy(service, probe, floors, args.tmp, notes))
        if "2" in only:
            rows.append(figure_zombies(service, probe, floors, args.tmp, notes, trace=args.trace))
        if "4" in only:
            rows.append(figure_file_events(service))
        if "5" in only:
            rows += figure_scale(service, probe, notes)
        if "3" in only:
            rows += figure_polls(service, probe, notes)
        context.append(f"fdatasync of 8 KiB on the data dir's filesystem, after: {fsync_latency(service.data_dir)}")
        if "6" in only:
            rows.append(figure_shutdown(service, notes))
    finally:
        if service.process and service.process.poll() is None:
            service.process.send_signal(signal.SIGTERM)
            try:
                service.process.wait(40)
            except subprocess.TimeoutExpired:
                service.process.kill()
                service.process.wait(10)
    print()
    print(f"Envkeeper benchmark, {time.strftime('%Y-%m-%d %H:%M %Z', time.localtime(started))}, "
          f"{(time.time() - started) / 60:.1f} min; figures {args.only}")
    print(f"Machine: {machine()}; load average {load_at_start} at the start, {load()} at the end")
    print()
    print(table(rows))
    notes = {"context": context, **notes}
    for name, lines in notes.items():
        print()
        print(f"{name}:")
        for line in lines:
            if line:
                print(f"  {line}")
    missed = any(r.cells[6] == "MISS" for r in rows)
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("interrupted; the service was stopped")
        sys.exit(130)
