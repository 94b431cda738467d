"""Images, figures, footnotes, definition lists, task lists and table alignment: read
from Markdown into the model, written as MyST that reads back as the same structure."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image as PILImage

from bookgen.cli import main as convert
from bookgen.model import (
    Block,
    DefinitionList,
    Figure,
    Footnote,
    FootnoteRef,
    Image,
    LineBreak,
    Link,
    ListBlock,
    MathBlock,
    Paragraph,
    ReportKind,
    Table,
    Text,
    plain_text,
)
from bookgen.read.markdown import read_markdown
from bookgen.read.post import read_post
from bookgen.render.myst import render_blocks
from bookgen.resolve.images import ImageFiles, copy_name, resolve_images
from bookgen.words import block_texts
from tests.helpers import structure


def read(text: str) -> tuple[list[Block], list[str]]:
    body = read_markdown(text, "p.md", 1)
    return list(body.blocks), [r.kind.value for r in body.reports]


def test_inline_image_keeps_address_alt_and_title() -> None:
    blocks, reports = read('See ![a red square](https://example.org/r.png "Red") here.\n')
    paragraph = blocks[0]
    assert isinstance(paragraph, Paragraph) and reports == []
    assert paragraph.children[1] == Image("https://example.org/r.png", "a red square", "Red")
    assert plain_text(paragraph.children) == "See a red square Red here."


def test_relative_and_root_relative_images_are_kept_for_resolve() -> None:
    blocks, _ = read("![one](img/one.png) ![two](/images/two.png)\n")
    paragraph = blocks[0]
    assert isinstance(paragraph, Paragraph)
    images = [node for node in paragraph.children if isinstance(node, Image)]
    assert [image.src for image in images] == ["img/one.png", "/images/two.png"]


@pytest.mark.parametrize(
    "src",
    ["javascript:alert(1)", "data:image/png;base64,AAAA", "file:///etc/passwd", "//evil.example/x.png"],
)
def test_image_of_another_scheme_is_its_text_with_a_report(src: str) -> None:
    blocks, reports = read(f"![the alt words]({src})\n")
    assert blocks == [Paragraph((Text("the alt words"),))]
    assert reports == [ReportKind.IMAGE.value]


def test_image_alone_with_a_title_is_a_captioned_figure() -> None:
    blocks, _ = read('![A chart](https://example.org/c.png "Sales by month")\n')
    assert blocks == [Figure(Image("https://example.org/c.png", "A chart"), (Text("Sales by month"),))]
    rendered = render_blocks(blocks)
    assert structure(rendered).blocks["{figure}"] == 1
    assert ":alt: A chart" in rendered and "Sales by month" in rendered


def test_footnotes_are_numbered_references_and_notes() -> None:
    blocks, _ = read("Text[^why] and[^2].\n\n[^why]: The reason, *briefly*.\n\n    More.\n\n[^2]: Two.\n")
    paragraph = blocks[0]
    assert isinstance(paragraph, Paragraph)
    assert [n for n in paragraph.children if isinstance(n, FootnoteRef)] == [
        FootnoteRef("1"),
        FootnoteRef("2"),
    ]
    notes = [b for b in blocks if isinstance(b, Footnote)]
    assert [n.label for n in notes] == ["1", "2"] and len(notes[0].children) == 2
    rendered = render_blocks(blocks)
    tokens = structure(rendered)
    assert tokens.inline["footnote_ref"] == 2 and tokens.blocks["footnote_reference_open"] == 2


def test_definition_list_reads_and_renders() -> None:
    blocks, _ = read(
        "Latency\n: Time to the first byte.\n: Or to the answer.\n\nThroughput\n: Work per second.\n"
    )
    assert isinstance(blocks[0], DefinitionList)
    assert [plain_text(term) for term, _ in blocks[0].items] == ["Latency", "Throughput"]
    assert [len(definitions) for _, definitions in blocks[0].items] == [2, 1]
    assert structure(render_blocks(blocks)).blocks["dl_open"] == 1


def test_task_list_shows_its_boxes() -> None:
    blocks, _ = read("- [ ] write it\n- [x] ship it\n- [X] tell people\n")
    assert isinstance(blocks[0], ListBlock) and blocks[0].checked == (False, True, True)
    assert list(block_texts(blocks)) == ["write it", "ship it", "tell people"]
    assert render_blocks(blocks) == "- \u2610 write it\n- \u2611 ship it\n- \u2611 tell people"


def test_a_list_without_boxes_is_no_task_list() -> None:
    blocks, _ = read("- [link](https://example.org)\n- [ ]\n")
    assert isinstance(blocks[0], ListBlock) and blocks[0].checked == ()


def test_table_alignment_is_kept() -> None:
    blocks, _ = read("| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |\n")
    assert isinstance(blocks[0], Table) and blocks[0].align == ("left", "center", "right", "")
    rendered = render_blocks(blocks).split("\n")
    assert rendered[0] == "```{tabularcolumns} |L|C|R|L|"  # the PDF's columns, aligned alike
    assert rendered[4] == "|:---|:---:|---:|---|"


def test_a_long_aligned_table_has_no_paper_columns() -> None:
    """Over 30 rows Sphinx sets a longtable, which takes no tabulary columns: the PDF
    build warned and failed on a real blog's 41-row table."""
    rows = "".join(f"| {n} | x |\n" for n in range(30))
    blocks, _ = read("| a | b |\n|--:|---|\n" + rows)
    rendered = render_blocks(blocks)
    assert "tabularcolumns" not in rendered and "|---:|---|" in rendered
    blocks, _ = read("| a | b |\n|--:|---|\n" + "".join(f"| {n} | x |\n" for n in range(29)))
    assert render_blocks(blocks).startswith("```{tabularcolumns} |R|L|")


