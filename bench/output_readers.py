#!/usr/bin/env python3
"""Worker output at scale: N workers that each print a timestamped line every 100 ms, read by the
service into their logs. Prints the service's threads and RSS with the workers running, and the
output latency (the worker's clock in the line to the moment the line is in its log file), median
and p99, plus the reap latency of quick workers started meanwhile.

    python3 bench/output_readers.py --jar target/envkeeper-*.jar [--workers 200] [--seconds 20]
        [--variant NAME=JVM_FLAG ...]

Each --variant starts the jar once more with that JVM flag (e.g. an experimental switch) and adds a
column, so several ways of reading output are compared in one run on one machine. Standard library
only; every process it starts is killed at the end (by pid and start time), and its temporary
directory removed.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from service import API, Pids, Service, alive_as, await_until, log, p99  # noqa: E402

# bash builtins only (no fork per line): the line carries the worker's clock; `read -t` paces it
# and ends the loop at EOF on stdin (the keepalive), but not on its timeout (status > 128).
TICKER = 'while :; do echo "t $EPOCHREALTIME"; read -t 0.1; s=$?; [ $s -gt 128 ] || exit 0; done'
QUICK = "exit 0"


def status_field(pid, name):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(name + ":"):
                return line.split()[1]
    return None


def follow_latencies(paths, seconds):
    """Tails the log files (polling their size every 0.5 ms); one latency per complete line."""
    offsets = {path: os.stat(path).st_size for path in paths}  # lines already there are not measured
    partial = {path: b"" for path in paths}
    skip_first = set(paths)  # the first read may start mid-line
    latencies = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for path in paths:
            try:
                size = os.stat(path).st_size
            except OSError:
                continue
            if size <= offsets[path]:
                continue
            now = time.time()
            with open(path, "rb") as f:
                f.seek(offsets[path])
                data = partial[path] + f.read(size - offsets[path])
            offsets[path] = size
            *lines, partial[path] = data.split(b"\n")
            if path in skip_first:
                skip_first.discard(path)
                lines = lines[1:]
            for line in lines:
                if line.startswith(b"t "):
                    latencies.append((now - float(line[2:])) * 1000)
        time.sleep(0.0005)
    return latencies


def run_variant(jar, root, name, jvm_flag, workers, seconds):
    tmp = os.path.join(root, name)
    os.makedirs(tmp)
    pids = Pids(os.path.join(root, "pids"))
    service = Service(jar, tmp, pids, jfr=False)
    if jvm_flag:
        service.argv.insert(1, jvm_flag)
    profiles = {"ticker": ["bash", "-c", TICKER], "blink": ["sh", "-c", QUICK]}
    for profile, command in profiles.items():
        for i, arg in enumerate(command):
            service.argv.append(f"--envkeeper.workers.profiles.{profile}.command[{i}]={arg}")
        service.argv.append(f"--envkeeper.workers.profiles.{profile}.max-per-environment=100000")
    service.argv.append("--envkeeper.limits.max-workers-per-environment=100000")
    try:
        try:
            service.start(timeout=900)
        except RuntimeError:
            sys.stderr.writelines(service.log_lines()[-40:])
            raise
        threads_idle = int(status_field(service.pid, "Threads"))
        env = service.create_environment("output")["id"]
        started = [service.start_worker(env, "ticker") for _ in range(workers)]
        log(f"{name}: {workers} workers started")
        time.sleep(5)  # steady state
        threads = int(status_field(service.pid, "Threads"))
        rss_kib = int(status_field(service.pid, "VmRSS"))
        logs = [os.path.join(service.data_dir, "worker-logs", env, w["id"] + ".log") for w in started[:10]]
        latencies = follow_latencies(logs, seconds)
        reaps = []
        for _ in range(50):
            t0 = time.monotonic()
            quick = service.start_worker(env, "blink")
            await_until(lambda: service.ok("GET", f"{API}/{env}/workers/{quick['id']}")["status"] == "EXITED", 10, 0.001)
            reaps.append((time.monotonic() - t0) * 1000)
        service.ok("DELETE", f"{API}/{env}?wait=PT60S", expect=(200,))
        return {
            "threads idle": threads_idle, "threads with workers": threads, "RSS MiB": rss_kib / 1024,
            "output latency p50 ms": statistics.median(latencies), "output latency p99 ms": p99(latencies),
            "lines measured": len(latencies),
            "start->EXITED p50 ms (quick worker)": statistics.median(reaps),
        }
    finally:
        if service.process and service.process.poll() is None:
            service.process.terminate()
            service.process.wait(60)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jar", required=True)
    parser.add_argument("--workers", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--variant", action="append", default=[], help="NAME=JVM_FLAG (repeatable)")
    args = parser.parse_args()
    variants = [("as built", "")] + [tuple(v.split("=", 1)) for v in args.variant]
    root = tempfile.mkdtemp(prefix="envkeeper-output-")
    results = {}
    try:
        for name, flag in variants:
            results[name] = run_variant(os.path.abspath(args.jar), root, name.replace(" ", "-"), flag,
                                        args.workers, args.seconds)
    finally:
        pids_file = os.path.join(root, "pids")
        if os.path.exists(pids_file):
            with open(pids_file) as f:
                for line in f:
                    pid, ticks = (int(x) for x in line.split())
                    if alive_as(pid, ticks):
                        os.kill(pid, 9)
        shutil.rmtree(root, ignore_errors=True)
    names = list(results)
    print(f"\n{args.workers} workers, each a line every 100 ms; latency over {args.seconds} s of 10 workers' logs\n")
    print(f"{'':40}" + "".join(f"{n:>22}" for n in names))
    for key in results[names[0]]:
        print(f"{key:40}" + "".join(f"{results[n][key]:>22.1f}" for n in names))


if __name__ == "__main__":
    main()
