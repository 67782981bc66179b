"""The service under test: the real jar started with its own data dir, a bearer token and the
benchmark's worker profiles; an HTTP client for it; process bookkeeping and small statistics."""

import hashlib
import http.client
import json
import math
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

API = "/api/v1/environments"

# What README.md ("Memory") tells users to set, and what `./mvnw spring-boot:run` (pom.xml), the
# Dockerfile and the chart set: a 512 MiB heap cap, a small initial heap (the default is 1/64 of
# the host's RAM, 384 MiB here, which the serial collector keeps committed and touched although the
# live heap is ~70 MiB), the serial collector (one GC thread, no G1 remembered sets: less native
# memory beside the heap, short pauses at this heap size), and two malloc arenas instead of eight per
# core (glibc's per-thread arenas hold freed native memory).
RECOMMENDED_JVM_OPTIONS = ["-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]
RECOMMENDED_ENVIRONMENT = {"MALLOC_ARENA_MAX": "2"}

# The cooperative worker of issue 8: says it is up, answers the shutdown message with the ack line
# and exits 0 (and exits at EOF on stdin, as the worker contract asks).
COOP_SCRIPT = 'echo ready; while read line; do if [ "$line" = shutdown ]; then echo done; exit 0; fi; done'
SHUTDOWN_MESSAGE, ACK_LINE = "shutdown", "done"
# A quick worker whose exit the observer triggers: it exits 0 as soon as a line reaches go.fifo.
QUICK_SCRIPT = "read x < go.fifo"
# Ignores SIGTERM (the ignored disposition survives exec): only SIGKILL after stop-grace ends it.
STUBBORN_SCRIPT = "trap '' TERM; exec sleep 3600"
STOP_GRACE_S = 3
# Restarted on failure after 1 ms: says it runs (its pid, through up.fifo), waits for a line on
# go.fifo, then fails (a restart follows) or, on "stop", exits 0 (on-failure: no restart).
RESTART_SCRIPT = 'echo $$ > up.fifo; read x < go.fifo; [ "$x" = stop ] && exit 0; exit 1'
RESTART_BACKOFF_US = 1000
# Five daemons in sessions of their own, then the leader sleeps; all ignore SIGTERM (the ignored
# disposition survives exec), so a stop ends them with its SIGKILL: cgroup.kill under cgroup
# containment. Their parent dies with them: they are re-parented to the service and reaped there.
DAEMONS_SCRIPT = "trap '' TERM; for i in 1 2 3 4 5; do setsid sleep 3600 & echo child $!; done; exec sleep 3600"
DAEMONS = 5


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

    def __init__(self, jar, tmp, pids, jfr, node_id="bench-a", token=None, database_url=None,
                 database_password=None, extra_props=None):
        self.tmp, self.pids = tmp, pids
        os.makedirs(tmp, exist_ok=True)
        self.port = free_port()
        self.token = token or secrets.token_hex(32)
        self.data_dir = os.path.join(tmp, "data")
        self.log_path = os.path.join(tmp, "service.log")
        token_hash = hashlib.sha256(self.token.encode()).hexdigest()
        java_tmp = os.path.join(tmp, "java-tmp")  # zonky's PostgreSQL binaries, Tomcat's work dir
        os.makedirs(java_tmp, exist_ok=True)
        # The memory settings the README tells users to set (and `./mvnw spring-boot:run`, the image
        # and the chart set): without a heap cap the JVM sizes the heap from the host's RAM (a
        # quarter of 24 GiB here) and keeps hundreds of MB committed that the service never uses
        # (live heap at full scale: ~70 MB). BENCH_JVM_OPTIONS replaces them (to compare settings).
        jvm = [f"-Djava.io.tmpdir={java_tmp}",
               *os.environ.get("BENCH_JVM_OPTIONS", " ".join(RECOMMENDED_JVM_OPTIONS)).split()]
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
            # The cluster's figures (c1, c2) run peers against this node's database and address.
            "envkeeper.node.id": node_id,
            "envkeeper.node.advertise-url": f"http://127.0.0.1:{self.port}",
            # Its own parent of worker cgroups (where the host gives it cgroups), named after this
            # driver's pid: run.sh's EXIT trap removes it if the run is cut short.
            "envkeeper.workers.containment.cgroup-name": f"envkeeper.bench-{os.getpid()}-{self.port}",
        }
        if database_url:
            props["spring.datasource.url"] = database_url
            props["spring.datasource.username"] = "postgres"
        # The embedded server requires its password: handed to a peer in its environment, never on
        # its command line (which every local user can read in /proc/<pid>/cmdline).
        self.environment = dict(os.environ)
        self.environment.update({k: v for k, v in RECOMMENDED_ENVIRONMENT.items() if k not in os.environ})
        if database_password:
            self.environment["SPRING_DATASOURCE_PASSWORD"] = database_password
        profiles = {
            "coop": (["sh", "-c", COOP_SCRIPT], {"shutdown-message": SHUTDOWN_MESSAGE, "ack-line": ACK_LINE}),
            "quick": (["sh", "-c", QUICK_SCRIPT], {"max-per-environment": 100000}),
            "sleeper": (["sleep", "3600"], {}),
            "stubborn": (["sh", "-c", STUBBORN_SCRIPT], {}),
            "restarter": (["sh", "-c", RESTART_SCRIPT], {
                "restart": "on-failure", "max-restarts": 1000000, "restart-window": "60s",
                "restart-backoff": f"{RESTART_BACKOFF_US}us", "restart-backoff-max": f"{RESTART_BACKOFF_US}us"}),
            "daemons": (["sh", "-c", DAEMONS_SCRIPT], {"stop-grace": "100ms"}),
        }
        for name, (command, extra) in profiles.items():
            for i, arg in enumerate(command):
                props[f"envkeeper.workers.profiles.{name}.command[{i}]"] = arg
            props.setdefault(f"envkeeper.workers.profiles.{name}.max-per-environment", 8)
            props[f"envkeeper.workers.profiles.{name}.stop-grace"] = f"{STOP_GRACE_S}s"
            for key, value in extra.items():
                props[f"envkeeper.workers.profiles.{name}.{key}"] = value
        props.update(extra_props or {})
        self.argv = ["java", *jvm, "-jar", jar, *[f"--{k}={v}" for k, v in props.items()]]
        self.process = None

    def start(self, timeout=240):
        log(f"starting the service on port {self.port} (data dir {self.data_dir})")
        with open(self.log_path, "ab") as out:
            self.process = subprocess.Popen(self.argv, cwd=self.tmp, stdout=out, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, env=self.environment)
        self.pids.add(self.process.pid)
        started = time.monotonic()

        def ready():
            if self.process.poll() is not None:
                raise RuntimeError(f"the service exited with {self.process.returncode}; see {self.log_path}")
            try:
                return self.request("GET", "/actuator/health/readiness")[0] == 200
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

    def stop(self, timeout=60, strict=True):
        """SIGTERM (the service's bounded shutdown stops its workers) and wait for the exit; SIGKILL
        after `timeout` (then an error when `strict`). Returns the seconds it took; 0 if not running."""
        if not self.process or self.process.poll() is not None:
            return 0.0
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
            if strict:
                raise RuntimeError(f"the service did not stop within {timeout} s; see {self.log_path}")
        return time.monotonic() - started

    def restart(self, timeout=240):
        """Starts the jar again on the same data dir and port; returns the seconds to readiness."""
        started = time.monotonic()
        self.start(timeout)
        return time.monotonic() - started

    def database_url(self):
        """JDBC URL of this node's embedded PostgreSQL (its port is line 4 of postmaster.pid)."""
        with open(os.path.join(self.data_dir, "postgres", "postmaster.pid")) as f:
            port = int(f.readlines()[3])
        return f"jdbc:postgresql://localhost:{port}/postgres"

    def database_password(self):
        """The embedded PostgreSQL's password, kept in <data-dir>/postgres.password (0600)."""
        with open(os.path.join(self.data_dir, "postgres.password")) as f:
            return f.read().strip()

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

    def headers(self, body=False):
        """The bearer token goes on every call (probes included), so the runs stay comparable
        before and after authentication is enforced."""
        headers = {"Authorization": f"Bearer {self.token}"}
        if body:
            headers["Content-Type"] = "application/json"
        return headers

    def request(self, method, path, body=None):
        data = json.dumps(body) if body is not None else None
        for attempt in (1, 2):
            conn = self.connection()
            try:
                conn.request(method, path, body=data, headers=self.headers(data is not None))
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
