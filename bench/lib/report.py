# SPDX-License-Identifier: ISC
"""summary.csv, summary.md, machine.txt, placement.txt and the plots."""
import csv
import os
import platform
import subprocess

from common import TENDER, fmt, pct

CSV_FIELDS = ["name", "variant", "frame_size", "value", "unit"]


def sh(cmd):
    try:
        p = subprocess.run(cmd, shell=True, capture_output=True, text=True,
                           timeout=20)
        return (p.stdout + p.stderr).rstrip()
    except Exception as e:  # a description, never fatal
        return f"({cmd}: {e})"


def kvm_kind():
    if not os.path.exists("/dev/kvm"):
        return "none (/dev/kvm missing)"
    if os.path.exists("/sys/module/kvm_pvm"):
        return "kvm-pvm (guest code is emulated/para-virtualised: slow)"
    for m in ("kvm_intel", "kvm_amd"):
        if os.path.exists(f"/sys/module/{m}"):
            return f"{m} (hardware virtualisation)"
    return "kvm (unknown kind)"


def machine_text():
    parts = [
        ("uname -a", sh("uname -a")),
        ("/dev/kvm kind", kvm_kind()),
        ("lscpu", sh("lscpu")),
        ("DPDK", "pkg-config libdpdk: " + sh("pkg-config --modversion "
                                             "libdpdk") + "\n" +
         sh("dpkg-query -W dpdk-dev libdpdk-dev 2>/dev/null")),
        ("hugepages", sh("grep -i huge /proc/meminfo") + "\n" +
         sh("grep hugetlbfs /proc/mounts")),
        ("memory", sh("free -m")),
        ("tender", sh(f"{TENDER} --version")),
        ("solo5-hvt", os.environ.get("SOLO5_HVT") or "(SOLO5_HVT unset)"),
        ("python", platform.python_version()),
        ("perf", sh("perf stat -e cycles true 2>&1 | grep -i "
                    "'not supported' || echo 'cycles counter available'")),
    ]
    return "\n\n".join(f"== {k} ==\n{v}" for k, v in parts) + "\n"


def write_csv(R, path):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CSV_FIELDS, extrasaction="ignore")
        w.writeheader()
        for r in R.rows:
            w.writerow({**r, "value": fmt(r["value"]) if isinstance(
                r["value"], float) else r["value"]})


def write_placement(R, path):
    with open(path, "w") as f:
        f.write("# Thread placement per measurement: allowed = affinity "
                "(Cpus_allowed_list), last_cpu = CPU it last ran on "
                "(/proc/PID/task/TID/stat field 39), sampled mid-run.\n"
                "# C bench programs report their own PLACEMENT lines.\n\n")
        for what, text in R.placement:
            f.write(f"## {what}\n{text}\n\n")


# ---- targets ---------------------------------------------------------------

def _ratio_line(what, num, den, target, ge=True, unit="x"):
    if num is None or den is None or den == 0:
        return None
    r = num / den
    ok = r >= target if ge else r <= target
    if ge:
        by = f"{(r / target - 1) * 100:+.0f}% vs target"
    else:
        by = f"{(1 - r / target) * 100:+.0f}% headroom" if ok else \
            f"{(r / target - 1) * 100:.0f}% over"
    return (f"| {what} | {r:.2f}{unit} | {'>=' if ge else '<='} "
            f"{target}{unit} | {'PASS' if ok else 'MISS'} ({by}) |")


# Issue 6: the same guest images over a tap, fast path against the Solo5
# guest I/O paths (see E2E_IO_PATHS in measures.py).
FASTPATH_TARGETS = [
    ("hypercall per frame (Solo5 0.8-0.10 guests)",
     "tap/hvt-dpdk,net-fastpath=off,net-ring=off", 4.0),
    ("Solo5 shared ring with copy (Solo5 0.11-0.12 guests)",
     "tap/hvt-dpdk,net-fastpath=off", 40.0),
]


def fastpath_targets(R, lines, missing):
    for name, what in (("e2e_pktgen", "TX (pktgen)"),
                       ("e2e_sink", "RX (sink)")):
        for size in sorted({r["frame_size"] for r in R.rows
                            if r["name"] == name}):
            fast = R.get(name, "tap/hvt-dpdk", frame_size=size, unit="pps")
            for label, variant, want in FASTPATH_TARGETS:
                other = R.get(name, variant, frame_size=size, unit="pps")
                ln = _ratio_line(f"fast path {what} {size} B over tap / "
                                 f"{label}", fast, other, want)
                if ln:
                    lines.append(ln)
                else:
                    missing.append(f"fast path {what} {size} B vs {label}: "
                                   "missing row (the smoke run measures the "
                                   "fast path only)")


