#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Jumbo frames through a tap: the reflect unikernel on a 9000-MTU tap the
tender creates (DPDK tap PMD), inside a private namespace. Frames of
9000 + 14 bytes (and a few of 1514 and 60) go out of an AF_PACKET socket
one at a time; each must come back with its MACs swapped and its payload
intact byte for byte. Guest-to-host frames over 2 KiB take the NET_WRITE
hypercall (a ring slot is 2 KiB), so this covers that path and the host's
chained or large mbufs.

usage: tap_jumbo.py TENDER REFLECT_HVT [COUNT [MODE]]
         COUNT jumbo frames (default 50); MODE "created" (default: no tap0,
         the tender creates it with DPDK's tap PMD) or "existing" (tap0
         made beforehand: the tender's own tap endpoint serves it)
       tap_jumbo.py --peer IFACE COUNT GUEST_MAC    (internal: the traffic
                                                     part, run in the
                                                     namespace)
"""
import os
import socket
import struct
import sys
import time

import nettest

ETHERTYPE = 0x88B5  # IEEE local experimental, as pktgen's frames
JUMBO_MTU = 9000
JUMBO = JUMBO_MTU + 14
# A few ordinary and minimum-size frames around the jumbo ones, so the
# small-frame (ring) path is checked before and after the big one.
EXTRA_BEFORE = [60, 1514, 60, 1514, 60, 1514]
EXTRA_AFTER = [60, 1514]
OUR_MAC = bytes.fromhex("020000000001")  # locally administered
REPLY_TIMEOUT = 5.0  # per frame; a reflection takes well under 1 ms
PACKET_OUTGOING = 4  # sll_pkttype of frames this host sent


def sizes(count):
    return EXTRA_BEFORE + [JUMBO] * count + EXTRA_AFTER


def mac_bytes(text):
    return bytes(int(b, 16) for b in text.split(":"))


def await_reflection(sock, guest):
    """The reflected frame for seq, or None after REPLY_TIMEOUT. Frames of
    other ethertypes, directions or addresses are skipped."""
    deadline = time.monotonic() + REPLY_TIMEOUT
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        sock.settimeout(left)
        try:
            data, addr = sock.recvfrom(65536)
        except socket.timeout:
            return None
        if addr[2] == PACKET_OUTGOING or len(data) < 18:
            continue
        if (data[0:6] != OUR_MAC or data[6:12] != guest or
                struct.unpack("!H", data[12:14])[0] != ETHERTYPE):
            continue
        return data


def peer(iface, count, guest_mac):
    """Send each frame and require its reflection before the next."""
    guest = mac_bytes(guest_mac)
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                         socket.htons(ETHERTYPE))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    sock.bind((iface, ETHERTYPE))
    ok = {}
    bad = {}
    for seq, size in enumerate(sizes(count)):
        frame = (guest + OUR_MAC + struct.pack("!HI", ETHERTYPE, seq) +
                 os.urandom(size - 18))
        sock.send(frame)
        got = await_reflection(sock, guest)
        if got is None:
            why = "no reflection within %.0f s" % REPLY_TIMEOUT
        elif len(got) != size:
            why = f"came back with {len(got)} bytes"
        elif got[14:] != frame[14:]:
            first = next(i for i in range(14, size) if got[i] != frame[i])
            why = f"payload differs from byte {first}"
        else:
            ok[size] = ok.get(size, 0) + 1
            continue
        bad[size] = bad.get(size, 0) + 1
        print(f"FAIL: frame {seq} ({size} bytes): {why}", flush=True)
    want = {}
    for size in sizes(count):
        want[size] = want.get(size, 0) + 1
    for size in sorted(want):
        verdict = "PASS" if ok.get(size, 0) == want[size] else "FAIL"
        print(f"{verdict}: {ok.get(size, 0)} of {want[size]} frames of "
              f"{size} bytes reflected intact")
    return 0 if not bad else 1


def alive(t, cond):
    """cond, but a tender that has exited fails the wait at once."""
    def check():
        if t.proc.poll() is not None:
            raise RuntimeError(f"the tender exited ({t.proc.returncode})")
        return cond()
    return check


def main():
    tender, kernel = sys.argv[1:3]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    mode = sys.argv[4] if len(sys.argv) > 4 else "created"
    if mode not in ("created", "existing"):
        print(__doc__)
        return 2
    total = len(sizes(count))
    total_bytes = sum(sizes(count))
    nettest.require(programs=["ip", "sysctl"])
    failures = []
    with nettest.Netns("jumbo") as ns:
        # No IPv6 on the tap: neighbour discovery and MLD would reach the
        # guest and be reflected too, and its --count must be our frames.
        ns.run("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
        ns.run("sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1")
        if mode == "existing":
            ns.ip("tuntap", "add", "tap0", "mode", "tap")
        argv = ns.cmd(tender, "--mem=64", "--net:service=tap0",
                      f"--net-mtu:service={JUMBO_MTU}", "--", kernel,
                      f"--count={total}", "--idle-exit=60")
        with nettest.Tender(argv) as t:
            m = t.wait_output(r"reflect: ready mac ([0-9a-f:]{17}) mtu (\d+)")
            guest_mac, mtu = m.group(1).decode(), int(m.group(2))
            if mtu != JUMBO_MTU:
                failures.append(f"guest sees mtu {mtu}, want {JUMBO_MTU}")
            try:
                nettest.wait_until("tap0 in the namespace",
                                   alive(t, lambda: ns.has_link("tap0")))
                # Up before awaiting carrier: a down link never shows
                # LOWER_UP, whoever holds the tap open.
                ns.ip("link", "set", "tap0", "mtu", str(JUMBO_MTU), "up")
                nettest.wait_until("carrier on tap0", alive(
                    t, lambda: ns.link_has_carrier("tap0")))
            except (RuntimeError, TimeoutError) as e:
                t.stop()
                t.dump()
                print("FAIL: tap0 never became usable:", e)
                return 1
            p = ns.run(sys.executable, os.path.abspath(__file__), "--peer",
                       "tap0", str(count), guest_mac, check=False)
            print(p.stdout + p.stderr, end="", flush=True)
            if p.returncode != 0:
                failures.append(f"peer exited with {p.returncode}")
            if p.returncode == 0:
                status = t.wait_exit(timeout=60)
            else:
                # The guest still waits for the missing frames.
                status = t.stop()
            lines = t.out.decode(errors="replace").strip().splitlines()
            final = lines[-1] if lines else ""
            want = f"reflect: reflected={total} bytes={total_bytes}"
            if final != want:
                failures.append(f"guest's final line is {final!r}, "
                                f"want {want!r}")
            if status != 0:
                failures.append(f"tender exit status {status}")
            if failures:
                t.dump()
    for f in failures:
        print("FAIL:", f)
    if failures:
        return 1
    print(f"PASS: {total} frames ({count} of {JUMBO} bytes) reflected "
          f"intact over a {JUMBO_MTU}-MTU {mode} tap")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--peer":
        sys.exit(peer(sys.argv[2], int(sys.argv[3]), sys.argv[4]))
    sys.exit(main())
