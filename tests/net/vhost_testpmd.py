#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""A guest on a vhost-user port with dpdk-testpmd as the virtio-user peer,
or on a virtio-user port (server) with testpmd as the vhost-user backend.
Exact packet counts both ways; the tender's counters are read while it
runs through its telemetry command. No IP traffic: frames cross a Unix
socket's shared memory only.

usage: vhost_testpmd.py TENDER GUEST_DIR SCENARIO RING [PORT]
SCENARIO: txonly    testpmd's txonly engine at full speed; every frame it
                    counts as sent reaches the guest
          rx        testpmd sends bursts (paced: the next once the guest
                    has the last), the sink guest counts them
          tx        the pktgen guest sends at a paced rate, testpmd counts
          macswap   reflect guest <-> testpmd macswap, ping-pong
          reconnect testpmd is killed mid-traffic and restarted; the tender
                    survives and the guest gets the later frames too
          two_nics  a 2-NIC forwarder guest between two testpmd ports
IO: fastpath (our guests' default on hvt-dpdk), ring (Solo5 shared ring:
    --net-fastpath=off) or hypercalls (--net-fastpath=off --net-ring=off);
    the guest's banner must show the path used
PORT: vhost (default: our vhost-user server, testpmd virtio-user),
      vhost-client (our vhost-user client, testpmd virtio-user server) or
      virtio-user (our virtio-user server, testpmd vhost-user client)
