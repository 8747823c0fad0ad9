# SPDX-License-Identifier: ISC
"""Guest instructions per frame on the fast path (issue 6): the pktgen,
sink and reflect apps run on the host, unmodified, with the guest
runtime's fast-path code, against a stand-in dataplane (bench/guest_instr.c)
under callgrind. Counted: solo5_app_main's inclusive instructions minus the
stand-in's (harness_host), for two frame counts; the difference divided by
the difference in frames is the marginal cost of one frame, set-up
excluded. On this machine guest code is emulated at about 0.7 us per
instruction, so this number, not the tender, bounds end-to-end rates."""
import os
import re
import shutil
import subprocess
import tempfile

from common import Skip, bench_bin

FRAMES = (10000, 20000)
APPS = {
    # app: (RX frames to deliver, argv after "--") with N = frames
    "pktgen": lambda n, size: (0, ["pktgen", str(n), str(size)]),
    "sink": lambda n, size: (n, ["sink", f"--count={n}"]),
    "reflect": lambda n, size: (n, ["reflect", f"--count={n}"]),
}
WHAT = {"pktgen": "TX", "sink": "RX", "reflect": "RX+TX (MAC swap)"}


def _inclusive(out, func):
    """Inclusive Ir of func in a callgrind profile."""
    ann = subprocess.run(["callgrind_annotate", "--inclusive=yes", out],
                         capture_output=True, text=True, timeout=60).stdout
    for line in ann.splitlines():
        m = re.match(r"\s*([\d,]+) \([^)]*\)\s+\S*:" + func + r" ", line)
        if m:
            return int(m.group(1).replace(",", ""))
    return 0


def _guest_ir(exe, app, n, size, tmp):
    rx, argv = APPS[app](n, size)
    out = os.path.join(tmp, f"cg.{app}.{n}.{size}")
    p = subprocess.run(["valgrind", "--tool=callgrind",
                        f"--callgrind-out-file={out}",
                        "--toggle-collect=solo5_app_main", exe, str(rx),
                        str(size), "--"] + argv,
                       capture_output=True, text=True, timeout=300)
    if p.returncode != 0 or not os.path.exists(out):
        raise RuntimeError(f"{exe} under callgrind exit {p.returncode}: "
                           f"{p.stderr[-500:]}")
    return _inclusive(out, "solo5_app_main") - _inclusive(out,
                                                          "harness_host")


def m_guest_instr(R, cfg):
    if not shutil.which("valgrind") or not shutil.which("callgrind_annotate"):
        raise Skip("guest_instr: valgrind is not installed")
    sizes = [64] if cfg.smoke else [64, 1500]
    frames = (1000, 2000) if cfg.smoke else FRAMES
    with tempfile.TemporaryDirectory(prefix="hvt-bench-instr-") as tmp:
        for app in APPS:
            exe = bench_bin(f"hvt-bench-instr-{app}")
            if exe is None:
                raise Skip(f"guest_instr: hvt-bench-instr-{app} not built")
            for size in sizes:
                a, b = (_guest_ir(exe, app, n, size, tmp) for n in frames)
                per = (b - a) / (frames[1] - frames[0])
                R.add("guest_instr_per_frame",
                      f"fastpath/{app} ({WHAT[app]})", size, per,
                      "instructions")
    R.note("cost", "guest instructions per frame on the fast path "
           "(callgrind over the unmodified app and guest runtime code, "
           "built for the host with the guest's flags, bench/guest_instr.c;"
           " set-up excluded): see guest_instr_per_frame rows. The Solo5 "
           "ring instead copies every TX frame into a slot (one rep movsb "
           "byte per payload byte, emulated here) and makes a synchronous "
           "round trip per RX frame; hypercalls add one VM exit per frame.")
