"""What the tests share: paths, the book's content as the tests derive it, word extraction,
building a book, a page server and a browser page, the hostile corpus, and a generated
MyST page read back as MyST-Parser reads it.

The only module tests import helpers from; ``conftest.py`` holds fixtures and hooks only.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import http.server
import os
import shutil
import subprocess
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
POSTS = ROOT / "content" / "posts"
BOOK_FILE = ROOT / "content" / "book.yaml"
GLOSSARY_FILE = ROOT / "content" / "glossary.yaml"
RESOURCES_FILE = ROOT / "content" / "resources.yaml"
SHARED_POSTS = ROOT.parent / "shared" / "posts"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
HOSTILE = Path(__file__).resolve().parent / "hostile"
# The search's test blog: posts the team wrote, shaped like a personal blog's, and the
# queries a reader would type with the page expected first (tests/search/).
SEARCH = Path(__file__).resolve().parent / "search"
CHROMIUM = Path("/usr/bin/chromium")
IN_CI = bool(os.environ.get("CI"))


def words(text: str) -> set[str]:
    """Case-folded runs of letters and digits: what "every word" means in the tests."""
    found: set[str] = set()
    current: list[str] = []
    for char in unicodedata.normalize("NFC", text) + " ":
        if char.isalnum():
            current.append(char)
        elif current:
            found.add("".join(current).casefold())
            current = []
    return found


def need(condition: bool, reason: str) -> None:
    """Skip with a visible reason, or fail when CI promised the tool is there."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI is set but {reason}")
    pytest.skip(reason)


# --- the book's content, as the tests derive their expectations from it -----------------


def post_paths() -> list[Path]:
    """The posts of content/posts, sorted by file name."""
    return sorted(POSTS.iterdir())


