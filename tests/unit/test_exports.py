"""Platform exports read into the book (bookgen.read.exports): tests/exports holds
exports written by the team in each platform's real shape."""

from __future__ import annotations

import datetime as dt
import json
import stat
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bookgen.api import Sources, build_book
from bookgen.read.exports import ExportError, ExportOptions, read_export
from bookgen.read.exports.autop import autop
from bookgen.read.exports.shortcodes import Shortcodes, split_caption
from tests.helpers import ROOT

EXPORTS = ROOT / "tests" / "exports"
WORDPRESS = EXPORTS / "wordpress.xml"
BLOGGER = EXPORTS / "blogger.xml"  # Blogger's "Back up content" file
TAKEOUT = EXPORTS / "blogger-takeout.atom"  # Google Takeout's feed.atom
GHOST = EXPORTS / "ghost.json"  # posts with lexical, mobiledoc and html bodies
SUBSTACK = EXPORTS / "substack"  # the export zip's content, unpacked
MEDIUM = EXPORTS / "medium"  # likewise


def zipped(folder: Path, into: Path, top: str = "") -> Path:
    """The folder as a zip, as the platform sends it (under a top folder, for Medium)."""
    with zipfile.ZipFile(into, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, top + path.relative_to(folder).as_posix())
    return into


def post_files(path: Path, options: ExportOptions | None = None) -> dict[str, tuple[dict[str, object], str]]:
    """The export's post files: front matter and HTML body, by name."""
    export = read_export(path.name, path.read_bytes(), options)
    files = {}
    for name, data in export.posts:
        _, front, body = data.decode("utf-8").split("---\n", 2)
        files[name] = (yaml.safe_load(front), body)
    return files


def test_wordpress_published_posts_and_pages_become_post_files() -> None:
    files = post_files(WORDPRESS)
    assert sorted(files) == [
        "Pages/about.html",
        "chao-xi-tide-tables.html",  # the slug as WordPress stored it (percent-encoded 潮汐)
        "fish-and-chips.html",
        "winter-swimming-draft.html",  # a draft has no slug yet: its title's
    ]
    fields, body = files["fish-and-chips.html"]
    assert fields == {
        "title": "Fish & chips at the pier",  # the title's HTML shows as text
        "date": dt.date(2021, 3, 6),
        "authors": ["Maren Holt"],
        "tags": ["Food", "pier"],  # "Uncategorized", WordPress's default, is no topic
        "description": "Where to eat on the pier.",
        "slug": "fish-and-chips",
        "url": "https://harbour.example.org/2021/03/fish-and-chips/",
    }
    # Classic text: paragraphs from blank lines, a line end a break, as WordPress shows it.
    assert (
        "<p>The kiosk at the end of the pier opens at noon.<br />\nIt closes when the fish runs out.</p>"
        in body
    )
    assert "<pre>opening hours:\n\n  12:00 - sold out</pre>" in body
    assert "<!--more-->" not in body
    tides = files["chao-xi-tide-tables.html"]
    assert tides[0]["authors"] == ["伊藤 優"] and tides[0]["slug"] == "潮汐-tide-tables"
    assert "<!-- wp:" not in tides[1]
    # The draft is a post marked draft: convert --drafts keeps it, else it is left out.
    assert files["winter-swimming-draft.html"][0]["draft"] is True
    # A page has no date: pages make a part of their own, after the years.
    assert "date" not in files["Pages/about.html"][0]


def test_wordpress_reports_what_it_left_out() -> None:
    export = read_export(WORDPRESS.name, WORDPRESS.read_bytes())
    assert export.site_url == "https://harbour.example.org" and export.title == "Harbour & Hills"
    assert export.skipped == [
        "wordpress.xml: post 'Fish & chips at the pier': "
        "shortcodes shown as typed (not known here): [fancybox]",
        "wordpress.xml: post 'Regatta results': scheduled, not yet published; left out",
        "wordpress.xml: post 'Members only': password-protected; left out",
        "wordpress.xml: post 'Private notes': private; left out",
        "wordpress.xml: post 'Deleted post': in the trash; left out",
        "wordpress.xml: not posts, not imported: 1 comments; 2 attachment, 1 nav_menu_item",
    ]
    without_pages = post_files(WORDPRESS, ExportOptions(pages=False))
    assert "Pages/about.html" not in without_pages