@pytest.mark.parametrize(
    "text",
    [
        "![{eval-rst}`x` <script>alert(1)</script> *em*](https://example.org/a.png)\n",
        '![x](https://example.org/a.png "```{raw} html\n<script>alert(1)</script>\n```")\n',
        "Term {raw}`html <b>`\n: :::{eval-rst}\n\n[^1]: ```{raw} html\n\n[^1]\n",
        "![x](<https://example.org/a b.png>)\n",
        "- [x] ```{raw} html\n- [ ] {eval-rst}`x`\n",
    ],
)
def test_rich_content_never_turns_post_text_into_markup(text: str) -> None:
    blocks, _ = read(text)
    tokens = structure(render_blocks(blocks))
    assert not any(name in ("{raw}", "{eval-rst}") for name in tokens.blocks)
    assert not tokens.roles.keys() - {"math"}
    assert "html_inline" not in tokens.inline and "html_block" not in tokens.blocks


# --- local images ---------------------------------------------------------------------


def tiny_png(color: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (4, 3)) -> bytes:
    """A valid PNG of one colour."""
    out = io.BytesIO()
    PILImage.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


FILES = ImageFiles(
    frozenset({"2024/bundle/cat.png", "2024/beside.png", "img/logo.png"}), frozenset({"images/site.png"})
)


@pytest.mark.parametrize(
    ("src", "post", "found"),
    [
        ("cat.png", "2024/bundle/index.md", ("posts", "2024/bundle/cat.png")),
        ("./cat.png?v=2#x", "2024/bundle/index.md", ("posts", "2024/bundle/cat.png")),
        ("../beside.png", "2024/bundle/index.md", ("posts", "2024/beside.png")),
        ("/images/site.png", "a.md", ("static", "images/site.png")),
        ("/img/logo.png", "a.md", ("posts", "img/logo.png")),
        ("../../images/site.png", "2024/a.md", ("static", "images/site.png")),
        ("images/site%2Epng", "a.md", ("static", "images/site.png")),
        ("../../../../2024/bundle/cat.png", "2025/other/index.md", ("posts", "2024/bundle/cat.png")),
        ("../../../../etc/passwd", "2024/bundle/index.md", None),
        ("/../../etc/passwd", "a.md", None),
        ("missing.png", "a.md", None),
    ],
)
def test_image_paths_find_only_files_of_the_blog(src: str, post: str, found: tuple[str, str] | None) -> None:
    assert FILES.find(src, post) == found


