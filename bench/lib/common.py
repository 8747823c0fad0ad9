# SPDX-License-Identifier: ISC
"""Shared pieces of the benchmark harness: where things are, the result
table, process helpers (output collected as it comes, stopped by PID),
thread placement, memory and CPU readings from /proc.

Everything a measurement starts is stopped by the measurement itself, by
PID; namespaces and temporary directories are removed on the way out.
"""
import json
import os
import re
import selectors
import signal
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BUILD = os.environ.get("HVT_BUILD_DIR", os.path.join(ROOT, "build"))
TENDER = os.path.join(BUILD, "tender", "hvt-dpdk")
GUESTS = os.path.join(BUILD, "guest")
BENCH_BIN = os.environ.get("HVT_BENCH_BIN_DIR", os.path.join(BUILD, "bench"))
LIB = os.path.dirname(os.path.abspath(__file__))
PKTHELPER = os.path.join(LIB, "pkthelper.py")

# nettest.py (tests/net) brings Netns, wait_until and friends.
sys.path.insert(0, os.path.join(ROOT, "tests", "net"))
import nettest  # noqa: E402

ETH_P_BENCH = 0x88b5  # pktgen's ethertype; our helper uses it too


def guest(name):
    return os.path.join(GUESTS, name + ".hvt")


def bench_bin(name):
    """Path of a C bench program, or None when it is not built."""
    p = os.path.join(BENCH_BIN, name)
    return p if os.access(p, os.X_OK) else None


class Skip(Exception):
    """A row that cannot be measured here (missing program or feature)."""


class Results:
    """The rows of summary.csv plus notes, placements and raw samples."""

    def __init__(self):
        self.rows = []        # dicts: name, variant, frame_size, value, unit
        self.notes = []       # (section, text)
        self.errors = []      # (section, text)
        self.placement = []   # (measurement, text)
        self.samples = {}     # name -> list of floats (latency, start-up)
        self.durations = []   # (section, seconds)

    def add(self, name, variant, frame_size, value, unit):
        row = {"name": name, "variant": variant,
               "frame_size": "" if frame_size in (None, "") else
               int(frame_size),
               "value": value, "unit": unit}
        self.rows.append(row)
        print(f"  RESULT {name} {variant} {row['frame_size']} "
              f"{fmt(value)} {unit}", flush=True)
        return row

    def note(self, section, text):
        print(f"  NOTE [{section}] {text}", flush=True)
        self.notes.append((section, text))

    def error(self, section, text):
        print(f"  ERROR [{section}] {text}", flush=True)
        self.errors.append((section, text))

    def place(self, what, text):
        self.placement.append((what, text))

    def get(self, name, variant=None, frame_size=None, unit=None):
        for r in self.rows:
            if r["name"] != name:
                continue
            if variant is not None and r["variant"] != variant:
                continue
            if frame_size is not None and r["frame_size"] != frame_size:
                continue
            if unit is not None and r["unit"] != unit:
                continue
            return r["value"]
        return None


def fmt(v):
    if isinstance(v, float):
        if v == 0:
            return "0"
        if abs(v) >= 100:
            return f"{v:.0f}"
        if abs(v) >= 1:
            return f"{v:.2f}"
        return f"{v:.4g}"
    return str(v)


