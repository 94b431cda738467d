"""The sidebar navigation, rendered once per build instead of once per page.

The book theme draws the whole book's navigation in every page's sidebar. Stock, each
page resolves the whole toctree again (Sphinx's ``_get_local_toctree``) and re-parses
it with BeautifulSoup (pydata's ``generate_toctree_html``): work proportional to the
number of pages, done for every page, so a build grows with the square of the book.

The pages of one folder share every link of that sidebar; they differ only in which
entry is the current page (and so which entries are highlighted and expanded). So the
navigation is rendered once per folder, by the theme's own code, for a page that is in
no toctree, and cut into fixed text and the opening tags of the entries. For each page
only the opening tags along the current page's branch are rewritten, the way Sphinx and
the theme mark them: ``current`` on the branch, ``active`` on its list items, the self
link to ``#`` and the branch's ``<details>`` open. ``tests/test_navigation.py`` checks
the result against the stock sidebar on every page of a book.

The fast path covers the sidebar call the book theme makes (the whole tree, not
collapsed, standalone HTML) on every page whose toctree helper is Sphinx's own; any
other call, and pages such as the 404 page whose links an extension rewrites, go to
the theme's own function.
Turn it off with ``book_fast_navigation = False`` (the benchmark does, for the stock
figure).

One incremental-build rule lives here too: a change to the navigation (a page added,
removed or retitled) rewrites every page, so no sidebar goes stale.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup, Tag
from docutils import nodes
from pydata_sphinx_theme import toctree as theme_toctree
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

from ..write.sealed import load_pickle, store_pickle
from . import navscript

logger = logging.getLogger(__name__)

# Stored templates are only reused by the same theme, Sphinx and this module.
_VERSIONS = "|".join(
    (
        version("sphinx"),
        version("pydata-sphinx-theme"),
        version("sphinx-book-theme"),
        hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12],
    )
)

# A page no toctree lists: the navigation rendered "from" it has no current entry.
_NEUTRAL_PAGE = "_book_navigation_"
_SLOT = "data-book-nav-slot"
_STORE = "book-navigation"
_STOCK_TOCTREE = "_book_stock_toctree"
_SLOT_TAG = re.compile(rf'<(?:li|ul|a|details) {_SLOT}="(\d+)">')
_SLOTTED = ("li", "ul", "details")


@dataclass
class NavigationTemplate:
    """One folder's sidebar: fixed text between the entries' opening tags."""

    pieces: list[str]  # fixed text at even indexes, default opening tags at odd ones
    tags: list[tuple[str, dict[str, Any]]]  # each slot's tag name and attributes
    slots_by_href: dict[str, list[int]]  # links to a page -> their slots
    branch: dict[int, list[int]]  # link slot -> slots of the tags enclosing it
    own_details: dict[int, int]  # list item slot -> slot of its own <details>

    def render(self, self_href: str) -> str:
        """The sidebar with the page at ``self_href`` marked current."""
        pieces = self.pieces.copy()
        for slot, tag in self._marked_tags(self_href).items():
            pieces[2 * slot + 1] = tag
        return "".join(pieces)

    def _marked_tags(self, self_href: str) -> dict[int, str]:
        marked: dict[int, dict[str, Any]] = {}

        def attrs(slot: int) -> dict[str, Any]:
            if slot not in marked:
                _, original = self.tags[slot]
                marked[slot] = {key: list(v) if isinstance(v, list) else v for key, v in original.items()}
            return marked[slot]

        for link in self.slots_by_href.get(self_href, []):
            anchor = attrs(link)
            anchor["class"] = ["current", *anchor.get("class", [])]
            anchor["href"] = "#"
            for slot in self.branch[link]:
                name = self.tags[slot][0]
                tag = attrs(slot)
                if name == "li":
                    tag["class"] = _mark_list_item(tag.get("class", []))
                    if slot in self.own_details:
                        attrs(self.own_details[slot])["open"] = "open"
                elif name == "ul":
                    tag["class"] = ["current", *tag.get("class", [])]
                elif name == "details":
                    tag["open"] = "open"
        return {slot: _opening_tag(self.tags[slot][0], values) for slot, values in marked.items()}

    def rebased(self, old_uri: str, new_uri: str) -> NavigationTemplate:
        """The same sidebar drawn from the page at ``new_uri``: only the internal links'
        addresses differ between folders, each relative to the page that shows it."""
        tags = list(self.tags)
        pieces = self.pieces.copy()
        slots_by_href: dict[str, list[int]] = {}
        for slot in sorted(self.branch):
            name, attrs = tags[slot]
            href = _rebased_href(str(attrs.get("href", "")), old_uri, new_uri)
            tags[slot] = (name, {**attrs, "href": href})
            pieces[2 * slot + 1] = _opening_tag(name, tags[slot][1])
            slots_by_href.setdefault(href, []).append(slot)
        return NavigationTemplate(pieces, tags, slots_by_href, self.branch, self.own_details)


def _rebased_href(href: str, old_uri: str, new_uri: str) -> str:
    """``href`` as written in the page at ``old_uri``, written in the page at ``new_uri``."""
    path, hash_mark, fragment = href.partition("#")
    if not path:
        return href
    target = posixpath.normpath(posixpath.join(posixpath.dirname(old_uri), path))
    return relative_uri(new_uri, target) + hash_mark + fragment


def _mark_list_item(classes: list[str]) -> list[str]:
    """Sphinx appends ``current``, the theme then ``active``; ``has-children`` comes last."""
    if "current" in classes:
        return classes
    rest = [c for c in classes if c != "has-children"]
    return [*rest, "current", "active", *(["has-children"] if "has-children" in classes else [])]


def _opening_tag(name: str, attrs: dict[str, Any]) -> str:
    """The opening tag as BeautifulSoup writes it (so a marked tag matches a stock one)."""
    html = str(Tag(name=name, attrs=attrs))
    return html[: -len(f"</{name}>")]


def cut_template(soup: BeautifulSoup) -> NavigationTemplate:
    """Cut a rendered sidebar into fixed text and numbered opening tags."""
    tags: list[tuple[str, dict[str, Any]]] = []
    slot_of: dict[int, int] = {}
    elements = [
        element
        for element in soup.find_all(True)
        if element.name in _SLOTTED
        or (element.name == "a" and "reference" in element.get_attribute_list("class"))
    ]
    for element in elements:
        slot_of[id(element)] = len(tags)
        tags.append((element.name, dict(element.attrs)))
    slots_by_href: dict[str, list[int]] = {}
    branch: dict[int, list[int]] = {}
    own_details: dict[int, int] = {}
    for element in elements:
        slot = slot_of[id(element)]
        if element.name == "a" and "internal" in element.get_attribute_list("class"):
            slots_by_href.setdefault(str(element.get("href", "")), []).append(slot)
            branch[slot] = [slot_of[id(p)] for p in element.parents if id(p) in slot_of]
        elif element.name == "details" and element.parent is not None and element.parent.name == "li":
            own_details[slot_of[id(element.parent)]] = slot
    for element in elements:
        element.attrs = {_SLOT: str(slot_of[id(element)])}
    html = str(soup)
    pieces: list[str] = []
    position = 0
    for expected, match in enumerate(_SLOT_TAG.finditer(html)):
        if int(match.group(1)) != expected:
            raise ValueError("navigation template: slots out of order")
        pieces.append(html[position : match.start()])
        name, attrs = tags[expected]
        pieces.append(_opening_tag(name, attrs))
        position = match.end()
    pieces.append(html[position:])
    if len(pieces) != 2 * len(tags) + 1:
        raise ValueError("navigation template: not every entry was found")
    return NavigationTemplate(pieces, tags, slots_by_href, branch, own_details)


@dataclass
class FastNavigation:
    """Per-app state: the sidebar templates, one per folder and sidebar variant.

    Templates are also kept on disk beside the doctrees, named by the navigation
    signature, so a rebuild in which no page was added, removed or retitled (a no-op,
    or an edited post) renders no navigation at all; worker processes of a parallel
    build share them the same way.
    """

    templates: dict[tuple[Any, ...], NavigationTemplate] = field(default_factory=dict)
    scripts: dict[tuple[Any, ...], str] = field(default_factory=dict)  # template key -> script file
    signature: str = ""
    config: str = ""  # digest of the configuration, taken when the builder starts

    def install(
        self, app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
    ) -> None:
        """Wrap the theme's ``generate_toctree_html`` for this page."""
        stock = context.get("generate_toctree_html")
        if stock is None or not app.config.book_fast_navigation or app.builder.name != "html":
            return
        own_helper = context.get("toctree") is context.get(_STOCK_TOCTREE)
        if not own_helper and pagename in _listed(app.env):
            return  # links rewritten by an extension on a page the sidebar marks: stock

        def generate_toctree_html(
            kind: str, startdepth: int = 1, show_nav_level: int = 1, **kwargs: Any
        ) -> Any:
            if kind != "sidebar" or startdepth != 0 or kwargs.get("collapse", True):
                return stock(kind, startdepth, show_nav_level, **kwargs)
            if own_helper:
                # Pages of one folder share one template, drawn from a page no toctree lists.
                source = _neutral_page(pagename)
                helper = _neutral_helper(app, source)
            else:
                # The 404 page: links made by its own helper, nothing to mark.
                source, helper = pagename, context["toctree"]
            template = self.template(app, source, helper, show_nav_level, kwargs)
            self_href = _self_href(app, pagename) if own_helper else ""
            if own_helper and len(template.branch) > app.config.book_sidebar_inline_up_to:
                name = self.script(app, _template_key(source, show_nav_level, kwargs))
                return navscript.script_tag(context["pathto"](f"{navscript.SCRIPT_DIR}/{name}", 1), self_href)
            return template.render(self_href)

        context["generate_toctree_html"] = generate_toctree_html

    def template(
        self, app: Sphinx, source: str, helper: Any, show_nav_level: int, kwargs: dict[str, Any]
    ) -> NavigationTemplate:
        key = _template_key(source, show_nav_level, kwargs)
        if key not in self.templates:
            path = self._stored(app, key)
            stored = load_pickle(path) if path is not None else None
            template = stored if isinstance(stored, NavigationTemplate) else None
            if template is None:
                template = self._from_another_folder(app, key)
            if template is None:
                template = _render_template(app, source, helper, show_nav_level, kwargs)
            if template is not stored and path is not None:  # rebased or drawn: stored for the next build
                store_pickle(path, template)
            self.templates[key] = template
        return self.templates[key]

    def script(self, app: Sphinx, key: tuple[Any, ...]) -> str:
        """A large book's sidebar for the folder of ``key``: its script, written once a
        build, and its file name (not made again for every page of the folder)."""
        if key not in self.scripts:
            sidebar = "".join(self.templates[key].pieces)
            name = navscript.script_name(self.store_signature(app), sidebar)
            navscript.write_script(Path(app.outdir), name, sidebar)
            self.scripts[key] = name
        return self.scripts[key]

    def _from_another_folder(self, app: Sphinx, key: tuple[Any, ...]) -> NavigationTemplate | None:
        """Another folder's sidebar of the same options, its links rebased: drawing the
        whole navigation costs about a second a folder at 1,000 posts, rebasing a hundredth."""
        source, *options = key
        if not source.endswith(_NEUTRAL_PAGE):
            return None  # a page whose links an extension rewrites: drawn on its own
        for (other, *other_options), template in self.templates.items():
            if other_options == options and other.endswith(_NEUTRAL_PAGE):
                uri = app.builder.get_target_uri
                return template.rebased(uri(other), uri(source))
        return None

    def _stored(self, app: Sphinx, key: tuple[Any, ...]) -> Path | None:
        if not app.doctreedir or not dict(key[2]).get("titles_only"):
            return None  # a sidebar showing sections depends on every heading: not stored
        if not self.signature:
            self.signature = self.store_signature(app)
        name = hashlib.sha256(f"{self.signature}{key!r}".encode()).hexdigest()[:32]
        return Path(app.doctreedir) / _STORE / f"{self.signature[:16]}-{name}.pickle"

    def store_signature(self, app: Sphinx) -> str:
        """What a stored template depends on: the navigation, the code, the configuration."""
        navigation = getattr(app.env, "book_navigation_signature", None) or navigation_signature(app.env)
        return hashlib.sha256((self.config + navigation).encode()).hexdigest()

    def prune_store(self, app: Sphinx, exception: Exception | None) -> None:
        """Drop stored templates and sidebar scripts of earlier navigations (build-finished)."""
        if exception is not None or not app.config.book_fast_navigation:
            return
        current = self.store_signature(app)[:16]
        if app.builder.name == "html":
            navscript.prune_scripts(Path(app.outdir), current)
        folder = Path(app.doctreedir) / _STORE if app.doctreedir else None
        if folder is None or not folder.is_dir():
            return
        for path in folder.glob("*.pickle"):
            if not path.name.startswith(current):
                path.unlink(missing_ok=True)