# The synthetic guest's I/O paths with a capacity ratio each (the
# hypercall path is one exit per frame: measured, not a capacity target).
SYNTH_CAPACITY_IOS = ("ring", "fastpath")


def targets(R):
    lines = ["| target | measured | wanted | result |", "|---|---|---|---|"]
    missing = []

    def synth(variant_prefix, size):
        for r in R.rows:
            if r.get("src") == "synth" and r["unit"] == "Mpps" and \
                    str(r["variant"]).startswith(variant_prefix) and \
                    r["frame_size"] == size:
                return r["value"]
        return None

    # Capacity ratios, one per synthetic guest I/O path (hvt-bench-synth
    # --io): the Solo5 ring (unmodified Solo5 guests) and hvt-dpdk's fast
    # path (guests built with the burst API), each labelled.
    sizes = sorted({r["frame_size"] for r in R.rows
                    if r["name"] == "ref_testpmd_pipe"})
    for size in sizes or [64]:
        pipe = R.get("ref_testpmd_pipe", frame_size=size, unit="Mpps")
        for io in SYNTH_CAPACITY_IOS:
            ours = synth(f"vhost/rx/{io}", size)
            ln = _ratio_line(f"vhost-user RX capacity {size} B (synth "
                             f"vhost/rx/{io}) / testpmd virtio-user->vhost "
                             "pipe", ours, pipe, 0.8)
            if ln:
                lines.append(ln)
            else:
                missing.append(
                    f"capacity vs testpmd pipe at {size} B ({io}): "
                    + (f"no hvt-bench-synth vhost/rx/{io} row"
                       if ours is None else "no testpmd pipe row")
                    + (f" (pipe: {fmt(pipe)} Mpps)" if pipe else ""))
    for size in sorted({r["frame_size"] for r in R.rows
                        if r["name"] == "ref_testpmd_null"}) or [64]:
        ref = R.get("ref_testpmd_null", frame_size=size, unit="Mpps")
        for io in SYNTH_CAPACITY_IOS:
            ours = synth(f"null/reflect/{io}", size)
            ln = _ratio_line(f"net_null forwarding {size} B (synth "
                             f"null/reflect/{io}) / testpmd io 2x net_null",
                             ours, ref, 0.8)
            if ln:
                lines.append(ln)
            else:
                missing.append(
                    f"capacity vs testpmd net_null at {size} B ({io}): "
                    + (f"no hvt-bench-synth null/reflect/{io} row"
                       if ours is None else "no testpmd row"))
    if any(r.get("src") == "synth" and r["variant"].startswith("vhost/")
           for r in R.rows):
        missing.append(
            "caveat for the vhost ratio: on 2 CPUs hvt-bench-synth's "
            "guest thread (CPU 0), its poll thread (CPU 1) and testpmd's "
            "forwarding core (CPU 0) are three busy pollers, so testpmd "
            "shares CPU 0 with the synthetic guest and both collapse (see "
            "synth.poll_preempted in summary.csv and placement.txt); the "
            "testpmd pipe has one CPU per poller. Re-measure on >= 3 CPUs "
            "before reading the vhost ratio as a verdict")
    tl = None
    for r in R.rows:
        if "taploop" in r["name"] and r["unit"] == "Mpps" and \
                r["frame_size"] == 64:
            tl = r["value"]
    for io in SYNTH_CAPACITY_IOS:
        ours = synth(f"tap/tx/{io}", 64)
        ln = _ratio_line(f"tap TX capacity 64 B (synth tap/tx/{io}) / tap "
                         "write-per-packet loop", ours, tl, 5.0)
        if ln:
            lines.append(ln)
        else:
            missing.append(f"capacity vs tap write loop ({io}): "
                           + "; ".join(
                               ([f"no hvt-bench-synth tap/tx/{io} row"]
                                if ours is None else [])
                               + (["no hvt-bench-taploop row"]
                                  if tl is None else [])))
    fastpath_targets(R, lines, missing)
    h_ours = R.get("start_hello", "hvt-dpdk", unit="ms p50")
    h_s5 = R.get("start_hello", "solo5-hvt", unit="ms p50")
    ln = _ratio_line("hello boot, exec to exit (p50) / solo5-hvt", h_ours,
                     h_s5, 1.2, ge=False)
    if ln:
        lines.append(ln)
    else:
        missing.append("hello boot vs solo5-hvt: SOLO5_HVT unset "
                       f"(hvt-dpdk alone: p50 {fmt(h_ours)} ms)")
    n_ours = R.get("start_nic_ready", "tap/hvt-dpdk", unit="ms p50")
    n_s5 = R.get("start_nic_ready", "tap/solo5-hvt", unit="ms p50")
    ln = _ratio_line("guest with a NIC (tap), exec to main's ready marker "
                     "(p50) / solo5-hvt", n_ours, n_s5, 1.5, ge=False)
    if ln:
        lines.append(ln)
    else:
        missing.append("NIC guest start vs solo5-hvt: SOLO5_HVT unset "
                       f"(hvt-dpdk alone: tap p50 {fmt(n_ours)} ms)")
    for r in R.rows:
        if r["name"] == "mem_rss_excl_guest" and r["variant"].endswith(
                "hvt-dpdk"):
            v = r["value"]
            ok = v <= 8.0
            lines.append(f"| tender RSS excluding guest RAM ({r['variant']}) "
                         f"| {v:.1f} MiB | <= 8 MiB | "
                         f"{'PASS' if ok else 'MISS'} "
                         f"({'%.0f%% headroom' % ((1 - v / 8) * 100) if ok else '%.0f%% over' % ((v / 8 - 1) * 100)}) |")
    for r in R.rows:
        if r["name"] == "idle_cpu" and r["variant"].endswith("hvt-dpdk"):
            v = r["value"]
            ok = v < 1.0
            lines.append(f"| idle CPU, guest with a NIC ({r['variant']}) | "
                         f"{v:.2f}% of a CPU | ~0% (< 1%) | "
                         f"{'PASS' if ok else 'MISS'} |")
    return lines, missing


