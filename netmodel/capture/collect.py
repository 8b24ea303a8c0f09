"""``netmodel collect``: run the capture commands on a node, write their output.

Run as root on the node itself, or with ``--netns NAME`` inside a named network
namespace (``ip netns exec NAME``: how the tests capture a lab node). Every file
is the command's stdout unchanged; the manifest records the command lines, the
tools' versions, the host name and the time, and is the only file that changes
from one capture of the same state to the next.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import socket
import subprocess
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path

from netmodel.capture.layout import COMMANDS, FILES, MANIFEST, OPTIONAL
from netmodel.errors import NetmodelError
from netmodel.files import write_whole, write_whole_bytes

__all__ = ["CollectError", "Collected", "collect", "write_capture"]

_VERSIONS = {"ip": ("ip", "-V"), "bridge": ("bridge", "-V"),
             "iptables-save": ("iptables-save", "--version"),
             "conntrack": ("conntrack", "--version")}
_TIMEOUT = 60


class CollectError(NetmodelError):
    """The capture cannot be taken here: not root, a tool missing, a command failed."""


@dataclass(frozen=True, slots=True)
class Collected:
    files: dict[str, str]  # file name -> content
    skipped: tuple[str, ...]  # notes on optional commands left out


def _prefix(netns: str | None) -> tuple[str, ...]:
    return ("ip", "netns", "exec", netns) if netns else ()


def _run(argv: tuple[str, ...]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=_TIMEOUT,
                              check=False)
    except subprocess.TimeoutExpired:
        raise CollectError(f"`{' '.join(argv)}` did not finish in {_TIMEOUT} s") from None
    if done.returncode != 0:
        raise CollectError(f"`{' '.join(argv)}` exited {done.returncode}: "
                           f"{' '.join(done.stderr.split())[:200]}")
    return done.stdout


def collect(netns: str | None = None) -> Collected:
    """Every table of this node (or of lab netns ``netns``)."""
    if os.geteuid() != 0:
        raise CollectError("collect needs root (iptables-save and the FDB are root's to read)")
    if netns is not None and not os.path.exists(f"/run/netns/{netns}"):
        raise CollectError(f"--netns {netns!r}: no such named network namespace "
                           "(see ip netns list)")
    files: dict[str, str] = {}
    skipped: list[str] = []
    commands: dict[str, list[str]] = {}
    for table, argv in COMMANDS.items():
        if shutil.which(argv[0]) is None:
            if table in OPTIONAL:
                skipped.append(f"{FILES[table]}: {argv[0]} is not installed, skipped")
                continue
            raise CollectError(f"{argv[0]} is not installed (Debian: apt-get install "
                               f"{'iptables' if argv[0].startswith('iptables') else 'iproute2'})")
        full = (*_prefix(netns), *argv)
        try:
            files[FILES[table]] = _run(full)
        except CollectError as exc:
            if table not in OPTIONAL:
                raise
            skipped.append(f"{FILES[table]}: {exc}")
            continue
        commands[FILES[table]] = list(full)
    versions = {tool: _version(argv) for tool, argv in _VERSIONS.items()
                if shutil.which(argv[0]) is not None}
    manifest = {"hostname": socket.gethostname(), "netns": netns,
                "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "commands": commands, "versions": versions, "skipped": skipped}
    files[MANIFEST] = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    return Collected(files, tuple(skipped))


def _version(argv: tuple[str, ...]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return " ".join((done.stdout or done.stderr).split())


def write_capture(collected: Collected, target: Path) -> None:
    """A directory (created) or, for a name ending .tar.gz, an archive; the
    archive's members have fixed owners and times, so only the manifest varies."""
    if target.name.endswith((".tar.gz", ".tgz")):
        stem = target.name.removesuffix(".tar.gz").removesuffix(".tgz") or "capture"
        raw = io.BytesIO()
        # gzip's header holds a time and a file name: none, so equal files make equal archives.
        with gzip.GzipFile("", "wb", fileobj=raw, mtime=0) as gz, \
                tarfile.open(fileobj=gz, mode="w") as archive:
            for name in sorted(collected.files):
                data = collected.files[name].encode()
                info = tarfile.TarInfo(f"{stem}/{name}")
                info.size = len(data)
                info.mode = 0o644
                archive.addfile(info, io.BytesIO(data))
        write_whole_bytes(target, raw.getvalue())
        return
    target.mkdir(parents=True, exist_ok=True)
    for name, content in sorted(collected.files.items()):
        write_whole(target / name, content)