"""
import os
import sys
import tempfile

import nettest

BURST = 32

# Set from the command line: how our port and testpmd's are made.
PORT = {"tender": "vhost:{sock}", "peer": nettest.virtio_peer,
        "we_listen": True}

IO_FLAGS = {
    "fastpath": [],
    "ring": ["--net-fastpath=off"],
    "hypercalls": ["--net-fastpath=off", "--net-ring=off"],
}
TENDERS = []  # every tender a scenario started, for check_io()


def check_io(io):
    """The guest used the I/O path asked for (its banner says)."""
    for t in TENDERS:
        fast, ring = b", fast path" in t.out, b", ring I/O" in t.out
        if (fast, ring) != {"fastpath": (True, False),
                            "ring": (False, True),
                            "hypercalls": (False, False)}[io]:
            print(f"FAIL: guest banner does not show {io} I/O")
            return False
    return True


def start_tender(tender, guest, sock, io, args):
    argv = [tender, "--mem=32",
            "--net:service=" + PORT["tender"].format(sock=sock),
            *IO_FLAGS[io], "--", guest] + args
    TENDERS.append(nettest.Tender(argv))
    return TENDERS[-1]


def tender_rx(t):
    if not hasattr(t, "telemetry"):
        t.telemetry = nettest.Telemetry(t.proc.pid)
    return t.telemetry.query("/hvt_dpdk/stats,service")["service"][
        "rx_packets"]


def connect(t, sock, mode, tag):
    if PORT["we_listen"]:
        nettest.wait_until("the vhost socket", lambda: os.path.exists(sock))
    pmd = nettest.TestPmd([PORT["peer"](0, sock)], mode,
                          f"tpm-{tag}-{os.getpid()}")
    nettest.wait_until("link up", pmd.link_up, timeout=30, interval=0.1)
    return pmd


def send_rounds(t, pmd, rounds, already=0, stop_last=True):
    """One burst per round; the next only once the guest has the last
    (read from the tender's telemetry): a paced, lossless rate. The guest
    exits when it has them all, so the last round is not awaited here.
    stop_last=False leaves the last round's forwarding running: a testpmd
    virtio-user server told to stop while its peer goes away (the guest
    done, the tender exiting) can hang in DPDK 22.11. Returns what testpmd
    says it sent in the rounds it stopped."""
    sent = 0
    for i in range(rounds):
        pmd.cmd("start tx_first 1")
        if i + 1 == rounds and not stop_last:
            break
        sent += pmd.stop_fwd()[1]
        want = already + (i + 1) * BURST
        if i + 1 < rounds:
            nettest.wait_until(f"{want} frames in the guest",
                               lambda: tender_rx(t) >= want, timeout=60)
    return sent


def scenario_rx(tender, d, sock, ring):
    rounds = 10
    n = rounds * BURST
    with start_tender(tender, f"{d}/sink.hvt", sock, ring,
                      [f"--count={n}", "--idle-exit=120"]) as t:
        t.wait_output(r"sink: ready")
        with connect(t, sock, "rxonly", "rx") as pmd:
            sent = send_rounds(t, pmd, rounds)
            status = t.wait_exit(120)
    t.dump()
    return check(status == 0, f"guest exit status {status}") and \
        check(sent == n, f"testpmd sent {sent}, want {n}") and \
        check(f"sink: total={n} ".encode() in t.out, "sink total") and \
        check(f"rx {n} pkts".encode() in t.err, "tender rx count")


def scenario_txonly(tender, d, sock, ring):
    """testpmd's txonly engine, unpaced: whatever testpmd says it sent
    must reach the guest, none lost in the tender (it leaves frames in the
    vring when the guest is slower: backpressure, not drops)."""
    with start_tender(tender, f"{d}/sink.hvt", sock, ring,
                      ["--idle-exit=120"]) as t:
        t.wait_output(r"sink: ready")
        with connect(t, sock, "txonly", "to") as pmd:
            pmd.cmd("start")
            nettest.wait_until("200 frames in the guest",
                               lambda: tender_rx(t) >= 200, timeout=60)
            _, sent = pmd.stop_fwd()
            nettest.wait_until(f"all {sent} frames in the guest",
                               lambda: tender_rx(t) >= sent, timeout=120)
            got = tender_rx(t)
    t.dump()
    return check(sent >= 200, f"testpmd sent only {sent}") and \
        check(got == sent, f"guest got {got}, testpmd sent {sent}") and \
        check(f"rx {sent} pkts".encode() in t.err, "tender rx count")


def scenario_tx(tender, d, sock, ring):
    n = 500
    with start_tender(tender, f"{d}/pktgen.hvt", sock, ring,
                      [str(n), "64", "--pps=2000", "--wait-rx",
                       "--end-on-rx", "--idle-exit=120"]) as t:
        t.wait_output(r"pktgen: ready")
        with connect(t, sock, "rxonly", "tx") as pmd:
            pmd.cmd("start tx_first 1")  # wakes pktgen up (--wait-rx)
            t.wait_output(r"pktgen: sent=", timeout=120)
            # The guest stays until told (--end-on-rx): a virtio-user port
            # takes its virtqueue with it, and testpmd shares a CPU with
            # the vCPU here, so it may still be reading the last frames.
            try:
                nettest.wait_until(f"{n} frames at testpmd",
                                   lambda: pmd.stats()[0] >= n, timeout=20)
            finally:
                print("testpmd rx/tx:", pmd.stats(), flush=True)
                t.dump()
            received = pmd.stop_fwd()[0]
            pmd.cmd("start tx_first 1")  # ends pktgen (--end-on-rx)
            status = t.wait_exit(60)
    t.dump()
    return check(status == 0, f"guest exit status {status}") and \
        check(received == n, f"testpmd received {received}, want {n}") and \
        check(f"pktgen: sent={n} ".encode() in t.out, "pktgen count") and \
        check(f"tx {n} pkts".encode() in t.err, "tender tx count")


def scenario_macswap(tender, d, sock, ring):
    m = 20 * BURST
    with start_tender(tender, f"{d}/reflect.hvt", sock, ring,
                      [f"--count={m}", "--idle-exit=120"]) as t:
        t.wait_output(r"reflect: ready")
        with connect(t, sock, "macswap", "ms") as pmd:
            pmd.cmd("start tx_first 1")  # 32 frames bounce to and fro
            status = t.wait_exit(180)
            received = pmd.stop_fwd()[0]
    t.dump()
    return check(status == 0, f"guest exit status {status}") and \
        check(received == m, f"testpmd received {received}, want {m}") and \
        check(f"reflect: reflected={m} ".encode() in t.out, "reflect count")


def scenario_reconnect(tender, d, sock, ring):
    rounds = 4
    n = 2 * rounds * BURST
    with start_tender(tender, f"{d}/sink.hvt", sock, ring,
                      [f"--count={n}", "--idle-exit=120"]) as t:
        t.wait_output(r"sink: ready")
        pmd = connect(t, sock, "rxonly", "rc1")
        send_rounds(t, pmd, rounds)
        nettest.wait_until("the first frames in the guest",
                           lambda: tender_rx(t) >= rounds * BURST)
        pmd.kill()
        if not PORT["we_listen"] and os.path.exists(sock):
            os.unlink(sock)  # the dead server's socket, as a restart would
        pmd = connect(t, sock, "rxonly", "rc2")
        try:
            send_rounds(t, pmd, rounds, already=rounds * BURST,
                        stop_last=False)
            status = t.wait_exit(120)
        finally:
            pmd.kill()  # its peer is gone: no orderly stop to wait for
    t.dump()
    return check(status == 0, f"guest exit status {status}") and \
        check(f"sink: total={n} ".encode() in t.out, "sink total")


def scenario_two_nics(tender, d, sock, ring):
    """A 2-NIC forwarder on two vhost-user ports: testpmd sends a burst on
    each port and must get each back on the other."""
    north, south = sock + ".north", sock + ".south"
    argv = [tender, "--mem=32",
            "--net:north=" + PORT["tender"].format(sock=north),
            "--net:south=" + PORT["tender"].format(sock=south),
            *IO_FLAGS[ring], "--",
            f"{d}/forward.hvt", f"--count={2 * BURST}", "--idle-exit=120"]
    TENDERS.append(nettest.Tender(argv))
    with TENDERS[-1] as t:
        t.wait_output(r"forward: ready")
        # A virtio-user server waits for its peer before the next port is
        # made: only the first socket exists until testpmd connects.
        if PORT["we_listen"]:
            nettest.wait_until("the first socket",
                               lambda: os.path.exists(north))
        with nettest.TestPmd([PORT["peer"](0, north),
                              PORT["peer"](1, south)], "rxonly",
                             f"tpm-2n-{os.getpid()}") as pmd:
            for port in (0, 1):
                nettest.wait_until(f"link up on port {port}",
                                   lambda: pmd.link_up(port), timeout=30,
                                   interval=0.1)
            pmd.cmd("start tx_first 1")  # a burst out of each port
            status = t.wait_exit(120)
            pmd.stop_fwd()
            rx0, tx0 = pmd.stats(0)
            rx1, tx1 = pmd.stats(1)
    t.dump()
    want = f"forward: north_to_south={BURST} south_to_north={BURST}"
    return check(status == 0, f"guest exit status {status}") and \
        check((tx0, tx1) == (BURST, BURST), f"testpmd sent {tx0}+{tx1}") and \
        check((rx0, rx1) == (BURST, BURST),
              f"testpmd received {rx0} on port 0, {rx1} on port 1") and \
        check(want.encode() in t.out, want)


def check(ok, what):
    if not ok:
        print("FAIL:", what)
    return ok


SCENARIOS = {
    "rx": scenario_rx,
    "tx": scenario_tx,
    "txonly": scenario_txonly,
    "macswap": scenario_macswap,
    "reconnect": scenario_reconnect,
    "two_nics": scenario_two_nics,
}


def main():
    tender, guest_dir, scenario, ring = sys.argv[1:5]
    port = sys.argv[5] if len(sys.argv) > 5 else "vhost"
    if port == "virtio-user":
        PORT["tender"] = "virtio-user:{sock},server"
        PORT["peer"] = nettest.vhost_peer
    elif port == "vhost-client":
        PORT["tender"] = "vhost:{sock},client"
        PORT["peer"] = nettest.virtio_server_peer
        PORT["we_listen"] = False
    nettest.require(tun=False, programs=["dpdk-testpmd"])
    with tempfile.TemporaryDirectory(prefix="hvt-vhost-") as tmp:
        ok = SCENARIOS[scenario](tender, guest_dir, f"{tmp}/vhost.sock",
                                 ring) and check_io(ring)
    print("PASS" if ok else "FAIL", scenario, ring, PORT["tender"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
