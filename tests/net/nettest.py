# SPDX-License-Identifier: ISC
"""Helpers for network tests: a private network namespace, a tender
process inside it, and waiting on conditions instead of sleeping.

Traffic stays inside namespaces these helpers create; every wait is bounded
and everything created is removed on exit, also when a test fails.
"""
import os
import re
import selectors
import signal
import subprocess
import sys
import time

SKIP = 77


def skip(reason):
    print("SKIP:", reason)
    sys.exit(SKIP)


def require(kvm=True, tun=True, root=True, programs=()):
    if root and os.geteuid() != 0:
        skip("needs root (network namespaces, taps)")
    if kvm and not os.access("/dev/kvm", os.R_OK | os.W_OK):
        skip("/dev/kvm is missing or not accessible")
    if tun and not os.path.exists("/dev/net/tun"):
        skip("/dev/net/tun is missing")
    for p in programs:
        if not any(os.access(os.path.join(d, p), os.X_OK)
                   for d in os.environ.get("PATH", "").split(":")):
            skip(f"{p} is not installed")


def run(cmd, check=True, **kw):
    """Run a short command; its output is returned and echoed on failure."""
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)
    if check and p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}):\n"
                           f"{p.stdout}{p.stderr}")
    return p


def wait_until(what, cond, timeout=30.0, interval=0.02):
    """Poll cond() until true; a bounded wait on a condition."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout} s waiting for {what}")


class Netns:
    """A network namespace named after the test and this process."""

    def __init__(self, tag):
        self.name = f"hvt-{tag}-{os.getpid()}"

    def __enter__(self):
        run(["ip", "netns", "add", self.name])
        self.ip("link", "set", "lo", "up")
        return self

    def __exit__(self, *exc):
        run(["ip", "netns", "del", self.name], check=False)

    def cmd(self, *args):
        return ["ip", "netns", "exec", self.name] + list(args)

    def run(self, *args, check=True):
        return run(self.cmd(*args), check=check)

    def ip(self, *args, check=True):
        return self.run("ip", *args, check=check)

    def has_link(self, name):
        return self.ip("link", "show", name, check=False).returncode == 0

    def link_has_carrier(self, name):
        """True once a process serves the tap (the kernel's LOWER_UP)."""
        p = self.ip("link", "show", name, check=False)
        return p.returncode == 0 and "LOWER_UP" in p.stdout


class Tender:
    """A tender process (in a namespace) whose output is collected as it
    comes, so tests can await markers."""

    def __init__(self, argv, pass_fds=()):
        print("starting:", " ".join(argv), flush=True)
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE,
                                     pass_fds=pass_fds)
        self.out = b""
        self.err = b""
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.proc.stdout, selectors.EVENT_READ, "out")
        self.sel.register(self.proc.stderr, selectors.EVENT_READ, "err")

    def _pump(self, timeout):
        for key, _ in self.sel.select(timeout=timeout):
            data = os.read(key.fileobj.fileno(), 65536)
            if not data:
                self.sel.unregister(key.fileobj)
            elif key.data == "out":
                self.out += data
            else:
                self.err += data

    def wait_output(self, pattern, timeout=60.0):
        """Wait for a regex on stdout; returns the match."""
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern.encode())
        while True:
            m = rx.search(self.out)
            if m:
                return m
            left = deadline - time.monotonic()
            if left <= 0 or not self.sel.get_map():
                self.dump()
                raise TimeoutError(f"no {pattern!r} on the tender's stdout")
            self._pump(min(left, 0.5))

    def wait_exit(self, timeout=60.0):
        deadline = time.monotonic() + timeout
        while self.sel.get_map() and time.monotonic() < deadline:
            self._pump(0.5)
        try:
            return self.proc.wait(timeout=max(deadline - time.monotonic(), 1))
        except subprocess.TimeoutExpired:
            self.dump()
            raise

    def stop(self):
        """SIGTERM, then wait; SIGKILL only if it does not stop."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.wait_exit(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        return self.wait_exit(timeout=10)

    def dump(self):
        print("--- tender stdout ---\n" + self.out.decode(errors="replace"))
        print("--- tender stderr ---\n" + self.err.decode(errors="replace"))

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        self.stop()
        if exc_type is not None:
            # A failing test: show what the tender said until the end
            # (its per-NIC counters come last).
            self.dump()


def parse_ping(output):
    """(transmitted, received) from ping's summary line."""
    m = re.search(r"(\d+) packets transmitted, (\d+) received", output)
    if not m:
        raise RuntimeError("no ping summary in:\n" + output)
    return int(m.group(1)), int(m.group(2))