def book_file() -> dict[str, Any]:
    data = yaml.safe_load(BOOK_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def part_titles() -> list[str]:
    """The titles of the parts content/book.yaml sets, in order."""
    return [str(part["title"]) for part in book_file()["parts"]]


def roman(number: int) -> str:
    """1 -> "I", 4 -> "IV": how parts are numbered."""
    numerals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for value, numeral in numerals:
        while number >= value:
            out += numeral
            number -= value
    return out


def posts_in_book_order() -> list[Path]:
    """The posts in the order content/book.yaml places them (posts in no part last)."""
    placed = [POSTS / name for part in book_file()["parts"] for name in part["posts"]]
    return placed + [p for p in post_paths() if p not in placed]


def post_slug(path: Path) -> str:
    from bookgen.assemble.parts import make_slug
    from bookgen.read.post import read_post

    post = read_post(path.read_bytes(), path.name)
    return make_slug(post.title, post.source)


def post_title(path: Path) -> str:
    from bookgen.read.post import read_post

    return read_post(path.read_bytes(), path.name).title


def resource_categories() -> dict[str, str]:
    """content/resources.yaml's categories: key -> title."""
    data = yaml.safe_load(RESOURCES_FILE.read_text(encoding="utf-8"))
    return {str(key): str(title) for key, title in data["categories"].items()}


def content_pages() -> set[str]:
    """Pages the content calls for: one per post, the glossary, one per category of resources."""
    return (
        {f"generated/posts/{post_slug(path)}.html" for path in post_paths()}
        | {"generated/glossary.html"}
        | {f"generated/resources/{category}.html" for category in resource_categories()}
    )


def terms_used_in_posts() -> set[str]:
    """The glossary terms the posts mention, as the converter finds them."""
    from bookgen.read.post import read_post
    from bookgen.resolve.glossary import parse_glossary
    from bookgen.resolve.terms import link_terms, term_matcher

    glossary = parse_glossary(GLOSSARY_FILE.read_text(encoding="utf-8"), str(GLOSSARY_FILE))
    matcher = term_matcher(glossary)
    return {
        mention.term
        for path in post_paths()
        for mention in link_terms(read_post(path.read_bytes(), path.name), matcher)[1]
    }


def generated_pages(docs: Path) -> set[str]:
    """The HTML pages of a converted book's generated MyST pages, and the landing page
    (``generated/landing.md`` is included in ``index``)."""
    generated = {
        page.relative_to(docs).with_suffix(".html").as_posix()
        for page in (docs / "generated").rglob("*.md")
        if page.name != "landing.md"
    }
    return generated | {"index.html"}


# --- a small book of our own, for faults and rebuilds -----------------------------------

# A small book of our own; B is A after an edit, a removal and an addition.
CORPUS_A = {
    "2021-03-01-first-steps.md": "---\ntitle: First steps\ntags: [start]\n---\n\n"
    "Wombats dig burrows with strong claws.\n\n## Tunnels\n\nThe quokka smiles at visitors.\n",
    "2022-05-09-second-look.md": "---\ntitle: A second look\n---\n\nNumbats eat termites by the thousand.\n",
    "old-notes.txt": "Old notes on marsupials\n\nThe bilby has long ears and a pointed snout.\n",
    "2023-01-15-winter.md": "---\ntitle: Winter field trip\ntags: [field, start]\n---\n\n"
    "Echidnas curl into a spiky ball when frightened.\n",
}
CORPUS_B = {
    **{name: text for name, text in CORPUS_A.items() if name != "old-notes.txt"},
    "2022-05-09-second-look.md": "---\ntitle: A second look\n---\n\nNumbats eat termites, and "
    "Zanzibarian gravel gardens are a word of their own.\n",
    "2024-06-30-summer.md": "---\ntitle: Summer by the river\n---\n\nPlatypus hunt at dusk.\n",
}


def write_posts(folder: Path, posts: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for name, text in posts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


# --- a post and its page, as words ------------------------------------------------------


def page_words(html_file: Path) -> set[str]:
    """Words a reader sees in the page body (images by their alt text), plus the
    addresses its links go to."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article.bd-article")
    assert article is not None, html_file
    hrefs = " ".join(str(a.get("href", "")) for a in article.find_all("a"))
    images = " ".join(f"{img.get('alt', '')} {img.get('src', '')}" for img in article.find_all("img"))
    return words(article.get_text(" ")) | words(hrefs) | words(images)


def _post_text(data: bytes, name: str) -> tuple[list[str], str]:
    """A post's field texts (title, description, tags) and its body, after the declared
    repairs (control characters in its fields dropped too), front matter keys aside; a
    Markdown body's HTML as a browser shows it (``shown_html``)."""
    from bookgen.model import Shape
    from bookgen.read.decode import decode_post
    from bookgen.read.metadata import read_fields, split_front_matter
    from bookgen.read.post import MAX_PARSED_BYTES, clean_fields, detect_shape

    split = split_front_matter(decode_post(data, name).text, name)
    fields = clean_fields(read_fields(split.fields, name), name)
    body = split.body
    if len(data) <= MAX_PARSED_BYTES and detect_shape(name, body, split.has_front_matter) is Shape.MARKDOWN:
        body = _without_markup_words(_html_shown(body))  # plain text shows all it says: "$0$" too
    return [fields.title, fields.description, *fields.tags], body


def _without_markup_words(body: str) -> str:
    """The body without the words of markup a reader never sees as text: footnote labels
    (``[^why]``, shown as numbers), task boxes (``[x]``, shown as a ticked box), the
    paths of local images (the image is shown, copied under another name), formulas
    (shown as symbols, not words; their rendering is tested on its own) and the targets
    of links to other posts (``{% post_url x %}``, ``@/x.md``: the chapter is linked)."""
    from bookgen.read.markdown import MARKDOWN
    from bookgen.read.site_links import site_target

    env: dict[str, Any] = {}
    tokens = MARKDOWN.parse(body, env)
    for label in env.get("footnotes", {}).get("refs", {}):
        body = body.replace(f"[^{label.removeprefix(':')}]", " ")
    flat = [t for token in tokens for t in (token, *(token.children or ()))]  # no tree: posts nest deep
    for token in flat:
        if token.type.startswith("math_"):
            body = body.replace(token.content, " ")
        elif token.type == "image" and "://" not in str(token.attrs.get("src", "")):
            body = body.replace(f"]({token.attrs['src']}", "](")
        elif token.type == "malformed_link" and site_target(token.meta["target"]) is not None:
            body = body.replace(f"]({token.meta['target']})", "]()")
        elif token.type == "link_open" and site_target(href := str(token.attrs.get("href", ""))):
            body = body.replace(f"]({href})", "]()")
        elif token.type == "list_item_open" and token.map is not None:
            lines = body.split("\n")
            line = lines[token.map[0]]
            for box in ("[x] ", "[X] ", "[ ] "):
                line = line.replace(f"- {box}", "- ", 1).replace(f"* {box}", "* ", 1)
            lines[token.map[0]] = line
            body = "\n".join(lines)
    return body


# Elements a browser does not show the content of (or, for frames, shows another page).
HIDDEN_HTML = frozenset(
    {"script", "style", "object", "embed", "applet", "form", "noscript", "template", "textarea"}
    | {"select", "iframe", "frame", "frameset", "noembed", "noframes"}
)


def shown_html(fragment: str) -> str:
    """The words a browser shows of an HTML fragment: its text (comments, scripts, styles,
    forms and frames aside) and the alt text of its images."""
    import nh3
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(nh3.clean(fragment, clean_content_tags=set(HIDDEN_HTML)), "html.parser")
    alts = " ".join(str(img.get("alt", "")) for img in soup.find_all("img"))
    return soup.get_text(" ") + " " + alts


def _html_shown(body: str) -> str:
    """A Markdown body with each HTML block, and each paragraph holding inline HTML, as
    ``shown_html`` (the lines of code blocks and plain paragraphs as written)."""
    from bookgen.read.markdown import MARKDOWN

    lines = body.split("\n")
    for token in MARKDOWN.parse(body):
        inline_html = token.type == "inline" and any(c.type == "html_inline" for c in token.children or [])
        if token.map is not None and (token.type == "html_block" or inline_html):
            start, end = token.map
            lines[start:end] = [" ".join(shown_html(token.content).split())] + [""] * (end - start - 1)
    return "\n".join(lines)


def raw_post_words(path: Path) -> set[str]:
    """Every word of the post file after the declared repairs, front matter keys aside."""
    return expected_words(path.read_bytes(), path.name)


def post_text_words(path: Path, name: str) -> set[str]:
    """``raw_post_words`` of a post at ``name`` in its blog, its markup aside: the lines
    that open and close code blocks (```` ```go ````, ``{% highlight ruby %}``; the
    language shows as colour), ``<!--more-->``, and entities (``&lt;`` shows as "<")."""
    from bookgen.read.markdown import MARKDOWN

    fields, body = _post_text(path.read_bytes(), name)
    lines = body.split("\n")
    for token in MARKDOWN.parse(body):
        if token.type == "fence" and token.map is not None:
            lines[token.map[0]] = ""
            if token.map[1] - 1 > token.map[0]:
                lines[token.map[1] - 1] = ""
    lines = ["" if "".join(line.split()).lower() == "<!--more-->" else line for line in lines]
    return words(html.unescape(" ".join([*fields, *lines])))


def site_pages(html: Path) -> list[Path]:
    """Every page a reader can open: posts, landing, tags, archive, search, 404."""
    return sorted(p for p in html.rglob("*.html") if not p.relative_to(html).parts[0].startswith("_"))


# --- property tests: any text, any front matter --------------------------------------

MARKUP = "abc XYZ 12\n\n#*_`[](){}<>!-+=:%$&|~\\./'\"\t•^@"
any_text = st.one_of(
    st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=["Cs"])),
    st.text(alphabet=MARKUP),
)
field_value = st.one_of(
    st.text(max_size=30),
    st.integers(),
    st.booleans(),
    st.none(),
    st.dates(min_value=dt.date(1900, 1, 1)),
    st.lists(st.text(max_size=10), max_size=3),
)
front_matter = st.dictionaries(
    st.sampled_from(["title", "date", "tags", "categories", "description", "weight"]), field_value, max_size=5
)


