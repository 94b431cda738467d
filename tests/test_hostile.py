"""Hostile and broken posts: safe output, one clear line each, nothing lost.

The corpus is ``tests/hostile/posts`` with the expected outcome of each file in
``tests/hostile/expected.yaml``; the book built from it must have zero warnings and
none of the injected payloads in its pages.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import socket
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup
from docutils import nodes

from bookgen import api
from bookgen.assemble.parts import make_slug
from bookgen.chars import shown_name
from bookgen.cli import main as convert
from bookgen.model import Post
from bookgen.read.post import read_post
from bookgen.sphinx.feed import atom_feed
from tests.conftest import BuiltBook, build_book, open_page, serve, words
from tests.myst_tokens import CONVERTER_DIRECTIVES, CONVERTER_ROLES, Structure, structure
from tests.test_build import page_words, raw_post_words

HOSTILE = Path(__file__).parent / "hostile"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load((HOSTILE / "expected.yaml").read_text(encoding="utf-8"))
SAFE_SCHEMES = ("http://", "https://", "mailto:", "#")
FORBIDDEN_ELEMENTS = ("script", "iframe", "object", "embed", "style", "form", "input", "base", "meta", "link")


@dataclass(frozen=True)
class HostileBook:
    posts: Path
    built: BuiltBook


def write_huge_post(folder: Path) -> None:
    line = "An export gone wrong repeats this line with words like zebra and https://example.org/x.\n"
    (folder / "huge.txt").write_text("A huge export\n" + line * (10_000_000 // len(line)), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_book(tmp_path_factory: pytest.TempPathFactory) -> HostileBook:
    tmp = tmp_path_factory.mktemp("hostile")
    posts = tmp / "posts"
    shutil.copytree(HOSTILE / "posts", posts)
    write_huge_post(posts)
    built = build_book(tmp, posts, None)
    return HostileBook(posts, built)


def article(page: Path) -> Any:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    found = soup.select_one("article.bd-article")
    assert found is not None, page
    return found


def test_corpus_and_expectations_match() -> None:
    assert set(EXPECTED) == {p.name for p in (HOSTILE / "posts").iterdir()} | {"huge.txt"}


def test_builds_with_zero_warnings(hostile_book: HostileBook) -> None:
    assert hostile_book.built.warnings == ""
    assert hostile_book.built.status == 0


@pytest.mark.parametrize("name", [n for n in EXPECTED if "slug" in EXPECTED[n]])
def test_each_post_gets_its_expected_slug_and_reports(hostile_book: HostileBook, name: str) -> None:
    path = hostile_book.posts / name
    post = read_post(path.read_bytes(), name)
    assert [report.kind.value for report in post.reports] == EXPECTED[name]["reports"]
    assert all(str(report).startswith(f"{name}") for report in post.reports)
    assert (hostile_book.built.html / "generated" / "posts" / f"{EXPECTED[name]['slug']}.html").exists()


@pytest.mark.parametrize(
    "name", [n for n in EXPECTED if EXPECTED[n].get("fidelity", True) and "slug" in EXPECTED[n]]
)
def test_every_word_survives(hostile_book: HostileBook, name: str) -> None:
    page = hostile_book.built.html / "generated" / "posts" / f"{EXPECTED[name]['slug']}.html"
    missing = sorted(raw_post_words(hostile_book.posts / name) - page_words(page))
    assert not missing, f"{name}: missing {missing[:20]}"


def test_no_payload_reaches_any_page(hostile_book: HostileBook) -> None:
    hostname = (
        Path("/etc/hostname").read_text(encoding="utf-8").strip() if Path("/etc/hostname").exists() else ""
    )
    pages = sorted((hostile_book.built.html / "generated" / "posts").glob("*.html"))
    assert len(pages) == len([n for n in EXPECTED if "slug" in EXPECTED[n]])
    for page in pages:
        body = article(page)
        for element in body.find_all(True):
            assert element.name not in FORBIDDEN_ELEMENTS, f"{page.name}: <{element.name}>"
            for attribute, value in element.attrs.items():
                assert not attribute.startswith("on"), f"{page.name}: {attribute}= on <{element.name}>"
                assert attribute != "style", f"{page.name}: style= on <{element.name}>"
                if attribute in ("href", "src"):
                    assert str(value).startswith(SAFE_SCHEMES), f"{page.name}: {attribute}={value}"
        if len(hostname) >= 6:
            assert hostname.casefold() not in words(body.get_text(" ")), f"{page.name}: /etc/hostname inlined"


def test_binary_file_gets_one_line_and_strict_fails(
    hostile_book: HostileBook, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "gen"
    assert convert(["--posts", str(HOSTILE / "posts"), "--out", str(out), "-q"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert [line.strip() for line in printed if "binary.png" in line] == [EXPECTED["binary.png"]["error"]]
    assert convert(["--posts", str(HOSTILE / "posts"), "--out", str(out), "-q", "--strict"]) == 1


def test_failed_run_leaves_the_last_good_output(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    assert convert(["--posts", str(HOSTILE / "posts"), "--out", str(out), "-q"]) == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    bad_book = tmp_path / "book.yaml"
    bad_book.write_text("title: [broken\n", encoding="utf-8")
    assert convert(["--posts", str(HOSTILE / "posts"), "--out", str(out), "--book", str(bad_book)]) == 2
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


# --- file names, tags and fields that try to change a generated page's structure ----------

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


@pytest.fixture(scope="module")
def named_book(tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    tmp = tmp_path_factory.mktemp("names")
    write_hostile_names(tmp / "posts")
    return build_book(tmp, tmp / "posts", None)


def _page_structures(docs: Path) -> dict[str, Structure]:
    return {
        str(page.relative_to(docs)): structure(page.read_text(encoding="utf-8"))
        for page in sorted((docs / "generated").rglob("*.md"))
    }


def test_no_name_tag_or_field_changes_a_generated_page(named_book: BuiltBook) -> None:
    pages = _page_structures(named_book.docs)
    assert len([p for p in pages if p.startswith("generated/posts/")]) == len(NAME_PAYLOADS) + 2
    for path, page in pages.items():
        assert page.blocks["myst_line_comment"] == 1, path  # the generated note, on one line
        assert "myst_target" not in page.blocks and "html_block" not in page.blocks, path
        assert "html_inline" not in page.inline, path
        directives = {block[1:-1] for block in page.blocks if block.startswith("{")}
        assert directives <= CONVERTER_DIRECTIVES, path
        assert set(page.roles) <= CONVERTER_ROLES, path
        if path.startswith("generated/posts/"):
            # The title; the posts have no headings of their own.
            assert page.blocks["h1"] == 1 and not {"h2", "h3", "h4"} & set(page.blocks), path
    # One heading per tag ("x\r# heading" is one tag) and one for the untagged posts.
    assert pages["generated/tags.md"].blocks == Counter(
        {
            "myst_line_comment": 1,
            "h1": 1,
            "h2": 5,
            "bullet_list_open": 5,
            "list_item_open": 9,
            "paragraph_open": 9,
        }
    )


def test_names_are_shown_exactly_in_the_page(named_book: BuiltBook) -> None:
    for name in NAME_PAYLOADS:
        post = read_post((named_book.docs.parent / "posts" / name).read_bytes(), name)
        page = named_book.html / "generated" / "posts" / f"{make_slug(post.title, post.source)}.html"
        codes = [code.get_text() for code in article(page).select("code")]
        assert shown_name(name) in codes, (name, codes)


def test_whole_pages_hold_nothing_a_name_set(named_book: BuiltBook) -> None:
    assert named_book.status == 0, named_book.warnings
    assert named_book.warnings == ""
    pages = sorted(named_book.html.rglob("*.html"))
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for element in soup.find_all(True):
            assert not [a for a in element.attrs if a.startswith("on")], f"{page.name}: <{element.name}>"
            assert element.get("src") != "x", f"{page.name}: <{element.name} src=x>"
        for script in soup.find_all("script"):
            assert "alert(" not in script.get_text(), page.name
        assert not soup.select("#name-label, #untitled-label, #tick-label, #label, #desc-label"), page.name
    # No raw node reached any page of the book, whatever its builder makes of it.
    for doctree in (named_book.html / ".doctrees").rglob("*.doctree"):
        tree = pickle.loads(doctree.read_bytes())
        assert not list(tree.findall(nodes.raw)), doctree.name


def test_feed_is_well_formed_xml(named_book: BuiltBook) -> None:
    feed = ET.fromstring((named_book.html / "feed.xml").read_bytes())
    titles = [t.text for t in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert "Control characters # not a heading" in titles
    terms = {c.get("term") for c in feed.iter("{http://www.w3.org/2005/Atom}category")}
    assert {"x # heading", "y (label)=", "bell"} <= terms


def test_feed_drops_characters_xml_forbids() -> None:
    book = {"title": "B\x01ook", "posts": [{"docname": "p", "title": "T\x0b\x1f\ufffe", "tags": ["a\x02"]}]}
    feed = ET.fromstring(atom_feed(book, "http://example.org/").encode("utf-8"))
    assert [t.text for t in feed.iter("{http://www.w3.org/2005/Atom}title")] == ["Book", "T"]


def test_control_characters_in_fields_are_dropped_and_reported() -> None:
    data = b'---\ntitle: "A\\x01B\\u2028C"\ntags: ["x\\r# h", "\\x07"]\ndescription: "d\\x85e"\n---\nBody.\n'
    post = read_post(data, "c.md")
    assert (post.title, post.tags, post.description) == ("AB C", ("x # h",), "d e")
    assert [str(r) for r in post.reports] == [
        # Line ends in a title or description are white space, as YAML folds them.
        "c.md: front-matter: title: control characters U+0001 removed (line ends as spaces)",
        "c.md: front-matter: tags: control characters U+000D, U+0007 removed (line ends as spaces)",
    ]


# --- whole pages: every place a post's title, tags or words reach -----------------------

PAYLOAD = "pwned"


def site_pages(html: Path) -> list[Path]:
    """Every page a reader can open: posts, landing, tags, archive, search, 404."""
    return sorted(p for p in html.rglob("*.html") if not p.relative_to(html).parts[0].startswith("_"))


def test_no_payload_runs_anywhere_on_any_page(hostile_book: HostileBook) -> None:
    """Whole pages, not just the article: head, sidebar, cards, print header, search."""
    pages = site_pages(hostile_book.built.html)
    assert len(pages) > len(EXPECTED)
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        name = page.relative_to(hostile_book.built.html)
        for element in soup.find_all(True):
            if element.name == "script":
                assert "alert(" not in element.get_text(), f"{name}: a post's <script>"
            for attribute, value in element.attrs.items():
                text = " ".join(value) if isinstance(value, list) else str(value)
                assert not (attribute.startswith("on") and PAYLOAD in text), f"{name}: {attribute}={text}"
            assert not (element.name in ("img", "svg") and PAYLOAD in str(element.attrs)), (
                f"{name}: <{element}>"
            )


def test_feed_and_search_index_hold_titles_as_text(hostile_book: HostileBook) -> None:
    feed = ET.fromstring((hostile_book.built.html / "feed.xml").read_bytes())
    titles = {entry.text for entry in feed.iter("{http://www.w3.org/2005/Atom}title")}
    assert "Cats <img src=x onerror=alert('pwned-fm-title')> & dogs" in titles
    script = (hostile_book.built.html / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(script.removeprefix("Search.setIndex(").removesuffix(")"))
    assert "Cats <img src=x onerror=alert('pwned-fm-title')> & dogs" in index["titles"]


@pytest.mark.parametrize("corpus", ["hostile_book", "named_book"])
def test_no_payload_runs_in_a_browser(corpus: str, request: pytest.FixtureRequest, browser: Any) -> None:
    """Each page opened in Chromium, as printed (the theme's print-only header repeats
    the title), and the search results for the payloads' words, once shown."""
    book = request.getfixturevalue(corpus)
    html = (book.built if isinstance(book, HostileBook) else book).html
    pages = [p.relative_to(html).as_posix() for p in site_pages(html)]
    for site in serve(html):
        for name in [*pages, "search.html?q=pwned", "search.html?q=img+onerror"]:
            page = open_page(browser, site + name)
            page.emulate_media(media="print")
            if name.startswith("search.html?"):
                page.wait_for_selector("#search-results p.search-summary", state="attached")
            injected = page.evaluate(
                """() => [...document.querySelectorAll('*')].flatMap(element =>
                    [...element.attributes]
                    .filter(a => a.name.startsWith('on') && /pwned|alert/.test(a.value))
                    .map(a => element.tagName + ' ' + a.name))"""
            )
            problems = [p for p in page.problems if "dialog" in p]
            page.close()
            assert injected == [] and problems == [], (name, injected, problems)