def pct(values, p):
    """Percentile p (0-100) by linear interpolation."""
    v = sorted(values)
    if not v:
        return float("nan")
    k = (len(v) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def mean(values):
    return statistics.fmean(values) if values else float("nan")


def gbits(pps, size):
    """L2 bit rate of frames of `size` bytes (without FCS, preamble, gap)."""
    return pps * size * 8 / 1e9


class Proc:
    """A process whose stdout and stderr are collected as they come, so a
    measurement can wait for a marker and time it."""

    def __init__(self, argv, stdin=None, pass_fds=(), quiet=False):
        if not quiet:
            print("  $ " + " ".join(argv), flush=True)
        self.argv = argv
        self.t_start = time.monotonic()
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, stdin=stdin,
                                     pass_fds=pass_fds)
        self.pid = self.proc.pid
        self.out = b""
        self.err = b""
        self.marks = {}  # regex -> monotonic time first seen
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.proc.stdout, selectors.EVENT_READ, "out")
        self.sel.register(self.proc.stderr, selectors.EVENT_READ, "err")

    def _pump(self, timeout):
        for key, _ in self.sel.select(timeout=timeout):
            data = os.read(key.fileobj.fileno(), 65536)
            now = time.monotonic()
            if not data:
                self.sel.unregister(key.fileobj)
            elif key.data == "out":
                self.out += data
                self.t_last_out = now
            else:
                self.err += data

    def wait_output(self, pattern, timeout=30.0, stream="out"):
        """Wait for a regex on stdout; returns (match, monotonic time at
        which the chunk holding it was read)."""
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern.encode())
        while True:
            m = rx.search(self.out if stream == "out" else self.err)
            if m:
                if pattern not in self.marks:
                    self.marks[pattern] = time.monotonic()
                return m, self.marks[pattern]
            left = deadline - time.monotonic()
            if left <= 0 or not self.sel.get_map():
                raise TimeoutError(
                    f"no {pattern!r} from {os.path.basename(self.argv[0])}"
                    f" (pid {self.pid}); stdout tail:\n"
                    + self.out[-1500:].decode(errors="replace")
                    + "\nstderr tail:\n"
                    + self.err[-1500:].decode(errors="replace"))
            # Short select timeouts: the time a marker is seen is the
            # measurement for start-up rows.
            for key, _ in self.sel.select(timeout=min(left, 0.2)):
                data = os.read(key.fileobj.fileno(), 65536)
                if not data:
                    self.sel.unregister(key.fileobj)
                elif key.data == "out":
                    self.out += data
                    if rx.search(self.out):
                        self.marks[pattern] = time.monotonic()
                else:
                    self.err += data

    def wait_exit(self, timeout=30.0):
        deadline = time.monotonic() + timeout
        while self.sel.get_map() and time.monotonic() < deadline:
            self._pump(0.2)
        left = max(deadline - time.monotonic(), 0.5)
        return self.proc.wait(timeout=left)

    def alive(self):
        return self.proc.poll() is None

    def stop(self, timeout=20.0):
        """SIGTERM this PID, wait; SIGKILL this PID if it does not stop."""
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                return self.wait_exit(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        try:
            return self.wait_exit(5)
        except subprocess.TimeoutExpired:
            return None

    def text(self):
        return (self.out.decode(errors="replace"),
                self.err.decode(errors="replace"))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def tender_cmd(*args, tender=None):
    return [tender or TENDER] + list(args)


# ---- /proc readings -------------------------------------------------------

def threads(pid):
    """[(tid, comm, allowed CPUs, last CPU, utime+stime ticks)]."""
    out = []
    try:
        tids = sorted(os.listdir(f"/proc/{pid}/task"), key=int)
    except OSError:
        return out
    for tid in tids:
        base = f"/proc/{pid}/task/{tid}"
        try:
            with open(base + "/stat") as f:
                st = f.read()
            with open(base + "/status") as f:
                status = f.read()
        except OSError:
            continue
        comm = st[st.index("(") + 1:st.rindex(")")]
        fields = st[st.rindex(")") + 2:].split()
        # fields[0] is field 3 (state): field N is fields[N - 3].
        last_cpu = int(fields[39 - 3])
        ticks = int(fields[14 - 3]) + int(fields[15 - 3])
        m = re.search(r"Cpus_allowed_list:\s*(\S+)", status)
        out.append((int(tid), comm, m.group(1) if m else "?", last_cpu,
                    ticks))
    return out


def placement_text(pid, label=""):
    lines = []
    for tid, comm, allowed, last, ticks in threads(pid):
        lines.append(f"{label}pid {pid} tid {tid:>7} {comm:<16} "
                     f"allowed={allowed:<5} last_cpu={last} "
                     f"cpu_ticks={ticks}")
    return "\n".join(lines)


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        st = f.read()
    fields = st[st.rindex(")") + 2:].split()
    return int(fields[14 - 3]) + int(fields[15 - 3])


CLK_TCK = os.sysconf("SC_CLK_TCK")


def smaps(pid):
    """[(start, end, name, {field: kB})] of a process."""
    maps = []
    cur = None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$",
                         line)
            if m:
                cur = (int(m.group(1), 16), int(m.group(2), 16),
                       m.group(3).strip(), {})
                maps.append(cur)
                continue
            m = re.match(r"^(\w+):\s+(\d+) kB", line)
            if m and cur is not None:
                cur[3][m.group(1)] = int(m.group(2))
    return maps


