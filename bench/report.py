"""The one table the benchmark prints, and the machine it ran on."""

import os


class Row:
    """One line of the table; verdict None is a figure shown for information only."""

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
