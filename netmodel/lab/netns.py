"""Open sockets inside a lab netns from this process, with setns(2).

A socket belongs to the netns it was created in, for its whole life, whatever
namespace the thread using it is in later. :func:`inside` switches the calling
thread into a lab netns for the ``with`` block and always back; if it cannot
switch back the process exits at once rather than carry on in the wrong netns.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from netmodel.lab.shell import LabError

__all__ = ["inside"]

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def _setns(fd: int) -> int:
    return int(_libc.setns(fd, CLONE_NEWNET))


@contextmanager
def inside(lab_netns: str) -> Iterator[None]:
    path = f"/run/netns/{lab_netns}"
    if not lab_netns or not os.path.exists(path):
        raise LabError(f"no lab namespace {lab_netns!r}")
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    target = os.open(path, os.O_RDONLY)
    try:
        if _setns(target) != 0:
            raise LabError(f"setns into {lab_netns}: {os.strerror(ctypes.get_errno())}")
        try:
            yield
        finally:
            if _setns(home) != 0:  # pragma: no cover - the kernel refused to go back
                sys.stderr.write("netmodel lab: cannot return to the original network "
                                 "namespace; stopping\n")
                os._exit(70)
    finally:
        os.close(target)
        os.close(home)
