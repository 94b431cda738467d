"""Links between posts: every form a blog links its own posts by lands on the chapter.

``tests/blogs/links/blog`` is a small blog of our own whose posts link each other by the
blog's address (with and without ``www.``, ``http``, ``index.html``, ``.html``), by
root-relative and relative paths, by an alias and a ``url``, by Jekyll's ``post_url``
and ``link``, Hugo's ``ref`` and ``relref``, Zola's ``@/``, and in HTML.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pytest

from bookgen.api import BookBuild, Sources, build_book
from bookgen.labels import chapter_label, heading_label
from bookgen.model import Post, Shape
from bookgen.read.site_links import FILE, PATH, POST, SiteTarget, site_target
from bookgen.resolve.links import github_anchor, heading_anchors
from bookgen.resolve.redirects import old_addresses, permalink_pattern, redirect_source
from tests.helpers import ROOT

BLOG = ROOT / "tests" / "blogs" / "links" / "blog"
SITE = "https://old.blog.example"
FIRST, SECOND, THIRD, FOURTH = (
    "first-steps-with-the-garden-robot",
    "second-thoughts-about-the-garden-robot",
    "third-the-plan-for-the-robot",
    "fixing-the-robot-after-the-pond",
)


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/2019/05/x/", SiteTarget(PATH, "/2019/05/x/")),
        ("../x.md#setup", SiteTarget(PATH, "../x.md#setup")),
        ("#setup", SiteTarget(PATH, "#setup")),
        ("/caf%C3%A9/", SiteTarget(PATH, "/café/")),
        ("@/blog/x.md#a", SiteTarget(FILE, "blog/x.md#a")),
        ("{% post_url 2019-05-01-x %}", SiteTarget(POST, "2019-05-01-x")),
        ("{{ site.baseurl }}{% post_url /dir/2019-05-01-x %}#a", SiteTarget(POST, "/dir/2019-05-01-x#a")),
        ("{{site.baseurl}}/about/", SiteTarget(PATH, "/about/")),
        ("{% link _posts/2019-05-01-x.md %}", SiteTarget(FILE, "_posts/2019-05-01-x.md")),
        ('{{< ref "x.md#the-plan" >}}', SiteTarget(FILE, "x.md#the-plan")),
        ('{{< relref path="/blog/x" >}}', SiteTarget(FILE, "/blog/x")),
        ('{{% ref "x" %}}', SiteTarget(FILE, "x")),
        ('{{ "/about/" | relative_url }}', SiteTarget(PATH, "/about/")),
        ("%7B%%20post_url%202019-05-01-x%20%%7D", SiteTarget(POST, "2019-05-01-x")),
        ("https://example.org/x", None),
        ("//example.org/x", None),
        ("mailto:a@example.org", None),
        ("javascript:alert(1)", None),
        ("{{% eturl rss %}}", None),
        ('{{< youtube "x" >}}', None),
        ("{{ site.title }}", None),
        ("", None),
    ],
)
def test_a_link_target_names_its_form(href: str, expected: SiteTarget | None) -> None:
    assert site_target(href) == expected


@pytest.fixture(scope="module")
def linked_book() -> BookBuild:
    return build_book(Sources.from_folder(BLOG, site_url=SITE))


def page(book: BookBuild, slug: str) -> str:
    return book.pages[f"posts/{slug}.md"]


def body(book: BookBuild, slug: str) -> str:
    """A page's own text, without the sections that end it."""
    return page(book, slug).split("\n## Linked from")[0].split("\n## Related posts")[0]


def targets(text: str) -> list[tuple[str, str]]:
    """Each link to a label in MyST text: (its words, the label)."""
    return re.findall(r"\[([^\]]+)\]\(#([^)]+)\)", text)


def test_every_form_of_link_lands_on_its_chapter(linked_book: BookBuild) -> None:
    assert targets(body(linked_book, FIRST)) == [
        ("my second thoughts", chapter_label(SECOND)),  # https://www. + trailing slash
        ("plan I wrote later", chapter_label(THIRD)),  # http://, a url from front matter, index.html
        ("the fourth post", chapter_label(FOURTH)),  # Hugo's default: the file's path
    ]
    assert targets(body(linked_book, SECOND)) == [
        ("the first steps", chapter_label(FIRST)),  # Jekyll post_url
        ("routes", heading_label(THIRD, 1)),  # Hugo ref, with a fragment
        ("the fourth post", chapter_label(FOURTH)),  # Zola @/
    ]
    assert targets(body(linked_book, THIRD)) == [
        ("the second post", chapter_label(SECOND)),  # relative, a bundle's folder
        ("old address", chapter_label(SECOND)),  # an alias
        ("setting up", heading_label(FIRST, 1)),  # Jekyll's date path, .html, a fragment
        ("the fourth", chapter_label(FOURTH)),  # Jekyll link
        ("Back to the plan", heading_label(THIRD, 1)),  # a heading of the post itself
    ]
    assert targets(body(linked_book, FOURTH)) == [
        ("the plan", chapter_label(THIRD)),  # root-relative url
        ("my second thoughts", chapter_label(SECOND)),  # Hugo relref
        ("Second thoughts, in HTML", chapter_label(SECOND)),  # <a href>
    ]


