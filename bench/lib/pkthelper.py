#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""AF_PACKET peer for the benchmark harness, run inside the harness's
network namespace (ip netns exec NS python3 pkthelper.py MODE ...).
Only frames of ethertype 0x88b5 (pktgen's) are sent or counted. Prints
"armed" once its socket is bound, then one JSON line with its result.
Times are CLOCK_MONOTONIC (time.monotonic), comparable across processes.

modes:
  count IFACE TIMEOUT IDLE [EXPECT]  count incoming frames until EXPECT,
                                      IDLE s after the last, or TIMEOUT
  first IFACE TIMEOUT                 time of the first incoming frame
  send IFACE COUNT SIZE DST           send COUNT frames as fast as possible
  reflect IFACE COUNT SIZE DST TIMEOUT  send COUNT frames (keeping at most
                                      WINDOW in flight) and count those that
                                      come back from DST
"""
import json
import socket
import struct
import sys
import time

ETH_P_BENCH = 0x88b5
PACKET_OUTGOING = 4
WINDOW = 64


def open_sock(iface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_BENCH))
    try:
        s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE
        s.setsockopt(socket.SOL_SOCKET, 32, 8 << 20)  # SO_SNDBUFFORCE
    except OSError:
        pass
    s.bind((iface, ETH_P_BENCH))
    # Drop anything queued before the bind completed.
    s.setblocking(False)
    try:
        while True:
            s.recv(65536)
    except BlockingIOError:
        pass
    s.setblocking(True)
    print("armed", flush=True)
    return s


def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(":"))


def frame(dst, src, seq, size):
    hdr = dst + src + struct.pack("!HI", ETH_P_BENCH, seq)
    body = bytes((seq + j) & 0xff for j in range(size - len(hdr)))
    return hdr + body


def incoming(s, timeout):
    s.settimeout(timeout)
    while True:
        data, addr = s.recvfrom(65536)
        if addr[2] != PACKET_OUTGOING:
            return data


def mode_count(iface, timeout, idle, expect=0):
    s = open_sock(iface)
    deadline = time.monotonic() + float(timeout)
    idle = float(idle)
    expect = int(expect)
    n, t_first, t_last, nbytes = 0, None, None, 0
    while True:
        now = time.monotonic()
        left = deadline - now
        if t_last is not None:
            left = min(left, t_last + idle - now)
        if left <= 0 or (expect and n >= expect):
            break
        try:
            data = incoming(s, left)
        except socket.timeout:
            break
        t_last = time.monotonic()
        if t_first is None:
            t_first = t_last
        n += 1
        nbytes += len(data)
    print(json.dumps({"count": n, "bytes": nbytes, "t_first": t_first,
                      "t_last": t_last}), flush=True)


def mode_first(iface, timeout):
    s = open_sock(iface)
    try:
        incoming(s, float(timeout))
        t = time.monotonic()
    except socket.timeout:
        t = None
    print(json.dumps({"t_first": t}), flush=True)


def mode_send(iface, count, size, dst):
    s = open_sock(iface)
    src = bytes.fromhex("02aabbccdd01")
    dstb = mac_bytes(dst)
    frames = [frame(dstb, src, i, int(size)) for i in range(256)]
    sent = 0
    t0 = time.monotonic()
    count = int(count)
    while sent < count:
        try:
            s.send(frames[sent & 0xff])
            sent += 1
        except BlockingIOError:
            time.sleep(0.0001)
        except OSError:  # ENOBUFS: the tap's queue is full
            time.sleep(0.0001)
    t1 = time.monotonic()
    print(json.dumps({"sent": sent, "t0": t0, "t1": t1}), flush=True)


def mode_reflect(iface, count, size, dst, timeout):
    s = open_sock(iface)
    src = bytes.fromhex("02aabbccdd01")
    dstb = mac_bytes(dst)
    count = int(count)
    frames = [frame(dstb, src, i, int(size)) for i in range(256)]
    sent = received = lost = 0
    t_first = t_last = None
    t0 = time.monotonic()
    deadline = t0 + float(timeout)
    while received + lost < count and time.monotonic() < deadline:
        while sent < count and sent - received - lost < WINDOW:
            try:
                s.send(frames[sent & 0xff])
                sent += 1
            except OSError:
                break
        try:
            data = incoming(s, 0.5)
        except socket.timeout:
            # Nothing for 0.5 s: what is in flight is lost; go on.
            lost = sent - received
            continue
        if data[0:6] != src:
            continue
        t_last = time.monotonic()
        if t_first is None:
            t_first = t_last
        received += 1
    print(json.dumps({"sent": sent, "received": received, "lost": lost,
                      "t0": t0, "t_first": t_first, "t_last": t_last}),
          flush=True)


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    {"count": mode_count, "first": mode_first, "send": mode_send,
     "reflect": mode_reflect}[mode](*args)


if __name__ == "__main__":
    main()
