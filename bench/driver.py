#!/usr/bin/env python3
"""Envkeeper benchmark driver (issue 8): starts the real jar, measures each figure beside its floor
in the same run, and prints one table. Started by bench/run.sh, which builds the jar and the C floors
and owns the temporary directory; everything this driver creates lives under --tmp.

Standard library only. Every wait has a deadline; every process started here is recorded in
<tmp>/pids ("pid starttime" lines) so that run.sh's EXIT trap can kill exactly those if this driver
dies.
"""

import argparse
import hashlib
import http.client
import json
import math
import os
import re
import secrets
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
        if jfr:
            jvm.append(f"-XX:StartFlightRecording=filename={os.path.join(tmp, 'service.jfr')},settings=profile,dumponexit=true")
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


# --- figure 1: destroy latency with one cooperative worker ------------------------------------

LOG_LINE = re.compile(r"^(\S+Z)\s+\w+\s+\d+ --- \[[^]]*\] \[\s*([^]]+)\] \S+\s*: (.*)$")


def destroy_breakdown(service, envs):
    """Where the destroy time goes, from the service's own INFO lines (millisecond timestamps)."""
    marks = {
        "DESTROYING committed": re.compile(r"environment (\S+): READY -> DESTROYING"),
        "watcher closed": re.compile(r"environment (\S+): watcher closed"),
        "worker STOPPING committed": re.compile(r"environment (\S+): worker \S+: RUNNING -> STOPPING"),
        "worker EXITED committed": re.compile(r"environment (\S+): worker \S+: STOPPING -> EXITED"),
        "runtime torn down": re.compile(r"environment (\S+): runtime torn down"),
        "DESTROYED committed": re.compile(r"environment (\S+): DESTROYING -> DESTROYED"),
    }
    seen = {}
    for line in service.log_lines():
        match = LOG_LINE.match(line)
        if not match:
            continue
        for name, pattern in marks.items():
            m = pattern.search(match.group(3))
            if m and (m.group(1), name) not in seen:
                stamp = datetime.fromisoformat(match.group(1).replace("Z", "+00:00")).timestamp()
                seen[(m.group(1), name)] = stamp
    steps = [("request sent", None), *[(name, None) for name in marks], ("response received", None)]
    deltas = {f"{a} -> {b}": [] for (a, _), (b, _) in zip(steps, steps[1:])}
    for env in envs:
        times = [env["sent"], *[seen.get((env["id"], name)) for name in marks], env["received"]]
        if None in times:
            continue
        for (a, _), (b, _), t_a, t_b in zip(steps, steps[1:], times, times[1:]):
            deltas[f"{a} -> {b}"].append((t_b - t_a) * 1000)
    return {k: summary(v) for k, v in deltas.items() if v}