# ---- plots -----------------------------------------------------------------

def plots(R, out):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        R.note("plots", "matplotlib is not installed (python3-matplotlib):"
               " no PNGs")
        return []
    made = []

    def bar(rows, fname, title, ylabel, log=False):
        if not rows:
            return
        labels = [f"{r['name']}\n{r['variant']}"
                  + (f" {r['frame_size']}B" if r["frame_size"] != "" else "")
                  for r in rows]
        fig, ax = plt.subplots(figsize=(max(6, 0.55 * len(rows) + 2), 5))
        ax.bar(range(len(rows)), [r["value"] for r in rows],
               color="#4477aa")
        ax.set_xticks(range(len(rows)))
        ax.set_xticklabels(labels, rotation=60, ha="right", fontsize=7)
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        if log:
            ax.set_yscale("log")
        fig.tight_layout()
        fig.savefig(os.path.join(out, fname), dpi=110)
        plt.close(fig)
        made.append(fname)

    bar([r for r in R.rows if r["unit"] == "Mpps"], "throughput_mpps.png",
        "Host dataplane and reference throughput (Mpps)", "Mpps", log=True)
    bar([r for r in R.rows if r["unit"] == "pps" and
         r["name"].startswith("e2e")], "e2e_guest_pps.png",
        "End to end with real (emulated) guests: packets/s", "pps",
        log=True)
    bar([r for r in R.rows if r["unit"] == "ms p50"], "startup_ms.png",
        "Start-up (p50, ms)", "ms")
    pings = {k: v for k, v in R.samples.items() if k.startswith("ping/")}
    if pings:
        fig, ax = plt.subplots(figsize=(7, 4.5))
        for k, v in pings.items():
            s = sorted(v)
            ax.plot(s, [(i + 1) / len(s) for i in range(len(s))],
                    label=f"{k.split('/', 1)[1]} (p50 {pct(s, 50):.0f} us)")
        ax.set_xscale("log")
        ax.set_xlabel("round-trip time (us)")
        ax.set_ylabel("fraction of replies")
        ax.set_title("ping through a tap to the ping guest: CDF")
        ax.legend()
        ax.grid(True, which="both", alpha=0.3)
        fig.tight_layout()
        fig.savefig(os.path.join(out, "latency_ping_cdf.png"), dpi=110)
        plt.close(fig)
        made.append("latency_ping_cdf.png")
    return made


