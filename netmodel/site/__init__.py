"""Stage 5, the site: the MkDocs front end over the model.

- :mod:`~netmodel.site.markup`: ```` ```netmodel ```` blocks and ``{{nm}}`` references
  found and read (light: a warm build imports nothing more).
- :mod:`~netmodel.site.fences`: the diagram or table a fence asks for.
- :mod:`~netmodel.site.values`: ``{{nm QUERY}}`` answers in prose.
- :mod:`~netmodel.site.check`: ``netmodel check`` (snapshots, expectations).
- :mod:`~netmodel.site.replays`: where the lab's replay records live.
- :mod:`~netmodel.site.disk_cache`: cache keys and entries that prove they are whole.
- :mod:`~netmodel.site.live_code`: a model edit under ``mkdocs serve`` drawn with the
  edited code.
- :mod:`~netmodel.site.plugin`: the MkDocs plugin, the only module that imports mkdocs.
"""