def _template_key(source: str, show_nav_level: int, kwargs: dict[str, Any]) -> tuple[Any, ...]:
    return (source, show_nav_level, tuple(sorted(kwargs.items())))


def config_digest(app: Sphinx) -> str:
    """The configuration as read (themes adjust some values later, mid-build)."""
    settings = {}
    for name in sorted(option.name for option in app.config):
        value = getattr(app.config, name, None)
        try:
            settings[name] = json.dumps(value, sort_keys=True)
        except (TypeError, ValueError):
            continue  # functions and objects have no stable spelling; they do not shape links
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode() + _VERSIONS.encode()).hexdigest()


def _neutral_helper(app: Sphinx, neutral: str) -> Any:
    builder: Any = app.builder
    return lambda **options: builder._get_local_toctree(neutral, **options)


def _render_template(
    app: Sphinx, source: str, helper: Any, show_nav_level: int, kwargs: dict[str, Any]
) -> NavigationTemplate:
    """The theme's own sidebar for ``source``, cut into a template."""
    context: dict[str, Any] = {"toctree": helper}
    theme_toctree.add_toctree_functions(app, source, "page.html", context, None)
    soup = context["generate_toctree_html"]("sidebar", 0, show_nav_level, **kwargs)
    return cut_template(soup)


