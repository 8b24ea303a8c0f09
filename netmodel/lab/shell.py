"""Running iproute2 and friends against lab namespaces, and nothing else.

Every command the lab runs goes through :func:`run_in`, which only accepts a
lab namespace: ``ip -n NS …`` or ``ip netns exec NS …``. The machine's own
network namespace is never the target of a command that changes state.
"""

from __future__ import annotations

import os
import shutil
import subprocess

from netmodel.errors import NetmodelError

__all__ = ["LabError", "lab_unavailable", "netns_exists", "run", "run_in"]


class LabError(NetmodelError):
    """A lab command failed: the command line and what it printed."""


def run(*argv: str, stdin: str | None = None, timeout: float = 30) -> str:
    """A read-only or netns-management command (``ip netns add/del/list``)."""
    try:
        done = subprocess.run(argv, input=stdin, capture_output=True, text=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise LabError(f"{' '.join(argv)} did not finish in {timeout:g} s") from None
    if done.returncode != 0:
        message = " ".join(done.stderr.split())
        raise LabError(f"{' '.join(argv)} exited {done.returncode}: {message}")
    return done.stdout


def run_in(netns: str, *argv: str, stdin: str | None = None) -> str:
    """``argv`` inside lab netns ``netns``: ``ip``/``bridge`` get ``-n``, the rest
    ``ip netns exec``."""
    if not netns:
        raise LabError("refusing to run a command without a lab namespace")
    if argv[0] in ("ip", "bridge"):
        return run(argv[0], "-n", netns, *argv[1:], stdin=stdin)
    return run("ip", "netns", "exec", netns, *argv, stdin=stdin)


def netns_exists(name: str) -> bool:
    return os.path.exists(f"/run/netns/{name}") or os.path.exists(f"/var/run/netns/{name}")


def lab_unavailable(probe_name: str, *, tun: bool = False) -> str | None:
    """Why the lab cannot run here (``tun``: with a TUN device), or None."""
    if os.geteuid() != 0:
        return "needs root to create network namespaces"
    for tool in ("ip", "bridge"):
        if shutil.which(tool) is None:
            return f"iproute2's {tool!r} is not installed (Debian: apt-get install iproute2)"
    if shutil.which("iptables-restore") is None:
        return "iptables-restore is not installed (Debian: apt-get install iptables)"
    if tun and not os.path.exists("/dev/net/tun"):
        return "no /dev/net/tun to create flannel0 with"
    try:
        run("ip", "netns", "add", probe_name)
    except LabError as exc:
        return f"cannot create a network namespace ({exc})"
    try:
        run("ip", "netns", "del", probe_name)
    except LabError as exc:
        return f"cannot delete the probe namespace ({exc})"
    return None
