"""Figures of worker supervision (issue 17), each beside its floor in the same run: restart latency
(s1), zombie lifetime of killed descendants (s2), cost of cgroup containment per spawn (s3)."""

import os
import select
import statistics
import subprocess
import time

from report import Row
from service import (API, DAEMONS, DAEMONS_SCRIPT, RESTART_BACKOFF_US, RESTART_SCRIPT, Service, await_until, log,
                     ms, summary)


def reaper_details(service):
    return service.ok("GET", "/actuator/health")["components"]["reaper"]["details"]


# --- s1: restart latency ---------------------------------------------------------------------------

def restart_cycles(directory, rounds):
    """Drives a process restarted on failure in `directory` (RESTART_SCRIPT) through `rounds` ends.

    Per round: the process announces itself on up.fifo (its pid: it runs), is held by a pidfd, is
    released through go.fifo and fails; the pidfd says when it exited; the next announcement says
    when its successor runs. Returns those latencies (exit -> next process running) in ns. Each FIFO
    is opened only when no process of an earlier round can hold it any more."""
    up, go = os.path.join(directory, "up.fifo"), os.path.join(directory, "go.fifo")
    latencies, exited = [], None
    for i in range(rounds + 1):
        with open(up) as announced:  # blocks until the next process opens it for writing
            running = time.perf_counter_ns()
            pid = int(announced.read().strip())
        if exited is not None:
            latencies.append(running - exited)
        pidfd = os.pidfd_open(pid)
        try:
            with open(go, "w") as release:
                release.write("stop\n" if i == rounds else "go\n")
            poller = select.poll()
            poller.register(pidfd, select.POLLIN)
            if not poller.poll(10_000):
                raise TimeoutError(f"process {pid} did not exit within 10 s of its release")
            exited = time.perf_counter_ns()
        finally:
            os.close(pidfd)
    return latencies


def figure_restart(service, floors, tmp, notes, rounds=200, warmup=20):
    log(f"figure s1: restart latency, {rounds} restarts of one worker (restart-backoff {RESTART_BACKOFF_US} us),"
        f" beside a C supervisor with the same backoff")
    env = service.create_environment("restarts")
    for name in ("up.fifo", "go.fifo"):
        os.mkfifo(os.path.join(env["path"], name))
    worker = service.start_worker(env["id"], "restarter")
    restarts_before = worker["restarts"]
    measured = restart_cycles(env["path"], warmup + rounds)[warmup:]
    ended = await_until(lambda: (w := service.ok("GET", f"{API}/{env['id']}/workers/{worker['id']}"))["status"] == "EXITED"
                        and w, 10, what="restarter EXITED after stop")
    if ended["restarts"] - restarts_before != warmup + rounds:
        raise RuntimeError(f"expected {warmup + rounds} restarts, the worker says {ended['restarts']}")
    floor_dir = os.path.join(tmp, "floor-restarts")
    os.makedirs(floor_dir)
    for name in ("up.fifo", "go.fifo"):
        os.mkfifo(os.path.join(floor_dir, name))
    floor = subprocess.Popen([floors["restart_floor"], floor_dir, str(RESTART_BACKOFF_US), "sh", "-c", RESTART_SCRIPT])
    service.pids.add(floor.pid)
    try:
        floor_ns = restart_cycles(floor_dir, warmup + rounds)[warmup:]
    finally:
        floor.wait(10)
    service.ok("DELETE", f"{API}/{env['id']}?wait=PT10S")
    (m50, m99), (f50, f99) = summary(measured), summary(floor_ns)
    notes["s1 restart: what is timed"] = [
        "exit of a worker's process (its pidfd turns readable) -> its successor runs (the successor's "
        "first command opens up.fifo)",
        f"both wait the same {RESTART_BACKOFF_US} us backoff; the service also records BACKOFF and RUNNING "
        "(two commits), creates the worker's cgroup again and appends to its log",
    ]
    return Row("s1", f"restart latency, exit -> next process running (n={rounds})",
               f"{ms(m50):.2f} / {ms(m99):.2f} ms", f"{ms(f50):.2f} / {ms(f99):.2f} ms",
               f"p50 {m50 / f50:.1f}x", "-", None, "")


# --- s2: zombie lifetime of killed descendants -----------------------------------------------------

def observe(observer, pids):
    """Starts the exit observer on `pids`; returns it once it holds a pidfd on each."""
    process = subprocess.Popen([observer, *map(str, pids)], stdout=subprocess.PIPE, text=True)
    if process.stdout.readline().strip() != "ready":
        raise RuntimeError("exit_observer did not start")
    return process


def lifetimes(process, count):
    out, _ = process.communicate(timeout=60)
    values = [int(line) for line in out.split()]
    if process.returncode != 0 or len(values) != count:
        raise RuntimeError(f"exit_observer failed ({process.returncode}): {out!r}")
    return values


def daemon_pids(service, path):
    """The daemons' pids from the worker's log ("child <pid>" lines), once all are there; else None."""
    lines = str(service.request("GET", f"{path}/log?tail=50")[1]).splitlines()
    pids = [int(line.split()[1]) for line in lines if line.startswith("child ")]
    return pids if len(pids) >= DAEMONS else None