def test_shortcodes_become_html() -> None:
    _, body = post_files(WORDPRESS)["fish-and-chips.html"]
    assert '<figure><img class="size-full wp-image-11"' in body
    assert (
        '<figcaption>The pier, looking <a href="https://harbour.example.org/about/">north</a>.</figcaption>'
        in body
    )
    # The gallery's pictures are the attachments named, with their captions.
    assert (
        '<img src="https://harbour.example.org/wp-content/uploads/2021/03/gulls.jpg" alt="gulls" />' in body
    )
    assert "<figcaption>Gulls waiting for chips</figcaption>" in body
    assert "[gallery" not in body and "[caption" not in body
    assert '[fancybox id="3"]' in body  # unknown: shown as typed
    codes = Shortcodes({})
    assert codes.expand('[[gallery]] [code lang="py"]x < 1[/code]') == (
        '[gallery] <pre><code class="language-py">x &lt; 1</code></pre>'
    )
    assert codes.expand("[embed]https://www.youtube.com/watch?v=x[/embed]") == (
        '<p><a href="https://www.youtube.com/watch?v=x">www.youtube.com/watch</a></p>'
    )
    assert codes.expand('[audio mp3="https://a.example/b.mp3"][/audio]').startswith(
        '<p><a href="https://a.example'
    )
    assert codes.expand('[video src="javascript:alert(1)"]') == "javascript:alert(1)"  # no link but http(s)
    assert split_caption('<a href="b"><img src="a.jpg" /></a> Text') == (
        '<a href="b"><img src="a.jpg" /></a>',
        "Text",
    )


def test_autop_keeps_blocks_and_preformatted_text() -> None:
    text = "One\ntwo\n\n<ul>\n<li>a</li>\n\n<li>b</li>\n</ul>\nAfter & <em>more</em>\n\n\n<pre>x\n\ny</pre>"
    assert autop(text) == (
        "<p>One<br />\ntwo</p>\n<ul>\n<li>a</li>\n\n<li>b</li>\n</ul>\n"
        "<p>After & <em>more</em></p>\n<pre>x\n\ny</pre>\n"
    )


def test_a_wordpress_book_has_every_published_post_and_no_markup_as_text() -> None:
    book = build_book(Sources.from_export(WORDPRESS))
    titles = sorted(post.title for post in book.book.posts)
    assert titles == ["About", "Fish & chips at the pier", "Tide tables, explained"]
    assert [part.title for part in book.book.parts][-1] == "Pages"
    pages = "\n".join(text for name, text in book.pages.items() if name.startswith("posts/"))
    for shown in ("[caption", "[gallery", "<!-- wp:", "<em>", "<strong>", "<!--more-->", "&amp;amp;"):
        assert shown not in pages, shown
    assert "Spring tides come twice a month" in pages and "満潮" in pages
    # The export's address is the blog's: a link to another of its posts lands in the book.
    fish = book.pages["posts/fish-chips-at-the-pier.md"]
    assert "[tide tables](#chapter-tide-tables-explained)" in fish and "[north](#chapter-about)" in fish
    drafts = build_book(Sources.from_export(WORDPRESS), drafts=True)
    assert "Winter swimming (draft)" in [post.title for post in drafts.book.posts]


