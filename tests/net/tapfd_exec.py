#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Open (creating if needed) tap interface IFACE as an orchestrator would,
put the fd at number FD, and exec the given command with it inherited.
usage: tapfd_exec.py IFACE FD -- COMMAND..."""
import fcntl
import os
import struct
import sys

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000


def main():
    iface, fd_no, sep, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3], \
        sys.argv[4:]
    assert sep == "--" and cmd
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF,
                struct.pack("16sH", iface.encode(), IFF_TAP | IFF_NO_PI))
    if fd != fd_no:
        os.dup2(fd, fd_no)
        os.close(fd)
    os.set_inheritable(fd_no, True)
    os.execvp(cmd[0], cmd)


if __name__ == "__main__":
    main()
