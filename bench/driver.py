#!/usr/bin/env python3
"""Envkeeper benchmark driver (issue 8): starts the real jar, measures each figure beside its floor
in the same run, and prints one table. Started by bench/run.sh, which builds the jar and the C floors
and owns the temporary directory; everything this driver creates lives under --tmp.

Standard library only. Every wait has a deadline; every process started here is recorded in
<tmp>/pids ("pid starttime" lines) so that run.sh's EXIT trap can kill exactly those if this driver
dies. Modules: service (the jar and its client), figures (figures 1-7), cluster (c1, c2), feed (8, 9),
supervision (s1-s3: restart latency, killed descendants' zombie lifetime, the cost of cgroup
containment), counters (where the
time goes), report (the table).
"""

import argparse
import os
import signal
import subprocess
import sys
import time

from cluster import figure_forwarding, figure_wakeup, start_peers, stop_peers
from counters import Probe, fsync_latency
from feed import figure_feed_latency, figure_manifest_diff
from figures import (figure_destroy, figure_file_events, figure_polls, figure_scale, figure_shutdown,
                     figure_storms, figure_zombies)
from report import load, machine, table
from service import Pids, Service, log
from supervision import figure_containment_cost, figure_killed_descendants, figure_restart


def interrupted(signum, frame):
    """SIGTERM (from run.sh's trap) unwinds like Ctrl-C, so main's finally stops the service."""
    raise KeyboardInterrupt(f"signal {signum}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jar", required=True)
    parser.add_argument("--tmp", required=True)
    parser.add_argument("--floors", required=True, help="directory with the compiled C floors")
    parser.add_argument("--jfr", action="store_true", help="record the service with JFR (<tmp>/service.jfr)")
    parser.add_argument("--only", default="1,2,3,4,5,6,7,8,9,c1,c2,s1,s2,s3", help="figures to run, e.g. 1,4,s2")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    parser.add_argument("--trace", action="store_true",
                        help="figure 2: kernel timestamps along the reap path (a private ftrace instance; root)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, interrupted)
    only = set(args.only.split(","))
    floors = {name: os.path.join(args.floors, name) for name in (
        "destroy_floor", "waitpid_floor", "zombie_observer", "exit_observer", "kill_floor", "restart_floor")}
    pids = Pids(os.path.join(args.tmp, "pids"))
    service = Service(args.jar, args.tmp, pids, args.jfr)
    rows, notes, context = [], {}, []
    peers = []
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
        if "7" in only:
            rows += figure_storms(service, notes)
        if "8" in only:
            rows += figure_feed_latency(service, notes)
        if "5" in only:
            rows += figure_scale(service, probe, notes)
        if "3" in only:
            rows += figure_polls(service, probe, notes)
        if "9" in only:
            rows += figure_manifest_diff(service, notes)
            probe = Probe(service)  # the service restarted: a new pid
        context.append(f"fdatasync of 8 KiB on the data dir's filesystem, after: {fsync_latency(service.data_dir)}")
        if "c1" in only or "c2" in only:  # the cluster's figures (issue 14): two more nodes
            peers = start_peers(service, args.jar, args.tmp, pids)
            if "c1" in only:
                rows.append(figure_forwarding(service, peers[0]))
            if "c2" in only:
                rows.append(figure_wakeup(service, peers[0]))
            stop_peers(peers)
        if "6" in only:
            rows.append(figure_shutdown(service, notes))
        if "s1" in only:
            rows.append(figure_restart(service, floors, args.tmp, notes))
        if "s2" in only:
            rows.append(figure_killed_descendants(service, probe, floors, args.tmp, notes))
        if "s3" in only:
            rows.append(figure_containment_cost(service, args.jar, args.tmp, pids, notes))
    finally:
        stop_peers(peers)
        service.stop(timeout=40, strict=False)
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
