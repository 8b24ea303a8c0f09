"""Captures on the site: a ``diff`` fence prints what `netmodel diff` prints, and a
walk fence with ``state`` ends as `netmodel trace --state` ends, both computed at
build time from the captures under diagrams/captures/ (tests/test_capture.py
checks the captures themselves)."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest

from netmodel.cli import main
from netmodel.compare.differences import Change
from netmodel.compare.report import difference_line
from netmodel.compare.run import diff_node
from netmodel.i18n import disposition_text
from netmodel.i18n.site import site_word
from netmodel.site.captures import capture_digest
from netmodel.site.check import run_check
from netmodel.site.markup import FenceError, find_fences, read_fence
from netmodel.site.replays import REPLAYS
from netmodel.spec.load import load_spec
from netmodel.trace.disposition import Disposition

from .conftest import MKDOCS_YML
from .test_imports import BUILD, loaded, under
from .test_plugin import _warnings, build

ROOT = Path(__file__).resolve().parents[1]
SPEC = "clusters/two-nodes-vxlan.yaml"
CAPTURES = "captures/two-nodes-vxlan"
BROKEN = f"{CAPTURES}/node-2-fdb-missing"
PAGE = f"""\
# Captured

```netmodel
spec: {SPEC}
diff: node-2
capture: {BROKEN}
```