def figure_destroy(service, floors, tmp, rounds=30):
    log(f"figure 1: destroy latency, {rounds} environments with one cooperative worker each")
    envs = []
    for i in range(rounds):
        env = service.create_environment(f"destroy-{i}")
        worker = service.start_worker(env["id"], "coop")
        envs.append({"id": env["id"], "worker": worker["id"]})
    for env in envs:
        await_until(lambda: "ready" in str(service.request("GET", f"{API}/{env['id']}/workers/{env['worker']}/log?tail=5")[1]),
                    10, what="cooperative worker up")
    floor_dir = os.path.join(tmp, "floor-destroy")
    os.makedirs(floor_dir)
    floor = subprocess.Popen([floors["destroy_floor"], floor_dir, SHUTDOWN_MESSAGE, ACK_LINE, "sh", "-c", COOP_SCRIPT],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    service.pids.add(floor.pid)
    measured, floor_ns = [], []
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
    if any(os.path.exists(os.path.join(service.data_dir, "workspaces", e["id"])) for e in envs):
        raise RuntimeError("a destroyed workspace is still on disk")
    (m50, m99), (f50, f99) = summary(measured), summary(floor_ns)
    ratio = m50 / f50
    verdict = ratio <= 2 and ms(m99) <= 50
    misses = [f"p50 {ratio:.1f}x > 2x" for _ in [0] if ratio > 2] + [f"p99 {ms(m99):.1f} ms > 50 ms" for _ in [0] if ms(m99) > 50]
    return Row("1", f"destroy latency, 1 coop worker (n={rounds})", f"{ms(m50):.1f} / {ms(m99):.1f} ms",
               f"{ms(f50):.2f} / {ms(f99):.2f} ms", f"p50 {ratio:.1f}x", "p50 <= 2x floor; p99 <= 50 ms",
               verdict, "; ".join(misses)), destroy_breakdown(service, envs)


# --- figure 2: zombie lifetime --------------------------------------------------------------------

def figure_zombies(service, floors, tmp, rounds=100):
    log(f"figure 2: zombie lifetime, {rounds} quick workers and {rounds} floor children")
    env = service.create_environment("zombies")
    os.mkfifo(os.path.join(env["path"], "go.fifo"))
    floor_dir = os.path.join(tmp, "floor-zombies")
    os.makedirs(floor_dir)
    os.mkfifo(os.path.join(floor_dir, "go.fifo"))
    observer = floors["zombie_observer"]
    measured, floor_ns, workers = [], [], []
    for _ in range(rounds):
        worker = service.start_worker(env["id"], "quick")
        workers.append(worker["id"])
        out = subprocess.run([observer, str(worker["pid"]), os.path.join(env["path"], "go.fifo")],
                             capture_output=True, text=True, timeout=30, check=True)
        measured.append(int(out.stdout))

        parent = subprocess.Popen([floors["waitpid_floor"], floor_dir, "sh", "-c", QUICK_SCRIPT],
                                  stdout=subprocess.PIPE, text=True)
        service.pids.add(parent.pid)
        child = int(parent.stdout.readline())
        service.pids.add(child)
        out = subprocess.run([observer, str(child), os.path.join(floor_dir, "go.fifo")],
                             capture_output=True, text=True, timeout=30, check=True)
        floor_ns.append(int(out.stdout))
        parent.wait(10)
    # every quick worker was recorded as having exited 0
    for wid in workers:
        await_until(lambda: service.ok("GET", f"{API}/{env['id']}/workers/{wid}").get("status") == "EXITED",
                    10, what=f"worker {wid} EXITED")
    (m50, m99), (f50, f99) = summary(measured), summary(floor_ns)
    verdict = ms(m99) <= 10
    return Row("2", f"zombie lifetime, exit -> /proc gone (n={rounds})", f"{ms(m50):.2f} / {ms(m99):.2f} ms",
               f"{ms(f50):.3f} / {ms(f99):.3f} ms", f"p99 {m99 / max(f99, 1):.0f}x",
               "p99 <= 10 ms", verdict, "" if verdict else f"p99 {ms(m99):.2f} ms > 10 ms")


# --- figure 3: status polls per second -------------------------------------------------------------

WRK_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def wrk(service, path, seconds, auth=True):
    argv = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if auth:
        argv += ["-H", f"Authorization: Bearer {service.token}"]
    argv.append(f"http://127.0.0.1:{service.port}{path}")
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    service.pids.add(process.pid)
    out, _ = process.communicate(timeout=seconds + 30)
    scale = {"us": 1e-3, "ms": 1.0, "s": 1e3}
    latency = {pct: float(v) * scale[unit] for pct, v, unit in WRK_LATENCY.findall(out)}
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rate": rate, "p50": latency["50"], "p99": latency["99"], "total": total,
            "non2xx": int(non2xx.group(1)) if non2xx else 0, "errors": errors.group(1) if errors else None}


