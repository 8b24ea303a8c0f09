"""Stage 5, the site: the MkDocs front end over the model.

- :mod:`~netmodel.site.fences`: ```` ```netmodel ```` blocks read and drawn.
- :mod:`~netmodel.site.values`: ``{{nm QUERY}}`` answers in prose.
- :mod:`~netmodel.site.check`: ``netmodel check`` (snapshots, expectations).
- :mod:`~netmodel.site.replays`: where the lab's replay records live.
- :mod:`~netmodel.site.plugin`: the MkDocs plugin, the only module that imports mkdocs.
"""
