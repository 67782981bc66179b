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
    return "\n".join(out + ([""] + ["Misses:"] + notes if notes else []) + ["", issue19(rows)])


# Issue 19's four goals, each one row of the table (its verdict computed there, against its floor
# where it has one): the line says which were met in this one run.
ISSUE19_GOALS = [
    ("destroy latency (p50 <= 2x floor, p99 <= 50 ms)", "1", "destroy latency"),
    ("destroy-all <= 5 s", "5", "destroy-all"),
    ("RSS <= 400 MiB at a 512 MiB heap cap", "5", "service RSS"),
    ("READY polls >= 1.0x liveness", "3", "READY (200)"),
]


def issue19(rows):
    parts, met, measured = [], 0, 0
    for label, figure, contains in ISSUE19_GOALS:
        row = next((r for r in rows if r.cells[0] == figure and contains in r.cells[1]), None)
        result = "not run" if row is None else row.cells[6]
        measured += row is not None
        met += result == "PASS"
        parts.append(f"{label}: {result}")
    verdict = "all four met" if met == 4 else f"{met} of {measured} run met" + ("" if measured == 4 else ", not all run")
    return f"Issue 19 goals, this run: {verdict} ({'; '.join(parts)})"


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal"))
    return f"nproc {os.cpu_count()}, Linux {os.uname().release}, {cpu}, {mem / 1024 / 1024:.0f} GiB RAM"


def load():
    return " ".join(open("/proc/loadavg").read().split()[:3])
