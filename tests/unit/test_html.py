"""HTML in posts: each element to its model node, through the allowlist sanitizer, with
comments, scripts and styles not shown but counted, and nothing able to become markup."""

from __future__ import annotations

import time

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bookgen.model import (
    Block,
    Code,
    CodeBlock,
    DefinitionList,
    Details,
    Emphasis,
    Figure,
    Heading,
    Image,
    LineBreak,
    Link,
    ListBlock,
    Paragraph,
    Quote,
    ReportKind,
    SiteLink,
    Strong,
    Table,
    Text,
    ThematicBreak,
    plain_text,
)
from bookgen.read.html import MAX_BLOCK_TAGS, read_html_block, read_html_inline
from bookgen.read.markdown import read_markdown
from bookgen.render.myst import render_blocks
from tests.helpers import structure


def read(html: str) -> tuple[tuple[Block, ...], list[str]]:
    blocks, reports = read_html_block(html, "p.md", 4)
    return blocks, [f"{r.kind.value}: {r.message}" for r in reports]


def test_running_text_keeps_emphasis_code_breaks_and_links() -> None:
    blocks, reports = read(
        "<p>A <b>bold</b> <i>it</i> <code>x  = 1</code> <kbd>Ctrl</kbd> x<sup>2</sup><br>"
        '<a href="https://example.org/">link</a></p>'
    )
    assert blocks == (
        Paragraph(
            (
                Text("A "),
                Strong((Text("bold"),)),
                Text(" "),
                Emphasis((Text("it"),)),
                Text(" "),
                Code("x = 1"),
                Text(" "),
                Code("Ctrl"),
                Text(" x2"),
                LineBreak(),
                Link((Text("link"),), "https://example.org/"),
            )
        ),
    )
    assert reports == []


def test_white_space_stays_outside_emphasis() -> None:
    blocks, _ = read("<p>a<b> bold </b>b</p>")
    assert render_blocks(blocks) == "a **bold** b"  # "** bold **" would be no emphasis


def test_blocks_become_their_model_nodes() -> None:
    blocks, _ = read(
        "<div><h2>Title</h2><ul><li>one</li><li>two</li></ul><ol start='3'><li>c</li></ol>"
        "<blockquote>quoted</blockquote><hr><dl><dt>Term</dt><dd>Meaning</dd></dl></div>"
    )
    assert blocks == (
        Heading(2, (Text("Title"),)),
        ListBlock(((Paragraph((Text("one"),)),), (Paragraph((Text("two"),)),))),
        ListBlock(((Paragraph((Text("c"),)),),), ordered=True, start=3),
        Quote((Paragraph((Text("quoted"),)),)),
        ThematicBreak(),
        DefinitionList((((Text("Term"),), ((Paragraph((Text("Meaning"),)),),)),)),
    )


def test_a_heading_in_a_quote_is_bold_words() -> None:
    blocks, _ = read("<blockquote><h3>Inside</h3></blockquote>")
    assert blocks == (Quote((Paragraph((Strong((Text("Inside"),)),)),)),)


def test_preformatted_text_is_a_code_block_in_its_language() -> None:
    blocks, _ = read('<pre><code class="language-python highlight">if a &lt; b:\n    pass\n</code></pre>')
    assert blocks == (CodeBlock("if a < b:\n    pass\n", "python"),)
    blocks, reports = read('<pre class="language-nosuchlanguage">x</pre>')
    assert blocks == (CodeBlock("x", caption="nosuchlanguage"),)
    assert reports[0].startswith("code:")


def test_table_with_a_header_row_and_alignment() -> None:
    blocks, _ = read(
        "<table><caption>Sizes</caption><tr><th>Name</th><th align=right>Size</th></tr>"
        "<tr><td>a<br>b</td><td>2</td></tr></table>"
    )
    assert blocks == (
        Paragraph((Text("Sizes"),)),
        Table(((Text("Name"),), (Text("Size"),)), (((Text("a b"),), (Text("2"),)),), ("", "right")),
    )
    blocks, _ = read("<table><tr><td>no</td><td>header</td></tr></table>")
    assert blocks == (Table((), (((Text("no"),), (Text("header"),)),)),)


def test_figure_images_and_captions() -> None:
    blocks, _ = read(
        '<figure><a href="https://example.org/big.png"><img src="/images/cat.png" alt="A cat" '
        'style="width:50%" onerror="x()"></a><figcaption>The <em>cat</em></figcaption></figure>'
    )
    assert blocks == (Figure(Image("/images/cat.png", "A cat"), (Text("The "), Emphasis((Text("cat"),)))),)
    blocks, _ = read('<p><img src="https://example.org/a.png" alt="inline" title="T"></p>')
    assert blocks == (Paragraph((Image("https://example.org/a.png", "inline", "T"),)),)