```netmodel
spec: {SPEC}
view: path
from: pod/web-1
to: pod/db-1
state: {{node-2: {BROKEN}}}
```
"""


def make_project(root: Path, page: str = PAGE) -> Path:
    """docs/ (a page in English and Chinese) and diagrams/ (the demo spec and the
    lab's captures of node-2), with a tiny mkdocs.yml."""
    (root / "docs").mkdir(parents=True)
    (root / "diagrams" / "clusters").mkdir(parents=True)
    shutil.copy(ROOT / "diagrams" / SPEC, root / "diagrams" / SPEC)
    for name in ("node-2", "node-2-fdb-missing"):
        shutil.copytree(ROOT / "diagrams" / CAPTURES / name,
                        root / "diagrams" / CAPTURES / name)
    # what the lab replayed of this spec: the model's walks, never a captured node's
    shutil.copytree(ROOT / "diagrams" / REPLAYS, root / "diagrams" / REPLAYS,
                    ignore=lambda _, names: [n for n in names if n != "two-nodes-vxlan.json"])
    (root / "mkdocs.yml").write_text(MKDOCS_YML)
    (root / "docs" / "index.md").write_text(page)
    (root / "docs" / "index.zh.md").write_text(page.replace("Captured", "采集"))
    return root


def cli(root: Path, args: list[str], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> str:
    """What the command prints, run from the project's root as its page says."""
    monkeypatch.chdir(root)
    main(args)
    return capsys.readouterr().out


def code_blocks(page: Path) -> list[str]:
    return [html.unescape(block) for block in re.findall(
        r'<pre><code class="language-text">(.*?)</code></pre>', page.read_text(), re.S)]


def diff_args(capture: str, lang: str) -> list[str]:
    return ["diff", f"diagrams/{SPEC}", "node-2", f"diagrams/{capture}", "--lang", lang]


def pages(root: Path) -> dict[str, Path]:
    return {"en": root / "site" / "index.html", "zh": root / "site" / "zh" / "index.html"}


@pytest.mark.slow
def test_a_diff_fence_is_what_netmodel_diff_prints_and_follows_an_edited_capture(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_project(tmp_path)
    result = build(site)
    assert result.returncode == 0, result.stderr
    cluster = load_spec(site / "diagrams" / SPEC)
    (missing,) = diff_node(cluster, "node-2", site / "diagrams" / BROKEN).differences
    # the entry the lab deleted: node-1's VtepMAC on node-2's flannel.1, missing
    assert (missing.what, missing.change) == ("fdb", Change.MISSING)
    assert missing.text.startswith(f"{cluster.node('node-1').vtep_mac} dev flannel.1 ")
    for lang, page in pages(site).items():
        printed = cli(site, diff_args(BROKEN, lang), capsys, monkeypatch)
        assert code_blocks(page) == [printed], lang
        # the line naming it and who programs it, in the page's language
        assert f"\n  - {difference_line(missing, lang)}\n" in printed
    # The capture repaired (node-2's healthy FDB copied in): the page says so.
    broken = site / "diagrams" / BROKEN / "bridge-fdb.json"
    healthy = site / "diagrams" / CAPTURES / "node-2" / "bridge-fdb.json"
    assert broken.read_bytes() != healthy.read_bytes()
    shutil.copy(healthy, broken)
    again = build(site)
    assert again.returncode == 0, again.stderr
    # the walk through the repaired node is drawn again too, not taken from the cache
    assert "diagrams: 1 rendered, 0 from the cache" in again.stderr
    for lang, page in pages(site).items():
        printed = cli(site, diff_args(BROKEN, lang), capsys, monkeypatch)
        assert code_blocks(page) == [printed], lang
        assert "FDB" not in printed.splitlines()[1]  # no difference line any more


@pytest.mark.slow
def test_a_warm_build_reads_no_capture_and_a_dirty_one_follows_an_edited_capture(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_project(tmp_path)
    assert build(site).returncode == 0
    # Warm: the diff and the walk come from the cache; no capture is read, no model made.
    warm = loaded(BUILD, cwd=site)
    # The captures are hashed with the page's other inputs (its whole-page cache
    # entry's key), and nothing else is done with them.
    assert under(warm, ("netmodel.capture", "netmodel.compare", "netmodel.state.model",
                        "netmodel.site.fences")) == []
    # --dirty rebuilds only pages whose Markdown changed, or whose inputs did: a
    # capture's files count as the page's spec does.
    shutil.copy(site / "diagrams" / CAPTURES / "node-2" / "bridge-fdb.json",
                site / "diagrams" / BROKEN / "bridge-fdb.json")
    dirty = build(site, "--dirty")
    assert dirty.returncode == 0, dirty.stderr
    for lang, page in pages(site).items():
        assert code_blocks(page) == [cli(site, diff_args(BROKEN, lang), capsys, monkeypatch)]


def _end(disposition: str, lang: str) -> str:
    return html.escape(site_word("ends", lang, disposition=(
        f"{disposition} ({disposition_text(Disposition(disposition), lang)})")))


@pytest.mark.slow
def test_a_walk_through_a_captured_node_ends_as_trace_state_ends(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # the same walk on the model's node-2 after it, which the lab has replayed
    site = make_project(tmp_path, PAGE + f"\n```netmodel\nspec: {SPEC}\nview: path\n"
                                         "from: pod/web-1\nto: pod/db-1\n```\n")
    result = build(site)
    assert result.returncode == 0, result.stderr
    printed = cli(site, ["trace", f"diagrams/{SPEC}", "pod/web-1", "pod/db-1", "--json",
                         "--state", f"node-2=diagrams/{BROKEN}"], capsys, monkeypatch)
    trace = json.loads(printed)
    modelled = json.loads(cli(site, ["trace", f"diagrams/{SPEC}", "pod/web-1", "pod/db-1",
                                     "--json"], capsys, monkeypatch))
    # what makes this walk worth drawing: the capture changes how it ends
    assert trace["reply"]["disposition"] != modelled["reply"]["disposition"]
    for lang, page in pages(site).items():
        text = page.read_text()
        ends = re.findall(r'<p class="nm-end">(.*?)</p>', text)
        # the request's leg, then the reply's, each ending as the CLI's does
        assert ends[:2] == [_end(trace["disposition"], lang),
                            _end(trace["reply"]["disposition"], lang)], lang
        assert ends[2:] == [_end(modelled["disposition"], lang),
                            _end(modelled["reply"]["disposition"], lang)], lang
    # the reply's SVG says why it stops: the reason the CLI gives, in the page's language
    english = pages(site)["en"].read_text()
    assert html.escape(trace["reply"]["reason"], quote=False) in english
    # only the model's walk is said to be replayed by the lab (a captured node's is not)
    assert english.count('<span class="netmodel-replay">') == 1
    figures = english.split('<figure class="netmodel-figure">')[1:]
    assert [('class="netmodel-replay"' in f) for f in figures] == [False, True]


@pytest.mark.slow
@pytest.mark.parametrize(("fence", "option", "message"), [
    # a capture that is not there
    (f"spec: {SPEC}\ndiff: node-2\ncapture: captures/nope\n", "capture",
     "diagrams/captures/nope: no such capture"),
    # a capture outside the diagrams directory (the site reads nothing else)
    (f"spec: {SPEC}\ndiff: node-2\ncapture: ../docs\n", "capture",
     "capture '../docs': not in diagrams/"),
    # a walk's state through a node the spec does not have
    (f"spec: {SPEC}\nview: path\nfrom: pod/web-1\nto: pod/db-1\n"
     f"state: {{node-9: {BROKEN}}}\n", "state", "node 'node-9': no such node in"),
])
def test_a_bad_capture_is_one_warning_at_its_option_and_fails_strict(
        tmp_path: Path, fence: str, option: str, message: str) -> None:
    page = f"# Captured\n\ntext\n\n```netmodel\n{fence}```\n"
    site = make_project(tmp_path, PAGE)
    (site / "docs" / "index.md").write_text(page)
    line = next(n for n, text in enumerate(page.splitlines(), 1)
                if text.startswith(f"{option}:"))
    result = build(site)
    assert "Traceback" not in result.stderr
    warnings = _warnings(result.stderr)
    assert len(warnings) == 1, result.stderr  # the Chinese page is fine
    assert warnings[0].startswith(f"WARNING -  netmodel: index.md:{line}: "), warnings
    assert message in warnings[0]
    assert result.returncode == 1


@pytest.mark.slow
def test_a_capture_file_that_does_not_parse_is_named_from_the_projects_root(
        tmp_path: Path) -> None:
    site = make_project(tmp_path)
    (site / "diagrams" / BROKEN / "ip-link.json").write_text("{}\n")
    result = build(site)
    warnings = _warnings(result.stderr)
    # both fences read it, on both pages; each says where, none with this machine's path
    assert len(warnings) == 4, result.stderr
    assert all(f"diagrams/{BROKEN}/ip-link.json:1: expected a JSON array" in w
               for w in warnings), warnings
    assert not any(str(tmp_path) in w for w in warnings)
    assert result.returncode == 1


@pytest.mark.parametrize(("body", "option", "message"), [
    # a diff without its capture
    (f"spec: {SPEC}\ndiff: node-2\n", "diff", "a diff needs 'capture'"),
    # an option a diff does not draw
    (f"spec: {SPEC}\ndiff: node-2\ncapture: {BROKEN}\nview: path\n", "view",
     "does not apply to a diff"),
    # a capture on a walk, where state is meant
    (f"spec: {SPEC}\nview: path\nfrom: pod/web-1\nto: pod/db-1\ncapture: {BROKEN}\n",
     "capture", "does not apply to view path"),
    # state as a list, not a mapping of node to capture
    (f"spec: {SPEC}\nview: path\nfrom: pod/web-1\nto: pod/db-1\nstate: [{BROKEN}]\n",
     "state", "expected {NODE: capture, …}"),
    # state on a topology, which walks nothing
    (f"spec: {SPEC}\nview: topology\nstate: {{node-2: {BROKEN}}}\n", "state",
     "does not apply to view topology"),
])
def test_a_bad_capture_option_is_refused_at_its_line(body: str, option: str,
                                                      message: str) -> None:
    (fence,) = find_fences(f"# P\n\n```netmodel\n{body}```\n")
    with pytest.raises(FenceError) as caught:
        read_fence(fence, "p.md")
    assert caught.value.line == fence.option_line(option)
    assert message in caught.value.message


def test_a_state_fence_names_its_captures_sorted_by_node() -> None:
    (fence,) = find_fences(f"```netmodel\nspec: {SPEC}\nview: path\nfrom: pod/web-1\n"
                           f"to: pod/db-1\nstate: {{node-2: b, node-1: a}}\n```\n")
    options = read_fence(fence, "p.md")
    assert options.state == (("node-1", "a"), ("node-2", "b"))
    assert options.captures == (("state", "node-1", "a"), ("state", "node-2", "b"))


def test_the_capture_digest_covers_every_file(tmp_path: Path) -> None:
    capture = tmp_path / "c"
    shutil.copytree(ROOT / "diagrams" / BROKEN, capture)
    first = capture_digest(capture)
    assert first is not None and capture_digest(capture) == first
    fdb = capture / "bridge-fdb.json"
    fdb.write_text(fdb.read_text() + " ")
    edited = capture_digest(capture)
    (capture / "conntrack.txt").write_text("")
    added = capture_digest(capture)
    assert len({first, edited, added}) == 3
    assert capture_digest(tmp_path / "nope") is None


def test_netmodel_check_computes_diff_fences_and_checks_walks_on_the_captured_node(
        tmp_path: Path) -> None:
    page = PAGE + (f"\n```netmodel\nspec: {SPEC}\nview: path\nfrom: pod/db-1\nto: pod/web-1\n"
                   f"state: {{node-2: {BROKEN}}}\nexpect: DELIVERED\n```\n")
    project = make_project(tmp_path, page)
    first = run_check(project, update=True)
    # the request drops on node-2 as captured (on the model's node-2 it is delivered)
    line = page.splitlines().index("expect: DELIVERED") + 1
    assert [p for p in first.problems if "expect" not in p] == []
    assert [p.split(": expected")[0] for p in first.problems] == [
        f"docs/index.md:{line}", f"docs/index.zh.md:{line}"]
    assert all("the model says DROPPED" in p for p in first.problems)
    (project / "docs" / "index.md").write_text(page.replace("expect: DELIVERED",
                                                             "expect: DROPPED"))
    (project / "docs" / "index.zh.md").write_text(page.replace("expect: DELIVERED",
                                                                "expect: DROPPED"))
    assert run_check(project, update=True).ok
    assert run_check(project).ok
    # a capture that no longer parses is bad input, at the fences that read it
    (project / "diagrams" / BROKEN / "bridge-fdb.json").write_text("nope")
    broken = run_check(project)
    assert len(broken.bad_input) == 6  # 3 fences × 2 pages
    assert broken.bad_input[0].startswith(
        f"docs/index.md:6: diagrams/{BROKEN}/bridge-fdb.json:1: expected a JSON array")
