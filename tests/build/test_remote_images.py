"""Remote images on paper (bookgen.sphinx.images): fetched within limits from a server
on 127.0.0.1, cached, converted where LaTeX or EPUB lacks the format; whatever is
refused becomes its alt text with an info line, never a warning."""

from __future__ import annotations

import http.server
import io
import shutil
import socket
import struct
import subprocess
import threading
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sphinx.testing.util import SphinxTestApp

from bookgen.sphinx.images import Limits, Refused, fetch, is_public, parse_target, sniff
from tests.helpers import need


def image_bytes(fmt: str, size: tuple[int, int] = (4, 3)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, fmt)
    return out.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG of a few bytes that claims ``width`` × ``height`` pixels: a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


SVG_BYTES = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10">'
    b'<rect width="20" height="10" fill="teal"/></svg>'
)
SCRIPT_SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HUGE = 21 * 1024 * 1024

# path -> (status, headers, body); "/huge.png" streams HUGE bytes with no Content-Length.
ROUTES: dict[str, tuple[int, dict[str, str], bytes]] = {
    "/good.png": (200, {"Content-Type": "image/png"}, image_bytes("PNG")),
    "/photo.jpg": (200, {"Content-Type": "image/jpeg"}, image_bytes("JPEG")),
    "/anim.webp": (200, {"Content-Type": "image/webp"}, image_bytes("WEBP")),
    "/pic.gif": (200, {"Content-Type": "image/gif"}, image_bytes("GIF")),
    "/drawing.svg": (200, {"Content-Type": "image/svg+xml"}, SVG_BYTES),
    "/moved.png": (301, {"Location": "/good-again.png"}, b""),
    "/good-again.png": (200, {"Content-Type": "image/png"}, image_bytes("PNG", (5, 5))),
    "/missing.png": (404, {"Content-Type": "text/plain"}, b"not here"),
    "/page.png": (200, {"Content-Type": "text/html"}, b"<html><body>hello</body></html>"),
    "/liar.png": (200, {"Content-Type": "image/png"}, b"<html><body>not a png</body></html>"),
    "/passwd.png": (302, {"Location": "file:///etc/passwd"}, b""),
    "/loop.png": (302, {"Location": "/loop.png"}, b""),
    "/bomb.png": (200, {"Content-Type": "image/png"}, png_header(100_000, 100_000)),
    "/wide.png": (200, {"Content-Type": "image/png"}, png_header(8_000, 8_000)),
    "/script.svg": (200, {"Content-Type": "image/svg+xml"}, SCRIPT_SVG),
    "/figure.png": (404, {}, b""),
}
GOOD = ["good.png", "photo.jpg", "anim.webp", "pic.gif", "drawing.svg", "moved.png"]
REFUSED = {
    "missing.png": "HTTP 404",
    "page.png": "served as text/html",
    "liar.png": "not an image",
    "passwd.png": "file scheme is not fetched",
    "loop.png": "more than 5 redirects",
    "huge.png": "bytes allowed",
    "bomb.png": "bomb",
    "wide.png": "pixels, more than",
    "script.svg": "<script>",
}


@dataclass
class Server:
    url: str
    hits: Counter[str] = field(default_factory=Counter)
    hosts: Counter[str] = field(default_factory=Counter)


def handler_for(hits: Counter[str], hosts: Counter[str]) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits[self.path] += 1
            hosts[str(self.headers.get("Host"))] += 1
            if self.path == "/to-zero.png":
                self.send_response(302)
                port = str(self.headers.get("Host")).rsplit(":", 1)[1]
                self.send_header("Location", f"http://0.0.0.0:{port}/good.png")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.path == "/huge.png":
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()
                try:
                    for _ in range(HUGE // 65536):
                        self.wfile.write(b"\0" * 65536)
                except OSError:
                    pass  # the client stopped reading, as it should
                return
            status, headers, body = ROUTES.get(self.path, (404, {}, b""))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    hits: Counter[str] = Counter()
    hosts: Counter[str] = Counter()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_for(hits, hosts))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield Server(f"http://127.0.0.1:{httpd.server_address[1]}", hits, hosts)
    finally:
        httpd.shutdown()
        httpd.server_close()


def write_project(src: Path, base: str) -> Path:
    src.mkdir(parents=True, exist_ok=True)
    (src / "conf.py").write_text(
        'project = "Images"\ncopyright = "Tester"\nversion = "1"\n'
        'extensions = ["myst_parser", "bookgen.sphinx.images"]\n'
        "book_images_allow_private = True\n"
        'latex_documents = [("index", "images.tex", "Images", "Tester", "howto")]\n'
        'epub_basename = "images"\n',
        encoding="utf-8",
    )
    lines = ["# Remote images", ""]
    lines += [f"Good {name}: ![alt-{name}]({base}/{name})" for name in GOOD]
    lines += [""]
    lines += [f"Refused {name}: ![alt-{name}]({base}/{name})\n" for name in REFUSED]
    lines += [
        "Another scheme: ![alt-data](data:image/png;base64,iVBORw0KGgo=)",
        "",
        f"```{{figure}} {base}/figure.png",
        ":alt: alt-figure",
        "",
        "The caption stays.",
        "```",
        "",
    ]
    (src / "index.md").write_text("\n".join(lines), encoding="utf-8")
    return src


