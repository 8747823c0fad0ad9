#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""The udp_echo unikernel (lwIP) over a tap inside a private namespace:
datagrams of many sizes, fragmented ones included, must all come back
intact, in lock-step; the guest exits after exactly that many.
usage: udp_echo.py TENDER UDP_ECHO_HVT [COUNT]
       udp_echo.py --client COUNT   (run inside the namespace by the above)
"""
import os
import re
import socket
import sys

import nettest

ADDR = "10.0.0.2"
PORT = 7
# Up to 1472 fits one frame; the larger ones are fragmented both ways.
SIZES = [0, 1, 18, 64, 100, 512, 1000, 1400, 1472, 1473, 3000, 8000]


def client(count):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    for i in range(count):
        size = SIZES[i % len(SIZES)]
        data = bytes((i + j) & 0xff for j in range(size))
        s.sendto(data, (ADDR, PORT))
        got, peer = s.recvfrom(65536)
        if got != data or peer != (ADDR, PORT):
            print(f"client: datagram {i} ({size} bytes) came back as "
                  f"{len(got)} bytes from {peer}")
            return 1
    print(f"client: {count} datagrams echoed intact")
    return 0


def main():
    if sys.argv[1:2] == ["--client"]:
        return client(int(sys.argv[2]))
    tender, kernel = sys.argv[1:3]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    nettest.require(programs=["ip"])
    if not os.path.exists(kernel):
        nettest.skip(f"{kernel} was not built (no lwIP source: run "
                     "scripts/fetch-lwip)")
    with nettest.Netns("udp-echo") as ns:
        argv = ns.cmd(tender, "--mem=32", "--net:service=tap0", "--",
                      kernel, f"--ipv4={ADDR}/24", f"--count={count}",
                      "--idle-exit=60")
        with nettest.Tender(argv) as t:
            t.wait_output(rf"udp-echo: listening on {ADDR}:{PORT}")
            nettest.wait_until("tap0 in the namespace",
                               lambda: ns.has_link("tap0"))
            ns.ip("addr", "add", "10.0.0.1/24", "dev", "tap0")
            ns.ip("link", "set", "tap0", "up")
            nettest.wait_until("carrier on tap0",
                               lambda: ns.link_has_carrier("tap0"))
            out = ns.run(sys.executable, os.path.abspath(__file__),
                         "--client", str(count), check=False)
            print(out.stdout + out.stderr)
            status = t.wait_exit(timeout=60)
            t.dump()
        m = re.search(rb"udp-echo: echoed=(\d+)", t.out)
        if out.returncode != 0 or status != 0 or not m or \
                int(m[1]) != count:
            print(f"FAIL: client status {out.returncode}, guest status "
                  f"{status}, echoed {m[1].decode() if m else '?'}, "
                  f"want {count}")
            return 1
    print(f"PASS: {count} datagrams echoed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
