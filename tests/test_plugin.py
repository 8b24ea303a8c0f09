"""The MkDocs plugin: its config, and real builds of a tiny two-language site."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from netmodel.site.plugin import NetmodelPlugin
from netmodel.trace.request import WalkRequest

from .conftest import MKDOCS_YML, TWO_NODES

pytestmark = pytest.mark.slow

FENCE = """\
# Tiny

```netmodel
spec: c.yaml
view: {view}
from: pod/web-1
to: pod/db-1
caption: {{en: one hop, zh: 一跳}}
```
"""


@pytest.mark.parametrize(("options", "key", "message"), [
    # an engine that does not exist
    ({"engine": "svgz"}, "engine", "Expected one of: ('wasm', 'dot')"),
    # a wrongly typed option
    ({"reply": "yes"}, "reply", "Expected type: <class 'bool'>"),
    # an option the plugin does not have
    ({"colour": "red"}, "colour", "Unrecognised configuration name"),
])
def test_config_errors(options: dict[str, object], key: str, message: str) -> None:
    errors, warnings = NetmodelPlugin().load_config(options)
    problems = errors + warnings
    assert [k for k, _ in problems] == [key]
    assert message in str(problems[0][1])


def test_config_defaults() -> None:
    plugin = NetmodelPlugin()
    assert plugin.load_config({}) == ([], [])
    assert (plugin.config.engine, plugin.config.diagrams_dir, plugin.config.reply) == (
        "wasm", "diagrams", True)


def make_site(root: Path, view: str = "path") -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "diagrams").mkdir()
    (root / "mkdocs.yml").write_text(MKDOCS_YML)
    fence = FENCE.format(view=view)
    if view == "topology":  # a topology draws no walk, and refuses from/to
        fence = fence.replace("from: pod/web-1\nto: pod/db-1\n", "")
    (root / "docs" / "index.md").write_text(fence)
    (root / "docs" / "index.zh.md").write_text(fence.replace("Tiny", "小站"))
    (root / "diagrams" / "c.yaml").write_text(TWO_NODES.format(backend="vxlan"))
    return root


def build(root: Path, *extra: str, strict: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    # mkdocs warns about every --dirty build, so such builds cannot be --strict
    flags = ["--strict"] if strict and "--dirty" not in extra else []
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", *flags, *extra],
                          cwd=root, capture_output=True, text=True, env=env, check=False)


def test_real_build_puts_an_svg_in_each_language(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    result = build(site)
    assert result.returncode == 0, result.stderr
    english = (site / "site" / "index.html").read_text()
    chinese = (site / "site" / "zh" / "index.html").read_text()
    # A walk: the request's figure, then the reply's, each its own SVG.
    assert re.search(r'<svg style="[^"]*" id="nm-index-1-0-request" class="netmodel-diagram" '
                     r'role="img" lang="en"', english)
    assert 'id="nm-index-1-0-reply"' in english
    assert 'lang="zh"' in chinese and "一跳" in chinese and "宿主机" not in english
    assert "<title id=\"nm-index-1-0-request-title\">tcp 10.244.0.2:40000" in english
    assert "已送达" in chinese  # the title's disposition, in Chinese
    assert "netmodel-figure" in english and "<figcaption>one hop</figcaption>" in english


def test_second_build_renders_nothing_and_an_edit_renders_again(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    first = build(site)
    assert "diagrams: 1 rendered, 0 from the cache" in first.stderr
    second = build(site)
    assert "diagrams: 0 rendered, 1 from the cache" in second.stderr
    spec = site / "diagrams" / "c.yaml"
    spec.write_text(spec.read_text().replace("mtu: 1500", "mtu: 9000"))
    third = build(site)
    assert "diagrams: 1 rendered, 0 from the cache" in third.stderr


def test_output_is_byte_identical_across_clean_builds(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    build(site)
    first = (site / "site" / "index.html").read_bytes()
    shutil.rmtree(site / "site")
    shutil.rmtree(site / ".netmodel-cache")
    build(site)
    assert (site / "site" / "index.html").read_bytes() == first


def test_a_broken_fence_fails_strict_with_page_file_and_line(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    (site / "docs" / "index.md").write_text("# Tiny\n\ntext\n\n```netmodel\nspec: c.yaml\n"
                                             "view: paths\n```\n")
    result = build(site)
    assert result.returncode != 0
    assert "index.md:7: view 'paths': unknown view (expected one of" in result.stderr


def test_a_bad_spec_names_the_page_and_the_spec_line(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    spec = site / "diagrams" / "c.yaml"
    spec.write_text(spec.read_text().replace("backend: vxlan", "backend: vxlam"))
    result = build(site)
    assert result.returncode != 0
    # the page's line is the fence's spec: option; then the spec's own file:line
    assert "index.md:4: diagrams/c.yaml:4: cluster.backend: unknown backend 'vxlam'" in \
        result.stderr


def test_dirty_build_redoes_a_page_whose_spec_changed(tmp_path: Path) -> None:
    site = make_site(tmp_path, view="topology")
    assert build(site).returncode == 0
    page = site / "site" / "index.html"
    assert "mtu 1500" in page.read_text()
    spec = site / "diagrams" / "c.yaml"
    spec.write_text(spec.read_text().replace("mtu: 1500", "mtu: 9000"))
    dirty = build(site, "--dirty")
    assert dirty.returncode == 0, dirty.stderr
    assert "mtu 9000" in page.read_text() and "mtu 1500" not in page.read_text()


def _free_port() -> int:
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_refreshes_a_page_when_its_spec_changes(tmp_path: Path) -> None:
    """An author edits a spec under `mkdocs serve`: the page changes, no restart."""
    import time
    import urllib.request

    site = make_site(tmp_path, view="topology")
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--livereload", "-a", f"127.0.0.1:{port}"],
        cwd=site, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def page() -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as answer:
            return str(answer.read().decode())

    def wait_for(text: str, limit: float = 40.0) -> bool:
        deadline = time.monotonic() + limit  # bounded: a broken reload fails, never hangs
        while time.monotonic() < deadline:
            try:
                if text in page():
                    return True
            except OSError:
                pass
            time.sleep(0.5)
        return False

    try:
        assert wait_for("mtu 1500"), "the first build never served"
        spec = site / "diagrams" / "c.yaml"
        spec.write_text(spec.read_text().replace("mtu: 1500", "mtu: 9000"))
        assert wait_for("mtu 9000"), "the edited spec never reached the page"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_values_in_prose_come_from_the_model(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    page = site / "docs" / "index.md"
    page.write_text("---\nnetmodel_spec: c.yaml\n---\n# T\n\nThe pod MTU is {{nm mtu}}; "
                    "node-2 has {{nm node node-2 podCIDR}}.\n")
    result = build(site)
    assert result.returncode == 0, result.stderr
    html = (site / "site" / "index.html").read_text()
    assert "The pod MTU is 1450; node-2 has 10.244.1.0/24." in html
    page.write_text("---\nnetmodel_spec: c.yaml\n---\n# T\n\nbad {{nm node node-9 ip}}\n")
    failed = build(site)
    assert failed.returncode != 0 and "index.md:6: {{nm node node-9 ip}}: no node" in \
        failed.stderr


def test_a_table_fence_is_the_nodes_computed_state(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    (site / "docs" / "index.md").write_text(
        "# T\n\n```netmodel\nspec: c.yaml\ntable: routes\nnode: node-1\n```\n")
    result = build(site)
    assert result.returncode == 0, result.stderr
    html = (site / "site" / "index.html").read_text()
    assert "10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink" in html


def test_an_edited_spec_replaces_its_model_and_forgets_its_walks(tmp_path: Path) -> None:
    """`mkdocs serve` runs for hours: an edit must not leave the old Model alive."""
    from mkdocs.config import load_config

    site = make_site(tmp_path)
    config = load_config(str(site / "mkdocs.yml"))
    plugin = config.plugins["netmodel"]
    assert isinstance(plugin, NetmodelPlugin)
    plugin.on_config(config)
    plugin.on_pre_build(config)
    before = plugin._model("c.yaml")
    plugin._walk(before, WalkRequest("pod/web-1", "pod/db-1"))
    assert plugin._walk.cache_info().currsize == 1  # the walk is cached...
    plugin.on_pre_build(config)  # the next build
    assert plugin._model("c.yaml") is before  # unchanged spec: the same Model
    spec = site / "diagrams" / "c.yaml"
    spec.write_text(spec.read_text().replace("mtu: 1500", "mtu: 9000"))
    plugin.on_pre_build(config)  # the build `mkdocs serve` starts for the edit
    after = plugin._model("c.yaml")
    assert after is not before and len(plugin.models) == 1
    assert plugin._walk.cache_info().currsize == 0  # ...and gone with the old Model


def _warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("WARNING")]


SERVICE = """\
services:
  - name: db
    selector: {app: db}
    ports: [{port: 5432}]
