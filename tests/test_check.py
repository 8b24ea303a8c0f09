"""`netmodel check`: what CI relies on to go red when the model and the site disagree."""

from __future__ import annotations

import shutil
import subprocess
import sys
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
    # at the hops: line (9), not the fence's opening line (3)
    assert "docs/page.md:9: expected 3 hops, the model crosses 4" in " ".join(result.problems)


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


def _fence_page(**options: str) -> str:
    written = {"spec": "c.yaml", "view": "path", "from": "pod/web-1", "to": "pod/db-1",
               **options}
    body = "".join(f"{key}: {value}\n" for key, value in written.items())
    return f"# Page\n\nSome text.\n\n```netmodel\n{body}```\n"


def _line_of(page: str, option: str) -> int:
    """The page line a fence option is written on (1-based)."""
    return next(i for i, line in enumerate(page.splitlines(), 1)
                if line.startswith(f"{option}:"))


WITH_DB = """\
services:
  - name: db
    selector: {app: db}
    ports: [{port: 5432}]
"""


@pytest.mark.parametrize(("options", "at", "message"), [
    # a port the Service lacks: was a bare ValueError out of the walk
    ({"to": "svc/db", "port": "9999"}, "port",
     "port 9999: service default/db has no port 9999 (expected one of its ports: 5432/tcp"),
    # a protocol the model does not know
    ({"to": "svc/db", "proto": "sctp"}, "proto",
     "proto 'sctp': unknown protocol (expected one of tcp, udp, icmp)"),
    # an endpoint the Service's chain cannot pick
    ({"to": "svc/db", "endpoint": "10.244.9.9:5432"}, "endpoint",
     "endpoint '10.244.9.9:5432': not one this service's chain can pick"),
    # an unknown pod as the destination
    ({"to": "pod/nope"}, "to", "to 'pod/nope': no pod default/nope"),
    # an unknown node as the source
    ({"from": "node/node-9"}, "from", "from 'node/node-9': no node node-9"),
    # an Ingress path no rule matches
    ({"to": "ingress/nope.example.com/"}, "to",
     "to 'ingress/nope.example.com/': no Ingress rule matches"),
    # YAML 1.2 reads `no` as a string, which bool() would have called true
    ({"reply": "no"}, "reply", "reply 'no': expected true or false"),
    # a disposition that does not exist could never hold
    ({"expect": "DELIVERD"}, "expect", "expect 'DELIVERD': unknown disposition (expected "
     "one of DELIVERED, EXITS_CLUSTER"),
    # an option this view does not draw would be silently ignored
    ({"focus": "node/node-1"}, "focus", "focus 'node/node-1': does not apply to view path"),
    # a frame past the end of the trace (it has 20-odd steps)
    ({"view": "frame", "hop": "99"}, "hop", "hop 99: past the trace (expected a step 1-"),
    # a topology focused on a node that does not exist: was a bare KeyError
    ({"view": "topology", "from": "", "to": "", "focus": "node/node-9"}, "focus",
     "focus 'node/node-9': no node node-9"),
    # a spec that is not there
    ({"spec": "nope.yaml"}, "spec", "spec 'nope.yaml' is not a loadable file under diagrams/"),
])
def test_a_user_mistake_in_a_fence_is_one_line_at_its_option(
        project: Path, options: dict[str, str], at: str, message: str) -> None:
    spec = project / "diagrams" / "c.yaml"
    spec.write_text(spec.read_text().replace("  - name: db-1\n    node: node-2\n",
                                             "  - name: db-1\n    node: node-2\n"
                                             "    labels: {app: db}\n") + WITH_DB)
    page = _fence_page(**options)
    if options.get("view") == "topology":
        page = page.replace("from: \n", "").replace("to: \n", "")
    (project / "docs" / "page.md").write_text(page)
    result = run_check(project, update=True)
    mine = [p for p in result.problems if p.startswith("docs/page.md")]
    assert len(mine) == 1, result.problems
    assert mine[0].startswith(f"docs/page.md:{_line_of(page, at)}: {message}")
    assert "\n" not in mine[0]
    assert mine[0] in result.bad_input


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "netmodel", *args], capture_output=True,
                          text=True, check=False)


def test_check_exits_2_for_bad_input_one_line_each(project: Path) -> None:
    assert run_cli("check", "--update", "--root", str(project)).returncode == 0
    page = PAGE.replace("to: pod/db-1", "to: pod/nope") + PAGE.replace(
        "expect: DELIVERED", "port: 70000")
    (project / "docs" / "page.md").write_text(page)
    result = run_cli("check", "--root", str(project))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if "docs/page.md" in line]
    assert errors == [
        f"netmodel check: docs/page.md:{_line_of(page, 'to')}: to 'pod/nope': no pod "
        "default/nope in the spec (pods: default/db-1, default/web-1, default/web-2, "
        "monitoring/exporter)",
        f"netmodel check: docs/page.md:{page.splitlines().index('port: 70000') + 1}: port "
        "70000: out of range (expected 1-65535)"]


def test_check_exits_1_when_the_model_disagrees(project: Path) -> None:
    assert run_cli("check", "--update", "--root", str(project)).returncode == 0
    (project / "docs" / "page.md").write_text(PAGE.replace("hops: 4", "hops: 3"))
    result = run_cli("check", "--root", str(project))
    assert result.returncode == 1
    assert "docs/page.md:9: expected 3 hops, the model crosses 4" in result.stderr