def test_local_images_point_at_their_copies_and_missing_ones_are_their_text() -> None:
    post = read_post(
        b'# T\n\n![a cat](cat.png) ![gone](nope.png)\n\n![x](cat.png "Caption")\n', "2024/bundle/index.md"
    )
    resolved = resolve_images(post, FILES)
    paragraph, figure = resolved.post.body
    assert isinstance(paragraph, Paragraph) and isinstance(figure, Figure)
    image = paragraph.children[0]
    copy = copy_name("posts", "2024/bundle/cat.png")
    assert image == Image(f"../{copy}", "a cat") and figure.image.src == f"../{copy}"
    assert paragraph.children[-1] == Text("gone")
    assert resolved.copies == {copy: ("posts", "2024/bundle/cat.png")}
    assert [r.kind for r in resolved.reports] == [ReportKind.IMAGE]


def test_missing_images_without_alt_text_leave_no_scene_breaks_together() -> None:
    post = read_post(b"# T\n\nWords.\n\n---\n\n![](a.png)\n\n---\n\n<img src='/b.png'>\n", "a.md")
    resolved = resolve_images(post, FILES)
    assert resolved.post.body == (Paragraph((Text("Words."),)),)  # docutils refuses a trailing break
    assert [r.kind for r in resolved.reports] == [ReportKind.IMAGE, ReportKind.IMAGE]


def test_copy_names_are_safe_and_distinct() -> None:
    names = {copy_name("posts", p) for p in ("a/Cat Photo.PNG", "b/Cat Photo.PNG", "../x.png", 'q"<>.png')}
    assert len(names) == 4
    for name in names:
        assert name.startswith("images/") and name.count("/") == 2
        assert all(c.isascii() and (c.isalnum() or c in "-./") for c in name), name


def test_convert_copies_the_images_a_post_shows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    posts, static, out = tmp_path / "posts", tmp_path / "static", tmp_path / "out"
    (posts / "trip").mkdir(parents=True)
    (static / "images").mkdir(parents=True)
    (posts / "trip" / "index.md").write_text(
        "# Trip\n\n![the lake](lake.png) ![site logo](/images/logo.png) ![lost](lost.png)\n", encoding="utf-8"
    )
    (posts / "trip" / "lake.png").write_bytes(tiny_png())
    (posts / "trip" / "unused.png").write_bytes(tiny_png((0, 0, 0)))
    (static / "images" / "logo.png").write_bytes(tiny_png((0, 0, 255)))
    (posts / "chart.png").write_bytes(tiny_png((0, 255, 0)))  # beside the posts: an image, not a post
    args = ["--posts", str(posts), "--static", str(static), "--out", str(out), "-q"]
    assert convert(args) == 0
    copied = sorted(p.relative_to(out).as_posix() for p in (out / "images").rglob("*.png"))
    assert copied == sorted([copy_name("posts", "trip/lake.png"), copy_name("static", "images/logo.png")])
    assert (out / copy_name("posts", "trip/lake.png")).read_bytes() == tiny_png()
    printed = capsys.readouterr().out
    assert "trip/index.md: image: image file 'lost.png' is not in the blog's files" in printed
    assert "chart.png" not in printed
    (static / "images" / "logo.png").write_bytes(tiny_png((255, 255, 0)))  # a changed image is copied again
    assert convert(args) == 0
    assert (out / copy_name("static", "images/logo.png")).read_bytes() == tiny_png((255, 255, 0))


