#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""The website unikernel (lwIP, raw TCP API) over a tap inside a private
namespace: keep-alive, fresh connections, errors, concurrency, pipelining
and hostile requests, every body checked byte for byte against the site in
the source tree, and the guest's request count against ours.
usage: website.py TENDER WEBSITE_HVT
       website.py --client SITE_DIR   (run inside the namespace by the
                                       above: python 3.11 cannot setns)
"""
import http.client
import os
import re
import socket
import sys
import threading
import time

import nettest

HERE = os.path.dirname(os.path.abspath(__file__))
SITE = os.path.join(HERE, "..", "..", "guest", "apps", "website", "site")
ADDR = "10.0.0.2"
TYPES = {"index.html": "text/html; charset=utf-8", "hvt-dpdk.png": "image/png"}


class Client:
    """The checks, run inside the namespace; counts the requests the
    server will have parsed."""

    def __init__(self, site):
        self.files = {}
        for name in TYPES:
            with open(os.path.join(site, name), "rb") as f:
                self.files["/" + name] = (TYPES[name], f.read())
        self.files["/"] = self.files["/index.html"]
        self.requests = 0
        self.lock = threading.Lock()

    def count(self, n=1):
        with self.lock:
            self.requests += n

    def check(self, resp, path, method="GET"):
        ctype, data = self.files[path]
        body = resp.read()
        want_body = data if method == "GET" else b""
        if (resp.status != 200 or resp.getheader("Content-Type") != ctype or
                resp.getheader("Content-Length") != str(len(data)) or
                body != want_body):
            raise AssertionError(
                f"{method} {path}: status {resp.status}, type "
                f"{resp.getheader('Content-Type')}, length "
                f"{resp.getheader('Content-Length')}, body {len(body)} bytes"
                f"{' (differs)' if body != want_body else ''}")

    def get(self, conn, path, method="GET"):
        conn.request(method, path)
        self.count()
        resp = conn.getresponse()
        self.check(resp, path, method)
        return resp

    def keep_alive(self, n, paths=("/", "/index.html", "/hvt-dpdk.png")):
        conn = http.client.HTTPConnection(ADDR, 80, timeout=10)
        conn.connect()
        sock = conn.sock
        for i in range(n):
            self.get(conn, paths[i % len(paths)])
            # http.client silently reconnects: require the same socket.
            if conn.sock is not sock:
                raise AssertionError(f"connection not kept alive at {i}")
        self.get(conn, "/hvt-dpdk.png", "HEAD")
        conn.request("GET", "/no/such/page")
        self.count()
        resp = conn.getresponse()
        resp.read()
        if resp.status != 404 or conn.sock is not sock:
            raise AssertionError(f"404 expected, got {resp.status}")
        self.get(conn, "/")  # still usable after the 404
        conn.close()

    def fresh(self, n):
        for i in range(n):
            conn = http.client.HTTPConnection(ADDR, 80, timeout=10)
            self.get(conn, "/hvt-dpdk.png" if i % 2 else "/")
            conn.close()

    def concurrent(self, threads, n):
        errors = []

        def worker():
            try:
                self.keep_alive(n)
            except Exception as e:  # noqa: BLE001 (reported below)
                errors.append(e)

        ts = [threading.Thread(target=worker) for _ in range(threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        if errors:
            raise errors[0]

    def raw(self, data, pause=0.0):
        """Sends data (a list of pieces, pause between them); returns all
        the server answers until it closes or goes quiet."""
        s = socket.create_connection((ADDR, 80), timeout=10)
        for piece in data:
            s.sendall(piece)
            time.sleep(pause)
        s.shutdown(socket.SHUT_WR)
        out = b""
        try:
            while chunk := s.recv(65536):
                out += chunk
        except ConnectionResetError:
            pass
        s.close()
        return out

    def hostile(self):
        out = self.raw([b"\x00\x01garbage\r\n\r\n"])
        self.count()
        if not out.startswith(b"HTTP/1.1 400 "):
            raise AssertionError(f"garbage: {out[:60]!r}")
        out = self.raw([b"GARBAGE\r\n\r\n"])
        self.count()
        if not out.startswith(b"HTTP/1.1 400 "):
            raise AssertionError(f"bad request line: {out[:60]!r}")
        # A head longer than the server's 4 KiB buffer: a 400, or a reset
        # if the rest arrives after the server closed.
        out = self.raw([b"GET / HTTP/1.1\r\nX-Long: " + b"a" * 6000])
        self.count()
        if out and not out.startswith(b"HTTP/1.1 400 "):
            raise AssertionError(f"long head: {out[:60]!r}")
        out = self.raw([b"POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"])
        self.count()
        if not (out.startswith(b"HTTP/1.1 405 ") and
                b"Allow: GET, HEAD\r\n" in out):
            raise AssertionError(f"POST: {out[:80]!r}")
        # Three pipelined requests in one write, and a request in pieces.
        out = self.raw([b"GET / HTTP/1.1\r\n\r\n" * 2 +
                        b"GET /hvt-dpdk.png HTTP/1.1\r\nHost: x\r\n\r\n"])
        self.count(3)
        self.check_stream(out, ["/", "/", "/hvt-dpdk.png"])
        out = self.raw([b"GE", b"T /index.html HT", b"TP/1.1\r\nHost: x\r",
                        b"\n\r\n"], pause=0.05)
        self.count()
        self.check_stream(out, ["/index.html"])
        # HTTP/1.0 without keep-alive, and Connection: close: the server
        # says close and closes.
        for req in (b"GET / HTTP/1.0\r\n\r\n",
                    b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n"
                    b"GET / HTTP/1.1\r\n\r\n"):
            out = self.raw([req])
            self.count()
            self.check_stream(out, ["/"], close=True)

    def check_stream(self, out, paths, close=False):
        """Splits a raw stream into responses and checks each one."""
        for path in paths:
            head, sep, out = out.partition(b"\r\n\r\n")
            m = re.match(rb"HTTP/1\.1 200 OK\r\n", head)
            length = re.search(rb"\r\nContent-Length: (\d+)", head)
            if not sep or not m or not length:
                raise AssertionError(f"{path}: bad response head {head!r}")
            body, out = out[:int(length[1])], out[int(length[1]):]
            if body != self.files[path][1]:
                raise AssertionError(f"{path}: body differs")
            if close and b"\r\nConnection: close" not in head:
                raise AssertionError(f"{path}: no Connection: close")
        if out:
            raise AssertionError(f"{len(out)} unexpected bytes after "
                                 f"{len(paths)} responses")

    def run(self):
        t0 = time.monotonic()
        self.keep_alive(1000)
        print(f"client: 1000 keep-alive requests on one connection "
              f"({time.monotonic() - t0:.2f} s)", flush=True)
        t0 = time.monotonic()
        self.fresh(200)
        print(f"client: 200 fresh connections ({time.monotonic() - t0:.2f} s)",
              flush=True)
        self.concurrent(8, 100)
        print("client: 8 concurrent keep-alive connections x 100 requests",
              flush=True)
        self.hostile()
        print("client: errors, pipelining, partial and hostile requests",
              flush=True)
        print(f"client: requests={self.requests}")


def main():
    if sys.argv[1:2] == ["--client"]:
        Client(sys.argv[2]).run()
        return 0
    tender, kernel = sys.argv[1:3]
    nettest.require(programs=["ip"])
    if not os.path.exists(kernel):
        nettest.skip(f"{kernel} was not built (no lwIP source: run "
                     "scripts/fetch-lwip)")
    with nettest.Netns("website") as ns:
        argv = ns.cmd(tender, "--mem=32", "--net:service=tap0", "--",
                      kernel, f"--ipv4={ADDR}/24", "--idle-exit=5")
        with nettest.Tender(argv) as t:
            t.wait_output(rf"website: listening on {ADDR}:80")
            nettest.wait_until("tap0 in the namespace",
                               lambda: ns.has_link("tap0"))
            # No IPv6 chatter on the tap: it would delay the idle exit.
            ns.run("sysctl", "-qw", "net.ipv6.conf.tap0.disable_ipv6=1",
                   check=False)
            ns.ip("addr", "add", "10.0.0.1/24", "dev", "tap0")
            ns.ip("link", "set", "tap0", "up")
            nettest.wait_until("carrier on tap0",
                               lambda: ns.link_has_carrier("tap0"))
            client = ns.run(sys.executable, os.path.abspath(__file__),
                            "--client", SITE, check=False)
            print(client.stdout + client.stderr)
            status = t.wait_exit(timeout=90)
            t.dump()
        if client.returncode != 0:
            print("FAIL: the client's checks failed")
            return 1
        want = re.search(r"client: requests=(\d+)", client.stdout)[1]
        got = re.search(rb"website: requests=(\d+)", t.out)
        if status != 0 or not got or got[1].decode() != want:
            print(f"FAIL: guest exit status {status}, requests "
                  f"{got[1].decode() if got else '?'}, want {want}")
            return 1
    print(f"PASS: website served {want} requests correctly")
    return 0


if __name__ == "__main__":
    sys.exit(main())