def post_bytes(fields: dict[str, object], body: str) -> bytes:
    head = "---\n" + yaml.safe_dump(fields, allow_unicode=True) + "---\n" if fields else ""
    return (head + body).encode("utf-8")


def expected_words(data: bytes, name: str) -> set[str]:
    """Every word of a post given as bytes, after the declared repairs."""
    fields, body = _post_text(data, name)
    return words(" ".join([*fields, body]))


# --- converting and building a book -----------------------------------------------------


@dataclass(frozen=True)
class BuiltBook:
    docs: Path
    html: Path
    warnings: str
    status: int


def convert_book(
    tmp: Path,
    posts: Path,
    book_file: Path | None,
    *,
    glossary_file: Path | None = None,
    resources_file: Path | None = None,
    convert_args: Iterable[str] = (),
) -> Path:
    """Copy the hand-written pages to ``tmp/docs`` and convert ``posts`` beside them
    (``convert_args``: more options of the converter, e.g. ``--site-url``)."""
    from bookgen.cli import main as convert

    docs = tmp / "docs"
    if not docs.exists():
        shutil.copytree(ROOT / "docs", docs, ignore=shutil.ignore_patterns("generated"))
    args = ["--posts", str(posts), "--out", str(docs / "generated"), "--docs", str(docs), "-q"]
    if book_file is not None:
        args += ["--book", str(book_file)]
    if glossary_file is not None:
        args += ["--glossary", str(glossary_file)]
    if resources_file is not None:
        args += ["--resources", str(resources_file)]
    assert convert([*args, *convert_args]) == 0
    return docs