def figure_killed_descendants(service, probe, floors, tmp, notes, rounds=20, warmup=3):
    log(f"figure s2: zombie lifetime of killed descendants, {rounds} workers with {DAEMONS} daemons each"
        f" (after {warmup} not measured), stopped (SIGTERM ignored, then SIGKILL)")
    env = service.create_environment("killed-descendants")
    floor_dir = os.path.join(tmp, "floor-killed")
    os.makedirs(floor_dir)
    measured, floor_ns = [], []
    killed_before = reaper_details(service).get("killedReapedTotal", 0)
    adopted_before = reaper_details(service).get("adoptedTotal", 0)
    for i in range(warmup + rounds):  # interleaved with the floor, so both see the same machine
        worker = service.start_worker(env["id"], "daemons")
        path = f"{API}/{env['id']}/workers/{worker['id']}"
        pids = await_until(lambda: daemon_pids(service, path), 10, what="all daemons started")
        for pid in pids:
            service.pids.add(pid)
        observer = observe(floors["exit_observer"], pids)
        stopped = service.ok("DELETE", f"{path}?wait=PT10S")
        if stopped["status"] != "EXITED":
            raise RuntimeError(f"worker {worker['id']} not EXITED after its stop: {stopped}")
        if i >= warmup:
            measured += lifetimes(observer, len(pids))
        else:
            lifetimes(observer, len(pids))  # the first stops compile the stop path: not measured

        floor = subprocess.Popen([floors["kill_floor"], floor_dir, str(DAEMONS), "sh", "-c", DAEMONS_SCRIPT],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        service.pids.add(floor.pid)
        floor_pids = [int(floor.stdout.readline()) for _ in range(DAEMONS)]
        for pid in floor_pids:
            service.pids.add(pid)
        observer = observe(floors["exit_observer"], floor_pids)
        floor.stdin.write("go\n")
        floor.stdin.flush()
        if i >= warmup:
            floor_ns += lifetimes(observer, len(floor_pids))
        else:
            lifetimes(observer, len(floor_pids))
        floor.wait(10)
    details = reaper_details(service)
    service.ok("DELETE", f"{API}/{env['id']}?wait=PT10S")
    (m50, m99), (f50, f99) = summary(measured), summary(floor_ns)
    notes["s2 killed descendants: how they were reaped"] = [
        f"containment {details.get('containment')}; killed descendants reaped at once by the service: "
        f"{details.get('killedReapedTotal', 0) - killed_before}, after the adoption grace: "
        f"{details.get('adoptedTotal', 0) - adopted_before} (of {(warmup + rounds) * DAEMONS}, warm-up included)",
        "floor: a C child subreaper that SIGKILLs the same processes and blocks in waitpid(-1)",
    ]
    verdict = ms(m99) <= 10
    return Row("s2", f"zombie lifetime of killed descendants (n={len(measured)})",
               f"{ms(m50):.2f} / {ms(m99):.2f} ms", f"{ms(f50):.3f} / {ms(f99):.3f} ms",
               f"p99 {m99 / max(f99, 1):.0f}x", "p99 <= 10 ms", verdict,
               "" if verdict else f"p99 {ms(m99):.2f} ms > 10 ms")


# --- s3: cost of containment per spawn -------------------------------------------------------------

def spawn_timer(service):
    """The service's own median spawn time (envkeeper.workers.spawn, p50 over its recent window), ms."""
    status, text = service.request("GET", "/actuator/prometheus")
    for line in str(text).splitlines():
        if line.startswith("envkeeper_workers_spawn_seconds{") and 'quantile="0.5"' in line:
            return float(line.rsplit(" ", 1)[1]) * 1e3
    return None


def figure_containment_cost(service, jar, tmp, pids, notes, rounds=100, warmup=20):
    containment = reaper_details(service).get("containment")
    if containment != "cgroup":
        log("figure s3: skipped, this host gives the service no cgroup to place workers in")
        return Row("s3", "worker start, cgroup vs process group", "-", "-", "-", "-", None,
                   f"skipped: containment here is {containment}")
    log(f"figure s3: cost of containment, {rounds} worker starts on this service (cgroup) interleaved with a"
        " second one (process-group)")
    other = Service(jar, os.path.join(tmp, "process-group"), pids, False,
                    extra_props={"envkeeper.workers.containment.mode": "process-group"})
    try:
        other.start()
        if reaper_details(other).get("containment") != "process-group":
            raise RuntimeError("the second service does not run workers under process-group containment")
        envs = {s: s.create_environment("spawns")["id"] for s in (service, other)}
        times = {service: [], other: []}
        for i in range(warmup + rounds):
            for s in (service, other) if i % 2 == 0 else (other, service):
                t0 = time.perf_counter_ns()
                worker = s.start_worker(envs[s], "sleeper")
                elapsed = time.perf_counter_ns() - t0
                if i >= warmup:
                    times[s].append(elapsed)
                s.ok("DELETE", f"{API}/{envs[s]}/workers/{worker['id']}?wait=PT10S")
        timers = {s: spawn_timer(s) for s in (service, other)}
        for s in (service, other):
            s.ok("DELETE", f"{API}/{envs[s]}?wait=PT10S")
    finally:
        other.stop()
    (c50, c99), (p50, p99) = summary(times[service]), summary(times[other])
    fmt = lambda v: "n/a" if v is None else f"{v:.2f} ms"
    notes["s3 containment cost: what is timed"] = [
        "POST /workers (spawn, record, answer) of `sleep 3600`, client side; each start stopped before the next",
        f"the services' own spawn timer (envkeeper.workers.spawn, cgroup create + placement + spawn), p50: "
        f"cgroup {fmt(timers[service])}, process-group {fmt(timers[other])}",
        f"difference of the medians: {ms(c50 - p50):+.2f} ms per start (stdev cgroup "
        f"{ms(statistics.pstdev(times[service])):.2f} ms, process-group {ms(statistics.pstdev(times[other])):.2f} ms)",
    ]
    return Row("s3", f"worker start, cgroup vs process group (n={rounds} each)", f"{ms(c50):.2f} / {ms(c99):.2f} ms",
               f"{ms(p50):.2f} / {ms(p99):.2f} ms", f"p50 {c50 / p50:.2f}x", "-", None, "")