"""


@pytest.mark.parametrize(("option", "value", "message"), [
    # a port the Service lacks: a bare ValueError crashed the build with a traceback
    ("port", "9999", "port 9999: service default/db has no port 9999"),
    # an endpoint the Service's chain cannot pick
    ("endpoint", "10.244.9.9:5432", "endpoint '10.244.9.9:5432': not one this service's "
     "chain can pick"),
    # a protocol the model does not know
    ("proto", "sctp", "proto 'sctp': unknown protocol"),
])
@pytest.mark.parametrize("strict", [True, False])
def test_a_user_mistake_is_one_warning_at_the_option_line(
        tmp_path: Path, option: str, value: str, message: str, strict: bool) -> None:
    site = make_site(tmp_path)
    spec = site / "diagrams" / "c.yaml"
    spec.write_text(spec.read_text().replace("  - name: db-1\n    node: node-2\n",
                                             "  - name: db-1\n    node: node-2\n"
                                             "    labels: {app: db}\n") + SERVICE)
    page = ("---\ntitle: T\n---\n# T\n\n```netmodel\nspec: c.yaml\nview: path\n"
            f"from: pod/web-1\nto: svc/db\n{option}: {value}\n```\n")
    (site / "docs" / "index.md").write_text(page)
    line = page.splitlines().index(f"{option}: {value}") + 1  # of the file, front matter in
    result = build(site, strict=strict)
    assert "Traceback" not in result.stderr
    warnings = _warnings(result.stderr)
    assert len(warnings) == 1, result.stderr  # the Chinese page is fine
    # the plugin logger's prefix, then the page's src_path and the option's line
    assert warnings[0].startswith(f"WARNING -  netmodel: index.md:{line}: {message}")
    if strict:
        assert result.returncode == 1
        assert "Aborted with 1 warnings in strict mode!" in result.stdout + result.stderr
    else:
        assert result.returncode == 0
        html = (site / "site" / "index.html").read_text()
        assert 'class="netmodel-error"' in html and f"index.md:{line}: " in html
        assert "<svg" in (site / "site" / "zh" / "index.html").read_text()  # built on


BUSY = """\
---
netmodel_spec: c.yaml
---
# Busy

