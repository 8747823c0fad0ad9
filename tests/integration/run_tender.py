#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Run the tender with arguments and check its exit status and that a
fragment appears in its stdout or stderr. No /dev/kvm needed.
usage: run_tender.py TENDER STATUS FRAGMENT [ARGS...]"""
import subprocess
import sys


def main():
    tender, status, fragment, args = (sys.argv[1], int(sys.argv[2]),
                                      sys.argv[3], sys.argv[4:])
    p = subprocess.run([tender] + args, capture_output=True, text=True,
                       timeout=60)
    print(f"status {p.returncode}\n--- stdout ---\n{p.stdout}"
          f"--- stderr ---\n{p.stderr}---")
    ok = p.returncode == status and fragment in p.stdout + p.stderr
    if not ok:
        print(f"FAIL: expected status {status} and {fragment!r}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
