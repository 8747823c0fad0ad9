#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""The operator's topology, end to end, with scripts/hvt-net doing the host
set-up: a unikernel on a tap in a "host" namespace, reached from and
reaching an "outside" namespace through NAT.

    outside                 host                              uk
    eth0 192.0.2.1/24 --- uplink0 192.0.2.2/24
                          tap0 10.0.0.1/24 -- tender -- unikernel 10.0.0.2
                          ukveth0 10.0.1.1/24 --------- eth0 10.0.1.2/24

In "host": hvt-net up (tap0), hvt-net nat (masquerade 10.0.0.0/24 out of
uplink0) and hvt-net expose (192.0.2.2:8080 -> 10.0.0.2:80), all through
"ip netns exec". "uk" is a Linux stand-in for a unikernel behind its own
link (10.0.1.0/24, exposed on port 8081), so the NAT rules are checked
with ordinary sockets whichever guests exist.

Checks:
  rules    hvt-net is idempotent (a second run leaves the same table)
  stand-in outside -> 192.0.2.2:8081 reaches uk's server by DNAT (and from
           the host itself, by the OUTPUT rule of --local); uk -> outside's
           server arrives from 192.0.2.2 (masquerade)
  ping     ping.hvt on tap0: the host pings 10.0.0.2 directly, outside
           pings it routed (route 10.0.0.0/24 via 192.0.2.2)
  website  (a) website.hvt on tap0: curl http://192.0.2.2:8080/ from outside
           returns the index page (DNAT in PREROUTING)
  http_get (b) http_get.hvt fetches http://192.0.2.1:8000/hello.txt from
           outside's server: status 200, and the server logs the client as
           192.0.2.2 (masqueraded), not 10.0.0.2
  down     (c) hvt-net down leaves no table hvt-dpdk and no tap0

