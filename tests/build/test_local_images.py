"""A post's own images (bookgen.sphinx.images.LocalImageCheck): for every builder, HTML
too, a file whose header claims more pixels than allowed (a decompression bomb), a
truncated PNG and a file that is no image become their alt text with an info line,
never a warning, and are never copied or included; a good image is kept."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from bookgen.sphinx.images import Limits, Refused, check_local
from tests.build.test_remote_images import SCRIPT_SVG, SVG_BYTES, build, gif_header, image_bytes, png_header

FOLDER = "generated/images/0123456789ab"


def truncated_png() -> bytes:
    """A real PNG cut in the middle of its pixel data: its header reads, its chunks do not."""
    out = io.BytesIO()
    Image.effect_noise((64, 64), 40).convert("RGB").save(out, "PNG")
    data = out.getvalue()
    assert len(data) > 4000
    return data[: len(data) // 2]


BAD = {
    "bomb.png": (png_header(60_000, 60_000), "pixels"),
    "truncated.png": (truncated_png(), "a broken image"),
    "junk.png": (b"<html><body>not a png</body></html>", "not an image"),
}


def write_project(src: Path) -> Path:
    src.mkdir(parents=True)
    (src / "conf.py").write_text(
        'project = "Local"\ncopyright = "Tester"\nversion = "1"\n'
        'extensions = ["myst_parser", "bookgen.sphinx.images"]\n'
        'latex_documents = [("index", "local.tex", "Local", "Tester", "howto")]\n'
        'epub_basename = "local"\n',
        encoding="utf-8",
    )
    folder = src / FOLDER
    folder.mkdir(parents=True)
    (folder / "good.png").write_bytes(image_bytes("PNG", (30, 20)))
    (folder / "drawing.svg").write_bytes(SVG_BYTES)
    (folder / "script.svg").write_bytes(SCRIPT_SVG)
    for name, (data, _reason) in BAD.items():
        (folder / name).write_bytes(data)
    (src / "index.md").write_text(
        "# Local images\n\n"
        f"Good: ![alt-good]({FOLDER}/good.png) and ![alt-drawing]({FOLDER}/drawing.svg)\n\n"
        f"Script: ![alt-script]({FOLDER}/script.svg)\n\n"
        + "".join(f"Bad {name}: ![alt-{name[:-4]}]({FOLDER}/{name})\n\n" for name in BAD)
        + f"```{{figure}} {FOLDER}/bomb.png\n:alt: alt-figure\n\nThe caption stays.\n```\n",
        encoding="utf-8",
    )
    return src


def assert_left_out(status: str) -> None:
    for name, (_data, reason) in BAD.items():
        line = next(line for line in status.splitlines() if f"index: image {FOLDER}/{name} left out" in line)
        assert reason in line, line


def test_html_leaves_out_bad_local_images(tmp_path: Path) -> None:
    src = write_project(tmp_path / "src")
    html = build(src, tmp_path / "_build", "html")
    assert html.warnings == ""
    assert_left_out(html.status)
    copied = {path.name for path in (html.outdir / "_images").iterdir()}
    # An SVG with a script is not published: opened by its address, it would run.
    assert copied == {"good.png", "drawing.svg"}
    assert f"image {FOLDER}/script.svg left out" in html.status
    page = (html.outdir / "index.html").read_text(encoding="utf-8")
    images = list(BeautifulSoup(page, "html.parser").find_all("img"))
    assert len(images) == 2 and not any(name in str(tag) for tag in images for name in [*BAD, "script.svg"])
    for name in BAD:
        assert f'<span class="image-alt">alt-{name[:-4]}</span>' in page
    assert '<p class="image-alt">alt-figure</p>' in page and "The caption stays." in page


def test_latex_and_epub_leave_out_bad_local_images(tmp_path: Path) -> None:
    src = write_project(tmp_path / "src")
    latex = build(src, tmp_path / "_build", "latex")
    assert latex.warnings == ""
    assert_left_out(latex.status)
    assert f"image {FOLDER}/script.svg left out" in latex.status
    tex = (latex.outdir / "local.tex").read_text(encoding="utf-8")
    included = re.findall(r"\\sphinxincludegraphics(?:\[[^]]*\])?\{(\{[^}]*\}[^}]*)\}", tex)
    assert included[0] == "{good}.png", included
    assert not any(name[:-4] in path for path in included for name in [*BAD, "script.svg"]), included
    text = tex.replace(r"\sphinxhyphen{}", "-")
    assert all(f"alt-{name[:-4]}" in text for name in BAD) and "alt-script" in text
    assert not any((latex.outdir / name).exists() for name in BAD)

    epub = build(src, tmp_path / "_build", "epub")
    assert epub.warnings == ""
    assert_left_out(epub.status)
    assert f"image {FOLDER}/script.svg left out" in epub.status
    with zipfile.ZipFile(epub.outdir / "local.epub") as book:
        names = {Path(name).name for name in book.namelist()}
        page = book.read("index.xhtml").decode("utf-8")
    assert {"good.png", "drawing.svg"} <= names
    assert not names & {*BAD, "script.svg"}
    assert all(f"alt-{name[:-4]}" in page for name in BAD)


@pytest.mark.parametrize(
    ("data", "suffix", "reason"),
    [
        (png_header(60_000, 60_000), ".png", "decompression bomb"),
        (png_header(8_000, 8_000), ".png", "pixels, more than"),
        (gif_header(9_000, 9_000), ".gif", "pixels, more than"),
        (truncated_png(), ".png", "a broken image"),
        (image_bytes("JPEG", (200, 200))[:300], ".jpg", "a broken image"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, ".png", "not an image"),
        (b"hello", ".gif", "not an image"),
    ],
)
def test_check_local_refuses(tmp_path: Path, data: bytes, suffix: str, reason: str) -> None:
    path = tmp_path / f"image{suffix}"
    path.write_bytes(data)
    with pytest.raises(Refused, match=reason):
        check_local(path, Limits().max_pixels, svg_safety=False)


def test_check_local_keeps_good_images(tmp_path: Path) -> None:
    for fmt, suffix in [("PNG", ".png"), ("JPEG", ".jpg"), ("GIF", ".gif"), ("WEBP", ".webp")]:
        path = tmp_path / f"good{suffix}"
        path.write_bytes(image_bytes(fmt))
        check_local(path, Limits().max_pixels, svg_safety=True)
    svg = tmp_path / "script.svg"
    svg.write_bytes(SCRIPT_SVG)
    check_local(svg, Limits().max_pixels, svg_safety=False)  # no pixels to count
    with pytest.raises(Refused, match="script"):
        check_local(svg, Limits().max_pixels, svg_safety=True)
    # Changed in place, the file is read again (the answer is remembered per version).
    svg.write_bytes(SVG_BYTES + b"\n")
    check_local(svg, Limits().max_pixels, svg_safety=True)
