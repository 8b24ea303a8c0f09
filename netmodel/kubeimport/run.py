"""``netmodel import``: kubectl output in, a spec that loads out.

The spec text is loaded with the project's own loader before anything is
written, so what is written is a spec every other command accepts. A problem
the loader finds (a name the API server would refuse, two pods with one
address, a pod outside its node's podCIDR) is reported at the kubectl object
it came from, with the loader's words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from netmodel.errors import SpecError
from netmodel.files import write_whole
from netmodel.kubeimport.assemble import ImportedCluster, ImportOptions, assemble
from netmodel.kubeimport.notes import Notes
from netmodel.kubeimport.origin import KubectlError, pointer
from netmodel.kubeimport.write import Written, write_spec
from netmodel.spec.cluster import Cluster
from netmodel.spec.load import parse_spec

__all__ = ["ImportResult", "import_kubectl", "write_import"]


@dataclass(frozen=True, slots=True)
class ImportResult:
    """The spec's text, the Cluster it loads as, and the import's warnings."""

    text: str
    cluster: Cluster
    imported: ImportedCluster
    notes: Notes


def import_kubectl(paths: Sequence[str], options: ImportOptions | None = None,
                   spec_name: str = "<imported spec>") -> ImportResult:
    """Read kubectl output files into a spec, checked by loading it.

    Raises :class:`KubectlError` (a :class:`~netmodel.errors.NetmodelError`) for
    input that is not usable kubectl output, naming the file, line and field.
    """
    notes = Notes()
    imported = assemble(paths, options or ImportOptions(), notes)
    written = write_spec(imported, paths)
    try:
        cluster = parse_spec(written.text, spec_name)
    except SpecError as exc:
        raise _at_origin(written, exc) from None
    return ImportResult(written.text, cluster, imported, notes)


def write_import(result: ImportResult, target: Path) -> None:
    """Write the spec whole or not at all (a temporary file, then a rename)."""
    write_whole(target, result.text)


_ENTRY = re.compile(r"\b(nodes|pods|services|ingresses)\[(\d+)\](?:\.([\w\[\].-]*[\w\]]))?")


def _at_origin(written: Written, exc: SpecError) -> KubectlError:
    """The loader's error, said of the kubectl object it came from.

    The object is the one the failing field is in (``pods[12].ip``), else the one
    whose block holds the error's line. Another object the problem names by its
    spec index (``also pods[3].ip``) is named as the kubectl object too.
    """
    entry = _ENTRY.match(exc.field)
    found = written.entry(entry[1], int(entry[2])) if entry else None
    field = (entry[3] or "") if entry and found is not None else exc.field
    if found is None:
        found = written.origin_at(exc.line)

    def named(match: re.Match[str]) -> str:
        other = written.entry(match[1], int(match[2]))
        if other is None:
            return match[0]
        what = f"{other[0]} ({other[1].label})"
        return f"{match[3]} of {what}" if match[3] else what

    problem = _ENTRY.sub(named, exc.problem)
    shown = f"{field}: {problem}" if field else problem
    if found is None:
        return KubectlError(exc.file, exc.line, "", f"the imported spec does not load: {shown}")
    what, origin = found
    line = origin.locate(origin.base) if origin.locate is not None else origin.line
    return KubectlError(origin.file, line, pointer(origin.base), f"{what}: {shown}")
