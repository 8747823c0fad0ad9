#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Flood-ping the ping unikernel over a tap, inside a private namespace,
and require 0% loss. usage: tap_ping.py TENDER PING_HVT MODE [COUNT]
MODE: created  (no tap0: the tender creates it, DPDK tap PMD)
      existing (tap0 made beforehand the tutorial's way: our tap endpoint)
      fd       (a tap fd passed to the tender: --net:service=@FD)
"""
import os
import sys

import nettest

HERE = os.path.dirname(os.path.abspath(__file__))


def tender_argv(ns, tender, kernel, spec, count):
    return ns.cmd(tender, "--mem=32", f"--net:service={spec}", "--",
                  kernel, "--ipv4=10.0.0.2/24", f"--count={count + 2}",
                  "--idle-exit=60")


def main():
    tender, kernel, mode = sys.argv[1:4]
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
    nettest.require(programs=["ip", "ping"])
    with nettest.Netns("ping-" + mode) as ns:
        spec, argv = "tap0", None
        if mode == "existing":
            ns.ip("tuntap", "add", "tap0", "mode", "tap")
            ns.ip("link", "set", "tap0", "up")
        elif mode == "fd":
            # tapfd_exec.py opens tap0 in the namespace and execs the
            # tender with the fd as 3.
            spec = "@3"
            argv = ns.cmd(sys.executable, os.path.join(HERE, "tapfd_exec.py"),
                          "tap0", "3", "--") + tender_argv(ns, tender, kernel,
                                                           spec, count)[4:]
        argv = argv or tender_argv(ns, tender, kernel, spec, count)
        with nettest.Tender(argv) as t:
            mac = t.wait_output(r"ping: ready mac ([0-9a-f:]{17})").group(1)
            nettest.wait_until("tap0 in the namespace",
                               lambda: ns.has_link("tap0"))
            ns.ip("addr", "add", "10.0.0.1/24", "dev", "tap0")
            ns.ip("link", "set", "tap0", "up")
            # Carrier: the tender's dataplane has the tap open.
            nettest.wait_until("carrier on tap0",
                               lambda: ns.link_has_carrier("tap0"))
            # One ARP exchange first (the guest must answer it), then a
            # permanent neighbour entry: on a loaded 2-CPU machine the
            # emulated guest can miss the kernel's re-resolution deadline
            # mid-flood, which is ARP timing, not loss.
            ns.run("ping", "-c", "1", "-W", "5", "10.0.0.2")
            ns.ip("neigh", "replace", "10.0.0.2", "lladdr", mac.decode(),
                  "dev", "tap0", "nud", "permanent")
            out = ns.run("ping", "-f", "-c", str(count), "-w", "120",
                         "10.0.0.2", check=False).stdout
            print(out)
            sent, received = nettest.parse_ping(out)
            # The guest exits after count + 2 replies (ARP, first ping).
            status = t.wait_exit(timeout=60)
            t.dump()
        if sent != count or received != count:
            print(f"FAIL: {received} of {sent} echo replies, want {count}")
            return 1
        if status != 0 or b"icmp=%d" % (count + 1) not in t.out:
            print(f"FAIL: guest exit status {status}, or its count is off")
            return 1
    print(f"PASS: {count} of {count} replies over a {mode} tap")
    return 0


if __name__ == "__main__":
    sys.exit(main())
