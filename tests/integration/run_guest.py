#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Boot one unikernel on the tender and check what it did.

Checks the exit status, fragments expected on stdout and stderr (and ones
that must not appear), optionally with block images created in a private
temporary directory, or a stop signal sent once a marker appears on stdout.
Exits 0 on pass, 1 on failure, 77 (skip) when /dev/kvm is unusable.
"""
import argparse
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--tender", required=True)
    p.add_argument("--kernel", required=True)
    p.add_argument("--exit", type=int, required=True, dest="exit_code")
    p.add_argument("--stdout", action="append", default=[])
    p.add_argument("--stderr", action="append", default=[])
    p.add_argument("--not-stderr", action="append", default=[])
    p.add_argument("--not-stdout", action="append", default=[])
    p.add_argument("--block", action="append", default=[],
                   help="NAME:BYTES[:SECTOR] image to create and attach")
    p.add_argument("--signal", choices=["INT", "TERM"])
    p.add_argument("--after", help="stdout marker to await before --signal")
    p.add_argument("--timeout", type=float, default=60.0)
    p.add_argument("--tender-arg", action="append", default=[])
    p.add_argument("--no-kvm-ok", action="store_true",
                   help="the case never reaches KVM: do not skip without it")
    p.add_argument("guest_args", nargs="*")
    return p.parse_args()


def kvm_usable():
    return os.access("/dev/kvm", os.R_OK | os.W_OK)


def block_args(specs, tmpdir):
    args = []
    for spec in specs:
        parts = spec.split(":")
        name, size = parts[0], int(parts[1], 0)
        path = os.path.join(tmpdir, name + ".img")
        with open(path, "wb") as f:
            f.truncate(size)
        args.append(f"--block:{name}={path}")
        if len(parts) > 2:
            args.append(f"--block-sector-size:{name}={parts[2]}")
    return args


def run(cmd, args):
    """Run cmd; return (status, stdout, stderr). Sends the signal when asked,
    as soon as the marker is on stdout (no sleeping)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ, "out")
    sel.register(proc.stderr, selectors.EVENT_READ, "err")
    out, err = b"", b""
    signalled = args.signal is None
    deadline = time.monotonic() + args.timeout
    while sel.get_map():
        left = deadline - time.monotonic()
        if left <= 0:
            proc.kill()
            proc.wait()
            print("--- stdout so far ---\n" + out.decode(errors="replace") +
                  "--- stderr so far ---\n" + err.decode(errors="replace"))
            raise TimeoutError(f"no exit within {args.timeout} s")
        for key, _ in sel.select(timeout=left):
            data = os.read(key.fileobj.fileno(), 65536)
            if not data:
                sel.unregister(key.fileobj)
            elif key.data == "out":
                out += data
            else:
                err += data
        if not signalled and args.after.encode() in out:
            proc.send_signal(getattr(signal, "SIG" + args.signal))
            signalled = True
    status = proc.wait(timeout=max(deadline - time.monotonic(), 1))
    return status, out.decode(errors="replace"), err.decode(errors="replace")


def check(args, status, out, err):
    problems = []
    if status != args.exit_code:
        problems.append(f"exit status {status}, expected {args.exit_code}")
    problems += [f"stdout lacks {s!r}" for s in args.stdout if s not in out]
    problems += [f"stderr lacks {s!r}" for s in args.stderr if s not in err]
    problems += [f"stderr has {s!r}" for s in args.not_stderr if s in err]
    problems += [f"stdout has {s!r}" for s in args.not_stdout if s in out]
    return problems


def main():
    args = parse_args()
    if not args.no_kvm_ok and not kvm_usable():
        print("SKIP: /dev/kvm is missing or not accessible")
        return 77
    with tempfile.TemporaryDirectory(prefix="hvt-dpdk-test-") as tmpdir:
        cmd = [args.tender] + args.tender_arg + block_args(args.block, tmpdir)
        cmd += ["--", args.kernel] + args.guest_args
        print("running:", " ".join(cmd))
        status, out, err = run(cmd, args)
    print("--- stdout ---\n" + out + "--- stderr ---\n" + err + "---")
    problems = check(args, status, out, err)
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
