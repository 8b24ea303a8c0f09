"""Stage 1, the spec: what the user described, as frozen values.

- :mod:`~netmodel.spec.yamlsource`: YAML 1.2 with a line for every node.
- :mod:`~netmodel.spec.fields`: typed field reads that name ``file:line: field``.
- :mod:`~netmodel.spec.names`: the API server's rules for names and labels.
- :mod:`~netmodel.spec.load` and :mod:`~netmodel.spec.load_services`: validation
  as the API server does it, and the real defaults.
- :mod:`~netmodel.spec.cluster`, :mod:`~netmodel.spec.services`,
  :mod:`~netmodel.spec.protocol`: the values everything later reads.
- :mod:`~netmodel.spec.addressing`: MACs and names derived from names.

Imports nothing from a later stage (``state``, ``trace``, ``views``, ``site``,
``lab``); import-linter checks it in CI.
"""