MTU {{nm mtu}} of {{nm underlay.mtu}}; web-1 {{nm pod web-1 ip}}, db-1 {{nm pod db-1 ip}},
again {{nm mtu}} and {{nm pod web-1 ip}}.

```netmodel
spec: c.yaml
view: path
from: pod/web-1
to: pod/db-1
```

```netmodel
spec: c.yaml
view: topology
```

```netmodel
spec: c.yaml
table: links
node: node-1
```
"""


def build_here(site: Path) -> None:
    """A real build, in this process, so that a test can watch what it calls."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    mkdocs_build(load_config(str(site / "mkdocs.yml")))


def busy_site(root: Path) -> Path:
    site = make_site(root)
    (site / "docs" / "index.md").write_text(BUSY)
    (site / "docs" / "index.zh.md").write_text(BUSY.replace("Busy", "忙"))
    return site


def test_a_build_reads_each_spec_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each fence and each {{nm}} names its spec: the spec was read and hashed for
    every one of them (646 times a build of this repository's site)."""
    from netmodel.site import plugin

    site = busy_site(tmp_path)
    spec = (site / "diagrams" / "c.yaml").resolve()
    reads: list[Path] = []
    digest = plugin.file_digest  # what reads and hashes a spec's bytes

    def counting(path: Path) -> str | None:
        if path == spec:
            reads.append(path)
        return digest(path)

    monkeypatch.setattr(plugin, "file_digest", counting)
    build_here(site)
    assert len(reads) == 2  # one build per language (mkdocs-static-i18n)
    html = (site / "site" / "index.html").read_text()
    assert "MTU 1450 of 1500; web-1 10.244.0.2" in html and "again 1450 and 10.244.0.2" in html


def test_a_warm_build_loads_no_spec_and_an_edit_shows(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Values and state tables come from the cache, as diagrams do, keyed by the
    spec's content: an edited spec is answered afresh."""
    import netmodel.spec.load

    site = busy_site(tmp_path)
    build_here(site)
    pages = [site / "site" / "index.html", site / "site" / "zh" / "index.html"]
    cold = [page.read_text() for page in pages]
    loads: list[str] = []
    parse_spec = netmodel.spec.load.parse_spec

    def counting(text: str, file: str) -> object:
        loads.append(file)
        return parse_spec(text, file)

    monkeypatch.setattr(netmodel.spec.load, "parse_spec", counting)
    build_here(site)
    assert loads == []
    assert [page.read_text() for page in pages] == cold
    spec = site / "diagrams" / "c.yaml"
    spec.write_text(spec.read_text().replace("mtu: 1500", "mtu: 9000"))
    build_here(site)
    assert loads == ["diagrams/c.yaml"]  # once: the Chinese build reuses the Model
    for page in pages:
        html = page.read_text()
        assert "MTU 8950 of 9000" in html and "mtu 8950" in html and "1450" not in html


def test_the_cache_key_covers_every_stage_of_the_model(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # A figure cached under one model must not survive an edit to any stage of
    # it (a trace change in trace/forwarding.py, a word in i18n/), and
    # `mkdocs serve` watches the same tree.
    import shutil

    import netmodel
    from netmodel.site import disk_cache, plugin

    package = Path(netmodel.__file__).resolve().parent
    assert package == disk_cache.PACKAGE == plugin.PACKAGE
    copy = tmp_path / "netmodel"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(disk_cache, "PACKAGE", copy)
    before = disk_cache.source_digest()
    for stage_file in ("trace/forwarding.py", "i18n/details.py", "state/model.py"):
        edited = copy / stage_file
        edited.write_text(edited.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        after = disk_cache.source_digest()
        assert after != before, stage_file
        before = after


def test_a_model_edit_under_serve_draws_with_the_edited_code(tmp_path: Path) -> None:
    # mkdocs serve rebuilds in one process, loading the config each time (and,
    # since the plugin has on_startup, keeping the one plugin object). After an
    # edit to the model, the next build forgets the netmodel modules imported
    # before it (keeping the plugin's own and the error classes its hooks catch)
    # and hashes the edited code into its cache keys. Driven as serve drives it:
    # load_config and build, twice, the code edited between (a copy of the
    # package, so the edit is real but this checkout stays as it is). In a child
    # process: forgetting modules must not disturb this test run.
    import subprocess
    import sys

    site = make_site(tmp_path / "site")
    child = f"""
import os, shutil, sys
from pathlib import Path
os.environ["NO_MKDOCS_2_WARNING"] = "1"
from mkdocs.commands.build import build
from mkdocs.config import load_config
import netmodel
from netmodel.site import disk_cache

root = Path({str(site)!r})
first = load_config(str(root / "mkdocs.yml"))
build(first)
plugin = first.plugins["netmodel"]
source = plugin.source
fences = sys.modules["netmodel.site.fences"]  # drawn with it
errors = sys.modules["netmodel.errors"]
copy = Path({str(tmp_path / "code")!r})
shutil.copytree(Path(netmodel.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
edited = copy / "i18n" / "diagrams.py"
edited.write_text(edited.read_text() + '# an author edit')
disk_cache.PACKAGE = copy  # the code on disk, as the next build hashes it
second = load_config(str(root / "mkdocs.yml"))
build(second)
now = second.plugins["netmodel"]
assert now.source != source, "the edited code did not change the cache key"
assert sys.modules["netmodel.site.fences"] is not fences, "the old drawing code was kept"
assert sys.modules["netmodel.errors"] is errors
assert (root / "site" / "index.html").is_file()
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True,
                          check=False, cwd=site)
    assert done.stdout.strip().endswith("ok"), done.stderr[-3000:]


# -- the disk cache is checked, not trusted ------------------------------------------

ENTRIES = ("*.svg", "*.fingerprint", "*.table.txt", "*.values.json", "*.assets.html",
           "*.page.json")
HEADER = re.compile(r"netmodel-cache v1 (\S+) [0-9a-f]{64}\n")


def _entries(site: Path) -> list[Path]:
    return sorted(p for pattern in ENTRIES for p in (site / ".netmodel-cache").glob(pattern))


def _truncated(data: bytes, others: bytes) -> bytes:
    return data[:len(data) // 2]  # one <svg> more than </svg>


def _text(data: bytes, others: bytes) -> bytes:
    return b'<script>alert("from the cache")</script>\n'


def _binary(data: bytes, others: bytes) -> bytes:
    return bytes(range(256)) * 4


def _swapped(data: bytes, others: bytes) -> bytes:
    return others  # a whole entry, but another one's


@pytest.mark.parametrize("corrupt", [_truncated, _text, _binary, _swapped])
def test_a_corrupt_cache_entry_is_computed_again(tmp_path: Path, corrupt: object) -> None:
    assert callable(corrupt)
    site = busy_site(tmp_path)
    assert build(site).returncode == 0
    pages = [site / "site" / "index.html", site / "site" / "zh" / "index.html"]
    cold = [page.read_text() for page in pages]
    entries = _entries(site)
    assert {p.name.split(".", 1)[1] for p in entries} == {
        "svg", "fingerprint", "table.txt", "values.json", "assets.html", "page.json"}
    contents = [p.read_bytes() for p in entries]
    for number, entry in enumerate(entries):
        entry.write_bytes(corrupt(contents[number], contents[number - 1]))
    result = build(site)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and _warnings(result.stderr) == []
    assert result.stderr.count("diagrams: 2 rendered, 0 from the cache") == 2  # each language
    assert [page.read_text() for page in pages] == cold
    for entry in entries:  # each is whole again, under its own name
        found = HEADER.match(entry.read_text(encoding="utf-8"))
        assert found is not None and found[1] == entry.name, entry


@pytest.mark.parametrize("how", ["a file", "read-only"])
@pytest.mark.parametrize("strict", [True, False])
def test_a_cache_that_cannot_be_written_is_one_warning(tmp_path: Path, how: str,
                                                       strict: bool) -> None:
    site = busy_site(tmp_path)
    cache = site / ".netmodel-cache"
    if how == "a file":
        cache.write_text("not a directory\n")
    else:
        if os.geteuid() == 0:
            pytest.skip("root writes in a read-only directory")
        cache.mkdir()
        cache.chmod(0o555)
    try:
        result = build(site, strict=strict)
    finally:
        if cache.is_dir():
            cache.chmod(0o755)
    assert "Traceback" not in result.stderr, result.stderr
    warnings = _warnings(result.stderr)
    assert len(warnings) == 1, result.stderr
    assert warnings[0].startswith("WARNING -  netmodel: cache .netmodel-cache/ cannot be "
                                  "written (")
    assert warnings[0].endswith("): building without it")
    if strict:
        assert result.returncode == 1
    else:
        assert result.returncode == 0
        for page in (site / "site" / "index.html", site / "site" / "zh" / "index.html"):
            html = page.read_text()
            assert html.count('<figure class="netmodel-figure">') == 2
            assert html.count('class="netmodel-diagram"') >= 2
            assert "MTU 1450 of 1500" in html


# -- a build deletes only its own pages ------------------------------------------------

def test_a_build_deletes_no_page_of_another_output_directory(tmp_path: Path) -> None:
    site = make_site(tmp_path, view="topology")
    for out in ("site5", "site6"):
        assert build(site, "-d", out).returncode == 0
    spec = site / "diagrams" / "c.yaml"
    spec.write_text(spec.read_text().replace("mtu: 1500", "mtu: 9000"))
    assert build(site, "-d", "site6", "--dirty").returncode == 0
    old = site / "site5" / "index.html"
    assert old.exists() and (site / "site5" / "zh" / "index.html").exists()
    assert "mtu 1500" in old.read_text()
    assert "mtu 9000" in (site / "site6" / "index.html").read_text()
    # site5 still has the old page: its own record says so, whatever site6's build
    # recorded, and a dirty build into it redoes the page.
    assert build(site, "-d", "site5", "--dirty").returncode == 0
    assert "mtu 9000" in old.read_text() and "mtu 1500" not in old.read_text()
    for out in ("site5", "site5/zh", "site6", "site6/zh"):
        assert str((site / out).resolve()) in (site / ".netmodel-cache" / "state.json").read_text()


@pytest.mark.parametrize("state", [b"[]", b'{"sites": []}', bytes(range(256)),
                                   b'{"sites": {"/x": {"uses": {"a.yaml": 5}}}}',
                                   b'{"sites": {"/x": {"specs": {"a.yaml": null}}}}'])
def test_a_corrupt_state_file_is_ignored(tmp_path: Path, state: bytes) -> None:
    site = make_site(tmp_path, view="topology")
    assert build(site).returncode == 0
    (site / ".netmodel-cache" / "state.json").write_bytes(state)
    result = build(site, "--dirty")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert json.loads((site / ".netmodel-cache" / "state.json").read_text())["sites"]


# -- a spec is one in diagrams/ ----------------------------------------------------------

@pytest.mark.parametrize("name", ["../secret.yaml", "sub/../../secret.yaml", "{abs}",
                                  "link.yaml"])
@pytest.mark.parametrize("where", ["fence", "front matter"])
def test_a_spec_outside_the_diagrams_directory_is_refused(tmp_path: Path, name: str,
                                                          where: str) -> None:
    site = make_site(tmp_path)
    # A spec that would load (its name from its file) and one line that would show.
    secret = site / "secret.yaml"
    secret.write_text("SECRET first line\n" + TWO_NODES.format(backend="vxlan"))
    (site / "diagrams" / "link.yaml").symlink_to(secret)  # resolves out of diagrams/
    name = name.format(abs=secret)
    if where == "fence":
        page = f"# T\n\n```netmodel\nspec: {name}\nview: topology\n```\n"
        line = 4
    else:
        page = f"---\nnetmodel_spec: {name}\n---\n# T\n\nMTU {{{{nm mtu}}}}\n"
        line = 6
    (site / "docs" / "index.md").write_text(page)
    result = build(site, strict=False)
    assert "Traceback" not in result.stderr
    warnings = _warnings(result.stderr)
    assert warnings == [f"WARNING -  netmodel: index.md:{line}: spec {name!r}: "
                        "not in diagrams/"], result.stderr
    html = (site / "site" / "index.html").read_text()
    assert "SECRET" not in html and "SECRET" not in result.stderr
    assert "netmodel-diagram" not in html and "1450" not in html


def test_a_cache_write_refused_is_one_warning_in_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """A read-only cache directory, as root sees one too: every write refused."""
    from netmodel.site import plugin

    def refused(target: Path, text: str, encoding: str = "utf-8") -> None:
        raise PermissionError(13, "Permission denied", str(target))

    monkeypatch.setattr(plugin, "write_whole", refused)
    site = busy_site(tmp_path)
    with caplog.at_level("WARNING"):
        build_here(site)
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == ["netmodel: cache .netmodel-cache/ cannot be written "
                        "(Permission denied): building without it"]
    for page in (site / "site" / "index.html", site / "site" / "zh" / "index.html"):
        html = page.read_text()
        assert html.count('<figure class="netmodel-figure">') == 2
        assert html.count('class="netmodel-diagram"') >= 2


def test_a_spec_edited_during_a_build_leaves_every_page_built(tmp_path: Path) -> None:
    # A burst of edits under `mkdocs serve`: the spec changes after the English
    # pass has written its page and before the Chinese pass begins. The Chinese
    # pass must not delete the English page (the reader would get a 404 until the
    # next rebuild); only a --dirty build removes the pages it will not rebuild.
    # In a child process, the way serve builds: in-process, one build after another.
    site = make_site(tmp_path)
    child = f"""
import os
from pathlib import Path
os.environ["NO_MKDOCS_2_WARNING"] = "1"
from mkdocs.commands.build import build
from mkdocs.config import load_config
from netmodel.site.plugin import NetmodelPlugin

root = Path({str(site)!r})
spec = root / "diagrams" / "c.yaml"
page = root / "site" / "index.html"
build(load_config(str(root / "mkdocs.yml")))          # the first serve build
assert page.is_file()
original_post_build = NetmodelPlugin.on_post_build
passes = []

def edit_after_first_language(self, config):
    original_post_build(self, config)
    passes.append(config.theme.get("language"))
    if len(passes) == 1:  # English written; the author saves again
        spec.write_text(spec.read_text().replace("web-1", "web-one"), encoding="utf-8")

NetmodelPlugin.on_post_build = edit_after_first_language
spec.write_text(spec.read_text() + "\\n", encoding="utf-8")  # the edit that starts it
build(load_config(str(root / "mkdocs.yml")))
assert len(passes) == 2, passes
assert page.is_file(), "the English page was deleted by the Chinese pass"
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True,
                          check=False, cwd=site)
    assert done.stdout.strip().endswith("ok"), done.stderr[-2000:]


@pytest.mark.parametrize(("kind", "message"), [
    # a NUL in the name: Path.resolve() raised ValueError, aborting the build
    ("nul", "not a usable file name"),
    # Latin-1: read_text() raised UnicodeDecodeError, aborting the build
    ("latin-1", "spec is not UTF-8 text"),
    # a FIFO: reading it would block the build for ever
    ("fifo", "not a regular file (a FIFO"),
])
def test_a_spec_the_site_cannot_read_is_one_warning(tmp_path: Path, kind: str,
                                                     message: str) -> None:
    site = make_site(tmp_path)
    name = "bad.yaml"
    if kind == "nul":
        name = "a\\0b.yaml"  # the fence's YAML turns \0 into a NUL character
    elif kind == "latin-1":
        (site / "diagrams" / name).write_bytes(b"cluster: {name: caf\xe9}\n")
    else:
        os.mkfifo(site / "diagrams" / name)
    (site / "docs" / "index.md").write_text(
        f'# T\n\n```netmodel\nspec: "{name}"\nview: topology\n```\n')
    result = build(site, strict=False)
    assert "Traceback" not in result.stderr
    warnings = _warnings(result.stderr)
    assert len(warnings) == 1, result.stderr
    assert message in warnings[0], warnings[0]
    assert result.returncode == 0


def test_a_spec_with_a_byte_order_mark_draws_as_in_the_cli(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    spec = site / "diagrams" / "c.yaml"
    spec.write_bytes(b"\xef\xbb\xbf" + spec.read_bytes())
    result = build(site)
    assert result.returncode == 0, result.stderr
    assert _warnings(result.stderr) == []


# -- the whole-page cache entry ----------------------------------------------------------

def test_a_page_that_warns_warns_at_every_build(tmp_path: Path) -> None:
    """A page is one cache entry only when it built clean: a mistake on it is
    reported by every build, not only by the first."""
    site = make_site(tmp_path)
    page = site / "docs" / "index.md"
    page.write_text(page.read_text().replace("to: pod/db-1", "to: pod/nope"))
    for _ in range(2):
        result = build(site, strict=False)
        assert result.returncode == 0, result.stderr
        warned = _warnings(result.stderr)
        assert len(warned) == 1 and "pod/nope" in warned[0], result.stderr


def test_a_new_replay_record_shows_on_the_next_warm_build(tmp_path: Path) -> None:
    """The page's entry is keyed by what it draws from, replay records included."""
    from netmodel.site.replays import REPLAYS

    site = make_site(tmp_path)
    assert build(site).returncode == 0
    english = site / "site" / "index.html"
    assert "netmodel lab --verify" not in english.read_text()
    records = site / "diagrams" / REPLAYS
    records.mkdir()
    (records / "c.json").write_text(json.dumps(
        {"spec": "c.yaml", "kernel": "Linux 6.18", "flows": 0, "matched": 0,
         "fingerprints": []}))
    result = build(site)
    assert result.returncode == 0, result.stderr
    assert "diagrams: 0 rendered, 1 from the cache" in result.stderr  # the figure is not redrawn
    # ...but the page is: the walk is not among the record's fingerprints
    assert "netmodel lab --verify --record" in english.read_text()