# ---- summary.md --------------------------------------------------------------

def table(rows):
    if not rows:
        return ["(no rows)"]
    out = ["| name | variant | frame | value | unit |",
           "|---|---|---|---|---|"]
    for r in rows:
        out.append(f"| {r['name']} | {r['variant']} | {r['frame_size']} | "
                   f"{fmt(r['value'])} | {r['unit']} |")
    return out


SECTIONS = [
    ("1. Host dataplane capacity (hvt-bench-synth)",
     lambda r: r.get("src") == "synth" and (
         r["unit"] == "Mpps" or str(r["unit"]).startswith("Gbit/s (L2")),
     "synth"),
    ("2. Reference rows (bare dpdk-testpmd; tap write loop)",
     lambda r: r["name"].startswith("ref_"), "ref"),
    ("3. End to end with real guests (guest code EMULATED here)",
     lambda r: r["name"].startswith("e2e"), "e2e"),
    ("4. Latency", lambda r: r["name"].startswith("lat"), "latency"),
    ("5. Start-up and footprint",
     lambda r: r["name"].startswith(("start", "mem_", "idle")),
     "startup footprint"),
    ("6. Cost per packet on the poll core",
     lambda r: "cycles" in str(r["unit"]) and
     "guest_cycles" not in r["name"], "cost"),
]


