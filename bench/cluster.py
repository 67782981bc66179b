"""Figures c1 and c2 (issue 14): a cluster of three nodes of the same jar on this machine, the two
peers using the first node's embedded PostgreSQL as the shared database.

c1. Forwarded-call overhead: GET .../workspace of an environment owned by node B, asked of B itself
   and of node A (which forwards it to B), interleaved in the same run: p50 / p99 of each.
c2. Destroy wake-up: DELETE (no wait) sent to node A for an environment owned by node B, to the
   teardown's start on B, seen as the `destroyed` event of an event stream opened on B itself.
"""

import http.client
import os
import socket
import threading
import time

from figures import LineReader
from report import Row
from service import API, Service, await_until, log, ms, summary


class Peer(Service):
    """Another node: its own data dir, port and node id, on the first node's PostgreSQL."""

    def __init__(self, first, name, jar, tmp, pids):
        super().__init__(jar, os.path.join(tmp, name), pids, False, node_id=f"bench-{name}",
                         token=first.token, database_url=first.database_url(),
                         database_password=first.database_password())
        self.node_id = f"bench-{name}"


def start_peers(service, jar, tmp, pids):
    peers = []
    for name in ("b", "c"):
        os.makedirs(os.path.join(tmp, name), exist_ok=True)
        peer = Peer(service, name, jar, tmp, pids)
        peer.start()
        peers.append(peer)
    return peers


def stop_peers(peers):
    for peer in peers:
        if peer.process and peer.process.poll() is None:
            peer.process.terminate()
            try:
                peer.process.wait(40)
            except Exception:
                peer.process.kill()
                peer.process.wait(10)


def figure_forwarding(service, owner, rounds=2000):
    log(f"figure c1: GET .../workspace on the owner vs through another node, {rounds} rounds interleaved")
    env = service.ok("POST", API, {"name": "forwarded", "node": owner.node_id}, expect=(201,))["id"]
    path = f"{API}/{env}/workspace"
    for _ in range(300):  # warm-up: JIT, keep-alive connections between the nodes
        service.ok("GET", path)
        owner.ok("GET", path)
    direct, forwarded = [], []
    for _ in range(rounds):
        started = time.perf_counter_ns()
        owner.ok("GET", path)
        direct.append(time.perf_counter_ns() - started)
        started = time.perf_counter_ns()
        service.ok("GET", path)
        forwarded.append(time.perf_counter_ns() - started)
    d50, d99 = summary(direct)
    f50, f99 = summary(forwarded)
    extra = ms(f50 - d50)
    log(f"figure c1: via a non-owner {ms(f50):.2f} / {ms(f99):.2f} ms, on the owner {ms(d50):.2f} / {ms(d99):.2f} ms")
    return Row("c1", f"forwarded call: GET /workspace via a non-owner (n={rounds})",
               f"{ms(f50):.2f} / {ms(f99):.2f} ms", f"{ms(d50):.2f} / {ms(d99):.2f} ms (owner)",
               f"+{extra:.2f} ms p50", "<= +1 ms p50", extra <= 1.0, "" if extra <= 1.0 else f"+{extra:.2f} ms")


def figure_wakeup(service, owner, rounds=100):
    log(f"figure c2: DELETE on a non-owner -> teardown start on the owner, {rounds} rounds")
    latencies = []
    for i in range(rounds):
        env = service.ok("POST", API, {"name": f"woken-{i}", "node": owner.node_id}, expect=(201,))["id"]
        stream = http.client.HTTPConnection("127.0.0.1", owner.port, timeout=30)
        stream.request("GET", f"{API}/{env}/events", headers={**owner.headers(), "Accept": "text/event-stream"})
        response = stream.getresponse()
        seen = {}
        opened = threading.Event()

        def on_line(at, line):
            if line.startswith(":"):
                opened.set()
            if line.replace(" ", "").strip() == "event:destroyed":  # Spring writes "event:destroyed"
                seen.setdefault("destroyed", at)

        LineReader(response.fp.readline, on_line).start()
        if not opened.wait(10):
            raise RuntimeError("event stream on the owner did not open")
        sent = time.perf_counter_ns()
        status, _ = service.request("DELETE", f"{API}/{env}")
        if status not in (200, 202):
            raise RuntimeError(f"DELETE answered {status}")
        await_until(lambda: "destroyed" in seen, 10, 0.001, "destroyed event on the owner")
        latencies.append(seen["destroyed"] - sent)
        # The reader thread blocks in a raw readline on the kept-alive connection (the stream ended,
        # the connection did not) and holds the file's lock: shut the socket down to free it, or
        # close() waits for the socket's 30 s timeout.
        stream.sock.shutdown(socket.SHUT_RDWR)
        stream.close()
    w50, w99 = summary(latencies)
    return Row("c2", f"wake-up: DELETE on a non-owner -> owner's teardown start (n={rounds})",
               f"{ms(w50):.1f} / {ms(w99):.1f} ms", "-", "-", "p99 <= 50 ms", ms(w99) <= 50,
               "" if ms(w99) <= 50 else f"p99 {ms(w99):.1f} ms")
