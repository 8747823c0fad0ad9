# SPDX-License-Identifier: ISC
"""The measurements of bench/run. Each takes (Results, Config), is bounded
in time, stops what it started (by PID) and removes what it created. A
missing program raises Skip (a note, not a failure)."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from common import (ETH_P_BENCH, PKTHELPER, TENDER, Proc, Skip, bench_bin,
                    cpu_ticks, CLK_TCK, threads, gbits, guest, mean, memory_report,
                    nettest, parse_result_lines, pct, placement_text,
                    rm_dpdk_runtime)
from testpmd import Pmd

MAC_RE = r"ready mac ([0-9a-f:]{17})"


class Config:
    def __init__(self, smoke):
        self.smoke = smoke
        if smoke:
            self.synth_seconds = 1
            self.synth_sizes = [64]
            self.pmd_seconds = 1.0
            self.sizes = [64]
            self.e2e_frames = 500
            self.e2e_sizes = [64]
            self.e2e_reps = 1
            self.sink_frames = 2000
            self.vhost_seconds = 1.0
            self.reflect_frames = 320
            self.ping_count = 50
            self.pingpong_guest = 200
            self.pingpong_synth = 2000
            self.hello_runs = 5
            self.nic_runs = 2
            self.ttfp_runs = 2
            self.idle_seconds = 2.0
        else:
            self.synth_seconds = 2
            self.synth_sizes = [64, 512, 1518]
            self.pmd_seconds = 3.0
            self.sizes = [64, 512, 1518]
            self.e2e_frames = 2000
            self.e2e_sizes = [64, 1500]
            # pktgen and sink rates: the median of this many runs, as
            # this shared machine's noise moves single runs by 30%.
            self.e2e_reps = 3
            self.sink_frames = 20000
            self.vhost_seconds = 3.0
            self.reflect_frames = 3200
            self.ping_count = 1000
            self.pingpong_guest = 2000
            self.pingpong_synth = 20000
            self.hello_runs = 30
            self.nic_runs = 10
            self.ttfp_runs = 5
            self.idle_seconds = 5.0
        self.solo5 = os.environ.get("SOLO5_HVT") or None
        if self.solo5 and not os.access(self.solo5, os.X_OK):
            self.solo5_missing = self.solo5
            self.solo5 = None
        else:
            self.solo5_missing = None

    def tenders(self):
        """(label, binary) of the tenders the guest rows run under."""
        out = [("hvt-dpdk", TENDER)]
        if self.solo5:
            out.append(("solo5-hvt", self.solo5))
        return out


def tag():
    return f"{os.getpid()}-{int(time.monotonic() * 1000) % 100000}"


class TapNs(nettest.Netns):
    """A namespace with IPv6 off (no router solicitations on the tap) and,
    optionally, tap0 made the tutorial's way and up."""

    def __init__(self, what, tap=True, addr=None):
        super().__init__(f"b{what}"[:8])
        self.want_tap = tap
        self.addr = addr

    def __enter__(self):
        super().__enter__()
        self.run("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
        self.run("sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1")
        if self.want_tap:
            self.ip("tuntap", "add", "tap0", "mode", "tap")
            if self.addr:
                self.ip("addr", "add", self.addr, "dev", "tap0")
            self.ip("link", "set", "tap0", "up")
        return self

    def helper(self, *args):
        p = Proc(self.cmd(sys.executable, PKTHELPER, *map(str, args)),
                 quiet=True)
        p.wait_output(r"armed", timeout=20)
        return p


def helper_result(p, timeout):
    p.wait_exit(timeout)
    for line in reversed(p.out.decode().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError("pkthelper gave no result: " + p.text()[1][-500:])


def record_place(R, what, proc_or_pid, label=""):
    pid = getattr(proc_or_pid, "pid", proc_or_pid)
    txt = placement_text(pid, label)
    if txt:
        R.place(what, txt)


def stop_all(*procs):
    for p in procs:
        if p is not None:
            try:
                p.stop() if isinstance(p, Proc) else p.quit()
            except Exception as e:  # keep stopping the others
                print("  stop:", e, flush=True)


# ---- 1. host dataplane capacity (hvt-bench-synth) --------------------------

# The synthetic guest's I/O paths (hvt-bench-synth --io): the Solo5 shared
# ring and the NET_WRITE/NET_READ hypercalls (what unmodified Solo5 guests
# use), and hvt-dpdk's fast-path queues driven as the guest runtime's burst
# API does (net_fast.c: pre-filled TX slots reposted, RX buffers reposted
# in place, reflect in the RX buffers). Variants are PORT/MODE/IO.
SYNTH_IOS = ("ring", "fastpath", "hypercall")


def synth_run(R, cfg, exe, spec, mode, io, ns=None, variant=None,
              seconds=None, sizes=None):
    argv = [exe, "--port", spec, "--mode", mode, "--io", io, "--sizes",
            ",".join(map(str, sizes or cfg.synth_sizes)), "--seconds",
            str(seconds or cfg.synth_seconds), "--poll-cpu", "1",
            "--guest-cpu", "0"]
    if ns:
        argv = ns.cmd(*argv)
    p = Proc(argv)
    kind = ("null" if spec.startswith("dpdk:net_null0") else
            "ring" if spec.startswith("dpdk:net_ring0") else
            "vhost" if spec.startswith("vhost") else "tap")
    return p, variant or f"{kind}/{mode}/{io}"


def synth_collect(R, p, variant, timeout, spec):
    try:
        rc = p.wait_exit(timeout)
    except subprocess.TimeoutExpired:
        p.stop()
        raise RuntimeError(f"hvt-bench-synth {variant} timed out")
    out, err = p.text()
    res, place = parse_result_lines(out + "\n" + err)
    if rc != 0 and not res:
        raise RuntimeError(f"hvt-bench-synth {variant} exit {rc}: "
                           + (err or out)[-600:])
    for r in res:
        # Our own label first (the targets look for it), then the
        # program's own variant if it says something else.
        theirs = str(r.get("variant") or "")
        v = variant if theirs in ("", variant) else f"{variant} ({theirs})"
        row = R.add(r.get("name", "synth"), v, r.get("frame_size", ""),
                    r.get("value"), r.get("unit", ""))
        row["src"] = "synth"
    if place:
        R.place(f"hvt-bench-synth {variant} ({spec})",
                "\n".join(json.dumps(x) for x in place))
    return res


def m_synth(R, cfg):
    exe = bench_bin("hvt-bench-synth")
    if not exe:
        raise Skip("build/bench/hvt-bench-synth is not built: host "
                   "dataplane capacity rows (net_null, net_ring, tap, "
                   "vhost-user) and cycles/pkt rows are missing")
    ios = ["ring"] if cfg.smoke else list(SYNTH_IOS)
    per = cfg.synth_seconds * len(cfg.synth_sizes) * 2 + 40
    plans = [("dpdk:net_null0", m) for m in
             (["tx", "rx"] if cfg.smoke else ["tx", "rx", "reflect"])]
    if not cfg.smoke:
        plans.append(("dpdk:net_ring0", "reflect"))
    for spec, mode in plans:
        for io in ios:
            p, v = synth_run(R, cfg, exe, spec, mode, io)
            synth_collect(R, p, v, per, spec)
    # net_null receives frames of its `size` devarg (64 by default): the
    # other sizes, one run each.
    for size in ([] if cfg.smoke else cfg.synth_sizes[1:]):
        spec = f"dpdk:net_null0,size={size}"
        for mode in ("rx", "reflect"):
            for io in ios:
                p, v = synth_run(R, cfg, exe, spec, mode, io, sizes=[size])
                synth_collect(R, p, v, per, spec)
    if cfg.smoke:
        # The fast path's one smoke row: net_null TX, 64 B, half a second.
        p, v = synth_run(R, cfg, exe, "dpdk:net_null0", "tx", "fastpath",
                         seconds=0.5)
        synth_collect(R, p, v, per, "dpdk:net_null0")
        return
    # A tap made the tutorial's way in a private namespace; nobody sends
    # into it, so transmit only.
    with TapNs("syn") as ns:
        for io in ios:
            p, v = synth_run(R, cfg, exe, "tap0", "tx", io, ns=ns,
                             variant=f"tap/tx/{io}")
            synth_collect(R, p, v, per, "tap0")
    # vhost-user with testpmd as the virtio-user peer.
    peer_mode = {"tx": "rxonly", "rx": "txonly", "reflect": "macswap"}
    # TX loops over the sizes itself; RX and reflect get testpmd's frames,
    # of --txpkts bytes: a run per size.
    runs = [("tx", None)] + [(m, s) for m in ("rx", "reflect")
                             for s in cfg.synth_sizes]
    for mode, size in runs:
        for io in ios:
            with tempfile.TemporaryDirectory(prefix="hvt-bench-") as tmp:
                sock = f"{tmp}/vhost.sock"
                p, v = synth_run(R, cfg, exe, f"vhost:{sock}", mode, io,
                                 variant=f"vhost/{mode}/{io}",
                                 sizes=[size] if size else None)
                pmd = None
                try:
                    nettest.wait_until("the vhost socket",
                                       lambda: os.path.exists(sock), 20)
                    pmd = Pmd([nettest.virtio_peer(0, sock)],
                              peer_mode[mode], f"hb-syn-{tag()}",
                              lcores="0@0,1@0",
                              extra=["--total-num-mbufs=8192"] +
                              ([f"--txpkts={size}"] if size else []))
                    nettest.wait_until("link up", pmd.link_up, 20, 0.1)
                    pmd.cmd("start tx_first 1" if mode == "reflect"
                            else "start")
                    record_place(R, f"testpmd peer of synth {v}", pmd.pid)
                    synth_collect(R, p, v, per, sock)
                finally:
                    stop_all(pmd, p)


def m_callgrind(R, cfg):
    exe = bench_bin("hvt-bench-synth")
    if cfg.smoke:
        raise Skip("callgrind: full run only")
    if not exe or not shutil.which("valgrind"):
        raise Skip("callgrind over hvt-bench-synth: "
                   + ("hvt-bench-synth not built" if not exe
                      else "valgrind not installed"))
    with tempfile.TemporaryDirectory(prefix="hvt-bench-cg-") as tmp:
        out = f"{tmp}/callgrind.out"
        p = Proc(["valgrind", "--tool=callgrind",
                  f"--callgrind-out-file={out}", exe, "--port",
                  "dpdk:net_null0", "--mode", "tx", "--io", "ring",
                  "--sizes", "64", "--seconds", "2"])
        try:
            p.wait_exit(120)
        except subprocess.TimeoutExpired:
            p.stop()
            raise Skip("callgrind run exceeded 120 s")
        if not os.path.exists(out):
            raise Skip("callgrind produced no profile: "
                       + p.text()[1][-300:])
        ann = subprocess.run(["callgrind_annotate", out],
                             capture_output=True, text=True, timeout=60)
        top = [ln for ln in ann.stdout.splitlines()
               if "%)" in ln][:16]
        R.note("cost", "callgrind over hvt-bench-synth (net_null0 tx, 64 B, "
               "ring, 2 s; instruction counts, not cycles). Under callgrind "
               "(~50x slower) start-up (the dynamic loader, EAL) dominates "
               "a 2 s run, so this shows start-up cost more than the "
               "per-packet loop; top of callgrind_annotate:\n\n```\n"
               + "\n".join(top) + "\n```")


# ---- 2. reference rows -----------------------------------------------------

def rate_window(pmd, seconds, ports=None):
    a, ta = pmd.counters()
    time.sleep(seconds)
    b, tb = pmd.counters()
    ports = ports if ports is not None else list(b)
    rx = sum(b[p][0] - a[p][0] for p in ports)
    return rx / (tb - ta)


def m_testpmd_null(R, cfg):
    for size in cfg.sizes:
        pmd = Pmd([f"net_null0,size={size}", f"net_null1,size={size}"],
                  "io", f"hb-null-{tag()}", lcores="0@0,1@1",
                  extra=["--total-num-mbufs=8192"])
        try:
            pmd.cmd("start")
            time.sleep(0.3)
            record_place(R, f"testpmd io 2x net_null {size} B", pmd.pid)
            pps = rate_window(pmd, cfg.pmd_seconds)
            pmd.stop_fwd()
        finally:
            pmd.quit()
        R.add("ref_testpmd_null", "io 2x net_null", size, pps / 1e6, "Mpps")
        R.add("ref_testpmd_null", "io 2x net_null", size,
              gbits(pps, size), "Gbit/s")


def m_testpmd_pipe(R, cfg):
    """virtio-user (txonly, sender) -> vhost (rxonly, receiver): two
    testpmd processes, forwarding cores on different CPUs; RX rate at the
    receiver over a fixed interval."""
    with tempfile.TemporaryDirectory(prefix="hvt-bench-pipe-") as tmp:
        sock = f"{tmp}/pipe.sock"
        rx = tx = None
        try:
            rx = Pmd([f"net_vhost0,iface={sock},queues=1"], "rxonly",
                     f"hb-prx-{tag()}", lcores="0@0,1@1",
                     extra=["--total-num-mbufs=8192"])
            nettest.wait_until("the pipe socket",
                               lambda: os.path.exists(sock), 20)
            tx = Pmd([nettest.virtio_peer(0, sock)], "txonly",
                     f"hb-ptx-{tag()}", lcores="0@1,1@0",
                     extra=["--total-num-mbufs=8192"])
            nettest.wait_until("pipe link up", tx.link_up, 20, 0.1)
            nettest.wait_until("pipe link up (vhost)", rx.link_up, 20, 0.1)
            rx.cmd("start")
            for size in cfg.sizes:
                tx.cmd(f"set txpkts {size}")
                tx.cmd("start")
                time.sleep(0.3)
                if size == cfg.sizes[0]:
                    record_place(R, "testpmd pipe receiver (vhost rxonly)",
                                 rx.pid)
                    record_place(R, "testpmd pipe sender (virtio-user "
                                 "txonly)", tx.pid)
                pps = rate_window(rx, cfg.pmd_seconds, ports=[0])
                tx.stop_fwd()
                R.add("ref_testpmd_pipe", "virtio-user->vhost", size,
                      pps / 1e6, "Mpps")
                R.add("ref_testpmd_pipe", "virtio-user->vhost", size,
                      gbits(pps, size), "Gbit/s")
        finally:
            stop_all(tx, rx)


def m_taploop(R, cfg):
    exe = bench_bin("hvt-bench-taploop")
    if not exe:
        raise Skip("build/bench/hvt-bench-taploop is not built: no tap "
                   "write-per-packet reference row")
    with TapNs("tlp") as ns:
        for size in [",".join(map(str, cfg.sizes))]:
            p = Proc(ns.cmd(exe, "--tap", "tap0", "--mode", "write",
                            "--sizes", size,
                            "--seconds", str(cfg.synth_seconds)))
            try:
                rc = p.wait_exit(cfg.synth_seconds * len(cfg.sizes) + 30)
            except subprocess.TimeoutExpired:
                p.stop()
                raise RuntimeError("hvt-bench-taploop timed out")
            out, err = p.text()
            res, place = parse_result_lines(out + "\n" + err)
            if not res:
                raise RuntimeError(f"hvt-bench-taploop exit {rc}: "
                                   + (err or out)[-500:])
            for r in res:
                R.add("ref_" + r.get("name", "taploop"),
                      r.get("variant", "tap write loop"),
                      r.get("frame_size", size), r.get("value"),
                      r.get("unit", ""))
            if place:
                R.place(f"hvt-bench-taploop {size} B",
                        "\n".join(json.dumps(x) for x in place))


# ---- 3. end to end with real guests -----------------------------------------

def guest_line(out, rx):
    m = re.search(rx, out)
    return m


def tender_stats(R, t, what):
    """The tender's own counters at exit (its 'net service' line)."""
    m = re.search(r"net service \(.*", t.text()[1])
    if m:
        R.note("e2e", f"{what}: tender: {m.group(0).strip()}")


def wait_carrier(ns):
    """The tender's dataplane has the tap open (the kernel's LOWER_UP):
    frames sent before that are dropped by the kernel."""
    nettest.wait_until("carrier on tap0",
                       lambda: ns.link_has_carrier("tap0"), 20)


def _median_run(reps, once):
    """Run once() reps times; the run with the median rate (its first
    element), so the rows of one variant come from one run."""
    runs = sorted((once() for _ in range(reps)), key=lambda r: r[0])
    return runs[len(runs) // 2]


def e2e_tap_one(R, cfg, label, tender, extra=()):
    vtag = label + ("" if not extra else "," + ",".join(
        a.lstrip("-") for a in extra))
    with TapNs("e2e") as ns:
        # pktgen -> tap -> AF_PACKET counter
        for size in cfg.e2e_sizes:
            n = cfg.e2e_frames

            def pktgen_once():
                h = ns.helper("count", "tap0", 120, 2.0, n)
                t = Proc(ns.cmd(tender, "--mem=32", "--net:service=tap0",
                                *extra, "--", guest("pktgen"), str(n),
                                str(size)))
                try:
                    rc = t.wait_exit(120)
                    got = helper_result(h, 30)
                finally:
                    stop_all(t, h)
                m = guest_line(t.text()[0], r"pktgen: sent=(\d+) pps=(\d+)")
                if rc != 0 or not m:
                    raise RuntimeError(f"pktgen over tap ({label}) exit "
                                       f"{rc}:\n"
                                       + "\n".join(t.text())[-800:])
                return int(m.group(2)), got["count"]

            pps, count = _median_run(cfg.e2e_reps, pktgen_once)
            R.add("e2e_pktgen", f"tap/{vtag}", size, pps, "pps")
            R.add("e2e_pktgen_delivered", f"tap/{vtag}", size,
                  100.0 * count / n, "%")
        # AF_PACKET sender -> tap -> sink
        for size in cfg.e2e_sizes:
            n = cfg.sink_frames

            def sink_once():
                t = Proc(ns.cmd(tender, "--mem=32", "--net:service=tap0",
                                *extra, "--", guest("sink"),
                                "--idle-exit=2"))
                try:
                    t.wait_output(r"sink: ready", 30)
                    wait_carrier(ns)
                    record_place(R, f"e2e sink over tap ({vtag}) {size} B",
                                 t)
                    h = ns.helper("send", "tap0", n, size,
                                  "ff:ff:ff:ff:ff:ff")
                    sent = helper_result(h, 120)
                    rc = t.wait_exit(60)
                finally:
                    stop_all(t)
                m = guest_line(t.text()[0],
                               r"sink: total=(\d+) bytes=(\d+) pps=(\d+)")
                if rc != 0 or not m:
                    raise RuntimeError(f"sink over tap ({label}) exit {rc}:"
                                       "\n" + "\n".join(t.text())[-800:])
                return int(m.group(3)), int(m.group(1)), sent

            pps, total, sent = _median_run(cfg.e2e_reps, sink_once)
            R.add("e2e_sink", f"tap/{vtag}", size, pps, "pps")
            R.add("e2e_sink_delivered", f"tap/{vtag}", size,
                  100.0 * total / max(sent["sent"], 1), "%")
            R.add("e2e_sink_offered", f"tap/{vtag}", size,
                  sent["sent"] / max(sent["t1"] - sent["t0"], 1e-9), "pps")
        # AF_PACKET <-> tap <-> reflect (64 frames in flight at most)
        for size in cfg.e2e_sizes:
            n = cfg.reflect_frames
            t = Proc(ns.cmd(tender, "--mem=32", "--net:service=tap0",
                            *extra, "--", guest("reflect"), "--idle-exit=2"))
            try:
                m, _ = t.wait_output(r"reflect: " + MAC_RE, 30)
                mac = m.group(1).decode()
                wait_carrier(ns)
                h = ns.helper("reflect", "tap0", n, size, mac, 120)
                res = helper_result(h, 150)
                rc = t.wait_exit(60)
            finally:
                stop_all(t)
            if not res["t_first"] or res["received"] < 2:
                raise RuntimeError(f"reflect over tap ({label}): nothing "
                                   f"came back: {res}")
            pps = (res["received"] - 1) / (res["t_last"] - res["t_first"])
            R.add("e2e_reflect", f"tap/{vtag}", size, pps, "pps")
            R.add("e2e_reflect_delivered", f"tap/{vtag}", size,
                  100.0 * res["received"] / n, "%")


# The same guest images through each guest I/O path of hvt-dpdk: the fast
# path (our guests' default), the Solo5 0.11+ shared ring (one copy into a
# slot per frame, as Solo5 0.12 guests do) and one hypercall per frame (as
# Solo5 0.8-0.10 guests do).
E2E_IO_PATHS = [
    (),
    ("--net-fastpath=off",),
    ("--net-fastpath=off", "--net-ring=off"),
]


def m_e2e_tap(R, cfg):
    for extra in E2E_IO_PATHS if not cfg.smoke else E2E_IO_PATHS[:1]:
        e2e_tap_one(R, cfg, "hvt-dpdk", TENDER, extra=extra)
    if cfg.solo5:
        e2e_tap_one(R, cfg, "solo5-hvt", cfg.solo5)


def m_e2e_vhost(R, cfg):
    for size in cfg.e2e_sizes:
        with tempfile.TemporaryDirectory(prefix="hvt-bench-e2e-") as tmp:
            sock = f"{tmp}/vhost.sock"
            spec = f"--net:service=vhost:{sock}"
            # pktgen -> testpmd rxonly
            n = cfg.e2e_frames
            t = Proc([TENDER, "--mem=32", spec, "--", guest("pktgen"),
                      str(n), str(size), "--wait-rx", "--idle-exit=60"])
            pmd = None
            try:
                t.wait_output(r"pktgen: ready", 30)
                nettest.wait_until("the vhost socket",
                                   lambda: os.path.exists(sock), 20)
                pmd = Pmd([nettest.virtio_peer(0, sock)], "rxonly",
                          f"hb-e2p-{tag()}", lcores="0@0,1@0",
                          extra=["--total-num-mbufs=4096"])
                nettest.wait_until("link up", pmd.link_up, 30, 0.1)
                pmd.cmd("start tx_first 1")
                t.wait_output(r"pktgen: peer is up", 60)
                record_place(R, f"e2e pktgen over vhost {size} B", t)
                record_place(R, f"e2e pktgen over vhost {size} B (testpmd)",
                             pmd.pid)
                t.wait_output(r"pktgen: sent=", 120)
                try:
                    nettest.wait_until("frames at testpmd",
                                       lambda: pmd.stats()[0] >= n, 5)
                except TimeoutError:
                    pass  # reported as delivered < 100%
                got = pmd.stats()[0]
            finally:
                stop_all(pmd, t)
            m = guest_line(t.text()[0], r"pktgen: sent=(\d+) pps=(\d+)")
            R.add("e2e_pktgen", "vhost/hvt-dpdk", size, int(m.group(2)),
                  "pps")
            tender_stats(R, t, f"pktgen over vhost {size} B")
            R.add("e2e_pktgen_delivered", "vhost/hvt-dpdk", size,
                  100.0 * got / n, "%")
        with tempfile.TemporaryDirectory(prefix="hvt-bench-e2e-") as tmp:
            sock = f"{tmp}/vhost.sock"
            spec = f"--net:service=vhost:{sock}"
            # testpmd txonly -> sink
            t = Proc([TENDER, "--mem=32", spec, "--", guest("sink"),
                      "--idle-exit=2"])
            pmd = None
            try:
                t.wait_output(r"sink: ready", 30)
                nettest.wait_until("the vhost socket",
                                   lambda: os.path.exists(sock), 20)
                pmd = Pmd([nettest.virtio_peer(0, sock)], "txonly",
                          f"hb-e2s-{tag()}", lcores="0@0,1@0",
                          extra=["--total-num-mbufs=4096",
                                 f"--txpkts={size}"])
                nettest.wait_until("link up", pmd.link_up, 30, 0.1)
                pmd.cmd("start")
                time.sleep(cfg.vhost_seconds / 2)
                record_place(R, f"e2e sink over vhost {size} B", t)
                record_place(R, f"e2e sink over vhost {size} B (testpmd)",
                             pmd.pid)
                time.sleep(cfg.vhost_seconds / 2)
                _, sent = pmd.stop_fwd()
                rc = t.wait_exit(60)
            finally:
                stop_all(pmd, t)
            m = guest_line(t.text()[0],
                           r"sink: total=(\d+) bytes=(\d+) pps=(\d+)")
            if rc != 0 or not m:
                raise RuntimeError("sink over vhost exit "
                                   f"{rc}:\n" + "\n".join(t.text())[-800:])
            R.add("e2e_sink", "vhost/hvt-dpdk", size, int(m.group(3)),
                  "pps")
            R.add("e2e_sink_delivered", "vhost/hvt-dpdk", size,
                  100.0 * int(m.group(1)) / max(sent, 1), "%")
        with tempfile.TemporaryDirectory(prefix="hvt-bench-e2e-") as tmp:
            sock = f"{tmp}/vhost.sock"
            spec = f"--net:service=vhost:{sock}"
            # testpmd macswap <-> reflect: 32 frames bounce to and fro
            n = cfg.reflect_frames
            t = Proc([TENDER, "--mem=32", spec, "--", guest("reflect"),
                      f"--count={n}", "--idle-exit=30"])
            pmd = None
            try:
                t.wait_output(r"reflect: ready", 30)
                nettest.wait_until("the vhost socket",
                                   lambda: os.path.exists(sock), 20)
                pmd = Pmd([nettest.virtio_peer(0, sock)], "macswap",
                          f"hb-e2r-{tag()}", lcores="0@0,1@0",
                          extra=["--total-num-mbufs=4096",
                                 f"--txpkts={size}"])
                nettest.wait_until("link up", pmd.link_up, 30, 0.1)
                t0 = time.monotonic()
                pmd.cmd("start tx_first 1")
                _, t1 = t.wait_output(r"reflect: reflected=", 120)
                rc = t.wait_exit(30)
            finally:
                stop_all(pmd, t)
            m = guest_line(t.text()[0], r"reflect: reflected=(\d+)")
            if rc != 0 or not m:
                raise RuntimeError("reflect over vhost exit "
                                   f"{rc}:\n" + "\n".join(t.text())[-800:])
            R.add("e2e_reflect", "vhost/hvt-dpdk", size,
                  int(m.group(1)) / (t1 - t0), "pps")


# ---- 4. latency ---------------------------------------------------------------

def ping_one(R, cfg, label, tender):
    with TapNs("png", addr="10.0.0.1/24") as ns:
        t = Proc(ns.cmd(tender, "--mem=32", "--net:service=tap0", "--",
                        guest("ping"), "--ipv4=10.0.0.2/24",
                        "--idle-exit=5"))
        try:
            t.wait_output(r"ping: ready", 30)
            nettest.wait_until("carrier on tap0",
                               lambda: ns.link_has_carrier("tap0"), 20)
            ns.run("ping", "-c", "3", "-i", "0.2", "-W", "2", "10.0.0.2",
                   check=False)
            n = cfg.ping_count
            p = subprocess.run(ns.cmd("ping", "-c", str(n), "-i", "0.01",
                                      "-W", "1", "10.0.0.2"),
                               capture_output=True, text=True,
                               timeout=n * 0.05 + 60)
            record_place(R, f"ping guest ({label})", t)
        finally:
            stop_all(t)
    times = [float(x) * 1000 for x in re.findall(r"time=([\d.]+) ms",
                                                 p.stdout)]
    if not times:
        raise RuntimeError("no ping replies:\n" + p.stdout[-500:])
    sent, recvd = nettest.parse_ping(p.stdout)
    R.samples[f"ping/{label}"] = times
    v = f"tap/{label}"
    R.add("lat_ping", v, 98, pct(times, 50), "us p50")
    R.add("lat_ping", v, 98, pct(times, 99), "us p99")
    R.add("lat_ping", v, 98, pct(times, 99.9), "us p99.9")
    R.add("lat_ping", v, 98, mean(times), "us mean")
    R.add("lat_ping_loss", v, 98, 100.0 * (sent - recvd) / sent, "%")


def m_ping(R, cfg):
    for label, tender in cfg.tenders():
        ping_one(R, cfg, label, tender)


def pingpong_run(R, exe, sock, variant, count, others=()):
    """hvt-bench-pingpong (virtio-user, pinned to CPU 0 as the other
    peers) against the vhost-user socket; its RESULT rows, as `variant`.
    others: (label, Proc) whose placement is sampled mid-run."""
    p = Proc([exe, "--socket", sock, "--count", str(count), "--size", "64",
              "--cpu", "0", "--link-timeout", "20"])
    try:
        p.wait_output(r"PLACEMENT", 40)
        time.sleep(0.2)
        for label, q in others:
            if q.alive():
                record_place(R, f"pingpong {variant}: {label}", q)
        # Emulated guests take ~1 ms a round trip; 1 s per lost frame, at
        # most 10 in a row.
        rc = p.wait_exit((count + 100) * 0.01 + 60)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"hvt-bench-pingpong {variant} timed out")
    finally:
        stop_all(p)
        rm_dpdk_runtime(f"hvt-pp-{p.pid}")  # if it had to be killed
    out, err = p.text()
    res, place = parse_result_lines(out + "\n" + err)
    if rc != 0 or not res:
        raise RuntimeError(f"hvt-bench-pingpong {variant} exit {rc}: "
                           + (err or out)[-600:])
    for r in res:
        R.add(r.get("name", "lat_pingpong"), variant,
              r.get("frame_size", 64), r.get("value"), r.get("unit", ""))
    if place:
        R.place(f"hvt-bench-pingpong {variant}",
                "\n".join(json.dumps(x) for x in place))
    tail = [ln for ln in out.splitlines() if ln.startswith("# ")][-1:]
    if tail:
        R.note("latency", f"pingpong {variant}: {tail[0][2:]}")


def m_pingpong(R, cfg):
    """vhost-user ping-pong: one 64 B frame in flight through the tender
    to the reflect guest, and through hvt-bench-synth's dataplane alone"""
    exe = bench_bin("hvt-bench-pingpong")
    if not exe:
        raise Skip("build/bench/hvt-bench-pingpong is not built: no "
                   "vhost-user ping-pong latency row")
    warmup = 100  # the program's default
    # 1. The tender with the reflect guest (emulated guest code here).
    with tempfile.TemporaryDirectory(prefix="hvt-bench-pp-") as tmp:
        sock = f"{tmp}/vhost.sock"
        t = Proc([TENDER, "--mem=32", f"--net:service=vhost:{sock}", "--",
                  guest("reflect"), "--idle-exit=30"])
        try:
            t.wait_output(r"reflect: ready", 30)
            nettest.wait_until("the vhost socket",
                               lambda: os.path.exists(sock), 20)
            pingpong_run(R, exe, sock, "vhost/reflect.hvt",
                         cfg.pingpong_guest, [("tender", t)])
        finally:
            stop_all(t)
    # 2. The dataplane alone: hvt-bench-synth reflecting on the ring
    # (guest thread CPU 0, poll thread CPU 1, adaptive idle as the
    # tender); it exits after the warm-up and counted frames.
    synth = bench_bin("hvt-bench-synth")
    if not synth:
        R.note("latency", "pingpong through hvt-bench-synth skipped: "
               "not built")
        return
    n = cfg.pingpong_synth
    with tempfile.TemporaryDirectory(prefix="hvt-bench-pp-") as tmp:
        sock = f"{tmp}/vhost.sock"
        s = Proc([synth, "--port", f"vhost:{sock}", "--mode", "reflect",
                  "--io", "ring", "--sizes", "64", "--warmup", "0",
                  "--max-packets", str(n + warmup), "--seconds",
                  str(int(n * 0.01 + 30)), "--link-timeout", "30",
                  "--poll-cpu", "1", "--guest-cpu", "0"])
        try:
            nettest.wait_until("the vhost socket",
                               lambda: os.path.exists(sock), 20)
            pingpong_run(R, exe, sock, "vhost/synth-reflect", n,
                         [("hvt-bench-synth", s)])
            s.wait_exit(20)
        finally:
            stop_all(s)
            rm_dpdk_runtime(f"hvt-dpdk-{s.pid}")  # if it had to be killed


# ---- 5. start-up and footprint ------------------------------------------------

def m_hello(R, cfg):
    for label, tender in cfg.tenders():
        times = []
        for _ in range(cfg.hello_runs):
            t0 = time.perf_counter()
            p = subprocess.run([tender, guest("hello")], capture_output=True,
                               timeout=30)
            t1 = time.perf_counter()
            if p.returncode != 0 or b"SUCCESS" not in p.stdout:
                raise RuntimeError(f"hello under {label}: exit "
                                   f"{p.returncode}: {p.stderr[-300:]}")
            times.append((t1 - t0) * 1000)
        R.samples[f"hello/{label}"] = times
        R.add("start_hello", label, "", mean(times), "ms mean")
        R.add("start_hello", label, "", pct(times, 50), "ms p50")


def nic_ready_times(cfg, argv_fn, runs):
    times = []
    for _ in range(runs):
        argv = argv_fn()
        p = Proc(argv, quiet=True)
        try:
            _, t = p.wait_output(r"sink: ready", 30)
            times.append((t - p.t_start) * 1000)
        finally:
            p.stop()
    return times


def m_nic_ready(R, cfg):
    """exec to the sink guest's ready marker (device acquired, buffers
    set up: the guest's main is running with its NIC)."""
    times = nic_ready_times(
        cfg, lambda: [TENDER, "--mem=32", "--net:service=dpdk:net_null0",
                      "--", guest("sink"), "--idle-exit=0"], cfg.nic_runs)
    R.samples["nic_ready/net_null0/hvt-dpdk"] = times
    R.add("start_nic_ready", "net_null0/hvt-dpdk", "", mean(times),
          "ms mean")
    R.add("start_nic_ready", "net_null0/hvt-dpdk", "", pct(times, 50),
          "ms p50")
    for label, tender in cfg.tenders():
        with TapNs("rdy") as ns:
            times = nic_ready_times(
                cfg, lambda: ns.cmd(tender, "--mem=32",
                                    "--net:service=tap0", "--",
                                    guest("sink"), "--idle-exit=0"),
                cfg.nic_runs)
        # ip netns exec costs a few ms; measured and subtracted.
        base = []
        with TapNs("rdy0", tap=False) as ns:
            for _ in range(3):
                t0 = time.perf_counter()
                subprocess.run(ns.cmd("true"), check=True)
                base.append((time.perf_counter() - t0) * 1000)
        b = min(base)
        times = [x - b for x in times]
        R.samples[f"nic_ready/tap/{label}"] = times
        R.add("start_nic_ready", f"tap/{label}", "", mean(times), "ms mean")
        R.add("start_nic_ready", f"tap/{label}", "", pct(times, 50),
              "ms p50")
        R.note("startup", f"tap rows ({label}): `ip netns exec` overhead "
               f"of {b:.1f} ms (min of 3 `true` runs) subtracted")


def m_ttfp(R, cfg):
    for label, tender in cfg.tenders():
        times = []
        with TapNs("ttf") as ns:
            base = []
            for _ in range(3):
                t0 = time.perf_counter()
                subprocess.run(ns.cmd("true"), check=True)
                base.append((time.perf_counter() - t0) * 1000)
            for _ in range(cfg.ttfp_runs):
                h = ns.helper("first", "tap0", 30)
                t = Proc(ns.cmd(tender, "--mem=32", "--net:service=tap0",
                                "--", guest("pktgen"), "1", "64"),
                         quiet=True)
                try:
                    res = helper_result(h, 40)
                    t.wait_exit(30)
                finally:
                    stop_all(t, h)
                if res["t_first"] is None:
                    raise RuntimeError(f"no first frame from pktgen "
                                       f"({label})")
                times.append((res["t_first"] - t.t_start) * 1000 - min(base))
        R.samples[f"ttfp/{label}"] = times
        R.add("start_first_packet", f"tap/{label}", 64, mean(times),
              "ms mean")
        R.add("start_first_packet", f"tap/{label}", 64, pct(times, 50),
              "ms p50")


def footprint_one(R, cfg, label, tender, spec, mem, ns=None):
    argv = [tender, f"--mem={mem}", f"--net:service={spec}", "--",
            guest("sink"), "--idle-exit=0"]
    t = Proc(ns.cmd(*argv) if ns else argv)
    v = f"{spec.split(':')[-1]}/mem={mem}/{label}"
    try:
        t.wait_output(r"sink: ready", 30)
        pid = t.pid
        if ns:  # ip netns exec execs the tender: same PID
            pass
        time.sleep(1.0)  # the dataplane finishes starting meanwhile
        mr = memory_report(pid, mem)
        a = cpu_ticks(pid)
        tha = {x[0]: x for x in threads(pid)}
        ta = time.monotonic()
        time.sleep(cfg.idle_seconds)
        b = cpu_ticks(pid)
        tb = time.monotonic()
        thb = threads(pid)
        record_place(R, f"idle sink ({v})", pid)
    finally:
        stop_all(t)
    cpu = 100.0 * (b - a) / CLK_TCK / (tb - ta)
    busy = [f"{x[1]} {100.0 * (x[4] - tha[x[0]][4]) / CLK_TCK / (tb - ta):.1f}%"
            for x in thb if x[0] in tha and x[4] > tha[x[0]][4]]
    R.note("footprint", f"{v}: idle CPU by thread over {tb - ta:.1f} s: "
           + (", ".join(busy) or "none"))
    R.add("mem_rss_excl_guest", v, "", mr["rss_excl_guest"] / 1024, "MiB")
    R.add("mem_anon_excl_guest", v, "", mr["anon_excl_guest"] / 1024, "MiB")
    R.add("mem_file_rss", v, "", mr["file_rss"] / 1024, "MiB")
    R.add("mem_hugetlb_not_guest", v, "", mr["hugetlb_other"] / 1024, "MiB")
    R.add("idle_cpu", v, "", cpu, "% of one CPU")
    top = ", ".join(f"{n} {k / 1024:.1f}" for n, k in mr["top"][:8])
    R.note("footprint", f"{v}: RSS {mr['rss_total'] / 1024:.1f} MiB total, "
           f"guest RAM VMAs {mr['guest_vmas']} spanning "
           f"{mr['guest_span'] / 1024:.0f} MiB with "
           f"{mr['rss_guest'] / 1024:.1f} MiB resident (+ "
           f"{mr['hugetlb_guest'] / 1024:.0f} MiB hugetlb); largest "
           f"non-guest RSS by mapping (MiB): {top}")


def m_footprint(R, cfg):
    footprint_one(R, cfg, "hvt-dpdk", TENDER, "dpdk:net_ring0", 32)
    if not cfg.smoke:
        footprint_one(R, cfg, "hvt-dpdk", TENDER, "dpdk:net_ring0", 512)
    for label, tender in cfg.tenders():
        with TapNs("fp") as ns:
            footprint_one(R, cfg, label, tender, "tap0", 32, ns=ns)