def test_details_is_a_dropdown() -> None:
    blocks, _ = read("<details open><summary>Click <b>me</b></summary><p>Hidden</p></details>")
    assert blocks == (Details((Text("Click "), Strong((Text("me"),))), (Paragraph((Text("Hidden"),)),)),)
    assert render_blocks(blocks).startswith("```{dropdown} Click me\n")


def test_styles_classes_and_event_attributes_are_gone() -> None:
    blocks, reports = read(
        '<div class="x" style="position:fixed" onclick="steal()"><span id=y>words</span></div>'
    )
    assert blocks == (Paragraph((Text("words"),)),)
    assert reports == []


def test_scripts_styles_objects_and_forms_are_removed_with_one_report() -> None:
    blocks, reports = read(
        "<!-- a --><script>alert(1)</script><style>p{}</style><object data=x>fallback</object>"
        "<form><input value=v><label>Name</label></form><p>Shown<!-- b --></p><script>2</script>"
    )
    assert blocks == (Paragraph((Text("Shown"),)),)
    assert reports == [
        "html: 2 comments not shown; <form> removed (1); <object> removed (1); "
        "<script> removed (2); <style> removed (1)"
    ]


def test_a_block_of_only_a_comment_is_nothing() -> None:
    body = read_markdown("Before.\n\n<!-- a note to self -->\n\nAfter.\n", "p.md", 1)
    assert body.blocks == (Paragraph((Text("Before."),)), Paragraph((Text("After."),)))
    assert [r.message for r in body.reports] == ["1 comment not shown"]


def test_unsafe_links_and_images_are_their_text_with_a_report() -> None:
    blocks, reports = read(
        '<a href="javascript:alert(1)">click</a> <a href="/relative">rel</a> '
        '<img srcset="javascript:alert(1) 1x" src="data:image/png;base64,AAAA" alt="the alt">'
    )
    rel = SiteLink((Text("rel"),), "/relative")  # a link into the blog: resolve places it
    assert blocks == (Paragraph((Text("click "), rel, Text(" the alt"))),)
    assert [r.split(":")[0] for r in reports] == ["unsafe-link", "image"]


def test_iframes_of_video_hosts_become_links_others_are_removed() -> None:
    inlines, reports = read_html_inline(
        '<iframe src="https://www.youtube.com/embed/ftQfpAeyxPo?x=1">t</iframe>'
        '<iframe src="//player.vimeo.com/video/12345"></iframe>'
        '<iframe src="https://www.youtube-nocookie.com/embed/abc"></iframe>'
        '<iframe src="https://evil.example/"></iframe>',
        "p.md",
        1,
    )
    assert inlines == (
        Link((Text("YouTube video ftQfpAeyxPo"),), "https://www.youtube.com/watch?v=ftQfpAeyxPo"),
        Link((Text("Vimeo video 12345"),), "https://vimeo.com/12345"),
        Link((Text("YouTube video abc"),), "https://www.youtube.com/watch?v=abc"),
    )
    assert [r.message for r in reports] == ["<iframe> removed (1)"]


def test_unknown_tags_keep_their_text() -> None:
    blocks, _ = read(
        "<marquee>moving</marquee> <svg onload=alert(1)><text>drawn</text></svg> <blink>on</blink>"
    )
    assert blocks == (Paragraph((Text("moving drawn on"),)),)


def test_deep_nesting_is_bounded() -> None:
    blocks, reports = read("<div>" * 500 + "deep words" + "</div>" * 500)
    assert blocks == (Paragraph((Text("deep words"),)),)
    assert [r.split(":")[0] for r in reports] == ["structure"]
    blocks, reports = read("<ul><li>" * 30 + "x" + "</li></ul>" * 30)
    assert "x" in render_blocks(blocks)
    assert any("nested over" in r for r in reports)


def test_too_much_html_is_shown_as_its_source() -> None:
    html = "<div>" * (MAX_BLOCK_TAGS + 1)
    start = time.monotonic()
    body = read_markdown(html + "\n", "p.md", 1)
    assert time.monotonic() - start < 5
    assert isinstance(body.blocks[0], CodeBlock)
    assert [r.kind for r in body.reports] == [ReportKind.HTML]


def test_inline_tags_in_markdown_pair_around_its_text() -> None:
    body = read_markdown(
        "Some <b>bold *x*</b>, <a href='https://example.org'>a link</a>, <code>co</code> "
        "<img src='https://example.org/i.png' alt='pic'> <!-- c --> <script>hidden</script> end<br>next\n",
        "p.md",
        1,
    )
    assert render_blocks(body.blocks) == (
        "Some **bold *x***, [a link](<https://example.org>), `co` ![pic](<https://example.org/i.png>)"
        "   end\\\nnext"
    )
    assert [r.message for r in body.reports] == ["1 comment not shown; <script> removed (1)"]