def test_each_chapter_and_each_heading_linked_to_is_a_target(linked_book: BookBuild) -> None:
    for slug in (FIRST, SECOND, THIRD, FOURTH):
        assert f"({chapter_label(slug)})=\n\n# " in page(linked_book, slug)
    assert f"({heading_label(FIRST, 1)})=\n## Setting up" in page(linked_book, FIRST)
    assert f"({heading_label(THIRD, 1)})=\n## The plan" in page(linked_book, THIRD)
    assert "--2)=" not in page(linked_book, FIRST)  # "What went wrong": no link lands there


def test_links_out_of_the_book_stay_and_unresolved_ones_are_reported(linked_book: BookBuild) -> None:
    fourth = body(linked_book, FOURTH)
    assert "[a shop](<https://example.org/parts>)" in fourth
    # Looks internal, names no post: reported, and linked to where it was on the blog.
    assert "[old post](<https://old.blog.example/2020/01/missing-post/>)" in fourth
    assert "[all robot posts](<https://old.blog.example/tags/robot/>)" in fourth
    reports = [str(r) for r in linked_book.post_reports["fourth.md"]]  # each at its own line
    assert reports == [
        "fourth.md:8: link: link '/2020/01/missing-post/' names no post of the book; "
        "linked to https://old.blog.example/2020/01/missing-post/",
        "fourth.md:9: link: link '/tags/robot/' names a listing of the blog, not a post; "
        "linked to https://old.blog.example/tags/robot/",
    ]
    # A file of the blog (slides) is no post: not reported, linked where it was.
    assert "[talk slides](<https://old.blog.example/files/talk.pdf>)" in fourth
    counts = linked_book.link_counts["fourth.md"]
    assert (counts.internal, counts.external, counts.unresolved) == (3, 2, 2)
    assert linked_book.link_counts["lonely.md"].internal == 0


def test_without_the_blog_address_its_absolute_links_stay_external() -> None:
    book = build_book(Sources.from_folder(BLOG))
    first = body(book, FIRST)
    assert "(<https://www.old.blog.example/2021/05/second-thoughts/>)" in first
    assert targets(body(book, SECOND))[0] == ("the first steps", chapter_label(FIRST))
    # A root-relative path that names no post keeps its words only: no address to go to.
    fourth = body(book, FOURTH)
    assert "An old post is gone" in fourth
    # Nor does a book that does not say it is the blog get redirect pages.
    assert "redirects" not in book.pages["book.json"]


def test_the_book_file_names_the_blog_address(tmp_path: Path) -> None:
    book_file = tmp_path / "book.yaml"
    book_file.write_text(f"title: Robots\nsite_url: {SITE}\n", encoding="utf-8")
    book = build_book(Sources.from_folder(BLOG, book=book_file))
    assert targets(body(book, FIRST))[0] == ("my second thoughts", chapter_label(SECOND))


def test_backlinks_quote_the_sentence_of_each_link_in_book_order(linked_book: BookBuild) -> None:
    linked_from = page(linked_book, THIRD).split("## Linked from\n\n")[1].split("\n\n")[0]
    assert linked_from.splitlines() == [
        f"- {{ref}}`First steps with the garden robot <{chapter_label(FIRST)}>`: "
        "“The plan I wrote later explains the routes.”",
        f"- {{ref}}`Second thoughts about the garden robot <{chapter_label(SECOND)}>`: "
        "“The routes fixed most of it, and the fourth post fixed the rest.”",
        f"- {{ref}}`Fixing the robot after the pond <{chapter_label(FOURTH)}>`: "
        "“The fix follows the plan and my second thoughts.”",
    ]
    # A post linking only itself, and one nobody links, list no backlinks.
    assert "## Linked from" not in page(linked_book, "a-recipe-for-lentil-soup")


def test_related_posts_say_what_they_share_and_an_unrelated_post_gets_none(linked_book: BookBuild) -> None:
    related = page(linked_book, FIRST).split("## Related posts\n\n")[1]
    # "robot" is on four of five posts: too common to relate them; "garden" is on two.
    assert related.splitlines() == [
        f"- {{ref}}`Third: the plan for the robot <{chapter_label(THIRD)}>` · Also about: garden"
    ]
    assert "## Related posts" not in page(linked_book, "a-recipe-for-lentil-soup")


