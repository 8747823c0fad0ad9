#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""What pktgen sends arrives intact: the pktgen unikernel on a tap the
tender creates, inside a private namespace, sends COUNT frames of SIZE
bytes through the fast path (or the path the extra tender arguments pick);
an AF_PACKET socket in the namespace must receive every one, in order,
with the right sequence number and payload (pktgen_pattern.h: byte j of
the payload is (seq + j) mod 256). pktgen reuses one formatted frame per
queue slot and rewrites only the number, so this checks that too.

usage: pktgen_verify.py TENDER PKTGEN_HVT COUNT SIZE [TENDER_ARG...]
       pktgen_verify.py --peer IFACE COUNT SIZE GUEST_MAC  (internal: the
                                                   receiver, in the netns)
"""
import os
import socket
import struct
import sys
import time

import nettest

ETHERTYPE = 0x88B5
WAKE_MAC = bytes.fromhex("020000000001")
RECV_TIMEOUT = 30.0  # for all frames; they take well under a second
PACKET_OUTGOING = 4


def peer(iface, count, size, guest_mac):
    guest = bytes(int(b, 16) for b in guest_mac.split(":"))
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                         socket.htons(ETHERTYPE))
    # Room for every frame: the guest sends faster than Python reads.
    sock.setsockopt(socket.SOL_SOCKET, 33, 64 << 20)  # SO_RCVBUFFORCE
    sock.bind((iface, ETHERTYPE))
    # pktgen --wait-rx: any frame starts it; --end-on-rx: the next ends it
    # (the tap goes when the tender does, and our queued frames with it).
    wake = guest + WAKE_MAC + struct.pack("!HI", ETHERTYPE, 0) + bytes(42)
    sock.send(wake)
    deadline = time.monotonic() + RECV_TIMEOUT
    want_seq, bad = 0, 0
    while want_seq < count:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        sock.settimeout(left)
        try:
            data, addr = sock.recvfrom(65536)
        except socket.timeout:
            break
        if addr[2] == PACKET_OUTGOING or data[6:12] != guest:
            continue
        seq = struct.unpack("!I", data[14:18])[0]
        pattern = bytes((seq + j) & 0xff for j in range(size - 18))
        if len(data) != size or seq != want_seq or data[18:] != pattern:
            bad += 1
            if bad <= 5:
                print(f"FAIL: frame {want_seq}: {len(data)} bytes, seq "
                      f"{seq}, payload {'ok' if data[18:] == pattern else 'wrong'}")
        want_seq = seq + 1
    sock.send(wake)
    if want_seq < count:
        print(f"FAIL: received up to sequence number {want_seq}, "
              f"want {count}")
        return 1
    if bad:
        print(f"FAIL: {bad} of {count} frames wrong")
        return 1
    print(f"PASS: {count} frames of {size} bytes, in order, intact")
    return 0


def main():
    tender, kernel, count, size = sys.argv[1:5]
    extra = sys.argv[5:]
    nettest.require(programs=["ip", "sysctl"])
    with nettest.Netns("pktgen") as ns:
        # No IPv6: its neighbour discovery would reach the guest and end
        # its --wait-rx before our receiver is listening.
        ns.run("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
        ns.run("sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1")
        argv = ns.cmd(tender, "--mem=32", "--net:service=tap0", *extra,
                      "--", kernel, count, size, "--wait-rx",
                      "--end-on-rx", "--idle-exit=60")
        with nettest.Tender(argv) as t:
            m = t.wait_output(r"pktgen: ready mac ([0-9a-f:]{17})")
            nettest.wait_until("tap0", lambda: ns.has_link("tap0"))
            ns.ip("link", "set", "tap0", "up")
            nettest.wait_until("carrier on tap0",
                               lambda: ns.link_has_carrier("tap0"))
            p = ns.run(sys.executable, os.path.abspath(__file__), "--peer",
                       "tap0", count,
                       size, m.group(1).decode(), check=False)
            print(p.stdout + p.stderr, end="", flush=True)
            status = t.wait_exit(60)
    want = f"pktgen: sent={count} ".encode()
    ok = p.returncode == 0 and status == 0 and want in t.out
    if not ok:
        t.dump()
        print(f"FAIL: peer {p.returncode}, guest status {status}")
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--peer":
        sys.exit(peer(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
                      sys.argv[5]))
    sys.exit(main())
