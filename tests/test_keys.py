"""Object names as queries write them."""

from __future__ import annotations

import pytest

from netmodel.spec.keys import object_key


@pytest.mark.parametrize(("text", "key"), [
    ("web-1", "default/web-1"),  # a bare name: the default namespace, as kubectl without -n
    ("monitoring/exporter", "monitoring/exporter"),  # a namespace given: kept
    ("default/web-1", "default/web-1"),  # already a key: unchanged
])
def test_object_key_defaults_the_namespace(text: str, key: str) -> None:
    assert object_key(text) == key