def test_old_addresses_become_redirects(linked_book: BookBuild) -> None:
    import json

    redirects = json.loads(linked_book.pages["book.json"])["redirects"]
    assert redirects == {
        "2021/03/04/first-steps": f"generated/posts/{FIRST}",  # linked by that path
        "2021/05/second-thoughts/index": f"generated/posts/{SECOND}",
        "blog/fourth/index": f"generated/posts/{FOURTH}",
        "custom/third-post/index": f"generated/posts/{THIRD}",  # its url
        "old/second/index": f"generated/posts/{SECOND}",  # its alias
    }


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("/2019/05/x/", "2019/05/x/index"),
        ("/2019/05/x.html", "2019/05/x"),
        ("https://blog.example/x/", "x/index"),
        ("/blog/x/", "x/index"),  # under the blog's base path
        ("/Rust-1.4/", "Rust-1.4/index"),
        ("/x.php", None),
        ("/", None),
        ("/../etc/passwd", None),
        ("/generated/posts/x/", None),  # the book's own folder
        ("/_static/x/", None),
        ("/search/", None),
        ("relative/x/", None),
        ("/a b/", None),
    ],
)
def test_a_redirect_page_is_a_plain_path_of_its_own(address: str, expected: str | None) -> None:
    base = "/blog/" if address == "/blog/x/" else "/"
    assert redirect_source(address, base) == expected


def _dated(name: str, day: int) -> Post:
    import datetime as dt

    return Post(name, name, Shape.MARKDOWN, (), date=dt.date(2020, 1, day))


def test_the_permalink_pattern_of_the_links_gives_every_dated_post_its_address() -> None:
    posts = [_dated(f"2020-01-0{day}-p{day}.md", day) for day in range(1, 6)]
    linked = {
        posts[0].source: ["/blog/2020/01/01/p1/"],
        posts[1].source: ["/blog/2020/01/02/p2/"],
        posts[2].source: ["/blog/2020/01/03/p3/#x"],
    }
    assert permalink_pattern(posts, linked) == "/blog/:year/:month/:day/:slug/"
    redirects = old_addresses(posts, linked)
    assert redirects["blog/2020/01/05/p5/index"] == posts[4].source  # never linked, still known
    # Two links are not enough to call it the blog's pattern.
    assert permalink_pattern(posts, dict(list(linked.items())[:2])) == ""


def test_heading_anchors_answer_to_the_generators_fragments() -> None:
    from bookgen.read.markdown import read_markdown

    blocks = read_markdown("# Setup\n\n## Setup\n\n## Über C++ & Rust!\n", "p.md", 1).blocks
    anchors = heading_anchors(blocks)
    assert "setup" in anchors[0] and "setup-1" in anchors[1]  # GitHub and Hugo number repeats
    assert github_anchor("Über C++ & Rust!") == "über-c--rust"
    assert {"über-c--rust", "übercrust", "ubercrust"} <= anchors[2]  # kramdown, Zola


def test_a_renamed_post_moves_every_link_to_it_and_an_edit_moves_only_its_targets(tmp_path: Path) -> None:
    blog = tmp_path / "blog"
    shutil.copytree(BLOG, blog)
    cache = tmp_path / "cache"
    before = build_book(Sources.from_folder(blog, site_url=SITE), cache=cache)

    # Renamed: the title (and so the slug) of the third post changes.
    third = blog / "third.md"
    third.write_text(third.read_text(encoding="utf-8").replace("Third: the plan", "The mowing plan"), "utf-8")
    renamed = build_book(Sources.from_folder(blog, site_url=SITE), cache=cache)
    new_label = chapter_label("the-mowing-plan-for-the-robot")
    assert ("plan I wrote later", new_label) in targets(body(renamed, FIRST))
    assert ("the plan", new_label) in targets(body(renamed, FOURTH))
    assert not any(THIRD in text for text in renamed.pages.values())

    # Edited: the lentil soup post now links the fourth post; its page and the fourth's
    # (a new backlink) change, no other post's page.
    lonely = blog / "lonely.md"
    lonely.write_text(
        lonely.read_text(encoding="utf-8") + "\nA robot could stir it: [see the fix](/blog/fourth/).\n",
        "utf-8",
    )
    edited = build_book(Sources.from_folder(blog, site_url=SITE), cache=cache)
    changed = {
        name
        for name in edited.pages
        if name.startswith("posts/") and edited.pages[name] != renamed.pages.get(name)
    }
    assert changed == {"posts/a-recipe-for-lentil-soup.md", f"posts/{FOURTH}.md"}
    assert "“A robot could stir it: see the fix.”" in page(edited, FOURTH)
    assert edited.reused["page"] == len(edited.book.posts) - 1  # backlinks are not the page's own work
    assert before.pages.keys() - renamed.pages.keys() == {f"posts/{THIRD}.md"}


def test_a_link_lands_the_same_from_a_cold_and_a_cached_build(tmp_path: Path) -> None:
    cold = build_book(Sources.from_folder(BLOG, site_url=SITE))
    build_book(Sources.from_folder(BLOG, site_url=SITE), cache=tmp_path)
    warm = build_book(Sources.from_folder(BLOG, site_url=SITE), cache=tmp_path)
    assert warm.pages == cold.pages
    assert dataclasses.asdict(warm.link_counts["third.md"]) == dataclasses.asdict(
        cold.link_counts["third.md"]
    )
