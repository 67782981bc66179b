"""The change feed's figures (issue 15): event latency beside inotifywait and watchman, and the
start-up diff of 500 workspaces' manifests after a restart. Each returns its table rows and adds
what it counted to `notes`."""

import json
import os
import re
import shutil
import statistics
import subprocess
import time

from counters import jcmd, service_log
from figures import LineReader, event_latencies, parallel
from report import Row
from service import API, await_until, log, ms, p99, summary


# --- figure 8: event latency beside inotifywait and watchman ----------------------------------------

class Watchman:
    """A private watchman server (socket, state and log in the run's directory, never the user's)
    and one subscription, stamping each file name with perf_counter_ns when watchman reports it."""

    def __init__(self, tmp, pids):
        self.dir = os.path.join(tmp, "watchman")
        os.makedirs(self.dir, exist_ok=True)
        self.sock = os.path.join(self.dir, "sock")
        self.pids = pids
        self.seen = {}
        self.client = None
        self.server = subprocess.Popen(
            ["watchman", "--foreground", f"--sockname={self.sock}", f"--logfile={self.dir}/log",
             f"--statefile={self.dir}/state", f"--pidfile={self.dir}/pid", "--no-save-state"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        pids.add(self.server.pid)
        await_until(lambda: os.path.exists(self.sock), 10, 0.02, "watchman listening")

    def command(self, *command):
        out = subprocess.run(["watchman", f"--sockname={self.sock}", "-j", "--no-pretty"],
                             input=json.dumps(list(command)), capture_output=True, text=True, timeout=30)
        answer = json.loads(out.stdout)
        if "error" in answer:
            raise RuntimeError(f"watchman {command[0]}: {answer['error']}")
        return answer

    def subscribe(self, root):
        self.command("watch", root)
        self.client = subprocess.Popen(["watchman", f"--sockname={self.sock}", "-j", "-p", "--no-pretty"],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.pids.add(self.client.pid)
        self.client.stdin.write(json.dumps(["subscribe", root, "bench", {
            "fields": ["name"], "expression": ["type", "f"], "empty_on_fresh_instance": True}]).encode() + b"\n")
        self.client.stdin.flush()
        subscribed = []

        def on_line(at, line):
            pdu = json.loads(line)
            if "subscribe" in pdu:
                subscribed.append(True)
            for name in pdu.get("files", []):
                self.seen.setdefault(name, at)

        LineReader(self.client.stdout.readline, on_line).start()
        await_until(lambda: subscribed, 10, 0.01, "watchman subscribed")

    def settle_ms(self):
        """watchman's settle period (it reports a change once the tree has been quiet this long)."""
        return 20  # its default; no .watchmanconfig is written here

    def close(self):
        for process in (self.client, self.server):
            if process and process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(5)


def figure_feed_latency(service, notes, rounds=200):
    """Issue 15: write a file, time its CREATE on /events; beside it, on the same directory and the
    same files, inotifywait (the floor) and watchman (a peer: what a client would run instead)."""
    have_watchman = shutil.which("watchman") is not None
    log(f"figure 8: file event latency, {rounds} files, SSE beside inotifywait"
        + (" and watchman" if have_watchman else " (watchman not installed: not measured)"))
    env = service.create_environment("feed-latency")
    watchman = None
    try:
        also = None
        if have_watchman:
            watchman = Watchman(service.tmp, service.pids)
            watchman.subscribe(env["path"])
            also = {"watchman": watchman.seen}
        result = event_latencies(service, env, rounds, prefix="feed", also=also)
    finally:
        if watchman:
            watchman.close()
    measured, floor_ns = result[0], result[1]
    (m50, m99), (f50, f99) = summary(measured), summary(floor_ns)
    rows = []
    verdict = ms(m99) <= ms(f99) + 5
    rows.append(Row("8", f"change feed: write -> SSE change (n={rounds}), floor inotifywait",
                    f"{ms(m50):.2f} / {ms(m99):.2f} ms", f"{ms(f50):.2f} / {ms(f99):.2f} ms",
                    f"p99 +{ms(m99 - f99):.2f} ms", "p99 <= floor + 5 ms", verdict,
                    "" if verdict else f"p99 {ms(m99 - f99):.1f} ms over the floor"))
    if have_watchman:
        w50, w99 = summary(result[2]["watchman"])
        below = m99 < w99
        rows.append(Row("8", f"change feed: the same, peer: watchman subscription (n={rounds})",
                        f"{ms(m50):.2f} / {ms(m99):.2f} ms", f"{ms(w50):.2f} / {ms(w99):.2f} ms",
                        f"p99 {m99 / w99:.2f}x", "p99 < watchman's p99", below,
                        "" if below else f"p99 {ms(m99):.1f} ms >= watchman's {ms(w99):.1f} ms"))
        notes["8 feed latency"] = [
            f"watchman {subprocess.run(['watchman', '--version'], capture_output=True, text=True).stdout.strip()} "
            f"with its defaults (settle {watchman.settle_ms()} ms: it reports a change once the tree has been quiet "
            "that long), a subscription on the same directory; its own server, socket and state in the run's directory"]
    else:
        notes["8 feed latency"] = ["watchman is not installed (apt-get install watchman): its column was not measured"]
    return rows


# --- figure 9: start-up manifest diff --------------------------------------------------------------

FIRST_WALK = re.compile(r"environment (\S+): first walk done in (\d+) ms \((\w+); (diffed against the manifest|manifest built)")
HEAP_USED = re.compile(r"used (\d+)K")


def heap_used_mb(service):
    """Heap in use right after a full GC (jcmd GC.run, then GC.heap_info)."""
    jcmd(service.pid, "GC.run")
    time.sleep(0.5)
    jcmd(service.pid, "GC.run")
    used = HEAP_USED.search(jcmd(service.pid, "GC.heap_info"))
    return int(used.group(1)) / 1024 if used else float("nan")


def make_trees(root, workspaces, dirs, files_per_dir):
    """`workspaces` trees of `dirs` directories; `files_per_dir` empty files in each (none: 0).
    Empty files: no data blocks, so removing half a million of them stays cheap on a disk mounted
    with discard."""
    paths = []
    for w in range(workspaces):
        base = os.path.join(root, f"ws-{w:03d}")
        for d in range(dirs):
            directory = os.path.join(base, f"d-{d:02d}")
            os.makedirs(directory, exist_ok=True)
            for f in range(files_per_dir):
                os.close(os.open(os.path.join(directory, f"f-{f:03d}.txt"), os.O_CREAT | os.O_WRONLY, 0o644))
        paths.append(base)
    return paths


def create_on(service, paths, name):
    return parallel(lambda p: service.ok("POST", API, {"name": name, "path": p}, expect=(201,)), paths, 4)


def await_watching(service, envs, directories):
    def watching(env):
        await_until(lambda: (lambda s: s["watcher"] == "WATCHING" and s["watchedDirectories"] >= directories)(
            service.ok("GET", f"{API}/{env['id']}/workspace")), 120, 0.05, f"{env['id']} watching")
    parallel(watching, envs, 4)


def changes_while_down(path, dirs):
    """Per workspace: 2 files made, 2 grown, 2 deleted."""
    os.close(os.open(os.path.join(path, "d-00", "new-1.txt"), os.O_CREAT | os.O_WRONLY, 0o644))
    os.close(os.open(os.path.join(path, f"d-{dirs - 1:02d}", "new-2.txt"), os.O_CREAT | os.O_WRONLY, 0o644))
    for name in ("d-01/f-000.txt", "d-02/f-050.txt"):
        with open(os.path.join(path, name), "a") as f:
            f.write("grown while the service was down\n")
    for name in ("d-03/f-001.txt", "d-04/f-099.txt"):
        os.unlink(os.path.join(path, name))
    return {"CREATE d-00/new-1.txt", f"CREATE d-{dirs - 1:02d}/new-2.txt", "MODIFY d-01/f-000.txt",
            "MODIFY d-02/f-050.txt", "DELETE d-03/f-001.txt", "DELETE d-04/f-099.txt"}


def figure_manifest_diff(service, notes, workspaces=500, dirs=10, files_per_dir=100):
    """Issue 15: the manifests kept for gap-free resume, at scale. 500 workspaces of 1 000 files are
    watched (their manifests built at create, reporting nothing); an orderly stop writes every
    manifest; 6 changes per workspace are made while the service is down; the restart diffs every
    tree against its manifest before readiness. Memory: heap after a full GC with the manifests
    minus the same 500 environments on the same trees without the files. Floor: a `find` stat walk
    of the same trees."""
    files = workspaces * dirs * files_per_dir
    log(f"figure 9: start-up manifest diff, {workspaces} workspaces x {files // workspaces} files")
    root = os.path.join(service.tmp, "diff-trees")
    paths = make_trees(root, workspaces, dirs, 0)
    baseline = create_on(service, paths, "diff-baseline")
    await_watching(service, baseline, dirs + 1)
    heap_without = heap_used_mb(service)
    parallel(lambda env: service.ok("DELETE", f"{API}/{env['id']}?wait=PT60S"), baseline, 8)

    t0 = time.perf_counter()
    make_trees(root, workspaces, dirs, files_per_dir)
    made_s = time.perf_counter() - t0
    envs = create_on(service, paths, "diff")
    await_watching(service, envs, dirs + 1)
    heap_with = heap_used_mb(service)
    cursors = {env["id"]: service.ok("GET", f"{API}/{env['id']}/workspace")["changeSeq"] for env in envs}

    stop_s = service.stop()
    manifest_dir = os.path.join(service.data_dir, "manifests")
    manifest_files = os.listdir(manifest_dir)
    manifest_bytes = sum(os.path.getsize(os.path.join(manifest_dir, f)) for f in manifest_files)
    expected = {}
    for env in envs:
        expected[env["id"]] = changes_while_down(env["path"], dirs)

    t0 = time.perf_counter()
    find = subprocess.run(["find", root, "-printf", "%y %s %T@ %p\n"], stdout=subprocess.DEVNULL, check=True)
    find_s = time.perf_counter() - t0

    restarted_at = time.time()
    ready_s = service.restart()
    walks = [(m.group(1), int(m.group(2)), m.group(3), m.group(4))
             for _, _, message in service_log(service, restarted_at) for m in [FIRST_WALK.search(message)] if m]
    diffed = {env_id: millis for env_id, millis, state, kind in walks
              if env_id in cursors and kind == "diffed against the manifest" and state == "WATCHING"}
    first_stamp = last_stamp = None
    for stamp, _, message in service_log(service, restarted_at):
        if "change feed resumes at seq" in message and first_stamp is None:
            first_stamp = stamp
        if FIRST_WALK.search(message):
            last_stamp = stamp
    heap_after_restart = heap_used_mb(service)

    def reported(env):
        answer = service.ok("GET", f"{API}/{env['id']}/workspace?since={cursors[env['id']]}")
        seen = {f"{c['kind']} {c['path']}" for c in answer["changes"]}
        return seen == expected[env["id"]]

    right = sum(parallel(reported, envs, 4))
    parallel(lambda env: service.ok("DELETE", f"{API}/{env['id']}?wait=PT60S"), envs, 8)

    per_walk = list(diffed.values())
    w50, w99 = (statistics.median(per_walk), p99(per_walk)) if per_walk else (float("nan"), float("nan"))
    diff_span_s = (last_stamp - first_stamp) if first_stamp and last_stamp else float("nan")
    per_entry = (heap_with - heap_without) * 1024 * 1024 / files
    works = right == workspaces and len(diffed) == workspaces
    rows = [
        Row("9", f"start-up diff, {workspaces} ws x {files // workspaces} files: all {workspaces} diffed (log span)",
            f"{diff_span_s:.2f} s", f"{find_s:.2f} s (find, stat walk)", f"{diff_span_s / find_s:.1f}x", "info", None, ""),
        Row("9", "start-up diff: one workspace's first walk (register + diff, 1 000 files)",
            f"{w50:.0f} / {w99:.0f} ms", "-", "-", "info", None, ""),
        Row("9", "start-up diff: restart to readiness (JVM, database, every diff)", f"{ready_s:.1f} s", "-", "-",
            "info", None, ""),
        Row("9", f"start-up diff: changes made while down, reported exactly ({workspaces} x 6)",
            f"{right} of {workspaces} workspaces", "-", "-", "all, no OVERFLOW", works,
            "" if works else f"{workspaces - right} workspaces answered otherwise; {len(diffed)} diffed"),
        Row("9", f"manifests in memory ({files:,} entries; heap after full GC, with - without)",
            f"{heap_with - heap_without:.1f} MB ({per_entry:.0f} B/entry)", f"{heap_without:.0f} MB without",
            "-", "info", None, ""),
    ]
    notes["9 manifest diff"] = [
        f"{files:,} empty files made in {made_s:.1f} s in {workspaces * dirs} directories; environments created on them "
        "(their manifests built by the first walk, nothing reported)",
        f"heap after a full GC: {heap_without:.1f} MB ({workspaces} environments on the trees without files), "
        f"{heap_with:.1f} MB (with the files), {heap_after_restart:.1f} MB after the restart",
        f"manifests on disk: {manifest_bytes / 1024 / 1024:.1f} MB in {len(manifest_files)} files "
        f"({manifest_bytes / files:.0f} B/entry); the orderly stop that wrote them took {stop_s:.1f} s",
        f"restart: {len(walks)} first walks logged, {len(diffed)} of this figure's diffed against a manifest; "
        f"per workspace {w50:.0f} / {w99:.0f} / {max(per_walk, default=0):.0f} ms (median / p99 / max), "
        f"{sum(per_walk) / 1000:.1f} s in all; first 'change feed resumes' to last 'first walk done' {diff_span_s:.2f} s",
        f"floor: find -printf '%y %s %T@ %p' over the same {files + workspaces * (dirs + 1):,} entries, warm cache: {find_s:.2f} s",
    ]
    return rows