def figure_polls(service, seconds=10):
    log(f"figure 3: status polls, wrk 8 connections x {seconds} s per target")
    ready = service.create_environment("polled")["id"]
    gone = service.create_environment("polled-destroyed")["id"]
    service.ok("DELETE", f"{API}/{gone}?wait=PT10S")
    if service.request("GET", f"{API}/{gone}/workspace")[0] != 410:
        raise RuntimeError("a destroyed environment's /workspace does not answer 410")
    targets = {
        "liveness": ("/actuator/health/liveness", False),
        "ready": (f"{API}/{ready}", True),
        "destroyed": (f"{API}/{gone}", True),
        "destroyed-410": (f"{API}/{gone}/workspace", True),
    }
    for path, auth in targets.values():  # JIT warm-up, not measured
        wrk(service, path, 3, auth)
    results = {}
    first = wrk(service, targets["liveness"][0], seconds, False)
    for name in ("ready", "destroyed", "destroyed-410"):
        results[name] = wrk(service, targets[name][0], seconds, targets[name][1])
    last = wrk(service, targets["liveness"][0], seconds, False)
    floor = {k: (first[k] + last[k]) / 2 for k in ("rate", "p50", "p99")}
    rows = []
    labels = {
        "ready": ("GET /environments/{id}, READY (200)", 0.5),
        "destroyed": ("GET /environments/{id}, DESTROYED (200)", 0.8),
        "destroyed-410": ("GET /{id}/workspace, DESTROYED (410)", 0.8),
    }
    expected = {"ready": 0, "destroyed": 0, "destroyed-410": None}
    for name, (label, goal) in labels.items():
        r = results[name]
        ratio = r["rate"] / floor["rate"]
        wrong = r["non2xx"] != r["total"] if expected[name] is None else r["non2xx"] != 0
        verdict = ratio >= goal and not wrong and not r["errors"]
        note = []
        if ratio < goal:
            note.append(f"{ratio:.2f}x < {goal}x")
        if wrong:
            note.append(f"{r['non2xx']} of {r['total']} answers had an unexpected status")
        if r["errors"]:
            note.append(f"socket errors {r['errors']}")
        rows.append(Row("3", f"status polls: {label}",
                        f"{r['rate']:,.0f}/s (lat {r['p50']:.2f} / {r['p99']:.2f} ms)",
                        f"{floor['rate']:,.0f}/s (lat {floor['p50']:.2f} / {floor['p99']:.2f} ms)",
                        f"{ratio:.2f}x", f">= {goal}x liveness", verdict, "; ".join(note)))
    detail = {"liveness before": first, "liveness after": last, **results}
    return rows, detail


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


def parallel(function, items, threads):
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(function, items))


def figure_scale(service, environments=500, directories=20, workers=100):
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
    states = service.ok("GET", f"{API}/{envs[-1]['id']}/workspace")
    t0 = time.perf_counter()
    spawned = parallel(lambda env: service.start_worker(env["id"], "coop"), envs[:workers], 4)
    spawn_rate = workers / (time.perf_counter() - t0)
    time.sleep(1)  # let the JVM settle before reading its memory
    rss_mb = vm_kb(service.pid, "VmRSS") / 1024
    hwm_mb = vm_kb(service.pid, "VmHWM") / 1024
    watches = inotify_watches(service.pid)
    running = sum(1 for w in spawned if alive_as(w["pid"], start_ticks(w["pid"])))
    ticks = {w["pid"]: start_ticks(w["pid"]) for w in spawned}

    t0 = time.perf_counter()
    answers = parallel(lambda env: service.request("DELETE", f"{API}/{env['id']}?wait=PT60S"), envs, 8)
    destroy_s = time.perf_counter() - t0
    not_destroyed = [a for a in answers if a[0] != 200]
    survivors = [pid for pid, t in ticks.items() if alive_as(pid, t)]
    watches_after = inotify_watches(service.pid)

    works = running == workers and not not_destroyed and not survivors and states["watcher"] == "WATCHING"
    rows = [
        Row("5", f"scale: {environments} envs x {directories} dirs + {workers} workers, default limits",
            f"{'works' if works else 'FAILED'}", "-", "-", "works", works,
            f"{len(not_destroyed)} not destroyed; {len(survivors)} workers survived" if not works else ""),
        Row("5", "scale: service RSS (VmRSS) at full scale", f"{rss_mb:.0f} MB (peak {hwm_mb:.0f} MB)", "-", "-",
            "<= 600 MB", rss_mb <= 600, "" if rss_mb <= 600 else f"{rss_mb - 600:.0f} MB over"),
        Row("5", "scale: inotify watches (fdinfo 'inotify wd:')", f"{watches} (after destroy-all: {watches_after})",
            f"{environments * (baseline_dirs + directories)} dirs", "-", "info", None, ""),
        Row("5", f"scale: create rate (4 client connections)", f"{create_rate:.0f}/s", "-", "-", ">= 100/s",
            create_rate >= 100, "" if create_rate >= 100 else f"{100 - create_rate:.0f}/s short"),
        Row("5", f"scale: destroy-all ({environments} envs, {workers} with a worker; 8 connections)",
            f"{destroy_s:.2f} s", "-", "-", "<= 5 s", destroy_s <= 5 and not not_destroyed,
            "" if destroy_s <= 5 else f"{destroy_s - 5:.2f} s over"),
        Row("5", "scale: worker spawn rate (4 client connections)", f"{spawn_rate:.0f}/s", "-", "-", "info", None, ""),
    ]
    detail = {"limits": limits, "watches before": watches_before, "watch settle s": round(watch_settle_s, 2),
              "rss MB": round(rss_mb), "create s": round(create_s, 2)}
    return rows, detail


