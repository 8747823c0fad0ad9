# SPDX-License-Identifier: ISC
"""dpdk-testpmd for the harness: nettest.TestPmd (interactive console,
output drained by a thread) with pinning, memory and extra testpmd
arguments chosen by the caller, and per-port counters."""
import re
import subprocess
import threading
import time

from common import nettest, rm_dpdk_runtime


class Pmd(nettest.TestPmd):
    def __init__(self, vdevs, mode, prefix, lcores, extra=(), eal=(),
                 mem=("--no-huge", "-m", "256")):
        self.prefix = prefix
        self.lcores = lcores
        argv = ["stdbuf", "-oL", "dpdk-testpmd", "--lcores", lcores,
                "--no-pci", *mem, "--file-prefix", prefix,
                "--log-level=*:error", *eal]
        for vdev in vdevs:
            argv += ["--vdev", vdev]
        argv += ["--", "-i", f"--forward-mode={mode}", "--no-flush-rx",
                 "--burst=32", "--nb-cores=1", *extra]
        print("  $ " + " ".join(argv), flush=True)
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.pid = self.proc.pid
        self.buf = b""
        self.cond = threading.Condition()
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()
        try:
            self._read_until_prompt(60)
        except Exception:
            self.quit()
            raise

    def _drain(self):
        try:
            super()._drain()
        except OSError:
            with self.cond:
                self.eof = True
                self.cond.notify_all()

    def counters(self):
        """{port: (rx_packets, tx_packets, rx_bytes)} and the time read."""
        out = self.cmd("show port stats all")
        t = time.monotonic()
        ports = {}
        for blk in re.split(r"NIC statistics for port", out)[1:]:
            pm = re.match(r"\s*(\d+)", blk)
            rx = re.search(r"RX-packets:\s+(\d+)", blk)
            tx = re.search(r"TX-packets:\s+(\d+)", blk)
            rb = re.search(r"RX-bytes:\s+(\d+)", blk)
            if pm and rx and tx:
                ports[int(pm.group(1))] = (int(rx.group(1)),
                                           int(tx.group(1)),
                                           int(rb.group(1)) if rb else 0)
        return ports, t

    def quit(self):
        try:
            super().quit()
        finally:
            rm_dpdk_runtime(self.prefix)
