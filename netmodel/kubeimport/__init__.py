"""``netmodel import``: a cluster spec from kubectl output.

- :mod:`~netmodel.kubeimport.documents`: kubectl's JSON (streamed item by item)
  or YAML, as :class:`KubeObject` values that know where they were read
  (:mod:`~netmodel.kubeimport.origin`).
- :mod:`~netmodel.kubeimport.nodes`, :mod:`~netmodel.kubeimport.pods`,
  :mod:`~netmodel.kubeimport.services`, :mod:`~netmodel.kubeimport.ingresses`,
  :mod:`~netmodel.kubeimport.flannel`: each kind to the spec's values
  (:mod:`~netmodel.kubeimport.values`).
- :mod:`~netmodel.kubeimport.slices`, :mod:`~netmodel.kubeimport.endpoints`:
  EndpointSlices read, and their endpoints chosen, as kube-proxy does.
- :mod:`~netmodel.kubeimport.assemble`: every file's objects joined; what
  kubectl does not show, inferred or given.
- :mod:`~netmodel.kubeimport.write`: deterministic spec YAML, a comment per object.
- :mod:`~netmodel.kubeimport.notes`: the warnings, counted per kind.
- :mod:`~netmodel.kubeimport.run`: the whole import, checked by the spec loader.

Imports the spec stage only (its loader validates what is written); import-linter
checks it.
"""

from __future__ import annotations

from netmodel.kubeimport.assemble import ImportOptions
from netmodel.kubeimport.origin import KubectlError
from netmodel.kubeimport.run import ImportResult, import_kubectl, write_import

__all__ = ["ImportOptions", "ImportResult", "KubectlError", "import_kubectl", "write_import"]