def test_blogger_posts_apart_from_comments_settings_and_templates() -> None:
    files = post_files(BLOGGER)
    assert sorted(files) == [
        "Pages/a-propos.html",
        "brouillon-le-the.html",
        "le-cafe-parfait.html",
        "moulin.html",
    ]
    fields, body = files["le-cafe-parfait.html"]
    assert fields == {
        "title": "Le café parfait <3",  # a text title as it stands
        "date": dt.date(2020, 11, 2),
        "authors": ["Lea Brun"],
        "tags": ["espresso", "recettes"],
        "slug": "le-cafe-parfait",
        "url": "https://cafecode.blogspot.com/2020/11/le-cafe-parfait.html",
    }
    assert body.startswith("<p>Moudre juste avant l'extraction.<br />Toujours.</p>")
    assert files["brouillon-le-the.html"][0]["draft"] is True
    export = read_export(BLOGGER.name, BLOGGER.read_bytes())
    assert export.site_url == "https://cafecode.blogspot.com/" and export.title == "Café & Code"
    assert export.skipped == ["blogger.xml: not posts, not imported: 1 comment, 1 settings, 1 template"]


def test_blogger_takeout_feed() -> None:
    export = read_export(TAKEOUT.name, TAKEOUT.read_bytes())
    assert [name for name, _ in export.posts] == ["vienna-to-venice.html"]
    fields, _ = post_files(TAKEOUT)["vienna-to-venice.html"]
    assert fields["url"] == "https://nighttrains.blogspot.com/2023/05/vienna-to-venice.html"
    assert fields["authors"] == ["Ola N."] and fields["tags"] == ["sleepers"]
    assert export.skipped == [
        "blogger-takeout.atom: post 'Deleted': in the trash; left out",
        "blogger-takeout.atom: not posts, not imported: 1 comment",
    ]


def test_a_blogger_book_links_its_posts_and_shows_no_script() -> None:
    book = build_book(Sources.from_export(BLOGGER))
    assert sorted(post.title for post in book.book.posts) == [
        "Le café parfait <3",
        "Un moulin manuel",
        "À propos",
    ]
    cafe = book.pages["posts/le-cafe-parfait-3.md"]
    assert "[le moulin](#chapter-un-moulin-manuel)" in cafe
    moulin = book.pages["posts/un-moulin-manuel.md"]
    assert "alert" not in moulin and "Quarante tours de manivelle" in moulin


def test_ghost_bodies_tags_and_authors() -> None:
    files = post_files(GHOST)
    assert sorted(files) == [
        "Pages/about.html",
        "pain-au-levain.html",
        "rye.html",
        "slow-bread.html",
        "the-oven.html",
    ]
    fields, lexical = files["slow-bread.html"]
    assert fields["authors"] == ["Jo Baker", "Sam Flour"] and fields["tags"] == ["Bread"]  # not "#hidden"
    assert fields["description"] == "Why good bread takes a day." and fields["date"] == dt.date(2022, 9, 10)
    assert (
        '<p>Bread needs <em>time</em>, not <a href="https://bakery.example.net/flour/">fancy flour</a>.</p>'
        in lexical
    )
    assert "<ol><li>Feed the starter at 8.</li><li>Mix at noon.</li></ol>" in lexical
    assert "<figcaption>The third try</figcaption>" in lexical and 'class="language-python"' in lexical
    assert "<p>A <em>Markdown</em> card" in lexical  # a Markdown card read as Markdown
    _, mobiledoc = files["the-oven.html"]
    assert "<p>The oven runs at <strong>250 degrees</strong>; see <a href=" in mobiledoc
    assert (
        "<figcaption>Our oven</figcaption>" in mobiledoc
        and "<ul><li>Steam</li><li>Patience</li></ul>" in mobiledoc
    )
    assert files["pain-au-levain.html"][0]["title"] == "Pain au levain & patience"
    assert files["rye.html"][0]["draft"] is True
    export = read_export(GHOST.name, GHOST.read_bytes())
    assert export.title == "The Slow Bakery"
    assert export.skipped == [
        "ghost.json: post 'Slow bread': cards not shown: bookmark",
        "ghost.json: post 'Holiday hours': scheduled, not yet published; left out",
    ]


