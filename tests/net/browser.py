#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""A real browser against the website unikernel: headless Chromium, run
inside a private namespace, loads http://10.0.0.2/ over a tap; the page's
title must be right and its screenshot must not be blank.
usage: browser.py TENDER WEBSITE_HVT"""
import os
import re
import subprocess
import sys
import tempfile

import nettest

HERE = os.path.dirname(os.path.abspath(__file__))
PNG_CHECK = os.path.join(HERE, "..", "..", "scripts", "png-check")
CHROMIUM = ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-dev-shm-usage", "--no-first-run",
            "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-quic", "--window-size=1024,768"]


def main():
    tender, kernel = sys.argv[1:3]
    if kernel == "no-lwip":
        nettest.skip("the website unikernel was not built (no lwIP source)")
    nettest.require(programs=["ip", "chromium"])
    with nettest.Netns("browser") as ns, \
            tempfile.TemporaryDirectory(prefix="hvt-browser-") as tmp:
        argv = ns.cmd(tender, "--mem=64", "--net:service=tap0", "--", kernel,
                      "--ipv4=10.0.0.2/24")
        with nettest.Tender(argv) as t:
            t.wait_output(r"website: listening on 10\.0\.0\.2:80")
            nettest.wait_until("tap0", lambda: ns.has_link("tap0"))
            ns.ip("addr", "add", "10.0.0.1/24", "dev", "tap0")
            ns.ip("link", "set", "tap0", "up")
            nettest.wait_until("carrier", lambda: ns.link_has_carrier("tap0"))
            # A profile each: a second Chromium on a profile whose first
            # user is still exiting hands its URL over to that one and
            # exits without a screenshot.
            dom = ns.run(*CHROMIUM, f"--user-data-dir={tmp}/profile-dom",
                         "--dump-dom", "http://10.0.0.2/").stdout
            shot = os.path.join(tmp, "shot.png")
            run = ns.run(*CHROMIUM, f"--user-data-dir={tmp}/profile-shot",
                         f"--screenshot={shot}", "http://10.0.0.2/",
                         check=False)
            check = subprocess.run([sys.executable, PNG_CHECK, shot],
                                   capture_output=True, text=True)
            print(check.stdout, end="")
            if check.returncode != 0:
                print(f"chromium exit {run.returncode}:",
                      run.stderr[-1500:], check.stderr[-500:], sep="\n")
    title = re.search(r"<title>([^<]*)</title>", dom)
    if not title or title.group(1) != "hvt-dpdk website":
        print("FAIL: title", title.group(1) if title else None)
        return 1
    if check.returncode != 0:
        print("FAIL: blank screenshot")
        return 1
    print("PASS: Chromium loaded the page, title and screenshot good")
    return 0


if __name__ == "__main__":
    sys.exit(main())