def test_only_regular_files_of_the_folder_are_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Links are never followed, FIFOs never opened; each skipped entry gets one line."""
    secret = tmp_path / "secret.txt"
    secret.write_text("Secret\n\nhunter2 zanzibar-password\n", encoding="utf-8")
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "fine.md").write_text("# Fine\n\nA post that builds.\n", encoding="utf-8")
    (posts / "passwd.md").symlink_to(secret)
    (posts / "inside.md").symlink_to(posts / "fine.md")
    (posts / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    (posts / "loop.md").symlink_to(posts / "loop.md")
    (posts / "sub").mkdir()
    (posts / "sub" / "nested.md").write_text("# Nested\n", encoding="utf-8")
    os.mkfifo(posts / "fifo.md")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(posts / "sock.md"))
    (posts / os.fsdecode(b"caf\xe9.md")).write_bytes(b"# Cafe\n\nA post whose name is Latin-1.\n")
    (posts / "locked.md").write_text("# Locked\n", encoding="utf-8")
    (posts / "locked.md").chmod(0)
    out = tmp_path / "gen"
    try:
        assert convert(["--posts", str(posts), "--out", str(out), "-q"]) == 0
    finally:
        server.close()
    printed = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert "dangling.md: dangling symbolic link, not followed; skipped" in printed
    assert "loop.md: symbolic link loop, not followed; skipped" in printed
    outside = "symbolic link, not followed (posts must be files in the folder itself); skipped"
    assert f"passwd.md: {outside}" in printed and f"inside.md: {outside}" in printed
    assert "sub: subfolder (subfolders of posts are not supported yet); skipped" in printed
    assert "fifo.md: named pipe (FIFO), not a file; skipped" in printed
    assert "sock.md: socket, not a file; skipped" in printed
    if os.geteuid() != 0:  # root reads any file
        assert "locked.md: unreadable (Permission denied); skipped" in printed
    assert "caf\\xe9.md: file name is not valid UTF-8; read as 'caf\\\\xe9.md'" in printed
    generated = "\n".join(p.read_text(encoding="utf-8") for p in out.rglob("*.md"))
    assert "zanzibar" not in generated and "Nested" not in generated
    assert (out / "posts" / "cafe.md").exists() and (out / "posts" / "fine.md").exists()
    assert len(list((out / "posts").glob("*.md"))) == (3 if os.geteuid() == 0 else 2)


def test_a_fault_on_one_post_publishes_it_as_preformatted_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever the converter trips on in one post, that post gets one report line and
    is published whole as preformatted text; the other posts are converted as usual."""
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "fine.md").write_text("# Fine\n\nA post that converts.\n", encoding="utf-8")
    (posts / "boom.md").write_text("# Boom\n\nEvery *word* of zanzibar stays.\n", encoding="utf-8")

    def read_post_or_fail(data: bytes, name: str) -> Post:
        if name == "boom.md":
            raise RecursionError("maximum recursion depth exceeded\nwith more lines")
        return read_post(data, name)

    monkeypatch.setattr(api, "read_post", read_post_or_fail)
    out = tmp_path / "gen"
    assert convert(["--posts", str(posts), "--out", str(out), "-q"]) == 0
    printed = [line.strip() for line in capsys.readouterr().out.splitlines()]
    failed = "could not be converted (RecursionError: maximum recursion depth exceeded)"
    assert printed.count(f"boom.md: internal-error: {failed}; published as preformatted text") == 1
    page = (out / "posts" / "boom.md").read_text(encoding="utf-8")
    assert "Every *word* of zanzibar stays." in page
    assert "A post that converts." in (out / "posts" / "fine.md").read_text(encoding="utf-8")


def test_each_printed_report_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A name with a line end cannot split the converter's report or forge a line of it."""
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "a\nforged.md: markdown, 1 words").write_text("# A\n\nText with [x](javascript:y).\n", "utf-8")
    assert convert(["--posts", str(posts), "--out", str(tmp_path / "gen")]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert not [line for line in printed if line.lstrip().startswith("forged.md")]
    assert [line for line in printed if line.startswith("a\\nforged.md: markdown")]
    assert [line for line in printed if line.strip().startswith("a\\nforged.md: markdown, 1 words:")]