usage: topology.py TENDER GUEST_DIR
Exits 77 (skip) when website.hvt or http_get.hvt is missing from GUEST_DIR,
after every other check passed; the reason names what was skipped.
"""
import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile

import nettest

HERE = os.path.dirname(os.path.abspath(__file__))
HVT_NET = os.path.join(HERE, "..", "..", "scripts", "hvt-net")

OUTSIDE_IP, HOST_UPLINK_IP = "192.0.2.1", "192.0.2.2"
UK_IP, TAP_IP = "10.0.0.2", "10.0.0.1"
STANDIN_IP, STANDIN_HOST_IP = "10.0.1.2", "10.0.1.1"
SERVER_PORT = 8000
HELLO = "hello from outside\n"
INDEX = "<html><head><title>hvt-dpdk stand-in</title></head></html>\n"
CURL_TIME = "30"  # s, per request; the guest may run emulated (kvm-pvm)


class Server:
    """python3 -m http.server inside a namespace, bound to one address,
    its log (the clients' addresses) in a file; stopped by its PID."""

    def __init__(self, ns, addr, port, directory, log):
        self.ns, self.port, self.log = ns, port, log
        # ip netns exec execs the command: the PID is the server's.
        with open(log, "wb") as f:
            self.proc = subprocess.Popen(
                ns.cmd(sys.executable, "-u", "-m", "http.server", "--bind",
                       addr, "--directory", directory, str(port)),
                stdout=f, stderr=subprocess.STDOUT)
        nettest.wait_until(f"http.server on {addr}:{port} in {ns.name}",
                           self.listening, timeout=30)

    def listening(self):
        if self.proc.poll() is not None:
            raise RuntimeError(f"http.server exited:\n{self.text()}")
        return bool(self.ns.run("ss", "-Hltn", f"sport = :{self.port}",
                                check=False).stdout.strip())

    def text(self):
        with open(self.log, errors="replace") as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class Checks:
    def __init__(self):
        self.failed = []

    def check(self, name, ok, detail=""):
        print(("PASS: " if ok else "FAIL: ") + name +
              (f"\n  {detail}" if detail and not ok else ""), flush=True)
        if not ok:
            self.failed.append(name)
        return ok


def hvt_net(ns, *args):
    p = ns.run(HVT_NET, *args, check=False)
    print(f"[{ns.name}] hvt-net {' '.join(args)}\n{p.stdout}{p.stderr}",
          end="", flush=True)
    if p.returncode != 0:
        raise RuntimeError(f"hvt-net {' '.join(args)} failed")
    return p


def curl(ns, url):
    """(exit status, body) of a GET from inside ns, bounded in time."""
    p = ns.run("curl", "-sS", "--max-time", CURL_TIME, url, check=False)
    return p.returncode, p.stdout + p.stderr


def title(body):
    m = re.search(r"<title>([^<]*)</title>", body, re.I)
    return m.group(1) if m else None


def ping(ns, addr):
    p = ns.run("ping", "-c", "3", "-i", "0.2", "-w", "15", addr, check=False)
    return nettest.parse_ping(p.stdout) if "transmitted" in p.stdout else (0, 0)


def client_lines(server, path):
    """Client addresses of the server's log lines for GET path."""
    return re.findall(r"^(\S+) - - \[[^]]*\] \"GET " + re.escape(path),
                      server.text(), re.M)


def tender_argv(host, tender, kernel, *args):
    return host.cmd(tender, "--mem=64", "--net:service=tap0", "--", kernel,
                    *args)


def setup(outside, host, uk):
    # Links are made from inside the namespaces: nothing in the root one.
    host.ip("link", "add", "uplink0", "type", "veth", "peer", "name",
            "eth0", "netns", outside.name)
    host.ip("link", "add", "ukveth0", "type", "veth", "peer", "name",
            "eth0", "netns", uk.name)
    outside.ip("addr", "add", f"{OUTSIDE_IP}/24", "dev", "eth0")
    outside.ip("link", "set", "eth0", "up")
    host.ip("addr", "add", f"{HOST_UPLINK_IP}/24", "dev", "uplink0")
    host.ip("link", "set", "uplink0", "up")
    host.ip("addr", "add", f"{STANDIN_HOST_IP}/24", "dev", "ukveth0")
    host.ip("link", "set", "ukveth0", "up")
    uk.ip("addr", "add", f"{STANDIN_IP}/24", "dev", "eth0")
    uk.ip("link", "set", "eth0", "up")
    uk.ip("route", "add", "default", "via", STANDIN_HOST_IP)
    # outside knows no route to 10.0.0.0/24 except for the routed ping
    # (added there); NAT needs none.


def hvt_net_setup(host, ck):
    steps = [
        ("up", "--tap", "tap0", "--host-ip", f"{TAP_IP}/24"),
        ("nat", "--tap", "tap0", "--subnet", "10.0.0.0/24",
         "--uplink", "uplink0"),
        ("expose", "--uplink", "uplink0", "--port", "8080",
         "--to", f"{UK_IP}:80", "--local"),
        # The stand-in behind ukveth0, the same way.
        ("nat", "--tap", "ukveth0", "--subnet", "10.0.1.0/24",
         "--uplink", "uplink0"),
        ("expose", "--uplink", "uplink0", "--port", "8081",
         "--to", f"{STANDIN_IP}:80", "--local"),
    ]
    for s in steps:
        hvt_net(host, *s)
    table = host.run("nft", "list", "table", "ip", "hvt-dpdk").stdout
    for s in steps:
        hvt_net(host, *s)
    again = host.run("nft", "list", "table", "ip", "hvt-dpdk").stdout
    ck.check("rules: a second run of every hvt-net command leaves the same "
             "table", table == again, f"first:\n{table}\nsecond:\n{again}")
    ck.check("rules: net.ipv4.ip_forward=1 in host",
             host.run("sysctl", "-n", "net.ipv4.ip_forward").stdout.strip()
             == "1")
    hvt_net(host, "status")


def standin_checks(outside, host, uk, tmp, outside_srv, ck):
    www = os.path.join(tmp, "uk-www")
    os.mkdir(www)
    with open(os.path.join(www, "index.html"), "w") as f:
        f.write(INDEX)
    with Server(uk, STANDIN_IP, 80, www, os.path.join(tmp, "uk.log")) as srv:
        st, body = curl(outside, f"http://{HOST_UPLINK_IP}:8081/")
        ck.check("stand-in: outside -> 192.0.2.2:8081 reaches 10.0.1.2:80 "
                 "(DNAT in PREROUTING)",
                 st == 0 and title(body) == "hvt-dpdk stand-in", body)
        ck.check("stand-in: the DNATed client keeps its address 192.0.2.1",
                 client_lines(srv, "/") == [OUTSIDE_IP], srv.text())
        st, body = curl(host, f"http://{HOST_UPLINK_IP}:8081/")
        ck.check("stand-in: the host itself -> 192.0.2.2:8081 (DNAT in "
                 "OUTPUT, --local)",
                 st == 0 and title(body) == "hvt-dpdk stand-in", body)
    st, body = curl(uk, f"http://{OUTSIDE_IP}:{SERVER_PORT}/hello.txt")
    ck.check("stand-in: 10.0.1.2 -> outside's server gets hello.txt",
             st == 0 and body == HELLO, body)
    who = client_lines(outside_srv, "/hello.txt")
    ck.check("stand-in: outside's server saw 192.0.2.2 (masquerade in "
             "POSTROUTING), not 10.0.1.2", who == [HOST_UPLINK_IP],
             outside_srv.text())


def ping_checks(outside, host, tender, guests, ck):
    kernel = os.path.join(guests, "ping.hvt")
    with nettest.Tender(tender_argv(host, tender, kernel, f"--ipv4={UK_IP}/24",
                                    f"--ipv4-gateway={TAP_IP}",
                                    "--idle-exit=60")) as t:
        t.wait_output(r"ping: ready")
        nettest.wait_until("carrier on tap0",
                           lambda: host.link_has_carrier("tap0"))
        sent, got = ping(host, UK_IP)
        ck.check("ping: host -> 10.0.0.2 on tap0 (the tutorial's check)",
                 sent == 3 and got == 3, f"{got} of {sent} replies")
        outside.ip("route", "add", "10.0.0.0/24", "via", HOST_UPLINK_IP)
        sent, got = ping(outside, UK_IP)
        outside.ip("route", "del", "10.0.0.0/24", "via", HOST_UPLINK_IP)
        ck.check("ping: outside -> 10.0.0.2 routed through host "
                 "(ip_forward)", sent == 3 and got == 3,
                 f"{got} of {sent} replies")
        t.stop()
        print(t.out.decode(errors="replace"), end="")
    # The next guest has another (random) MAC.
    host.ip("neigh", "flush", "dev", "tap0")


def website_checks(outside, host, tender, kernel, ck):
    with nettest.Tender(tender_argv(host, tender, kernel,
                                    f"--ipv4={UK_IP}/24",
                                    f"--ipv4-gateway={TAP_IP}")) as t:
        t.wait_output(r"website: listening on 10\.0\.0\.2:80", timeout=120)
        nettest.wait_until("carrier on tap0",
                           lambda: host.link_has_carrier("tap0"))
        st, body = curl(outside, f"http://{HOST_UPLINK_IP}:8080/")
        ck.check(f"(a) website: outside -> 192.0.2.2:8080 (DNAT) returns "
                 f"the index page, title {title(body)!r}",
                 st == 0 and title(body), body[:2000])
        st, body = curl(host, f"http://{UK_IP}/")
        ck.check("website: host -> http://10.0.0.2/ directly",
                 st == 0 and title(body), body[:2000])
        st, body = curl(host, f"http://{HOST_UPLINK_IP}:8080/")
        ck.check("website: host -> 192.0.2.2:8080 (DNAT in OUTPUT, --local)",
                 st == 0 and title(body), body[:2000])
        t.stop()
    host.ip("neigh", "flush", "dev", "tap0")


def http_get_checks(host, tender, kernel, outside_srv, ck):
    before = len(client_lines(outside_srv, "/hello.txt"))
    url = f"http://{OUTSIDE_IP}:{SERVER_PORT}/hello.txt"
    with nettest.Tender(tender_argv(host, tender, kernel,
                                    f"--ipv4={UK_IP}/24",
                                    f"--ipv4-gateway={TAP_IP}", url)) as t:
        status = t.wait_exit(timeout=120)
        out = t.out.decode(errors="replace")
        print(out, end="")
    ck.check("(b) http_get: status 200 from outside's server, guest exit 0",
             re.search(r"http-get: status 200\b", out) and status == 0,
             f"exit status {status}")
    who = client_lines(outside_srv, "/hello.txt")[before:]
    ck.check("(b) http_get: outside's server saw 192.0.2.2 (masquerade), "
             "not 10.0.0.2", who == [HOST_UPLINK_IP], outside_srv.text())
    host.ip("neigh", "flush", "dev", "tap0")


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    tender, guests = sys.argv[1:3]
    # A SIGTERM (meson's timeout) unwinds like an error: cleanup runs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("FAIL: SIGTERM"))
    nettest.require(programs=["ip", "ping", "nft", "curl", "ss", "sysctl"])
    ck = Checks()
    skipped = []
    with contextlib.ExitStack() as stack:
        outside = stack.enter_context(nettest.Netns("outside"))
        host = stack.enter_context(nettest.Netns("host"))
        uk = stack.enter_context(nettest.Netns("uk"))
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        setup(outside, host, uk)
        hvt_net_setup(host, ck)

        www = os.path.join(tmp, "outside-www")
        os.mkdir(www)
        with open(os.path.join(www, "hello.txt"), "w") as f:
            f.write(HELLO)
        srv = stack.enter_context(Server(outside, OUTSIDE_IP, SERVER_PORT,
                                         www, os.path.join(tmp, "out.log")))

        standin_checks(outside, host, uk, tmp, srv, ck)
        ping_checks(outside, host, tender, guests, ck)

        website = os.path.join(guests, "website.hvt")
        if os.path.exists(website):
            website_checks(outside, host, tender, website, ck)
        else:
            skipped.append(f"(a) website: {website} does not exist")
        http_get = os.path.join(guests, "http_get.hvt")
        if os.path.exists(http_get):
            http_get_checks(host, tender, http_get, srv, ck)
        else:
            skipped.append(f"(b) http_get: {http_get} does not exist")

        hvt_net(host, "down")
        tables = host.run("nft", "list", "tables").stdout
        ck.check("(c) down: nft list tables shows no hvt-dpdk",
                 "hvt-dpdk" not in tables, tables)
        ck.check("(c) down: the tap hvt-net up created is gone",
                 not host.has_link("tap0"))
        status = host.run(HVT_NET, "status").stdout
        ck.check("(c) down: status shows no table",
                 "no nftables table ip hvt-dpdk" in status, status)
    if ck.failed:
        print(f"FAIL: {len(ck.failed)} check(s): " + "; ".join(ck.failed))
        return 1
    if skipped:
        nettest.skip("every other check passed; not run: " +
                     "; ".join(skipped))
    print("PASS: topology")
    return 0


if __name__ == "__main__":
    sys.exit(main())
