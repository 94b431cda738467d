"""Real blogs as their generators leave them (issue 17): front matter fields where Hugo,
Jekyll and Zola keep them, folders and page bundles, drafts, generator syntax, posts
titled alike, and text kept as typed. The inputs are the small blogs in tests/blogs/,
shaped like real ones."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bookgen.api import BookBuild, Sources, build_book
from bookgen.model import CodeBlock, Heading, Paragraph, ReportKind, plain_text
from bookgen.read.decode import decode_post
from bookgen.read.files import read_post_files
from bookgen.read.markdown import read_markdown
from bookgen.read.metadata import PostFields, date_from_path, read_fields, split_front_matter
from bookgen.read.post import read_post
from tests.helpers import ROOT

BLOGS = ROOT / "tests" / "blogs"


def build(folder: Path, *, drafts: bool = False) -> BookBuild:
    return build_book(Sources.from_folder(folder), drafts=drafts)


def fields_of(text: str) -> PostFields:
    split = split_front_matter(text, "p.md")
    return read_fields(split.fields, "p.md", split.field_lines)


# --- 2. dates, tags and authors where generators keep them -----------------------------


@pytest.mark.parametrize(
    ("front_matter", "date"),
    [
        ("---\npublishDate: 2019-04-02T09:30:00+02:00\n---\n", dt.date(2019, 4, 2)),  # Hugo
        ("---\npubDate: '2021-06-30'\n---\n", dt.date(2021, 6, 30)),  # Astro
        ("---\nlastmod: 2020-01-13\n---\n", dt.date(2020, 1, 13)),  # Hugo, last resort
        ("+++\nupdated = 2016-02-03\n+++\n", dt.date(2016, 2, 3)),  # Zola
        ('+++\npath = "2014/12/12/zola-path"\n+++\n', dt.date(2014, 12, 12)),  # Zola's path
        ("---\npermalink: /2017/10/05/reasons/\n---\n", dt.date(2017, 10, 5)),
        ("---\ndate: 2019-01-02 10:00:00 +0100\n---\n", dt.date(2019, 1, 2)),  # Jekyll
        ("---\ndate: nonsense\npublishDate: 2018-03-04\n---\n", dt.date(2018, 3, 4)),
    ],
)
def test_dates_are_read_where_generators_keep_them(front_matter: str, date: dt.date) -> None:
    assert fields_of(front_matter + "Body\n").date == date


def test_tags_and_authors_where_generators_keep_them() -> None:
    hugo = fields_of("---\nkeywords: [k]\ncategories: [c]\nseries: [s]\nauthor: Ann\n---\nB\n")
    assert set(hugo.tags) == {"k", "c", "s"} and hugo.authors == ("Ann",)
    jekyll = fields_of("---\ncategory: news\nauthors: [Bo, Cy]\n---\nB\n")
    assert jekyll.tags == ("news",) and jekyll.authors == ("Bo", "Cy") and jekyll.reports == ()
    zola = fields_of('+++\n[taxonomies]\ntags = ["a"]\ncategories = ["b"]\n[extra]\nauthor = "Zed"\n+++\nB\n')
    assert zola.tags == ("a", "b") and zola.authors == ("Zed",)


def test_front_matter_opened_with_more_than_three_dashes() -> None:
    post = read_post(b"-----\ntitle: Five dashes\ndate: 2018-05-06\n-----\n\nText.\n", "p.md")
    assert post.title == "Five dashes" and post.date == dt.date(2018, 5, 6)


def test_toml_front_matter_after_blank_lines() -> None:
    # Zola (and Hugo) skip blank lines before ``+++``; Zola's own theme pages start with one.
    post = read_post(b'\n  \n+++\ntitle = "Late start"\ndate = 2020-02-03\n+++\n\nText.\n', "p.md")
    assert post.title == "Late start" and post.date == dt.date(2020, 2, 3)
    assert [plain_text(b.children) for b in post.body if isinstance(b, Paragraph)] == ["Text."]
    split = split_front_matter('\n+++\ntitle = "T"\n+++\nBody\n', "p.md")
    assert split.body_line == 4 and split.body.strip() == "Body"  # one line later than without
    # Text before the ``+++`` line: no front matter
    assert not split_front_matter('Intro\n+++\ntitle = "T"\n+++\n', "p.md").has_front_matter


@pytest.mark.parametrize(
    ("path", "date", "month_only"),
    [
        ("2020/05/12/post.md", dt.date(2020, 5, 12), False),
        ("2020/05/post.md", dt.date(2020, 5, 1), True),
        ("2014-12-12-a-bundle/index.md", dt.date(2014, 12, 12), False),
        ("2018/2018-07-01-nested.md", dt.date(2018, 7, 1), False),
        ("notes/git/undo.md", None, False),
    ],
)
def test_dates_from_folders(path: str, date: dt.date | None, month_only: bool) -> None:
    assert date_from_path(path) == (date, month_only)


def test_no_post_of_the_blogs_is_undated_where_its_generator_recorded_a_date() -> None:
    for blog in ("hugo/posts", "jekyll/_posts", "zola/blog"):
        built = build(BLOGS / blog)
        assert all(post.date is not None for post in built.book.posts), blog
    month = next(p for p in build(BLOGS / "hugo/posts").book.posts if p.source.startswith("2021/"))
    assert month.month_only and "March 2021 ·" in build(BLOGS / "hugo/posts").pages[f"posts/{month.slug}.md"]


def test_drafts_are_left_out_with_a_report_unless_asked_for() -> None:
    built = build(BLOGS / "hugo/posts")
    assert "unfinished.md" not in {post.source for post in built.book.posts}
    (report,) = [r for r in built.reports if r.source == "unfinished.md"]
    assert report.kind is ReportKind.LEFT_OUT and "draft" in report.message
    assert "unfinished.md" in {post.source for post in build(BLOGS / "hugo/posts", drafts=True).book.posts}


# --- 3. folders and page bundles ---------------------------------------------------------


def test_folders_are_read_recursively_and_a_bundle_is_one_post() -> None:
    found = read_post_files(BLOGS / "hugo/posts")
    names = [name for name, _ in found.posts]
    assert "2021/03/month-folder.md" in names and "bundle-post/index.md" in names
    assert not any(name.startswith("bundle-post/") and name != "bundle-post/index.md" for name in names)
    assert sorted(found.assets) == [
        ("bundle-post/cover.png", "bundle-post/index.md"),
        ("bundle-post/notes.txt", "bundle-post/index.md"),
    ]
    assert found.skipped == []
    bundle = next(p for p in build(BLOGS / "hugo/posts").book.posts if p.source == "bundle-post/index.md")
    assert bundle.slug == "a-page-bundle-with-its-pictures"


def test_a_bundle_without_title_is_named_by_its_folder(tmp_path: Path) -> None:
    (tmp_path / "my-trip").mkdir()
    (tmp_path / "my-trip" / "index.md").write_text("Words of the trip.\n", encoding="utf-8")
    (post,) = build(tmp_path).book.posts
    assert post.title == "my trip" and post.slug == "my-trip"


def test_section_index_pages_without_text_are_left_out_with_a_report() -> None:
    built = build(BLOGS / "zola/blog")
    assert "_index.md" not in {post.source for post in built.book.posts}
    assert [r.kind for r in built.reports if r.source == "_index.md"] == [ReportKind.LEFT_OUT]


def test_a_section_page_with_a_description_only_is_left_out(tmp_path: Path) -> None:
    (tmp_path / "_index.md").write_text('+++\ntitle = "Blog"\ndescription = "Empowering everyone"\n+++\n')
    (tmp_path / "post.md").write_text("---\ntitle: A post\n---\n\nWords.\n", encoding="utf-8")
    built = build(tmp_path)
    assert [post.source for post in built.book.posts] == ["post.md"]
    assert [r.kind for r in built.reports if r.source == "_index.md"] == [ReportKind.LEFT_OUT]


def test_undated_notes_are_grouped_by_folder() -> None:
    built = build(BLOGS / "notes")
    assert [part.title for part in built.book.parts] == ["git", "languages", "vim"]
    assert built.skipped == []  # an image beside the notes is a file a note may show, not a post


def test_subfolders_deeper_than_the_limit_are_reported(tmp_path: Path) -> None:
    from bookgen.read.files import MAX_DEPTH

    folder = tmp_path
    for level in range(MAX_DEPTH + 1):
        folder = folder / f"d{level}"
    folder.mkdir(parents=True)
    (folder / "deep.md").write_text("# Deep\n\nText.\n", encoding="utf-8")
    found = read_post_files(tmp_path)
    assert found.posts == [] and len(found.skipped) == 1 and "nested over" in found.skipped[0]


# --- 4. posts titled alike ---------------------------------------------------------------


def test_posts_titled_alike_are_told_apart_by_their_dates() -> None:
    landing = build(BLOGS / "hugo/posts").pages["landing.md"]
    assert "Weekly notes (6 January 2020) <generated/posts/weekly-notes>" in landing
    assert "Weekly notes (13 January 2020) <generated/posts/weekly-notes-2>" in landing
    assert "{grid-item-card} Weekly notes (6 January 2020)" in landing


# --- 5. text as typed --------------------------------------------------------------------


def test_entities_and_code_are_kept_as_typed() -> None:
    text = "Typed &lt;script&gt; and `&#39;` and `Caf\u00c3\u00a9`.\n\n```\nCaf\u00c3\u00a9\n```\n"
    decoded = decode_post(text.encode("utf-8"), "p.md")
    assert decoded.text == text and decoded.reports == ()


def test_damaged_prose_next_to_code_is_repaired_and_reported() -> None:
    decoded = decode_post("Caf\u00c3\u00a9 and `Caf\u00c3\u00a9`.\n".encode(), "p.md")
    assert decoded.text == "Café and `Caf\u00c3\u00a9`.\n"
    (report,) = decoded.reports
    assert report.kind is ReportKind.MOJIBAKE and report.line == 1


def test_bare_urls_are_shown_as_typed() -> None:
    (paragraph,) = read_markdown("See https://example.org/caf%C3%A9?q=a%20b now.\n", "p.md", 1).blocks
    assert isinstance(paragraph, Paragraph)
    assert "https://example.org/caf%C3%A9?q=a%20b" in plain_text(paragraph.children)


# --- 6. generator syntax -----------------------------------------------------------------


def test_highlight_tags_become_code_blocks() -> None:
    text = (
        "Text.\n{% highlight ruby %}\ndef x\n> y\nend\n{% endhighlight %}\n\n"
        '{{< highlight go "linenos=table" >}}\nfunc main() {}\n{{< /highlight >}}\n'
    )
    blocks = read_markdown(text, "p.md", 1).blocks
    assert blocks[1:] == (CodeBlock("def x\n> y\nend\n", "ruby"), CodeBlock("func main() {}\n", "go"))


def test_an_unclosed_highlight_tag_stays_text() -> None:
    body = read_markdown("{% highlight ruby %}\nputs 1\n", "p.md", 1)
    assert not any(isinstance(block, CodeBlock) for block in body.blocks)
    (paragraph,) = body.blocks
    assert isinstance(paragraph, Paragraph) and "puts 1" in plain_text(paragraph.children)


def test_more_mark_is_not_shown_and_marks_the_summary() -> None:
    post = read_post(b"---\ntitle: T\n---\nThe summary sentence.\n\n<!--more-->\n\nThe rest.\n", "p.md")
    assert post.excerpt == "The summary sentence."
    assert [plain_text(b.children) for b in post.body if isinstance(b, Paragraph)] == [
        "The summary sentence.",
        "The rest.",
    ]
    assert len(post.body) == 2


def test_no_empty_section_note_under_a_heading_followed_by_a_subheading() -> None:
    post = read_post(b"# T\n\n## Part\n\n### Detail\n\nText.\n", "p.md")
    assert [type(block) for block in post.body] == [Heading, Heading, Paragraph]
    assert not any(r.kind is ReportKind.EMPTY_SECTION for r in post.reports)


@pytest.mark.parametrize(("name", "title"), [("_posts", "Posts"), ("my-blog", "My Blog"), ("___", "Book")])
def test_a_book_without_book_file_is_titled_after_its_folder(tmp_path: Path, name: str, title: str) -> None:
    from bookgen.api import folder_title

    assert folder_title(tmp_path / name) == title