def summary_md(R, cfg, machine, plots_made, elapsed, kvm):
    L = []
    L.append(f"# hvt-dpdk benchmark results ({'smoke' if cfg.smoke else 'full'}"
             " run)\n")
    emulated = "kvm-pvm" in kvm
    L.append("**Read this first: " + (
        "guest code is EMULATED on this machine** (/dev/kvm is kvm-pvm: "
        "about 0.7 us per guest instruction and 10-30 us per VM exit). "
        "Every row that runs a real unikernel (section 3, the ping "
        "latency, start-up to the guest's markers) measures the emulator "
        "far more than the tender; those numbers are orders of magnitude "
        "below what the same binaries do on hardware KVM and must not be "
        "compared with published solo5/DPDK figures. Host-only rows "
        "(hvt-bench-synth, testpmd, tap loop) run natively on the host CPU "
        "and are meaningful, within the limits of a 2-vCPU VM." if emulated
        else f"guest code runs on {kvm}.**"))
    L.append("")
    L.append(f"Run took {elapsed:.1f} s. Frame sizes are Ethernet frames "
             "without FCS; Gbit/s = pps x size x 8 (no preamble, gap or "
             "FCS). Mpps = 10^6 packets/s.\n")
    L.append("## Machine\n")
    L.append("```")
    keep = []
    for line in machine.splitlines():
        if any(line.startswith(k) for k in (
                "Linux", "Model name", "CPU(s):", "Hypervisor",
                "kvm", "pkg-config", "HugePages_Total", "HugePages_Free",
                "Hugepagesize", "hvt-dpdk", "Mem:")) or "kvm-pvm" in line:
            keep.append(line)
    L += keep
    L.append("```")
    L.append("(full description in machine.txt; thread placement per "
             "measurement in placement.txt)\n")
    L.append("## Targets\n")
    tl, missing = targets(R)
    L += tl
    if missing:
        L.append("")
        L.append("Not evaluated (missing rows) and caveats:")
        L += [f"- {m}" for m in missing]
    L.append("")
    for title, pred, sec in SECTIONS:
        L.append(f"## {title}\n")
        L += table([r for r in R.rows if pred(r)])
        for s, text in R.notes:
            if s in sec.split():
                L.append("")
                L.append(f"- {text}")
        L.append("")
    L.append("## Method notes\n")
    L += [
        "- **Placement**: 2 CPUs. The tender's vCPU thread runs on CPU 0 "
        "and its poll thread on CPU 1 (its defaults); testpmd peers of a "
        "guest put their forwarding lcore on CPU 0 (as tests/net does), "
        "i.e. next to the vCPU, never next to the poll thread: two busy "
        "pollers on one CPU collapse. The testpmd pipe reference puts the "
        "sender's forwarding core on CPU 0 and the receiver's on CPU 1. "
        "See placement.txt.",
        "- **testpmd references**: `ref_testpmd_null` is testpmd's io "
        "engine between two net_null ports (forwarded packets/s: RX "
        "counter delta of both ports over a fixed window read with `show "
        "port stats all`). `ref_testpmd_pipe` is two testpmd processes: "
        "virtio-user txonly -> vhost-user rxonly over a socket in a "
        "private temp dir; the receiver's RX counter over the window.",
        "- **End to end**: pktgen/sink/reflect report their own rates "
        "(the pktgen and sink final lines); reflect has none, so its row "
        "is the peer's receive rate (tap: the AF_PACKET helper, at most 64 "
        "frames in flight; vhost: reflected frames / time from testpmd's "
        "`start tx_first` to the guest's final line, 32 frames "
        "bouncing). `*_delivered` = frames the other side saw / frames "
        "sent. Taps are made the tutorial's way (`ip tuntap add`) inside a "
        "private namespace with IPv6 off, so only our frames cross them.",
        "- **Latency**: `ping -c N -i 0.01` (after 3 warm-up pings) "
        "through the tap to the ping guest; percentiles from the per-reply "
        "`time=` values (ping prints them in 1 us resolution for these "
        "values).",
        "- **Start-up**: `start_hello` is fork+exec to exit of hello.hvt "
        "(no NIC, so no DPDK). `start_nic_ready` is exec to the sink "
        "guest's `sink: ready` marker (its main has acquired the NIC): "
        "with `dpdk:net_null0`, and with a tap; for tap rows the cost of "
        "`ip netns exec` (measured) is subtracted. `start_first_packet` "
        "is exec of `pktgen 1 64` to the first frame seen on the tap by "
        "an AF_PACKET socket bound before the exec (CLOCK_MONOTONIC in "
        "both processes).",
        "- **Footprint**: an idle sink guest with a NIC (`dpdk:net_ring0`,"
        " nothing arrives; and a tap in a namespace, down-stream silent), "
        "read 1 s after its ready marker. RSS excluding guest RAM = "
        "`Rss` of /proc/PID/smaps_rollup minus the `Rss` of the guest-RAM "
        "VMAs in /proc/PID/smaps. The tender reserves guest RAM as one "
        "anonymous mapping (split into several VMAs by the kernel image's "
        "protections) and maps a hugetlbfs memfd `hvt-guest-ram` over its "
        "upper part for guests with NICs: the guest VMAs are the "
        "contiguous run of anonymous/`hvt-guest-ram` VMAs containing that "
        "memfd (without hugepages: the largest contiguous anonymous run of "
        "at least --mem MiB). Hugetlb pages never count in Rss; they are "
        "shown separately (`mem_hugetlb_not_guest` = DPDK's own hugepage "
        "memory, e.g. its mbuf pools). `mem_file_rss` is the file-backed "
        "part (shared libraries: DPDK loads every PMD plugin), "
        "`mem_anon_excl_guest` the anonymous part. KVM's kernel-side "
        "memory is not in any of these.",
        "- **Idle CPU**: utime+stime of the tender (all threads) from "
        "/proc/PID/stat over the idle window, as a percentage of one CPU "
        f"({cfg.idle_seconds:.0f} s here; the tender's default "
        "`--poll=adaptive`).",
        "- **Cost per packet**: `perf stat` reports the hardware counters "
        "as `<not supported>` on this machine (no PMU in the VM), so "
        "cycles/pkt come from hvt-bench-synth's own TSC readings "
        "(section 6) and, in a full run, instruction counts from "
        "callgrind over hvt-bench-synth (if built and valgrind is "
        "installed).",
    ]
    L.append("")
    if R.notes:
        other = [(s, t) for s, t in R.notes if not any(
            s in sec.split() for _, _, sec in SECTIONS)]
        if other:
            L.append("## Notes and skipped rows\n")
            L += [f"- [{s}] {t}" for s, t in other]
            L.append("")
    if R.errors:
        L.append("## ERRORS\n")
        L += [f"- [{s}] {t.splitlines()[0] if t else ''}" for s, t in
              R.errors]
        L.append("")
        L.append("(full text in run.log)")
        L.append("")
    if plots_made:
        L.append("## Plots\n")
        L += [f"![{p}]({p})" for p in plots_made]
        L.append("")
    return "\n".join(L) + "\n"
