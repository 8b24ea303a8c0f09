"""`netmodel check`: what CI relies on to go red when the model and the site disagree."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from netmodel.site.check import run_check

from .conftest import TWO_NODES

PAGE = """\
# Page

```netmodel
spec: c.yaml
view: path
from: pod/web-1
to: pod/db-1
expect: DELIVERED
hops: 4
```
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "diagrams").mkdir()
    (tmp_path / "docs" / "page.md").write_text(PAGE)
    (tmp_path / "docs" / "page.zh.md").write_text(PAGE)
    (tmp_path / "diagrams" / "c.yaml").write_text(TWO_NODES.format(backend="vxlan"))
    return tmp_path


def test_missing_snapshots_fail_and_update_writes_them(project: Path) -> None:
    first = run_check(project)
    assert not first.ok and all("no snapshot" in p for p in first.problems)
    updated = run_check(project, update=True)
    assert updated.ok and updated.written == 2
    assert sorted(p.name for p in (project / "diagrams" / "snapshots").iterdir()) == [
        "page-1.en.dot", "page-1.en.json", "page-1.zh.dot", "page-1.zh.json"]
    assert run_check(project).ok


def test_a_model_visible_change_is_explained_by_hop_and_header(project: Path) -> None:
    run_check(project, update=True)
    spec = project / "diagrams" / "c.yaml"
    spec.write_text(spec.read_text().replace("ip: 192.168.56.12", "ip: 192.168.56.22"))
    result = run_check(project)
    assert not result.ok
    assert any("hop 2 (node-1 · host): outer.ip.dst 192.168.56.12 → 192.168.56.22" in p
               for p in result.problems), result.problems


def test_a_broken_expectation_is_reported_with_page_and_line(project: Path) -> None:
    (project / "docs" / "page.md").write_text(PAGE.replace("hops: 4", "hops: 3"))
    result = run_check(project, update=True)
    assert "docs/page.md:3: expected 3 hops, the model crosses 4" in " ".join(result.problems)


def test_a_bad_spec_and_a_bad_fence_are_reported(project: Path) -> None:
    (project / "diagrams" / "broken.yaml").write_text("nodes: [{name: n1, ip: 1.2.3}]\n")
    (project / "docs" / "page.md").write_text(PAGE.replace("view: path", "view: pth"))
    problems = " ".join(run_check(project, update=True).problems)
    assert "broken.yaml:1: nodes[0].ip: invalid IP address '1.2.3'" in problems
    assert "docs/page.md:5: view 'pth': unknown view (expected one of" in problems


def test_a_snapshot_without_its_fence_is_stale(project: Path) -> None:
    run_check(project, update=True)
    (project / "docs" / "page.zh.md").unlink()
    assert any("no longer exists" in p for p in run_check(project).problems)
    assert run_check(project, update=True).ok and run_check(project).ok


def test_the_repositorys_own_site_passes() -> None:
    root = Path(__file__).resolve().parents[1]
    result = run_check(root)
    assert result.ok, result.problems
    assert result.fences > 0


def test_copy_of_project_is_independent(project: Path, tmp_path: Path) -> None:
    run_check(project, update=True)
    copy = tmp_path / "copy"
    shutil.copytree(project, copy)
    assert run_check(copy).ok


def test_values_are_checked_too(project: Path) -> None:
    (project / "docs" / "values.md").write_text(
        "---\nnetmodel_spec: c.yaml\n---\n\nMTU {{nm mtu}}, port {{nm port host-gw}}.\n")
    problems = run_check(project, update=True).problems
    assert problems == ("docs/values.md:5: {{nm port host-gw}}: host-gw has no port",)


def test_table_fences_are_computed_and_a_bad_node_is_located(project: Path) -> None:
    (project / "docs" / "ref.md").write_text(
        "# Ref\n\n```netmodel\nspec: c.yaml\ntable: routes\nnode: node-9\n```\n")
    problems = run_check(project, update=True).problems
    assert len(problems) == 1
    assert problems[0].startswith("docs/ref.md:6: node 'node-9': no such node in ")
    assert problems[0].endswith("c.yaml (expected one of node-1, node-2; or router)")