def test_a_ghost_book_links_its_posts_given_the_blog_address() -> None:
    book = build_book(Sources.from_export(GHOST, site_url="https://bakery.example.net"))
    assert len(book.book.posts) == 4
    levain = next(text for name, text in book.pages.items() if name.startswith("posts/pain-au-levain"))
    assert "[le pain lent](#chapter-slow-bread)" in levain


@pytest.mark.parametrize("packed", [False, True])
def test_substack_published_rows_with_their_bodies(tmp_path: Path, packed: bool) -> None:
    source = zipped(SUBSTACK, tmp_path / "export.zip") if packed else SUBSTACK
    book = build_book(Sources.from_export(source))
    titles = [post.title for post in book.book.posts]
    assert sorted(titles) == [
        "First issue: why a newsletter",
        "Old maps of the coast, and what they got wrong",
    ]
    first = next(post for post in book.book.posts if post.title.startswith("First"))
    assert first.description == "Letters about maps, sent monthly" and first.date == dt.date(2022, 1, 5)
    assert [line.split(": ", 1)[1] for line in book.skipped] == [
        "posts.csv:4: 'An unsent draft': not published; left out",
        "posts.csv:5: 'Missing body': no posts/104.lost-body.html in the export; left out",
    ]
    coast = next(text for name, text in book.pages.items() if name.startswith("posts/old-maps"))
    assert "The coast in 1790: the bay is twice its size." in coast and "```{figure}" in coast


@pytest.mark.parametrize("packed", [False, True])
def test_medium_stories_apart_from_responses_and_drafts(tmp_path: Path, packed: bool) -> None:
    source = zipped(MEDIUM, tmp_path / "medium-export-ab12.zip", "medium-export-ab12/") if packed else MEDIUM
    book = build_book(Sources.from_export(source))
    (post,) = book.book.posts
    assert (post.title, post.date, post.authors) == (
        "Night Ferry to the Islands",
        dt.date(2020, 2, 3),
        ("Ana Ferry",),
    )
    assert post.description == "Eleven hours & one bunk"
    assert post.addresses == ("https://medium.com/@anaferry/night-ferry-to-the-islands-1a2b3c4d5e6f",)
    page = next(text for name, text in book.pages.items() if name.startswith("posts/night-ferry"))
    assert page.count("Night Ferry to the Islands") == 1  # the body's copy of the title is not shown again
    shown = page.split("\n---\n", 1)[1]  # after the page's metadata
    assert shown.count("Eleven hours") == 1  # the subtitle, under the title, not again in the body
    assert "## Arriving" in page and "The deck at dawn." in page
    # The writer's page is the blog's address: links between the writer's stories land in the book.
    assert Sources.from_export(source).site_url == "https://medium.com/@anaferry"
    reasons = sorted(line.rsplit(": ", 1)[1] for line in book.skipped)
    assert reasons == ["a draft; left out", "a response to another story, not a story; left out"]


def _zip_with(tmp_path: Path, members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members:
            archive.writestr(member, data)
    return path.read_bytes()


def _link(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        ([("../../etc/evil.csv", b"x"), ("posts.csv", b"")], "points out of the archive"),
        ([("/abs/posts.csv", b"x")], "points out of the archive"),
        ([(_link("posts/x.html"), b"/etc/passwd"), ("posts.csv", b"")], "is a link"),
        ([("posts/bomb.html", b"0" * 5_000_000), ("posts.csv", b"")], "(a bomb)"),
    ],
)
def test_zip_slips_links_and_bombs_are_refused(
    tmp_path: Path, members: list[tuple[zipfile.ZipInfo | str, bytes]], expected: str
) -> None:
    with pytest.raises(ExportError) as raised:
        read_export("evil.zip", _zip_with(tmp_path, members))
    assert str(raised.value).startswith("evil.zip: refused: ") and expected in str(raised.value)