class TestPmd:
    """dpdk-testpmd as a virtio-user peer, driven on its interactive
    console: each command returns its output once the prompt is back. A
    thread drains its output all the time: testpmd logs a lot when a peer
    goes away, and a full pipe would stall it."""

    PROMPT = b"testpmd> "

    def __init__(self, vdevs, mode, prefix, lcores="0@0,1@0"):
        """vdevs: DPDK --vdev strings, one port each (see virtio_peer() and
        vhost_peer())."""
        import threading
        self.prefix = prefix
        # stdbuf: testpmd's printf output would sit in a full stdio buffer
        # behind the prompt its console library writes directly.
        argv = ["stdbuf", "-oL", "dpdk-testpmd", "--lcores", lcores,
                "--no-pci", "--no-huge",
                "-m", "256", "--file-prefix", prefix, "--log-level=*:error"]
        for vdev in vdevs:
            argv += ["--vdev", vdev]
        argv += ["--", "-i", f"--forward-mode={mode}", "--no-flush-rx",
                 "--burst=32", "--nb-cores=1", "--total-num-mbufs=4096"]
        print("starting:", " ".join(argv), flush=True)
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.buf = b""
        self.cond = threading.Condition()
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()
        self._read_until_prompt(60)

    def _drain(self):
        while True:
            data = os.read(self.proc.stdout.fileno(), 65536)
            with self.cond:
                if not data:
                    self.eof = True
                    self.cond.notify_all()
                    return
                self.buf += data
                self.cond.notify_all()

    def _read_until_prompt(self, timeout):
        deadline = time.monotonic() + timeout
        with self.cond:
            # Log lines may follow the prompt (a peer going away).
            while self.PROMPT not in self.buf:
                left = deadline - time.monotonic()
                if getattr(self, "eof", False) or left <= 0:
                    raise TimeoutError(
                        "testpmd: no prompt; output so far:\n" +
                        self.buf[-4000:].decode(errors="replace"))
                self.cond.wait(left)
            end = self.buf.index(self.PROMPT) + len(self.PROMPT)
            out, self.buf = self.buf[:end], self.buf[end:]
        return out.decode(errors="replace")

    def cmd(self, line, timeout=30):
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()
        return self._read_until_prompt(timeout)

    def stats(self, port=0):
        """(rx_packets, tx_packets) of a port."""
        out = self.cmd(f"show port stats {port}")
        rx = re.search(r"RX-packets:\s+(\d+)", out)
        tx = re.search(r"TX-packets:\s+(\d+)", out)
        if not rx or not tx:
            raise RuntimeError("testpmd: no port stats in:\n" + out)
        return int(rx.group(1)), int(tx.group(1))

    def stop_fwd(self):
        """Stop forwarding; (rx, tx) totals of the run it ends."""
        out = self.cmd("stop")
        m = re.search(r"Accumulated forward statistics.*?RX-packets:\s+(\d+)"
                      r".*?TX-packets:\s+(\d+)", out, re.S)
        return (int(m.group(1)), int(m.group(2))) if m else (0, 0)

    def link_up(self, port=0):
        return "Link status: up" in self.cmd(f"show port info {port}")

    def quit(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write(b"quit\n")
                self.proc.stdin.flush()
                self.proc.wait(timeout=30)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        run(["rm", "-rf", f"/var/run/dpdk/{self.prefix}"], check=False)

    def kill(self):
        """Disappear without a goodbye, as a crashed peer does."""
        self.proc.kill()
        self.proc.wait()
        run(["rm", "-rf", f"/var/run/dpdk/{self.prefix}"], check=False)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.quit()


def virtio_peer(i, sock):
    """testpmd as the virtio-user frontend of our vhost-user port."""
    return f"net_virtio_user{i},path={sock},queues=1"


def virtio_server_peer(i, sock):
    """testpmd as a listening virtio-user frontend: our vhost-user port is
    the client."""
    return f"net_virtio_user{i},path={sock},queues=1,server=1"


def vhost_peer(i, sock):
    """testpmd as the vhost-user backend (client) of our virtio-user port
    (server), as OVS-DPDK's dpdkvhostuserclient ports are."""
    return f"net_vhost{i},iface={sock},queues=1,client=1"


class Telemetry:
    """One connection to a tender's DPDK telemetry socket, kept open
    (DPDK serves a handful of clients, one thread each)."""

    def __init__(self, pid):
        import socket
        path = f"/var/run/dpdk/hvt-dpdk-{pid}/dpdk_telemetry.v2"
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock.settimeout(10)
        self.sock.connect(path)
        self.sock.recv(16384)  # the greeting

    def query(self, command):
        import json
        self.sock.send(command.encode())
        return json.loads(self.sock.recv(65536).decode())[
            command.split(",")[0]]

    def close(self):
        self.sock.close()