def build_book(
    tmp: Path,
    posts: Path,
    book_file: Path | None,
    *,
    extra_args: Iterable[str] = (),
    glossary_file: Path | None = None,
    resources_file: Path | None = None,
    convert_args: Iterable[str] = (),
) -> BuiltBook:
    """Convert ``posts`` and build HTML the way ``make html`` does, in ``tmp``."""
    from sphinx.cmd.build import build_main

    docs = convert_book(
        tmp,
        posts,
        book_file,
        glossary_file=glossary_file,
        resources_file=resources_file,
        convert_args=convert_args,
    )
    warnings = tmp / "warnings.txt"
    html = tmp / "html"
    strict = ["-W", "--keep-going", "-n", "-q", "-w", str(warnings)]
    status = build_main(["-b", "html", "-c", str(ROOT), str(docs), str(html), *strict, *extra_args])
    return BuiltBook(docs, html, warnings.read_text(encoding="utf-8"), status)


def build_real_book(tmp: Path, *, extra_args: Iterable[str] = ()) -> BuiltBook:
    """The project's own book: content/posts with its book file, glossary and resources."""
    return build_book(
        tmp,
        POSTS,
        BOOK_FILE,
        extra_args=extra_args,
        glossary_file=GLOSSARY_FILE,
        resources_file=RESOURCES_FILE,
    )


def write_search_blog(folder: Path, synthetic: int = 110) -> Path:
    """``tests/search/blog`` among ``synthetic`` generated posts (a blog of 120 posts,
    whose common words are common), written into ``folder``."""
    from booktools.corpus import glossary_terms, synthetic_posts, write_corpus

    write_corpus(folder, synthetic_posts(synthetic, seed=7, terms=glossary_terms(GLOSSARY_FILE)))
    for post in sorted((SEARCH / "blog").iterdir()):
        shutil.copyfile(post, folder / post.name)
    return folder


def search_queries(name: str) -> list[dict[str, str]]:
    """A queries file of tests/search: query, the page expected first, kind."""
    queries: list[dict[str, str]] = yaml.safe_load((SEARCH / name).read_text(encoding="utf-8"))
    return queries


# --- the hostile corpus: tests/hostile/posts and posts whose names are payloads ---------

EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load((HOSTILE / "expected.yaml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class HostileBook:
    posts: Path
    built: BuiltBook


def write_huge_post(folder: Path) -> None:
    line = "An export gone wrong repeats this line with words like zebra and https://example.org/x.\n"
    (folder / "huge.txt").write_text("A huge export\n" + line * (10_000_000 // len(line)), encoding="utf-8")


# Names that cannot live in git: line ends, carriage returns, backticks, control characters.
NAME_PAYLOADS = {
    "evil\n```{raw} html\n<img src=x onerror=alert(1)>\n```\n.md": "Named to run a script",
    "latex\n```{raw} latex\n\\input{conf.py}\n```\n.md": "Named to read a file into the PDF",
    "cr\r# Heading from a name\r(name-label)=\r.md": "Named with carriage returns",
    "tick```{raw}`x`\x01\u2028(tick-label)=.md": "Named with backticks",
}
# A post with no title takes its file name as title.
UNTITLED_NAME = "untitled\n# heading\n(untitled-label)=\n% comment.md"


def write_hostile_names(folder: Path) -> None:
    """Posts whose file names, tags, title and description hold line ends and markup."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, title in NAME_PAYLOADS.items():
        body = f"Its body quotes \\input{{conf.py}} and ```{{raw}} html as text. Marker {len(title)}."
        (folder / name).write_text(f"---\ntitle: {title}\n---\n\n{body}\n", encoding="utf-8")
    (folder / UNTITLED_NAME).write_text("Just a paragraph of words, no title.\n", encoding="utf-8")
    shutil.copy(HOSTILE / "posts" / "control-chars.md", folder / "control-chars.md")


# --- a real browser (Debian's Chromium via Playwright) on pages served from 127.0.0.1 ---


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def serve(folder: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=folder)
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


def watch_page(page: Any) -> Any:
    """Record the page's script errors, console errors and dialogs in ``page.problems``."""
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
    page.on(
        "console", lambda msg: page.problems.append(f"console: {msg.text}") if msg.type == "error" else None
    )
    # No page of the book opens a dialog: one is script that a post smuggled in.
    page.on("dialog", lambda dialog: (page.problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    return page


def open_in_tabs(context: Any, urls: list[str], at_once: int = 4) -> Iterator[tuple[str, Any]]:
    """Each address opened in one of a few tabs of ``context`` (watched as ``watch_page``
    does), so their loads overlap; each tab is given once loaded (the ``load`` state, as
    ``page.goto`` waits for), its record of problems holding only that page's, and its
    media emulation reset before the next address."""
    tabs = [watch_page(context.new_page()) for _ in range(min(at_once, len(urls)))]
    for start in range(0, len(urls), at_once):
        batch = list(zip(urls[start : start + at_once], tabs, strict=False))
        for url, tab in batch:
            tab.emulate_media(media="no-override")
            tab.problems.clear()
            tab.goto(url, wait_until="commit")
        for url, tab in batch:
            tab.wait_for_load_state("load")
            yield url, tab
    for tab in tabs:
        tab.close()


def open_page(browser: Any, url: str, width: int = 1280, height: int = 900) -> Any:
    page = watch_page(browser.new_page(viewport={"width": width, "height": height}))
    page.goto(url)
    return page


# --- a generated MyST page read back as MyST-Parser reads it, directive bodies included --
# Tests use it to check a page's structure (headings, directives, roles, targets,
# comments), which no post-controlled string may change.

# What the converter itself writes; anything else in a page came from a post.
CONVERTER_DIRECTIVES = frozenset(
    {"container", "grid", "grid-item-card", "card-footer", "toctree", "glossary"}
)
CONVERTER_ROLES = frozenset({"doc", "ref", "term", "gloss", "resref"})


@dataclass(frozen=True)
class Structure:
    """What shapes a page: everything but its words."""

    blocks: Counter[str]  # token types, directives as "{name}", headings as "h1".."h6"
    roles: Counter[str]
    inline: Counter[str]  # inline token types other than text


@functools.cache
def _myst() -> Any:
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    from bookgen.labels import MYST_EXTENSIONS

    return create_md_parser(MdParserConfig(enable_extensions=set(MYST_EXTENSIONS)), RendererHTML)


def structure(source: str) -> Structure:
    blocks: Counter[str] = Counter()
    roles: Counter[str] = Counter()
    inline: Counter[str] = Counter()
    _walk(_myst().parse(source), blocks, roles, inline)
    return Structure(blocks, roles, inline)


def _walk(tokens: list[Any], blocks: Counter[str], roles: Counter[str], inline: Counter[str]) -> None:
    for token in tokens:
        if token.type == "heading_open":
            blocks[token.tag] += 1
        elif token.type == "fence" and token.info.startswith("{"):
            name = token.info[1:].split("}", 1)[0]
            blocks["{" + name + "}"] += 1
            _walk(_myst().parse(_directive_body(token.content)), blocks, roles, inline)
        elif token.type == "inline":
            for child in token.children or []:
                if child.type == "myst_role":
                    roles[child.meta["name"]] += 1
                elif child.type != "text":
                    inline[child.type] += 1
        elif not token.type.endswith("_close"):
            blocks[token.type] += 1


def _directive_body(content: str) -> str:
    """The body of a directive, its ``:option: value`` lines left out."""
    lines = content.split("\n")
    while lines and lines[0].startswith(":"):
        lines.pop(0)
    return "\n".join(lines)


def need_epubcheck() -> None:
    need(
        shutil.which("epubcheck") is not None and shutil.which("java") is not None,
        "epubcheck/java not installed",
    )


def epubcheck(epub: Path) -> str:
    """epubcheck's report, or "" when it finds no error and no warning."""
    need_epubcheck()
    jar = str(Path(shutil.which("epubcheck") or "epubcheck").resolve())  # a jar, run by java
    result = subprocess.run(["java", "-jar", jar, str(epub)], capture_output=True, text=True, check=False)
    report = result.stdout + result.stderr
    return "" if result.returncode == 0 and "No errors or warnings detected" in report else report
