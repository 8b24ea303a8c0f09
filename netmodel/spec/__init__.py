"""Stage 1, the spec: what the user described, as frozen values.

- :mod:`~netmodel.spec.yamlsource`: YAML 1.2 with a line for every node; syntax
  errors and duplicate keys are reported at their own line and full path.
- :mod:`~netmodel.spec.fields`: typed field reads that name ``file:line: field``.
- :mod:`~netmodel.spec.names`: object names, label keys and values, as the API
  server validates them (DNS-1123/1035, IANA port names, qualified names).
- :mod:`~netmodel.spec.load` and :mod:`~netmodel.spec.load_services`: validation
  as the API server does it, and the real defaults.
- :mod:`~netmodel.spec.cluster`, :mod:`~netmodel.spec.services`: the values
  everything later reads; :mod:`~netmodel.spec.protocol`: ``Protocol`` (a
  manifest's ``TCP``) and ``IpProto`` (the kernel's ``tcp``), one spelling each.
- :mod:`~netmodel.spec.keys`: ``namespace/name`` keys with the default namespace.
- :mod:`~netmodel.spec.addressing`: MACs and names derived from names.
- :mod:`~netmodel.spec.warning`: what is accepted but probably a mistake.

Imports nothing from a later stage (``state``, ``trace``, ``views``, ``site``,
``lab``); import-linter checks it in CI.
"""
