"""netmodel import: kubectl output in, a spec that loads and walks as the cluster does.

The documents under tests/data/kubectl/ are written by its generate.py, shaped
as kubectl prints them. Expected endpoints are read from the input's own
EndpointSlice conditions, so a test says "the walk reaches exactly the pods the
slices mark ready", not a list typed by hand.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netmodel.cli import main
from netmodel.errors import echo
from netmodel.i18n.imports import IMPORT_TERMS, IMPORT_WORDS, import_word
from netmodel.kubeimport import ImportOptions, KubectlError, documents, import_kubectl
from netmodel.spec.load import load_spec
from netmodel.state.model import Model
from netmodel.trace.request import WalkRequest
from netmodel.trace.walks import walk, walk_all

DATA = Path(__file__).parent / "data" / "kubectl"
CLUSTER = str(DATA / "cluster.json")
CFG = str(DATA / "kube-flannel-cfg.json")
SPLIT = [str(p) for p in sorted((DATA / "split").glob("*.json"))]


def _items() -> list[dict[str, Any]]:
    return list(json.loads(Path(CLUSTER).read_text())["items"])


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, list[str]]:
    status = main(["import", *args])
    out, err = capsys.readouterr()
    return status, out, err.splitlines()


def _uncommented(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True)
                   if not line.lstrip().startswith("#"))


def _slice_endpoints(service: str) -> list[dict[str, Any]]:
    return [e for item in _items() if item["kind"] == "EndpointSlice"
            and item["addressType"] == "IPv4"
            and item["metadata"]["labels"]["kubernetes.io/service-name"] == service
            for e in item["endpoints"]]


@pytest.fixture(scope="module")
def imported():  # type: ignore[no-untyped-def]
    return import_kubectl([CLUSTER, CFG])


# -- what the spec holds, and how it walks ----------------------------------------------

def test_walk_to_a_service_reaches_exactly_the_ready_endpoints(imported) -> None:  # type: ignore[no-untyped-def]
    ready = {e["targetRef"]["name"] for e in _slice_endpoints("web") if e["conditions"]["ready"]}
    assert ready and len(ready) < len(_slice_endpoints("web"))  # the input has an unready one
    model = Model(imported.cluster)
    traces = list(walk_all(model, WalkRequest.of("pod/default/client", "svc/default/web")))
    reached = {t.hops[-1].netns_id.name for t in traces}
    assert all(t.disposition.value == "DELIVERED" for t in traces)
    assert {name.split("/")[-1] for name in reached} == ready


def test_a_service_with_no_ready_endpoint_uses_its_serving_terminating_one(imported) -> None:  # type: ignore[no-untyped-def]
    slice_eps = _slice_endpoints("api")
    assert not any(e["conditions"]["ready"] for e in slice_eps)
    fallback = {e["targetRef"]["name"] for e in slice_eps
                if e["conditions"]["serving"] and e["conditions"]["terminating"]}
    trace = walk(Model(imported.cluster), WalkRequest.of("pod/default/client", "svc/default/api"))
    assert trace.disposition.value == "DELIVERED"
    assert trace.hops[-1].netns_id.name.split("/")[-1] in fallback


def test_pods_are_the_running_ones_on_their_nodes(imported) -> None:  # type: ignore[no-untyped-def]
    running = {(p["metadata"]["namespace"], p["metadata"]["name"], p["spec"]["nodeName"])
               for p in _items() if p["kind"] == "Pod"
               and p["status"]["phase"] not in ("Succeeded", "Failed")}
    assert {(p.namespace, p.name, p.node) for p in imported.cluster.pods} == running
    host = imported.cluster.pod("kube-system/kube-proxy-7xk2p")
    assert host.host_network and host.ip == imported.cluster.node("node-1").ip


def test_a_host_port_is_reached_from_outside_through_portmap(imported) -> None:  # type: ignore[no-untyped-def]
    (pod,) = [p for p in _items() if p["kind"] == "Pod"
              and any("hostPort" in port for c in p["spec"]["containers"]
                      for port in c.get("ports", []))
              and not p["spec"].get("hostNetwork")]
    port = pod["spec"]["containers"][0]["ports"][0]["hostPort"]
    trace = walk(Model(imported.cluster), WalkRequest.of(
        "external/203.0.113.7", f"node/{pod['spec']['nodeName']}", port=port))
    assert trace.disposition.value == "DELIVERED"
    assert trace.hops[-1].netns_id.name == f"default/{pod['metadata']['name']}"


def test_dns_policy_and_config_are_kept(imported) -> None:  # type: ignore[no-untyped-def]
    for item in _items():
        if item["kind"] != "Pod" or item["status"]["phase"] == "Succeeded":
            continue
        pod = imported.cluster.pod(f"{item['metadata']['namespace']}/{item['metadata']['name']}")
        assert pod.dns_policy.value == item["spec"]["dnsPolicy"]
        options = item["spec"].get("dnsConfig", {}).get("options", [])
        kept = pod.dns_config.options if pod.dns_config is not None else ()
        assert [(o.name, o.value) for o in kept] == [(o["name"], o.get("value"))
                                                     for o in options]


def test_kube_dns_is_an_ordinary_service_with_its_slice_endpoints(imported) -> None:  # type: ignore[no-untyped-def]
    trace = walk(Model(imported.cluster), WalkRequest.of(
        "pod/default/client", "svc/kube-system/kube-dns", port=53, proto="udp"))
    assert trace.disposition.value == "DELIVERED"
    ready = {e["targetRef"]["name"] for e in _slice_endpoints("kube-dns")}
    assert trace.hops[-1].netns_id.name.split("/")[-1] in ready


def test_nodes_carry_flannel_annotations(imported) -> None:  # type: ignore[no-untyped-def]
    for item in _items():
        if item["kind"] != "Node":
            continue
        node = imported.cluster.node(item["metadata"]["name"])
        annotations = item["metadata"]["annotations"]
        vtep = json.loads(annotations["flannel.alpha.coreos.com/backend-data"])["VtepMAC"]
        assert node.vtep_mac == vtep
        assert str(node.ip) == annotations["flannel.alpha.coreos.com/public-ip"]
        assert str(node.pod_cidr) == item["spec"]["podCIDR"]
        labels = item["metadata"]["labels"]
        assert node.control_plane == ("node-role.kubernetes.io/control-plane" in labels)
    assert imported.cluster.backend.value == "vxlan"
    assert str(imported.cluster.cluster_cidr) == "10.244.0.0/16"


def test_ingress_controller_is_the_service_whose_address_the_status_shows(imported) -> None:  # type: ignore[no-untyped-def]
    (ingress,) = imported.cluster.ingresses
    assert ingress.controller == "ingress-nginx/ingress-nginx-controller"
    lb = imported.cluster.service(ingress.controller).load_balancer_ip
    status = next(i for i in _items() if i["kind"] == "Ingress")["status"]
    assert str(lb) == status["loadBalancer"]["ingress"][0]["ip"]
    trace = walk(Model(imported.cluster), WalkRequest.of("external/203.0.113.7",
                                                         "ingress/shop.example.com/"))
    assert trace.disposition.value == "DELIVERED"


def test_every_object_has_a_comment_saying_where_it_came_from(imported) -> None:  # type: ignore[no-untyped-def]
    comments = re.findall(r"# from (\w+) (\S+) \((.*?)\)", imported.text)
    placed = {(kind, name): where for kind, name, where in comments}
    for index, item in enumerate(_items()):
        meta = item["metadata"]
        name = "/".join(filter(None, (meta.get("namespace"), meta["name"])))
        if (item["kind"], name) in placed:
            assert placed[(item["kind"], name)] == f"{CLUSTER}, item {index}"
    pods = imported.cluster.pods
    assert all(("Pod", p.key) in placed for p in pods)
    assert all(("Service", s.key) in placed for s in imported.cluster.services)


def test_the_written_spec_loads_as_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                          ) -> None:
    target = tmp_path / "spec.yaml"
    status, out, err = _cli(capsys, CLUSTER, CFG, "-o", str(target))
    assert status == 0 and out == ""
    assert err[-1].startswith(f"netmodel import: wrote {target}: 3 nodes, 10 pods, 6 Services")
    cluster = load_spec(target)
    assert [n.name for n in cluster.nodes] == ["node-1", "node-2", "node-3"]
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left beside it


# -- determinism -------------------------------------------------------------------------

def test_same_input_same_bytes(imported) -> None:  # type: ignore[no-untyped-def]
    assert import_kubectl([CLUSTER, CFG]).text == imported.text


def test_yaml_and_split_files_give_the_same_spec(imported) -> None:  # type: ignore[no-untyped-def]
    as_yaml = import_kubectl([str(DATA / "cluster.yaml"), CFG]).text
    split = import_kubectl([*SPLIT, CFG], ImportOptions(name="cluster")).text
    assert _uncommented(as_yaml) == _uncommented(imported.text)
    assert _uncommented(split) == _uncommented(imported.text)
    # Only the comments differ: they name each file.
    assert "# from Pod default/web-1 (" + str(DATA / "split" / "pods.json") in split


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1))
def test_item_order_does_not_change_the_spec(seed: int, tmp_path_factory: pytest.TempPathFactory,
                                             imported) -> None:  # type: ignore[no-untyped-def]
    items = _items()
    random.Random(seed).shuffle(items)
    path = tmp_path_factory.mktemp("order") / "cluster.json"
    path.write_text(json.dumps({"apiVersion": "v1", "items": items, "kind": "List",
                                "metadata": {"resourceVersion": ""}}, indent=4))
    text = import_kubectl([str(path), CFG], ImportOptions(name="cluster")).text
    assert _uncommented(text) == _uncommented(imported.text)


def test_json_read_in_tiny_chunks_gives_the_same_objects(monkeypatch: pytest.MonkeyPatch,
                                                         imported) -> None:  # type: ignore[no-untyped-def]
    # Every item, key and number cut across reads: the stream must put them together.
    monkeypatch.setattr(documents, "CHUNK", 7)
    assert import_kubectl([CLUSTER, CFG]).text == imported.text


def test_json_items_know_their_lines() -> None:
    text = Path(CLUSTER).read_text()
    starts = [m.start() for m in re.finditer(r"^        \{$", text, re.M)]
    lines = [text.count("\n", 0, at) + 1 for at in starts]
    assert [o.origin.line for o in documents.read_documents(CLUSTER)] == lines


# -- warnings ----------------------------------------------------------------------------

def test_what_is_not_modelled_is_one_warning_line_per_kind(capsys: pytest.CaptureFixture[str]
                                                           ) -> None:
    status, out, err = _cli(capsys, CLUSTER, CFG)
    assert status == 0 and out
    warnings = [line for line in err if line.startswith("netmodel import: warning: ")]
    assert warnings == err  # nothing else on stderr without -o
    expected = {
        "1 NetworkPolicy object(s)", "1 Service(s) of type ExternalName",
        "1 headless Service(s)", "1 pod(s) in phase Succeeded", "1 IPv6 pod address(es)",
        "1 IPv6 EndpointSlice(s)",
        "1 Service port(s) with no ready endpoint", "1 endpoint(s) neither ready",
        "kubectl does not show the nodes' own subnet"}
    assert len(warnings) == len(expected)
    for start in expected:
        assert sum(line.startswith(f"netmodel import: warning: {start}")
                   for line in warnings) == 1, start


def test_without_the_flannel_configmap_it_says_what_it_assumed(imported) -> None:  # type: ignore[no-untyped-def]
    result = import_kubectl([CLUSTER])
    assert "flannel.cfg.missing" in result.notes.keys()  # noqa: SIM118 - Notes is no mapping
    assert result.cluster.backend is imported.cluster.backend  # from the nodes' annotations


def test_warnings_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _cli(capsys, CLUSTER, CFG, "--lang", "zh")
    assert status == 0
    assert ("netmodel import: 警告：1 个 NetworkPolicy 对象：netmodel 不建模 NetworkPolicy，"
            "已略过") in err


def test_every_term_a_warning_names_is_translated() -> None:
    # Every {what} the import passes (what="…" in its source) has both languages.
    source = "".join(p.read_text() for p in Path(documents.__file__).parent.glob("*.py"))
    used = set(re.findall(r'what="([^"]+)"', source))
    assert used and used <= set(IMPORT_TERMS)
    assert all(set(IMPORT_TERMS[t]) == {"en", "zh"} for t in used)


@pytest.mark.parametrize("key", sorted(IMPORT_WORDS))
def test_every_import_word_has_both_languages_and_the_same_placeholders(key: str) -> None:
    words = IMPORT_WORDS[key]
    assert set(words) == {"en", "zh"}
    names = [sorted(re.findall(r"\{(\w+)\}", words[lang])) for lang in ("en", "zh")]
    assert names[0] == names[1]
    assert re.search(r"[\u4e00-\u9fff]", words["zh"])


# -- bad input: one line, exit 2, nothing written ----------------------------------------

def _write(tmp_path: Path, name: str, data: Any) -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=4))
    return str(path)


def _as_list(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {}}


def _edited(kind: str, name: str, edit: Any) -> list[dict[str, Any]]:
    items = _items()
    for item in items:
        if item["kind"] == kind and item["metadata"]["name"] == name:
            edit(item)
    return items


def _cfg(backend: str) -> dict[str, Any]:
    cfg = json.loads(Path(CFG).read_text())
    cfg["data"]["net-conf.json"] = json.dumps({"Network": "10.244.0.0/16",
                                               "Backend": {"Type": backend}})
    return cfg


def _pod_index(name: str) -> int:
    return next(i for i, item in enumerate(_items()) if item["metadata"]["name"] == name)


BAD = [
    # a JSON array is not kubectl output
    ("array.json", "[1, 2]", r"array\.json:1: not kubectl output"),
    # an object that is no Kubernetes object and no List
    ("object.json", {"nodes": []}, r"object\.json:1: not kubectl output"),
    # a List whose kind says otherwise
    ("notlist.json", {"apiVersion": "v1", "items": [], "kind": "Pod"},
     r"notlist\.json:4: /kind: 'Pod': not kubectl output"),
    # a netmodel spec is YAML, but not kubectl output
    ("spec.yaml", "cluster: {name: x}\nnodes: [{name: n1}]\n", r"spec\.yaml:1: not kubectl output"),
    # a List whose items are no list
    ("items.json", {"apiVersion": "v1", "items": {}, "kind": "List"},
     r"items\.json:3: /items: expected a list of objects"),
    # an item without kind
    ("nokind.json", _as_list([{"metadata": {"name": "x"}}]),
     r"nokind\.json:4: /items/0: an item without apiVersion and kind"),
    # truncated JSON
    ("cut.json", Path(CLUSTER).read_text()[:5000], r"cut\.json:\d+: /items/\d+: malformed JSON"),
    # a stray character in the middle of the document
    ("stray.json", Path(CLUSTER).read_text().replace('"kind": "Node"', '"kind": Node', 1),
     r"stray\.json:\d+: /items/0: malformed JSON: Expecting value"),
    # malformed YAML
    ("bad.yaml", "apiVersion: v1\nkind: List\nitems:\n  - {a: [\n",
     r"bad\.yaml:\d+: malformed YAML"),
    # a pending pod has no nodeName
    ("pending.json", _as_list(_edited("Pod", "web-2", lambda p: p["spec"].pop("nodeName"))),
     rf"pending\.json:\d+: /items/{_pod_index('web-2')}/spec/nodeName: pod default/web-2 has no "
     "nodeName"),
    # a flannel backend netmodel does not model, in net-conf.json …
    ("wg-cfg.json", _cfg("wireguard"), r"wg-cfg\.json:1: /data/net-conf\.json: unknown flannel "
     r"backend 'wireguard' \(netmodel models host-gw, udp, vxlan\)"),
    # … or in a node's annotation
    ("ipip.json", _as_list(_edited("Node", "node-2", lambda n: n["metadata"]["annotations"].update(
        {"flannel.alpha.coreos.com/backend-type": "ipip"}))),
     r"ipip\.json:\d+: /items/1/metadata/annotations/flannel\.alpha\.coreos\.com~1backend-type: "
     "unknown flannel backend 'ipip'"),
    # net-conf.json that is not JSON
    ("badcfg.json", {**_cfg("vxlan"), "data": {"net-conf.json": "{Network: 1"}},
     r"badcfg\.json:1: /data/net-conf\.json: net-conf\.json is not JSON"),
    # a name the API server refuses, found by the spec loader, reported at the object
    ("upper.json", _as_list(_edited("Pod", "web-1", lambda p: p["metadata"].update(
        name="Web-1"))), r"upper\.json:\d+: /items/3: Pod default/Web-1: name: "
     "'Web-1' is not a valid"),
    # two running pods with one address: both named as the kubectl objects they are
    ("twice.json", _as_list(_edited("Pod", "web-2", lambda p: p["status"].update(
        podIP="10.244.1.3", podIPs=[{"ip": "10.244.1.3"}]))),
     r"twice\.json:\d+: /items/4: Pod default/web-2: ip: 10\.244\.1\.3 is taken twice \(also "
     r"ip of Pod default/db-1 \(\S+twice\.json, item 6\)\)"),
    # a pod on a node the input does not hold
    ("lost.json", _as_list([i for i in _items() if i["metadata"]["name"] != "node-3"]),
     r"lost\.json:\d+: /items/\d+/spec/nodeName: pod default/\S+ runs on node 'node-3', which "
     "is not in the input"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          name: str, content: Any, message: str) -> None:
    path = _write(tmp_path, name, content)
    inputs = [CLUSTER, path] if "cfg" in name else [path, CFG] if name.endswith(".json") \
        else [path]
    target = tmp_path / "out.yaml"
    status, out, err = _cli(capsys, *inputs, "-o", str(target))
    assert status == 2 and out == ""
    assert len(err) == 1, err
    assert re.match(r"netmodel: " + re.escape(str(tmp_path)) + "/" + message, err[0]), err[0]
    assert not target.exists()


def test_the_same_object_in_two_files_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _cli(capsys, CLUSTER, SPLIT[3], CFG)
    assert status == 2 and len(err) == 1
    assert re.match(rf"netmodel: {re.escape(SPLIT[3])}:\d+: /items/0/metadata/name: Node node-1 "
                    rf"appears twice \(first in {re.escape(CLUSTER)}, item 0\)", err[0]), err[0]


def test_a_missing_file_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = _cli(capsys, str(tmp_path / "nope.json"))
    assert status == 2 and err == [f"netmodel: {tmp_path}/nope.json: cannot read: No such file "
                                   "or directory"]


def test_error_lines_are_right_when_read_in_tiny_chunks(monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    path = _write(tmp_path, "pending.json", _as_list(_edited(
        "Pod", "db-1", lambda p: p["spec"].pop("nodeName"))))
    with pytest.raises(KubectlError) as whole:
        import_kubectl([path])
    monkeypatch.setattr(documents, "CHUNK", 5)
    with pytest.raises(KubectlError) as chunked:
        import_kubectl([path])
    assert str(chunked.value) == str(whole.value)
    text = Path(path).read_text()
    index = _pod_index("db-1")
    starts = [m.start() for m in re.finditer(r"^        \{$", text, re.M)]
    assert whole.value.line == text.count("\n", 0, starts[index]) + 1


# -- what kubectl does not show: assumed with a warning, or given ------------------------

def test_given_underlay_and_service_cidr_are_used(tmp_path: Path) -> None:
    from ipaddress import IPv4Network
    result = import_kubectl([CLUSTER, CFG], ImportOptions(
        underlay=(IPv4Network("192.168.56.0/25"),), service_cidr=IPv4Network("10.96.0.0/16")))
    assert [str(s.cidr) for s in result.cluster.underlay.segments] == ["192.168.56.0/25"]
    assert str(result.cluster.service_cidr) == "10.96.0.0/16"
    assert "underlay.assumed" not in result.notes.keys()  # noqa: SIM118 - Notes is no mapping


def test_an_underlay_that_misses_a_node_is_reported_at_the_node() -> None:
    from ipaddress import IPv4Network
    with pytest.raises(KubectlError, match=r"cluster\.json:\d+: /items/0: Node node-1: "
                       r"ip: 192\.168\.56\.11 is outside segment"):
        import_kubectl([CLUSTER, CFG], ImportOptions(underlay=(IPv4Network("10.1.0.0/24"),)))


def test_without_endpointslices_the_selectors_decide_and_it_says_so() -> None:
    inputs = [p for p in SPLIT if not p.endswith("endpointslices.json")]
    result = import_kubectl([*inputs, CFG])
    assert "slices.none" in result.notes.keys()  # noqa: SIM118 - Notes is no mapping
    web = result.cluster.service("default/web").ports[0]
    # every pod the selector matches, web-3 (not ready) included: the model's own rule
    assert sorted(e.pod or "" for e in web.endpoints) == [
        "default/web-1", "default/web-2", "default/web-3"]


def test_ingress_without_a_known_controller_is_left_out_with_a_warning(tmp_path: Path) -> None:
    items = _edited("Ingress", "shop", lambda i: i.update(status={"loadBalancer": {}}))
    path = _write(tmp_path, "c.json", _as_list(items))
    result = import_kubectl([path, CFG])
    assert result.cluster.ingresses == ()
    assert "ingress.no-controller" in result.notes.keys()  # noqa: SIM118 - Notes is no mapping
    named = import_kubectl([path, CFG], ImportOptions(
        ingress_controller="ingress-nginx/ingress-nginx-controller"))
    assert [i.key for i in named.cluster.ingresses] == ["default/shop"]


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chunk=st.integers(1, 300))
def test_any_chunk_size_reads_the_same_objects_and_lines(chunk: int,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(DATA / "split" / "services.json")
    monkeypatch.setattr(documents, "CHUNK", 1 << 22)  # the file in one read
    whole = [(o.kind, o.data, o.origin.line) for o in documents.read_documents(path)]
    monkeypatch.setattr(documents, "CHUNK", chunk)
    assert [(o.kind, o.data, o.origin.line) for o in documents.read_documents(path)] == whole


def _renumbered(old: str, new: str) -> list[dict[str, Any]]:
    """The fixture with every Service address moved from ``old`` to ``new`` (a prefix)."""
    return json.loads(json.dumps(_items()).replace(f'"{old}', f'"{new}'))


def test_service_cidr_starts_just_before_default_kubernetes(tmp_path: Path) -> None:
    # kube-apiserver gives default/kubernetes the range's first address; the
    # others fit under it, so the range is the smallest one starting there.
    path = _write(tmp_path, "c.json", _as_list(_renumbered("10.96.", "10.100.")))
    result = import_kubectl([path, CFG])
    kubernetes = result.cluster.service("default/kubernetes").cluster_ip
    assert result.cluster.service_cidr.network_address == kubernetes - 1
    assert all(s.cluster_ip in result.cluster.service_cidr for s in result.cluster.services)
    assert "service-cidr.assumed" in result.notes.keys()  # noqa: SIM118 - Notes is no mapping
    assert "dns.cluster-ip" not in result.notes.keys()  # noqa: SIM118 - kube-dns at .10


def test_kube_dns_elsewhere_than_kubelets_default_is_a_warning(tmp_path: Path) -> None:
    items = _edited("Service", "kube-dns", lambda s: s["spec"].update(
        clusterIP="10.96.0.53", clusterIPs=["10.96.0.53"]))
    result = import_kubectl([_write(tmp_path, "c.json", _as_list(items)), CFG])
    (line,) = [x for x in result.notes.lines() if "kube-dns" in x]
    assert line.startswith("kube-system/kube-dns is 10.96.0.53") and "10.96.0.10" in line


def test_a_single_object_in_yaml_is_read_like_its_json(tmp_path: Path, imported) -> None:  # type: ignore[no-untyped-def]
    import yaml
    cfg = _write(tmp_path, "kube-flannel-cfg.yaml",
                 yaml.safe_dump(json.loads(Path(CFG).read_text())))
    text = import_kubectl([CLUSTER, cfg]).text
    assert _uncommented(text) == _uncommented(imported.text)


def test_an_output_that_cannot_be_written_is_one_line(capsys: pytest.CaptureFixture[str],
                                                     tmp_path: Path) -> None:
    target = tmp_path / "missing" / "spec.yaml"
    status, out, err = _cli(capsys, CLUSTER, CFG, "-o", str(target))
    assert status == 2 and out == ""
    assert err[-1] == f"netmodel: -o {echo(str(target))}: No such file or directory"
    assert not target.parent.exists()


@pytest.mark.parametrize(("kind", "name", "edit", "warned"), [
    # KEP-1860: the load balancer proxies; kube-proxy would not bind the address
    ("Service", "ingress-nginx-controller", lambda s: s["status"]["loadBalancer"]["ingress"][0]
     .update(ipMode="Proxy"), "status.loadBalancer.ingress[].ipMode Proxy"),
    # node-local internal traffic: not modelled
    ("Service", "web", lambda s: s["spec"].update(internalTrafficPolicy="Local"),
     "internalTrafficPolicy Local"),
    # no node ports for a LoadBalancer (KEP-1864)
    ("Service", "ingress-nginx-controller", lambda s: s["spec"].update(
        allocateLoadBalancerNodePorts=False), "allocateLoadBalancerNodePorts False"),
    # TLS is the controller's, above what netmodel models
    ("Ingress", "shop", lambda i: i["spec"].update(tls=[{"hosts": ["shop.example.com"]}]),
     "spec.tls"),
])
def test_fields_not_modelled_are_one_warning_each(tmp_path: Path, kind: str, name: str,
                                                 edit: Any, warned: str) -> None:
    base = set(import_kubectl([CLUSTER, CFG]).notes.lines())
    path = _write(tmp_path, "c.json", _as_list(_edited(kind, name, edit)))
    (extra,) = set(import_kubectl([path, CFG]).notes.lines()) - base
    assert f" with `{warned}`: not modelled" in extra


def test_values_read_in_one_line(imported) -> None:  # type: ignore[no-untyped-def]
    objects = list(documents.read_documents(CLUSTER))
    web = next(o for o in objects if o.data["metadata"]["name"] == "web-1")
    assert str(web) == f"Pod default/web-1 ({CLUSTER}, item {web.origin.index} (line " \
        f"{web.origin.line}))"
    values = imported.imported
    assert str(values.nodes[0]) == "Node node-1 192.168.56.11 podCIDR 10.244.0.0/24"
    host = next(p for p in values.pods if p.host_network)
    assert str(host) == "Pod kube-system/kube-proxy-7xk2p on node-1 hostNetwork"
    web_svc = next(s for s in values.services if s.name == "web")
    assert str(web_svc) == "Service default/web ClusterIP 10.96.0.20"
    assert [str(e) for e in web_svc.ports[0].endpoints or ()] == [
        "10.244.0.2:80 on node-1", "10.244.1.2:80 on node-2"]
    assert str(values.ingresses[0]) == "Ingress default/shop (1 paths)"


def test_chinese_warnings_follow_the_sites_terms_and_spacing() -> None:
    # The same checks as the Chinese pages (tests/test_chinese.py), on every
    # warning rendered with sample arguments (backticks are code, as on a page).
    from tests.test_chinese import spacing_problems, term_problems
    sample = {"count": 3, "kind": "NetworkPolicy", "network": "10.244.0.0/16",
              "option": "Backend.VNI", "value": "4096", "default": "1", "cidr": "10.96.0.0/12",
              "range": "30000-32767", "what": "pod address", "type": "ExternalName",
              "field": "spec.tls", "assumed": "10.96.0.10", "actual": "10.96.0.53",
              "file": "cluster.yaml", "nodes": 3, "pods": 10, "services": 6, "ingresses": 1}
    text = "\n\n".join(import_word(key, "zh", **sample) for key in sorted(IMPORT_WORDS))
    assert spacing_problems(text) == []
    assert term_problems(text) == []
