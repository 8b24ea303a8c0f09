"""The API server's rules for names, label keys and label values.

Each rule is the one ``kube-apiserver`` applies, so a spec the API would
refuse is refused here too (a ``kubectl apply`` of it would fail). The
upstream source of every rule is named next to it:

- ``k8s.io/apimachinery/pkg/util/validation/validation.go``
  (``IsDNS1123Label``, ``IsDNS1123Subdomain``, ``IsDNS1035Label``,
  ``IsValidPortName``);
- ``k8s.io/apimachinery/pkg/api/validate/content/kube.go`` (``IsLabelKey``,
  formerly ``IsQualifiedName``, and ``IsLabelValue``);
- ``k8s.io/apimachinery/pkg/api/validation/generic.go`` (``NameIsDNSSubdomain``,
  ``NameIsDNSLabel``, ``NameIsDNS1035Label``, ``ValidateNamespaceName``);
- ``k8s.io/kubernetes/pkg/apis/core/validation/validation.go`` and
  ``pkg/apis/networking/validation/validation.go``, which pick the rule per field.

Go's ``regexp`` anchors ``^…$`` match the whole text only (RE2 has no
multi-line mode by default), which is what :meth:`re.Pattern.fullmatch` does.
Go measures length in bytes and Python in code points; every allowed character
is ASCII, so anything that differs fails the pattern either way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from netmodel.spec.shown import shown

__all__ = ["NameKind", "problem"]

# IsDNS1123Label: dns1123LabelFmt, DNS1123LabelMaxLength = 63.
_DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
# IsDNS1123Subdomain: dns1123SubdomainFmt, DNS1123SubdomainMaxLength = 253.
_DNS1123_SUBDOMAIN = f"{_DNS1123_LABEL}(\\.{_DNS1123_LABEL})*"
# IsDNS1035Label: dns1035LabelFmt, DNS1035LabelMaxLength = 63.
_DNS1035_LABEL = "[a-z]([-a-z0-9]*[a-z0-9])?"
# content.IsLabelKey's name part and content.IsLabelValue: labelKeyFmt, 63.
_LABEL_NAME = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"

_LABEL_RE = re.compile(_DNS1123_LABEL)
_SUBDOMAIN_RE = re.compile(_DNS1123_SUBDOMAIN)
_DNS1035_RE = re.compile(_DNS1035_LABEL)
_LABEL_NAME_RE = re.compile(_LABEL_NAME)
# IsValidPortName: portNameCharsetRegex and portNameOneLetterRegexp.
_PORT_CHARSET_RE = re.compile("[-a-z0-9]+")
_PORT_LETTER_RE = re.compile("[a-z]")


def _dns1123_label(value: str) -> bool:
    return len(value) <= 63 and _LABEL_RE.fullmatch(value) is not None


def _dns1123_subdomain(value: str) -> bool:
    return len(value) <= 253 and _SUBDOMAIN_RE.fullmatch(value) is not None


def _dns1035_label(value: str) -> bool:
    return len(value) <= 63 and _DNS1035_RE.fullmatch(value) is not None


def _iana_svc_name(value: str) -> bool:
    # IsValidPortName: at most 15 characters (RFC 6335 §5.1), [-a-z0-9] only,
    # at least one letter, no "--", no '-' at either end.
    return (len(value) <= 15 and _PORT_CHARSET_RE.fullmatch(value) is not None
            and _PORT_LETTER_RE.search(value) is not None and "--" not in value
            and not value.startswith("-") and not value.endswith("-"))


def _label_key(value: str) -> bool:
    # content.IsLabelKey: an optional DNS-1123 subdomain prefix and '/', then a
    # name of at most 63 characters; more than one '/' is never valid.
    prefix, slash, name = value.rpartition("/")
    if slash and not _dns1123_subdomain(prefix):
        return False
    return len(name) <= 63 and _LABEL_NAME_RE.fullmatch(name) is not None


def _label_value(value: str) -> bool:
    # content.IsLabelValue: labelValueFmt is "(" + labelKeyFmt + ")?": empty is valid.
    return value == "" or (len(value) <= 63 and _LABEL_NAME_RE.fullmatch(value) is not None)


@dataclass(frozen=True, slots=True)
class _Format:
    valid: Callable[[str], bool]
    expected: str


_LABEL = _Format(_dns1123_label, "a DNS-1123 label: lower-case letters, digits and '-', "
                 "starting and ending with a letter or digit, at most 63 characters")
_SUBDOMAIN = _Format(_dns1123_subdomain, "a DNS-1123 subdomain: lower-case letters, "
                     "digits, '-' and '.', starting and ending with a letter or digit, "
                     "at most 253 characters")
_DNS1035 = _Format(_dns1035_label, "a DNS-1035 label: lower-case letters, digits and '-', "
                   "starting with a letter and ending with a letter or digit, at most 63 "
                   "characters")
_PORT = _Format(_iana_svc_name, "an IANA service name: lower-case letters, digits and "
                "'-', at least one letter, no '-' at either end or twice in a row, at most "
                "15 characters")
_KEY = _Format(_label_key, "an optional DNS-1123 subdomain prefix and '/', then a name of "
               "letters, digits, '-', '_' and '.', starting and ending with a letter or "
               "digit, at most 63 characters")
_VALUE = _Format(_label_value, "empty, or letters, digits, '-', '_' and '.', starting and "
                 "ending with a letter or digit, at most 63 characters")


class NameKind(Enum):
    """What a name names, and so which rule the API server applies to it."""

    # core/validation: ValidatePodName = apimachineryvalidation.NameIsDNSSubdomain
    POD = ("Pod name", _SUBDOMAIN)
    # generic.go: ValidateNamespaceName = NameIsDNSLabel
    NAMESPACE = ("namespace", _LABEL)
    # core/validation: ValidateServiceName = apimachineryvalidation.NameIsDNS1035Label
    # (a Service's name becomes a DNS label and environment variable names).
    SERVICE = ("Service name", _DNS1035)
    # core/validation: ValidateNodeName = apimachineryvalidation.NameIsDNSSubdomain
    NODE = ("node name", _SUBDOMAIN)
    # core/validation: validateContainerCommon → ValidateDNS1123Label(ctr.Name)
    CONTAINER = ("container name", _LABEL)
    # core/validation: validateContainerPorts → validation.IsValidPortName(port.Name)
    CONTAINER_PORT = ("container port name", _PORT)
    # core/validation: validateServicePort → ValidateDNS1123Label(sp.Name). Not
    # IsValidPortName: a Service port may be named "metrics-collector-http".
    SERVICE_PORT = ("Service port name", _LABEL)
    # core/validation: validateServicePort → ValidatePortNumOrName(sp.TargetPort),
    # which checks a named targetPort with IsValidPortName; networking/validation's
    # validateIngressBackend does the same for backend.service.port.name.
    PORT_REFERENCE = ("port name", _PORT)
    # networking/validation: ValidateIngressName = apimachineryvalidation.NameIsDNSSubdomain
    INGRESS = ("Ingress name", _SUBDOMAIN)
    # A custom resource's metadata.name: apiextensions-apiserver validates it
    # with NameIsDNSSubdomain (customresource strategy's ValidateObjectMetaAccessor).
    GATEWAY = ("Gateway name", _SUBDOMAIN)
    HTTP_ROUTE = ("HTTPRoute name", _SUBDOMAIN)
    # gateway-api apis/v1/shared_types.go SectionName: the DNS-1123 subdomain
    # pattern, MaxLength 253 (a listener's name, a parentRef's sectionName).
    SECTION_NAME = ("listener name", _SUBDOMAIN)
    # kubeadm apis validation: ValidateNetworking → ValidateDNS1123Subdomain(dnsDomain),
    # the clusterDomain kubelet and CoreDNS are given.
    DNS_DOMAIN = ("DNS domain", _SUBDOMAIN)
    # core/validation: validatePodDNSConfig → ValidateDNS1123Subdomain(search),
    # a trailing dot trimmed first.
    SEARCH_DOMAIN = ("search domain", _SUBDOMAIN)
    # metav1 validation.ValidateLabels → ValidateLabelName → content.IsLabelKey;
    # Service selectors go through the same ValidateLabels.
    LABEL_KEY = ("label key", _KEY)
    # metav1 validation.ValidateLabels → validation.IsValidLabelValue
    LABEL_VALUE = ("label value", _VALUE)

    def __init__(self, noun: str, form: _Format) -> None:
        self.noun = noun
        self.form = form


def problem(value: str, kind: NameKind) -> str | None:
    """``None`` if the API server accepts ``value`` as a ``kind``, else why not."""
    if kind.form.valid(value):
        return None
    return f"{shown(value)} is not a valid {kind.noun} (expected {kind.form.expected})"