def rollup(pid):
    vals = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            m = re.match(r"^(\w+):\s+(\d+) kB", line)
            if m:
                vals[m.group(1)] = int(m.group(2))
    return vals


def guest_ram_ranges(maps, mem_mib):
    """The VMAs holding guest RAM. The tender reserves guest RAM as one
    anonymous mapping (split into several VMAs by the kernel image's
    protections) and, for guests with NICs, maps a hugetlbfs memfd named
    "hvt-guest-ram" over its upper part. So: the contiguous run of
    anonymous/"hvt-guest-ram" VMAs that contains the memfd; without one
    (no hugepages), the largest contiguous anonymous run of at least
    --mem MiB."""
    runs = []
    cur = []
    for vma in sorted(maps):
        name = vma[2]
        ok = name == "" or "hvt-guest-ram" in name
        if ok and cur and cur[-1][1] == vma[0]:
            cur.append(vma)
        else:
            if cur:
                runs.append(cur)
            cur = [vma] if ok else []
    if cur:
        runs.append(cur)
    for run in runs:
        if any("hvt-guest-ram" in v[2] for v in run):
            return run
    big = [r for r in runs if r[-1][1] - r[0][0] >= mem_mib << 20]
    if big:
        return max(big, key=lambda r: r[-1][1] - r[0][0])
    return []


def memory_report(pid, mem_mib):
    """Dict of memory figures (kB) for a tender, guest RAM excluded."""
    maps = smaps(pid)
    roll = rollup(pid)
    g = guest_ram_ranges(maps, mem_mib)
    gset = {(v[0], v[1]) for v in g}
    guest_rss = sum(v[3].get("Rss", 0) for v in g)
    guest_huge = sum(v[3].get("Private_Hugetlb", 0) +
                     v[3].get("Shared_Hugetlb", 0) for v in g)
    other_huge = sum(v[3].get("Private_Hugetlb", 0) +
                     v[3].get("Shared_Hugetlb", 0)
                     for v in maps if (v[0], v[1]) not in gset)
    by_name = {}
    for v in maps:
        if (v[0], v[1]) in gset:
            continue
        name = v[2] or "[anon]"
        name = re.sub(r"^/memfd:", "memfd:", name)
        if name.startswith("/"):
            name = os.path.basename(name)
        by_name[name] = by_name.get(name, 0) + v[3].get("Rss", 0)
    anon_excl = roll.get("Anonymous", 0) - sum(
        v[3].get("Anonymous", 0) for v in g)
    return {
        "rss_total": roll.get("Rss", 0),
        "rss_guest": guest_rss,
        "rss_excl_guest": roll.get("Rss", 0) - guest_rss,
        "pss_excl_guest": roll.get("Pss", 0) - sum(v[3].get("Pss", 0)
                                                   for v in g),
        "anon_excl_guest": anon_excl,
        "file_rss": roll.get("Rss", 0) - roll.get("Anonymous", 0),
        "hugetlb_guest": guest_huge,
        "hugetlb_other": other_huge,
        "guest_vmas": len(g),
        "guest_span": (g[-1][1] - g[0][0]) >> 10 if g else 0,
        "top": sorted(by_name.items(), key=lambda kv: -kv[1])[:10],
    }


def rm_dpdk_runtime(prefix):
    subprocess.run(["rm", "-rf", f"/var/run/dpdk/{prefix}"],
                   capture_output=True)


def parse_result_lines(text):
    """RESULT {json} and PLACEMENT {json} lines of the C bench programs."""
    res, place = [], []
    for line in text.splitlines():
        line = line.strip()
        for tag, dest in (("RESULT ", res), ("PLACEMENT ", place)):
            if line.startswith(tag):
                try:
                    dest.append(json.loads(line[len(tag):]))
                except ValueError:
                    pass
    return res, place