def test_a_broken_zip_is_named() -> None:
    with pytest.raises(ExportError, match=r"^broken\.zip: not a readable zip archive"):
        read_export("broken.zip", b"PK\x03\x04 not really")


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        (
            "bomb.xml",
            b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
            b'<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&b;</title></channel></rss>',
            "bomb.xml: refused: the XML declares",
        ),
        (
            "xxe.xml",
            b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&x;</title></channel></rss>',
            "xxe.xml: refused: the XML declares",
        ),
        ("broken.json", b'{"db": [{"data": {"posts": [}]}', "broken.json:1: not valid JSON"),
        ("other.json", b'{"meta": {}, "data": {"posts": 3}}', "other.json: no data.posts"),
        ("odd.json", b'{"meta": {}, "data": {"posts": [], "settings": 7, "posts_tags": [1]}}', ""),
        (
            "broken.xml",
            b'<?xml version="1.0"?>\n<rss xmlns:wp="http://wordpress.org/export/1.2/">\n<channel><item></channel>',
            "broken.xml:3: not well-formed XML",
        ),
    ],
)
def test_unsafe_or_broken_exports_are_refused_in_one_line(name: str, data: bytes, expected: str) -> None:
    if not expected:  # a shape of tables it does not use: read, with no post
        assert read_export(name, data).posts == []
        return
    with pytest.raises(ExportError) as raised:
        read_export(name, data)
    message = str(raised.value)
    assert message.startswith(expected) and "\n" not in message and "root:" not in message


def test_the_converter_reads_an_export_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bookgen.cli import main

    out = tmp_path / "generated"
    assert main(["--posts", str(WORDPRESS), "--out", str(out), "--docs", str(tmp_path), "-q"]) == 0
    assert (out / "posts" / "fish-chips-at-the-pier.md").exists()
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b'<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>')
    assert main(["--posts", str(broken), "--out", str(out), "--docs", str(tmp_path), "-q"]) == 2
    assert capsys.readouterr().err.startswith(f"convert: {broken.name}:1: not well-formed XML")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
row = st.dictionaries(
    st.sampled_from(
        ["id", "title", "slug", "html", "lexical", "mobiledoc", "type", "status", "published_at"]
    ),
    json_values | st.sampled_from(['{"root": {"children": [{"type": "text"}]}}', '{"sections": [[10, 0]]}']),
)


@settings(max_examples=150, deadline=None)
@given(posts=st.lists(row, max_size=4), extra=json_values)
def test_any_ghost_shaped_json_is_read_or_refused_in_one_line(posts: list[object], extra: object) -> None:
    data = json.dumps({"db": [{"data": {"posts": posts, "tags": extra, "posts_tags": extra}}]}).encode()
    try:
        read_export("any.json", data)
    except ExportError as error:
        assert "\n" not in str(error)


@settings(max_examples=150, deadline=None)
@given(title=st.text(max_size=30), content=st.text(max_size=200), status=st.text(max_size=8))
def test_any_wordpress_item_is_read_or_refused_in_one_line(title: str, content: str, status: str) -> None:
    from xml.sax.saxutils import escape

    item = (
        f"<item><title>{escape(title)}</title><content:encoded>{escape(content)}</content:encoded>"
        f"<wp:status>{escape(status)}</wp:status><wp:post_type>post</wp:post_type></item>"
    )
    data = (
        '<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel>{item}</channel></rss>"
    ).encode("utf-8", "surrogatepass")
    try:
        read_export("any.xml", data)
    except ExportError as error:
        assert "\n" not in str(error)