@dataclass(frozen=True)
class Built:
    outdir: Path
    status: str
    warnings: str


def build(src: Path, builddir: Path, builder: str, **overrides: Any) -> Built:
    status, warning = io.StringIO(), io.StringIO()
    app = SphinxTestApp(
        builder,
        srcdir=src,
        builddir=builddir,
        freshenv=True,
        confoverrides={"nitpicky": True, **overrides},
        status=status,
        warning=warning,
    )
    try:
        app.build()
    finally:
        app.cleanup()
    return Built(Path(app.outdir), status.getvalue(), warning.getvalue())


def test_latex_then_epub_fetch_each_image_once(server: Server, tmp_path: Path) -> None:
    src = write_project(tmp_path / "src", server.url)
    builddir = tmp_path / "_build"
    before = server.hits.copy()

    latex = build(src, builddir, "latex")
    assert latex.warnings == ""
    asked = server.hits - before
    assert set(asked) == {f"/{name}" for name in [*GOOD, *REFUSED, "good-again.png", "figure.png"]}
    # Each address once, except the loop: its first hop and five redirects.
    assert all(count == 1 for path, count in asked.items() if path != "/loop.png")
    assert asked["/loop.png"] == 6

    tex = (latex.outdir / "images.tex").read_text(encoding="utf-8")
    assert tex.count(r"\sphinxincludegraphics") == len(GOOD)
    assert "://" not in "".join(line for line in tex.splitlines() if "includegraphics" in line)
    plain = tex.replace(r"\sphinxhyphen{}", "-")
    for name in GOOD:
        assert f"alt-{name}" not in plain
    for name, reason in REFUSED.items():
        assert f"alt-{name}" in plain, name
        line = next(line for line in latex.status.splitlines() if f"/{name}" in line)
        assert "index" in line and reason in line, line
    assert "The caption stays." in tex
    assert "alt-data" in plain and "data scheme is not fetched" in latex.status
    assert "alt-figure" in plain
    # Included files: PNG and JPEG as they are; WebP and GIF as PNG; SVG as PDF.
    suffixes = Counter(
        path.suffix for path in latex.outdir.iterdir() if path.suffix in {".png", ".jpg", ".pdf"}
    )
    assert suffixes == Counter({".png": 4, ".jpg": 1, ".pdf": 1})
    cache = builddir / "cache" / "images"
    assert len(list(cache.glob("*.refused"))) == len(REFUSED) + 1  # and the figure

    # The second build, and the EPUB build, ask the server nothing.
    again = server.hits.copy()
    assert build(src, builddir, "latex").warnings == ""
    epub = build(src, builddir, "epub")
    assert epub.warnings == ""
    assert server.hits == again

    with zipfile.ZipFile(epub.outdir / "images.epub") as book:
        names = book.namelist()
        page = book.read("index.xhtml").decode("utf-8")
    images = Counter(Path(name).suffix for name in names if name.startswith("_images/"))
    # EPUB takes GIF and SVG as they are; only WebP is converted.
    assert images == Counter({".png": 3, ".jpg": 1, ".gif": 1, ".svg": 1})
    assert page.count("<img") == len(GOOD)
    for name in REFUSED:
        assert f"alt-{name}" in page
    assert "The caption stays." in page


def test_html_keeps_addresses(server: Server, tmp_path: Path) -> None:
    src = write_project(tmp_path / "src", server.url)
    before = server.hits.copy()
    html = build(src, tmp_path / "_build", "html")
    assert html.warnings == ""
    assert server.hits == before
    page = (html.outdir / "index.html").read_text(encoding="utf-8")
    assert f'src="{server.url}/good.png"' in page
    assert not (tmp_path / "_build" / "cache").exists()


def test_private_addresses_refused_unless_allowed(server: Server, tmp_path: Path) -> None:
    src = write_project(tmp_path / "src", server.url)
    before = server.hits.copy()
    latex = build(src, tmp_path / "_build", "latex", book_images_allow_private=False)
    assert latex.warnings == ""
    assert server.hits == before
    tex = (latex.outdir / "images.tex").read_text(encoding="utf-8")
    assert r"\sphinxincludegraphics" not in tex
    assert (
        latex.status.count("127.0.0.1 is at 127.0.0.1, not a public address") == len(GOOD) + len(REFUSED) + 1
    )
    # Refusals over an address are not remembered: allowed, the same cache fetches them.
    assert not list((tmp_path / "_build" / "cache" / "images").glob("*"))