# --- embeds -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "text", "url"),
    [
        ("{{< youtube dQw4w9WgXcQ >}}", "YouTube video dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
        ('{{< youtube id="w7Ft2ymGmfc" title="A talk" >}}', "A talk", "https://www.youtube.com/watch?v=w7Ft2ymGmfc"),
        ("{{< vimeo 146022717 >}}", "Vimeo video 146022717", "https://vimeo.com/146022717"),
        ("{{< gist spf13 7896402 img.html >}}", "GitHub gist spf13/7896402 (img.html)",
         "https://gist.github.com/spf13/7896402"),
        ('{{< tweet user="SanDiegoZoo" id="1453110110599868418" >}}', "Post on X by @SanDiegoZoo",
         "https://x.com/SanDiegoZoo/status/1453110110599868418"),
        ("{{< tweet 877500564405444608 >}}", "Post on X 877500564405444608",
         "https://x.com/i/status/877500564405444608"),
        ('{{< x user="golang" id="1" >}}', "Post on X by @golang", "https://x.com/golang/status/1"),
        ("{{< instagram BWNjjyYFxVx >}}", "Instagram post BWNjjyYFxVx", "https://www.instagram.com/p/BWNjjyYFxVx/"),
    ],
)  # fmt: skip
def test_embed_shortcodes_become_captioned_links(tag: str, text: str, url: str) -> None:
    blocks, reports = read(f"Watch: {tag}\n")
    assert blocks == [Paragraph((Text("Watch: "), Link((Text(text),), url)))] and reports == []


@pytest.mark.parametrize(
    "tag",
    ['{{< youtube "javascript:alert(1)" >}}', "{{< gist a/../b c >}}", '{{< tweet user="x" id="1; rm" >}}',
     '{{< youtube id="unclosed >}}', "{{< unknown thing >}}"],
)  # fmt: skip
def test_other_shortcodes_stay_as_typed(tag: str) -> None:
    blocks, reports = read(f"{tag}\n")
    paragraph = blocks[0]
    assert isinstance(paragraph, Paragraph) and not any(isinstance(n, Link) for n in paragraph.children)
    assert reports == [ReportKind.TEMPLATE.value]


def test_a_break_right_before_the_footnotes_is_left_to_myst() -> None:
    """MyST draws a rule before the footnotes; the author's own would make two in a row,
    which docutils refuses."""
    post = read_post(b"# T\n\nText[^1].\n\n---\n\n[^1]: Note.\n", "p.md")
    assert [type(block).__name__ for block in post.body] == ["Paragraph", "Footnote"]


def test_hugo_figure_shortcode_is_a_captioned_figure() -> None:
    blocks, reports = read(
        '{{< figure src="elephant.jpg" title="An elephant" caption="at sunset" alt="grey" >}}\n'
    )
    assert (
        blocks == [Figure(Image("elephant.jpg", "grey"), (Text("An elephant at sunset"),))] and reports == []
    )
    blocks, reports = read('See {{< figure src="javascript:alert(1)" caption="the chart" >}}\n')
    assert blocks == [Paragraph((Text("See the chart"),))] and reports == [ReportKind.IMAGE.value]


def test_parentheses_escaped_for_markdown_are_parentheses_in_a_formula() -> None:
    blocks, reports = read("$$ \\mathbb{P}\\(|X| > \\epsilon \\) \\leq 2e^{-2n} $$\n")
    assert blocks == [MathBlock("\\mathbb{P}(|X| > \\epsilon ) \\leq 2e^{-2n}")] and reports == []


def test_line_breaks_that_end_no_line_are_not_written() -> None:
    """``<br><br>`` opening a paragraph, or two in a row: LaTeX stops on a break with no line."""
    paragraph = Paragraph(
        (LineBreak(), Text(" "), LineBreak(), Text("Text"), LineBreak(), LineBreak(), Text("more"))
    )
    assert render_blocks([paragraph]) == "Text\\\nmore"