def _neutral_page(pagename: str) -> str:
    """The page of ``pagename``'s folder that no toctree lists: its sidebar marks nothing."""
    return posixpath.join(posixpath.dirname(pagename), _NEUTRAL_PAGE)


def _self_href(app: Sphinx, pagename: str) -> str:
    """How the neutral page of the folder links to ``pagename`` (Sphinx's own rule)."""
    href: str = app.builder.get_relative_uri(_neutral_page(pagename), pagename)
    return href


# --- incremental builds -----------------------------------------------------------------


def navigation_signature(env: BuildEnvironment) -> str:
    """What every sidebar shows: the toctrees (entries, captions, options), and the
    title and section numbers of each page they list."""
    digest = hashlib.sha256()
    for parent in sorted(env.toctree_includes):
        # the toctree directives themselves: entries, captions (part titles), options
        toc = env.tocs.get(parent)
        trees = list(toc.findall(addnodes.toctree)) if toc is not None else []
        attributes = [sorted((k, repr(v)) for k, v in tree.attributes.items()) for tree in trees]
        digest.update(f"{parent}\0{env.toctree_includes[parent]!r}\0{attributes!r}\n".encode())
    for docname in sorted(_listed(env)):
        title = env.titles.get(docname)
        numbers = sorted(env.toc_secnumbers.get(docname, {}).items())
        text = title.astext() if isinstance(title, nodes.Node) else ""
        digest.update(f"{docname}\0{text}\0{numbers!r}\n".encode())
    return digest.hexdigest()