def test_redirect_checked_again(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    """A public address that redirects to a private one is refused at the redirect."""
    from bookgen.sphinx import images

    monkeypatch.setattr(images, "is_public", lambda address: address == "127.0.0.1")
    before = server.hits.copy()
    with pytest.raises(Refused, match=r"0\.0\.0\.0 is at 0\.0\.0\.0, not a public address"):
        fetch(f"{server.url}/to-zero.png", Limits())
    assert server.hits - before == Counter({"/to-zero.png": 1})


def test_connects_to_the_checked_address(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    """The name is resolved once: a second answer (DNS rebinding) is never used."""
    real = socket.getaddrinfo
    answers = iter(["127.0.0.1"])

    def rebinding(host: str, *args: Any, **kwargs: Any) -> Any:
        if host == "rebind.test":
            return real(next(answers), *args, **kwargs)  # a second lookup fails the test
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    port = server.url.rsplit(":", 1)[1]
    assert fetch(f"http://rebind.test:{port}/good.png", Limits(allow_private=True)) == ROUTES["/good.png"][2]
    assert server.hosts[f"rebind.test:{port}"] == 1


def gif_header(width: int, height: int) -> bytes:
    """A GIF of a few bytes that claims ``width`` × ``height`` pixels."""
    screen = struct.pack("<HHBBB", width, height, 0, 0, 0)
    frame = b"," + struct.pack("<HHHHB", 0, 0, width, height, 0) + b"\x02\x02\x44\x01\x00"
    return b"GIF89a" + screen + frame + b";"


def test_local_images_converted(tmp_path: Path) -> None:
    src = write_project(tmp_path / "src", "http://unused.invalid")
    (src / "pic.gif").write_bytes(image_bytes("GIF"))
    (src / "pic.webp").write_bytes(image_bytes("WEBP"))
    (src / "drawing.svg").write_bytes(SVG_BYTES)
    (src / "wide.gif").write_bytes(gif_header(9_000, 9_000))
    (src / "index.md").write_text(
        "# Local images\n\n![alt-gif](pic.gif) ![alt-webp](pic.webp) ![alt-svg](drawing.svg)\n\n"
        "![alt-wide](wide.gif)\n",
        encoding="utf-8",
    )
    latex = build(src, tmp_path / "_build", "latex")
    assert latex.warnings == ""
    tex = (latex.outdir / "images.tex").read_text(encoding="utf-8")
    assert tex.count(r"\sphinxincludegraphics") == 3
    # pic.gif and pic.webp become two files, where Sphinx would write both to pic.png.
    included = sorted(path.name for path in latex.outdir.iterdir() if path.suffix in {".png", ".pdf"})
    assert [name.split("-")[0] for name in included] == ["drawing", "pic", "pic"], included
    assert all(f"{{{name[:-4]}}}{name[-4:]}" in tex for name in included)
    assert "alt-wide" in tex.replace(r"\sphinxhyphen{}", "-")
    assert "pixels, more than" in latex.status
    epub = build(src, tmp_path / "_build", "epub")
    assert epub.warnings == ""
    with zipfile.ZipFile(epub.outdir / "images.epub") as book:
        names = {Path(name).name for name in book.namelist() if name.startswith("_images/")}
    assert names >= {"pic.gif", "drawing.svg"}
    assert "pic.webp" not in names and any(name.endswith(".png") for name in names)


def test_pdf_with_remote_images(server: Server, tmp_path: Path) -> None:
    need(
        bool(shutil.which("latexmk") and shutil.which("lualatex")), "TeX (lualatex, latexmk) is not installed"
    )
    src = write_project(tmp_path / "src", server.url)
    latex = build(src, tmp_path / "_build", "latex", latex_engine="lualatex")
    assert latex.warnings == ""
    subprocess.run(
        ["make", "-C", str(latex.outdir), "all-pdf", "LATEXMKOPTS=-silent"], check=True, capture_output=True
    )
    from pypdf import PdfReader

    pdf = PdfReader(latex.outdir / "images.pdf")
    shown = sum(len(page.images) for page in pdf.pages)
    # The raster images; the SVG is drawn as vectors, not an image.
    assert shown == len(GOOD) - 1
    assert "alt-missing.png" in "".join(page.extract_text() for page in pdf.pages)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.org/x.png", "ftp scheme"),
        ("file:///etc/passwd", "file scheme"),
        ("data:image/png;base64,AAAA", "data scheme"),
        ("javascript:alert(1)", "javascript scheme"),
        ("http:///x.png", "no host"),
        ("http://example.org:99999/x.png", "not a valid address"),
    ],
)
def test_addresses_refused(url: str, reason: str) -> None:
    with pytest.raises(Refused, match=reason):
        parse_target(url)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
    ],
)
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public(address) is public


def test_sniff_by_content() -> None:
    limit = Limits().max_pixels
    assert sniff(image_bytes("PNG"), limit) == "image/png"
    assert sniff(image_bytes("WEBP"), limit) == "image/webp"
    assert sniff(SVG_BYTES, limit) == "image/svg+xml"
    for bad in [
        png_header(100_000, 100_000),
        b"<html></html>",
        image_bytes("BMP"),
        SCRIPT_SVG,
        b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>',
        b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        image_bytes("PNG")[:40],
    ]:
        with pytest.raises(Refused):
            sniff(bad, limit)