# --- figure 6: shutdown ---------------------------------------------------------------------------

def figure_shutdown(service, workers=100):
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
    t0 = time.perf_counter()
    service.process.send_signal(signal.SIGTERM)
    try:
        code = service.process.wait(60)
    except subprocess.TimeoutExpired:
        code = None
    exit_s = time.perf_counter() - t0
    survivors = [pid for pid, t in ticks.items() if alive_as(pid, t)]
    postmaster_alive = bool(postmaster and alive_as(postmaster, postmaster_ticks))
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
    out = [line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r.cells) for r in rows]
    notes = [f"- {r.cells[0]} {r.cells[1]}: {r.note}" for r in rows if r.note]
    return "\n".join(out + ([""] + ["Misses:"] + notes if notes else []))


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal"))
    load = open("/proc/loadavg").read().split()[:3]
    return (f"nproc {os.cpu_count()}, Linux {os.uname().release}, {cpu}, {mem / 1024 / 1024:.0f} GiB RAM; "
            f"load average at the end {' '.join(load)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jar", required=True)
    parser.add_argument("--tmp", required=True)
    parser.add_argument("--floors", required=True, help="directory with the compiled C floors")
    parser.add_argument("--jfr", action="store_true", help="record the service with JFR (<tmp>/service.jfr)")
    parser.add_argument("--only", default="1,2,3,4,5,6", help="figures to run, e.g. 1,4")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args()
    only = set(args.only.split(","))
    floors = {name: os.path.join(args.floors, name) for name in ("destroy_floor", "waitpid_floor", "zombie_observer")}
    pids = Pids(os.path.join(args.tmp, "pids"))
    service = Service(args.jar, args.tmp, pids, args.jfr)
    rows, details = [], {}
    started = time.time()
    try:
        service.start()
        if "1" in only:
            row, details["1 destroy phases (median / p99 ms, from the service log)"] = figure_destroy(service, floors, args.tmp)
            rows.append(row)
        if "2" in only:
            rows.append(figure_zombies(service, floors, args.tmp))
        if "4" in only:
            rows.append(figure_file_events(service))
        if "3" in only:
            more, details["3 wrk"] = figure_polls(service)
            rows += more
        if "5" in only:
            more, details["5 scale"] = figure_scale(service)
            rows += more
        if "6" in only:
            rows.append(figure_shutdown(service))
    finally:
        if service.process and service.process.poll() is None:
            service.process.send_signal(signal.SIGTERM)
            try:
                service.process.wait(40)
            except subprocess.TimeoutExpired:
                service.process.kill()
                service.process.wait(10)
    print()
    print(f"Envkeeper benchmark, {time.strftime('%Y-%m-%d %H:%M', time.localtime(started))}, "
          f"{(time.time() - started) / 60:.1f} min")
    print(f"Machine: {machine()}")
    print()
    print(table(rows))
    for name, detail in details.items():
        print()
        print(f"{name}:")
        for key, value in detail.items():
            if isinstance(value, tuple):
                value = f"{value[0]:.1f} / {value[1]:.1f}"
            print(f"  {key}: {value}")
    missed = any(r.cells[6] == "MISS" for r in rows)
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