def _listed(env: BuildEnvironment) -> Iterable[str]:
    return {child for children in env.toctree_includes.values() for child in children}


def rewrite_all_when_navigation_changed(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """A new, removed or renamed page changes every sidebar: write every page again.

    Stock Sphinx rewrites only the changed pages and their parents, leaving the old
    sidebar in all other pages until a full rebuild. The signature is kept on the
    environment, where the sidebar store reads it.
    """
    signature = navigation_signature(env)
    previous = getattr(env, "book_navigation_signature", None)
    env.book_navigation_signature = signature  # type: ignore[attr-defined]
    if previous is None or previous == signature:
        return []
    logger.info("navigation changed: writing every page again")
    return sorted(env.found_docs)


def remember_stock_toctree(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Note Sphinx's own toctree helper before any extension may replace it."""
    context[_STOCK_TOCTREE] = context.get("toctree")


def take_over_theme_navigation(app: Sphinx, navigation: FastNavigation) -> None:
    """Put the fast sidebar in place of the theme's, before anything renders a sidebar.

    The theme adds its functions on ``html-page-context`` and, at the same priority,
    renders every sidebar template once to drop empty ones; wrapping afterwards would
    still pay for the stock sidebar. So the theme's handler is replaced by one that
    runs it and then wraps its function, one priority step earlier.
    """
    if not app.config.book_fast_navigation:
        return
    navigation.config = config_digest(app)
    # Sphinx keeps its handlers in ``app.events.listeners``; if that ever changes the
    # theme's handler is simply not found and the stock sidebar is used.
    listeners = getattr(app.events, "listeners", {}).get("html-page-context", [])
    for listener in list(listeners):
        if listener.handler is theme_toctree.add_toctree_functions:
            app.disconnect(listener.id)

            def add_functions(
                app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
            ) -> None:
                theme_toctree.add_toctree_functions(app, pagename, templatename, context, doctree)
                navigation.install(app, pagename, templatename, context, doctree)

            app.connect("html-page-context", add_functions, priority=listener.priority - 1)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("book_fast_navigation", True, "html", types=[bool])
    # Past this many links the sidebar is one script per folder, not part of every page.
    app.add_config_value("book_sidebar_inline_up_to", 300, "html", types=[int])
    navigation = FastNavigation()
    # The theme's handlers exist once the builder (and so the theme) is set up.
    app.connect("builder-inited", lambda app: take_over_theme_navigation(app, navigation))
    app.connect("html-page-context", remember_stock_toctree, priority=0)
    app.connect("build-finished", navigation.prune_store)
    app.connect("env-get-updated", rewrite_all_when_navigation_changed)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