def test_inline_tags_left_open_or_stray_lose_nothing() -> None:
    body = read_markdown("a </i> b <i>c *d* e\n", "p.md", 1)
    assert render_blocks(body.blocks) == "a  b *c *d* e*"


def test_injection_attempts_are_text() -> None:
    blocks, _ = read(
        "<div>```{raw} html\n<script>x</script>\n```\n{eval-rst}`x` $$ a $$ \\input{/etc/passwd} "
        "(label)= % c</div>"
    )
    page = structure(render_blocks(blocks))
    assert set(page.blocks) == {"paragraph_open"} and not page.roles and set(page.inline) <= {"softbreak"}


HTML_PIECES = [
    "<div>", "</div>", "<p>", "<b>", "</b>", "<i>", "<br>", "<pre>", "</pre>",
    "<code class='language-{eval-rst}'>",
    "<ul><li>", "</li></ul>", "<table><tr><th>", "<td>", "</table>", "<details><summary>", "</summary>",
    "</details>", "<figure><img src='x.png' alt='a`b'><figcaption>", "</figcaption></figure>", "<dl><dt>",
    "<dd>", "<blockquote>", "<h1>", "</h1>", "<a href='https://e.org/?a=`{raw}`'>", "</a>", "<!--", "-->",
    "<script>", "<style>", "<iframe src='https://youtube.com/embed/x'>", "```{raw} html", "{eval-rst}`x`",
    "$$", "\\input{x}", "(t)=", "% c", "# h", "- ", "1. ", ":::", "|", "&lt;", "&amp;", "\n", "\n\n", " ",
    "word",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(HTML_PIECES), max_size=30).map("".join) | st.text(max_size=200))
@example("<figure><img src='a.png' alt='```{raw} html'><figcaption>:::{note}</figcaption></figure>")
def test_any_html_renders_to_no_directive_the_converter_does_not_write(html: str) -> None:
    blocks, _ = read_html_block(html, "p.md", 1)
    page = structure(render_blocks(blocks))
    directives = {name for name in page.blocks if name.startswith("{")}
    assert directives <= {"{figure}", "{dropdown}", "{code-block}", "{math}", "{tabularcolumns}"}, html
    assert "html_block" not in page.blocks and "html_inline" not in page.inline, html
    assert not set(page.roles), html


def test_xmp_shows_its_content_as_typed_and_empty_tables_are_nothing() -> None:
    blocks, reports = read(
        "<xmp>\n<div id='app'>\n<!-- c --><style>x{}</style>\n</xmp><table><tr><td></td></tr></table>"
    )
    assert blocks == (CodeBlock("<div id='app'>\n<!-- c --><style>x{}</style>\n"),)
    assert reports == []


def test_a_line_break_ending_a_paragraph_is_no_stray_backslash() -> None:
    body = read_markdown("We talk about<br>\n\n<p>words<br><br></p>\n", "p.md", 1)
    assert render_blocks(body.blocks) == "We talk about\n\nwords"


def test_a_post_of_deep_html_is_bounded_and_reported_once() -> None:
    start = time.monotonic()
    body = read_markdown(("<div>" * (MAX_BLOCK_TAGS - 100) + "\n\n") * 11, "p.md", 1)
    assert time.monotonic() - start < 20
    assert [r.kind for r in body.reports] == [ReportKind.STRUCTURE, ReportKind.HTML]


def test_a_pipe_in_code_in_a_table_cell_stays_in_its_cell() -> None:
    blocks, _ = read(
        "<table><tr><th>a</th><th>b</th></tr><tr><td><code>x|y</code></td><td>z|w</td></tr></table>"
    )
    page = render_blocks(blocks)
    assert page.split("\n")[2] == "| `x\\|y` | z\\|w |"
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    shown = create_md_parser(MdParserConfig(), RendererHTML).render(page)
    assert "<td><code>x|y</code></td>" in shown and "<td>z|w</td>" in shown


def test_github_style_details_hold_the_markdown_between_their_tags() -> None:
    text = (
        "<details>\n<summary>Where narwhals live</summary>\n\nArctic **waters**.\n\n"
        "<details><summary>Inner</summary>\n\nDeeper.\n\n</details>\n\n</details>\n\nAfter.\n"
    )
    blocks = read_markdown(text, "p.md", 1).blocks
    assert len(blocks) == 2 and isinstance(blocks[0], Details) and isinstance(blocks[1], Paragraph)
    outer = blocks[0]
    assert plain_text(outer.summary) == "Where narwhals live"
    assert isinstance(outer.children[0], Paragraph) and isinstance(outer.children[1], Details)
    assert plain_text(outer.children[1].summary) == "Inner"


def test_an_unclosed_details_block_stays_on_its_own() -> None:
    blocks = read_markdown("<details><summary>Open</summary>\n\nText after.\n", "p.md", 1).blocks
    assert isinstance(blocks[0], Details) and isinstance(blocks[-1], Paragraph)
