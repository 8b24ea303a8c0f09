"""What a capture holds: one file per command, and a manifest.

The files are the commands' output byte for byte, so a capture can be read by
eye and replayed into the parsers. The manifest says which tool versions wrote
them, on which host, and when; the parsers never read it, so the time in it
does not make two captures of the same state parse differently.
"""

from __future__ import annotations

import io
import tarfile
from dataclasses import dataclass
from pathlib import Path

from netmodel.capture.entries import CaptureError

__all__ = ["COMMANDS", "FILES", "MANIFEST", "OPTIONAL", "CaptureFiles", "read_capture"]

# Each table's file and the command that writes it.
FILES = {
    "links": "ip-link.json",
    "addrs": "ip-addr.json",
    "routes": "ip-route.json",
    "neigh": "ip-neigh.json",
    "fdb": "bridge-fdb.json",
    "iptables": "iptables-save.txt",
    "ip_forward": "ip_forward.txt",
    "bridge_nf": "bridge-nf-call-iptables.txt",
    "ip_rules": "ip-rule.json",
    "conntrack": "conntrack.txt",
}
COMMANDS: dict[str, tuple[str, ...]] = {
    "links": ("ip", "-j", "-d", "link"),
    "addrs": ("ip", "-j", "addr"),
    "routes": ("ip", "-j", "route", "show", "table", "all"),
    "neigh": ("ip", "-j", "neigh"),
    "fdb": ("bridge", "-j", "fdb"),
    "iptables": ("iptables-save",),
    "ip_forward": ("sysctl", "-n", "net.ipv4.ip_forward"),
    # Fails where br_netfilter is not loaded: then the file is left out.
    "bridge_nf": ("sysctl", "-n", "net.bridge.bridge-nf-call-iptables"),
    "ip_rules": ("ip", "-j", "rule"),
    "conntrack": ("conntrack", "-L"),
}
# Written when the tool is there; a capture without them still parses (conntrack
# is never compared: it is traffic, not configuration).
OPTIONAL = frozenset({"conntrack", "ip_forward", "bridge_nf", "ip_rules"})
MANIFEST = "manifest.json"
_LIMIT = 256 << 20  # a capture file larger than this is not a node's tables


@dataclass(frozen=True, slots=True)
class CaptureFiles:
    """A capture's texts by table name, and the path each came from."""

    source: str
    texts: dict[str, str]

    def path(self, table: str) -> str:
        return f"{self.source}/{FILES[table]}"


def read_capture(path: str | Path) -> CaptureFiles:
    """A capture directory or a ``.tar.gz`` written by ``netmodel collect``."""
    path = Path(path)
    source = str(path)
    if path.is_dir():
        texts = {}
        for table, name in FILES.items():
            file = path / name
            if file.is_file():
                texts[table] = _decode(file.read_bytes(), f"{source}/{name}")
        return _complete(CaptureFiles(source, texts))
    if path.is_file() and path.name.endswith((".tar.gz", ".tgz")):
        return _complete(CaptureFiles(source, _read_archive(path, source)))
    if not path.exists():
        raise CaptureError(source, None, "", "no such capture (a directory or .tar.gz "
                           "written by netmodel collect)")
    raise CaptureError(source, None, "", "not a capture (expected a directory or a .tar.gz "
                       "written by netmodel collect)")


def _read_archive(path: Path, source: str) -> dict[str, str]:
    by_name = {name: table for table, name in FILES.items()}
    texts: dict[str, str] = {}
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive.getmembers():
                table = by_name.get(Path(member.name).name)
                if table is None or not member.isfile() or member.size > _LIMIT:
                    continue
                handle = archive.extractfile(member)
                if handle is not None:
                    texts[table] = _decode(handle.read(), f"{source}/{member.name}")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise CaptureError(source, None, "", f"not a readable .tar.gz ({exc})") from None
    return texts


def _decode(data: bytes, where: str) -> str:
    if len(data) > _LIMIT:
        raise CaptureError(where, None, "", f"larger than {_LIMIT >> 20} MiB")
    try:
        return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="").read()
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise CaptureError(where, line, "", "not UTF-8 text") from None


def _complete(files: CaptureFiles) -> CaptureFiles:
    for table, name in FILES.items():
        if table not in files.texts and table not in OPTIONAL:
            raise CaptureError(f"{files.source}/{name}", None, "",
                               f"missing from the capture (netmodel collect writes it from "
                               f"`{' '.join(COMMANDS[table])}`)")
    return files
