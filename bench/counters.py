"""Counting where the time goes: CPU and run-queue waits of the service's threads and of
PostgreSQL, write transactions, pool use, fdatasync latency, the service's own log lines as
timestamps along a path, kernel timestamps along the reap path (ftrace), memory and inotify."""

import collections
import os
import re
import shutil
import statistics
import subprocess
import time
from datetime import datetime

from service import ms, p99, summary

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
        # The embedded database needs its password (kept in the data dir, readable by its owner only).
        env = dict(os.environ)
        try:
            with open(os.path.join(self.service.data_dir, "postgres.password")) as f:
                env["PGPASSWORD"] = f.read().strip()
        except OSError:
            pass
        out = subprocess.run([self.psql, "-h", "localhost", "-p", str(self.pg_port), "-U", "postgres", "-d", "postgres",
                              "-Atc", "select pg_current_xact_id()"], capture_output=True, text=True, timeout=30,
                             env=env)
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
    "runtime torn down": re.compile(r"environment (\S+): runtime torn down"),
    # The worker's EXITED commits in the same transaction as DESTROYED: no step of its own.
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


# --- memory and inotify ----------------------------------------------------------------------------

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


# --- the shutdown's steps ---------------------------------------------------------------------------

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