def test_review_findings_stay_fixed(tmp_path: Path) -> None:
    """Each found by trying the importers on odd input."""
    codes = Shortcodes({})
    two_videos = codes.expand(
        '[video src="https://v.example/a.mp4" /]\n\nBetween.\n\n[video]https://v.example/b.mp4[/video]'
    )
    assert "a.mp4" in two_videos and "Between." in two_videos and "b.mp4" in two_videos
    assert autop("One\n \t\nTwo") == "<p>One</p>\n<p>Two</p>\n"  # a blank line of spaces ends a paragraph
    assert (
        Shortcodes({})
        .expand('[caption caption="By <em>Ana</em>"]<img src="a.jpg" />[/caption]')
        .endswith("<figcaption>By <em>Ana</em></figcaption></figure>")
    )
    from bookgen.read.exports.common import plain
    from bookgen.read.exports.ghost import lexical_html, mobiledoc_html

    assert plain("<script>alert(1)</script>Title") == "Title"
    lexical = {
        "root": {"children": [{"type": "paragraph", "children": [{"type": "extended-text", "text": "Kept"}]}]}
    }
    assert lexical_html(lexical, []) == "<p>Kept</p>"  # Ghost's extended-text is text
    mobiledoc = {
        "atoms": [["soft-return", "", {}]],
        "markups": [["a", ["rel", "href", "href", "https://x.example/"]]],
        "sections": [[1, "p", [[0, [], 0, "line one"], [1, [], 0, 0], [0, [0], 1, "line two"]]]],
    }
    assert mobiledoc_html(mobiledoc, []) == '<p>line one<br /><a href="https://x.example/">line two</a></p>'
    old_page = {
        "data": {
            "posts": [{"id": "1", "title": "About", "page": True, "status": "published", "html": "<p>Hi</p>"}]
        }
    }
    export = read_export("old.json", json.dumps({"meta": {}, **old_page}).encode())
    assert [name for name, _ in export.posts] == ["Pages/about.html"]
    encrypted = tmp_path / "encrypted.zip"
    with zipfile.ZipFile(encrypted, "w") as archive:
        archive.writestr("posts.csv", b"post_id\n")
    data = bytearray(encrypted.read_bytes())  # mark it encrypted, as zip -e does, in both headers
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        data[data.find(signature) + offset] |= 0x1
    with pytest.raises(ExportError, match="is encrypted"):
        read_export("encrypted.zip", bytes(data))


def test_wordpress_dates_and_tags_as_the_blog_showed_them() -> None:
    item = (
        "<item><title>Late post</title><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>"
        "<wp:post_date>2018-10-20 23:30:00</wp:post_date>"
        "<wp:post_date_gmt>2018-10-21 06:30:00</wp:post_date_gmt>"
        '<category domain="category" nicename="markup">Markup</category>'
        '<category domain="post_tag" nicename="markup-2">markup</category>'
        "<content:encoded>Text.</content:encoded></item>"
    )
    data = (
        '<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel>{item}</channel></rss>"
    ).encode()
    ((_, post),) = read_export("dates.xml", data).posts
    fields = yaml.safe_load(post.decode().split("---\n")[1])
    assert fields["date"] == dt.date(2018, 10, 20) and fields["tags"] == ["Markup"]


def test_blogger_takeout_entry_type_is_its_own() -> None:
    entries = (
        "<entry><author><name>A</name><blogger:type>BLOGGER</blogger:type></author>"
        "<blogger:type>POST</blogger:type><blogger:status>LIVE</blogger:status><title>Kept</title>"
        "<content type='html'>Text</content><published>2023-01-01T00:00:00Z</published></entry>"
        "<entry><blogger:type>POST</blogger:type><blogger:status>SCHEDULED</blogger:status><title>Later</title>"
        "<content type='html'>Soon</content></entry>"
    )
    data = f"<feed xmlns='http://www.w3.org/2005/Atom' xmlns:blogger='http://schemas.google.com/blogger/2018'>{entries}</feed>"
    export = read_export("feed.atom", data.encode())
    assert [name for name, _ in export.posts] == ["kept.html"]
    assert export.skipped == ["feed.atom: post 'Later': status 'scheduled'; left out"]
