"""Fuzzing the per-post work: whatever the front matter and body, no exception escapes
``read_post`` or the page renderer, and memory stays bounded (input sizes are bounded,
so time is too; no deadline, as the machine's speed is not under test)."""

from __future__ import annotations

import tracemalloc

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookgen.read.post import read_post
from bookgen.render.post_page import render_post_page

MAX_PEAK_BYTES = 64_000_000
KEYS = ["title", "date", "tags", "categories", "description", "summary", "weight", "draft"]
YAML_SCALARS = [
    "x",
    "42",
    "9" * 5000,
    "2024-13-45",
    "2024-02-30",
    "2024-01-02",
    "2024-01-02T10:00:00Z",
    "0000-00-00",
    "null",
    "~",
    "true",
    "1e999",
    ".nan",
    "-0",
    "0x1F",
    "0o17",
    "'quoted'",
    '"dq \\u00e9"',
    "|\n  block",
    ">-\n  folded",
    "!!binary aGk=",
    "!!python/object:os.system",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "<<: {a: 1}",
    "? complex",
]
YAML_ALPHABET = "abc09 -:&*[]{},'\"!|>#?%@`\n\t.~<="
TOML_ALPHABET = "abc09 =[]{}\"'.,#\n+-:TZ_\\"
MARKDOWN_PIECES = [
    "> ",
    "- ",
    "* ",
    "1. ",
    "    ",
    "  ",
    "\n",
    "\n\n",
    "# ",
    "=\n",
    "---\n",
    "***",
    "**",
    "_",
    "~~",
    "`",
    "```",
    "~~~",
    "[",
    "]",
    "(",
    ")",
    "[a](",
    "[a](b c)",
    "](",
    "![",
    "<",
    ">",
    "<a href='",
    "<!--",
    "-->",
    "{{",
    "}}",
    "{%",
    "%}",
    "{{<",
    ">}}",
    "|",
    "| a | b |\n|---|---|\n",
    "\\",
    "&amp;",
    "&#",
    "http://",
    "https://a.b/c",
    "a@b.c",
    "word ",
    "Title ",
    "é",
    "\u202e",
    "\u0000",
    "\r",
    "\r\n",
    "\t",
    ":::",
    "{note}",
    "(label)=",
    "$$",
]


@st.composite
def yaml_front_matter(draw: st.DrawFn) -> str:
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 6))):
        key = draw(st.one_of(st.sampled_from(KEYS), st.text(YAML_ALPHABET, max_size=8)))
        value = draw(
            st.one_of(
                st.sampled_from(YAML_SCALARS),
                st.text(YAML_ALPHABET, max_size=40),
                st.builds(lambda depth: "[" * depth + "a" + "]" * depth, st.integers(0, 200)),
                st.builds(lambda anchor: f"&{anchor} [1, 2]", st.sampled_from("ab")),
                st.builds(lambda anchor: f"*{anchor}", st.sampled_from("abz")),
            )
        )
        lines.append(f"{key}: {value}")
    return "---\n" + "\n".join(lines) + "\n---\n"


@st.composite
def alias_bomb(draw: st.DrawFn) -> str:
    """An alias chain of any width and depth, used by any field."""
    width, depth = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]" for i in range(1, depth)]
    lines.append(f"{draw(st.sampled_from(KEYS))}: *l{depth - 1}")
    return "---\n" + "\n".join(lines) + "\n---\n"


toml_front_matter = st.builds(
    lambda text: f"+++\n{text}\n+++\n",
    st.one_of(
        st.text(TOML_ALPHABET, max_size=120),
        st.builds(
            lambda key, value: f"{key} = {value}", st.sampled_from(KEYS), st.text(TOML_ALPHABET, max_size=40)
        ),
        st.builds(lambda depth: "x = " + "[" * depth + "]" * depth, st.integers(0, 3000)),
    ),
)
front_matter = st.one_of(st.just(""), yaml_front_matter(), alias_bomb(), toml_front_matter)
body = st.one_of(
    st.lists(st.sampled_from(MARKDOWN_PIECES), max_size=300).map("".join),
    st.builds(lambda piece, count: piece * count, st.sampled_from(MARKDOWN_PIECES), st.integers(0, 1000)),
    st.text(max_size=500),
)


def convert_within_memory(data: bytes, name: str) -> None:
    tracemalloc.start()
    try:
        post = read_post(data, name)
        render_post_page(post, "posts")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MAX_PEAK_BYTES, f"{peak / 1e6:.0f} MB for {len(data)} bytes"


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(head=front_matter, text=body, suffix=st.sampled_from([".md", ".txt", ".markdown", ""]))
def test_any_front_matter_and_body_convert(head: str, text: str, suffix: str) -> None:
    data = (head + text).replace("\x00", "").encode("utf-8", "surrogatepass")
    convert_within_memory(data, f"post{suffix}")


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".md", ".txt"]))
def test_any_bytes_convert(data: bytes, suffix: str) -> None:
    convert_within_memory(data.replace(b"\x00", b""), f"post{suffix}")
