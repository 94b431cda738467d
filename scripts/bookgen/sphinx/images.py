"""Sphinx extension: remote images on paper, fetched within limits; formats converted.

HTML shows a post's remote image by its address, but LaTeX and EPUB need the file.
Sphinx's own ``ImageDownloader`` fetches any address a post names, follows redirects
anywhere and reads any size, so a post could make the build read an internal service
(``http://169.254.169.254/``), a huge file or a decompression bomb into the book. For
builders without remote images this runs first (priority 90; Sphinx's runs at 100 and
only on addresses, which are all gone by then) and, once per address:

- takes only http and https, host addresses that are public (every address the name
  resolves to is checked and the connection goes to a checked one, so a second DNS
  answer cannot point elsewhere), at most ``max_redirects`` redirects each checked
  again, ``max_bytes`` read as a stream, ``timeout`` per read and ``deadline`` in all;
- keeps what is an image by its content as well as its Content-Type: PNG, JPEG, GIF
  and WebP read by Pillow within ``max_pixels`` and verified, SVG as well-formed XML
  that runs no script and fetches nothing;
- caches the file, or a lasting refusal, under the build folder (``_build/cache/images``
  beside the outputs) keyed by the address's hash: a second build asks nothing.

A post's own images (files inside the source folder) are checked for every builder,
HTML too, before any other image transform and before a builder copies them: the
header is read for the size (``max_pixels`` again: a PNG of a few bytes may claim 60000
× 60000 pixels, which LuaLaTeX or a reader's browser would allocate) and a PNG's
chunks are read through without decoding (a truncated or corrupt one stops LaTeX);
a file whose header is not an image's at all is refused too. SVG has no pixels: for
builders that put the file itself in the book (LaTeX, EPUB) it is checked as a
fetched one is (no script, nothing fetched); HTML shows it by ``<img>``, which runs no
script, so there it is left as it is.

Formats a builder cannot include are converted by Pillow (GIF, WebP to PNG) and
cairosvg (SVG to PDF), local images too. An image that is refused or cannot be
converted becomes its alt text, with one info line naming document, address and
reason: an image a post cannot give never fails the build (``-W``).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.client
import importlib
import io
import ipaddress
import os
import re
import socket
import ssl
import struct
import time
import urllib.parse
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from docutils import nodes
from PIL import Image, UnidentifiedImageError
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms.images import BaseImageConverter, ImageConverter
from sphinx.util import logging
from sphinx.util.images import guess_mimetype

from ..write.sealed import write_atomic

logger = logging.getLogger(__name__)

# The formats an image may arrive in, by Pillow's name, and the file suffix of each.
RASTER = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
SVG = "image/svg+xml"
SUFFIXES = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    SVG: ".svg",
}
CONVERTED_SUFFIXES = {"image/png": ".png", "application/pdf": ".pdf"}
REDIRECTS = frozenset({301, 302, 303, 307, 308})
REFUSED_SUFFIX = ".refused"
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Limits:
    """What one remote image may cost the build."""

    max_bytes: int = 20 * 1024 * 1024
    timeout: float = 10.0  # each connect and each read
    deadline: float = 60.0  # the whole download, redirects included (a trickle is slow too)
    max_redirects: int = 5
    # A 50-megapixel photo decodes to 200 MB; a PNG of a few KB can claim 10 gigapixels.
    max_pixels: int = 50_000_000
    allow_private: bool = False


class Refused(Exception):
    """Why an image stays out of the book; ``lasting`` ones are remembered in the cache
    (a 404, a bomb), others (no network, a timeout) are tried again next build."""

    def __init__(self, reason: str, *, lasting: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.lasting = lasting


# --- addresses -------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Where one request goes: scheme, host and port, and the path with its query."""

    scheme: str
    host: str
    port: int
    path: str


def parse_target(url: str) -> Target:
    """The request ``url`` asks for, if it is one this extension makes at all."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Refused(f"not a valid address ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise Refused(f"the {scheme or 'missing'} scheme is not fetched, only http and https")
    if not parts.hostname:
        raise Refused("the address has no host")
    path = urllib.parse.quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + urllib.parse.quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return Target(scheme, parts.hostname, port or (443 if scheme == "https" else 80), path)


def is_public(address: str) -> bool:
    """Whether ``address`` is on the public internet: not loopback, private, link-local,
    multicast, reserved or unspecified (an IPv4 address inside IPv6 judged as IPv4)."""
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def resolve(target: Target, allow_private: bool) -> list[str]:
    """Every address ``target``'s host resolves to, all of them checked."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise Refused(f"the host {target.host} cannot be resolved ({exc})", lasting=False) from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not allow_private:
        for address in addresses:
            if not is_public(address):
                raise Refused(f"{target.host} is at {address}, not a public address")
    return addresses


# --- one download ------------------------------------------------------------------------


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to an address already checked, whatever the name resolves to now."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """As ``_PinnedHTTP``, the certificate checked against the host name."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.address = address

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(raw, server_hostname=self.host)


@dataclass(frozen=True)
class Answer:
    """A server's answer: a redirect's next address, or an image's bytes."""

    location: str | None
    body: bytes


def _connect(target: Target, addresses: list[str], timeout: float) -> http.client.HTTPConnection:
    kind = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    failure: OSError | None = None
    for address in addresses:
        connection = kind(target.host, target.port, address, timeout)
        try:
            connection.connect()
        except OSError as exc:
            failure = exc
            connection.close()
            continue
        return connection
    raise Refused(f"cannot connect to {target.host} ({failure})", lasting=False)


def _read_body(response: http.client.HTTPResponse, limits: Limits, deadline: float) -> bytes:
    length = response.getheader("Content-Length", "")
    if length.strip().isdigit() and int(length) > limits.max_bytes:
        raise Refused(f"{int(length):,} bytes, more than the {limits.max_bytes:,} allowed")
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(CHUNK):
        size += len(chunk)
        if size > limits.max_bytes:
            raise Refused(f"more than the {limits.max_bytes:,} bytes allowed")
        if time.monotonic() > deadline:
            raise Refused(f"took more than {limits.deadline:g} s", lasting=False)
        chunks.append(chunk)
    return b"".join(chunks)


def request(target: Target, addresses: list[str], limits: Limits, deadline: float, agent: str) -> Answer:
    """One GET of ``target`` from one of ``addresses``: a redirect, or an image's bytes."""
    connection = _connect(target, addresses, limits.timeout)
    try:
        headers = {"User-Agent": agent, "Accept": "image/*", "Accept-Encoding": "identity"}
        connection.request("GET", target.path, headers=headers)
        response = connection.getresponse()
        if response.status in REDIRECTS:
            location = response.getheader("Location")
            if not location:
                raise Refused(f"HTTP {response.status} redirect without a Location")
            return Answer(location.strip(), b"")
        if response.status != 200:
            lasting = 400 <= response.status < 500 and response.status not in {408, 429}
            raise Refused(f"HTTP {response.status} {response.reason}", lasting=lasting)
        content_type = response.headers.get_content_type()
        if not content_type.startswith("image/"):
            raise Refused(f"served as {content_type}, not as an image")
        return Answer(None, _read_body(response, limits, deadline))
    except (OSError, http.client.HTTPException, UnicodeError) as exc:
        raise Refused(f"download failed ({exc.__class__.__name__}: {exc})", lasting=False) from None
    finally:
        connection.close()


def fetch(url: str, limits: Limits, agent: str = "bookgen") -> bytes:
    """The bytes at ``url``, each redirect checked as the first address was."""
    deadline = time.monotonic() + limits.deadline
    for _hop in range(limits.max_redirects + 1):
        target = parse_target(url)
        answer = request(target, resolve(target, limits.allow_private), limits, deadline, agent)
        if answer.location is None:
            return answer.body
        url = urllib.parse.urljoin(url, answer.location)
    raise Refused(f"more than {limits.max_redirects} redirects")


# --- what the bytes are ------------------------------------------------------------------


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def check_svg(data: bytes) -> None:
    """Refuse an SVG that is not well-formed, declares entities, runs script or refers
    to anything outside itself (readers and converters would fetch it)."""
    if re.search(rb"<!(DOCTYPE|ENTITY)", data, re.IGNORECASE):
        raise Refused("SVG with a DOCTYPE or entities")
    if re.search(rb"url\(\s*['\"]?\s*(?!#)|@import", data, re.IGNORECASE):
        raise Refused("SVG that refers to another file")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise Refused(f"not a well-formed SVG ({exc})") from None
    if _local(root.tag) != "svg":
        raise Refused("not an image: neither a known raster format nor SVG")
    for element in root.iter():
        if _local(str(element.tag)) in {"script", "foreignObject"}:
            raise Refused(f"SVG with <{_local(str(element.tag))}>")
        for name, value in element.attrib.items():
            if _local(name).lower().startswith("on"):
                raise Refused(f"SVG with a script attribute ({_local(name)})")
            if _local(name) == "href" and not value.strip().startswith("#"):
                raise Refused("SVG that refers to another file")


def check_pixels(size: tuple[int, int], max_pixels: int) -> None:
    width, height = size
    if width * height > max_pixels:
        raise Refused(
            f"{width}×{height} pixels, more than the {max_pixels:,} allowed (a decompression bomb?)"
        )


@contextlib.contextmanager
def open_raster(data: bytes, max_pixels: int) -> Iterator[Image.Image]:
    """``data`` as a Pillow image of a known format, its size checked before decoding."""
    try:
        with warnings.catch_warnings():
            # Pillow warns past its own limit; ours is lower and refuses instead.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(RASTER))
    except Image.DecompressionBombError as exc:
        raise Refused(f"a decompression bomb ({exc})") from None
    with image:
        check_pixels(image.size, max_pixels)
        yield image


def sniff(data: bytes, max_pixels: int) -> str:
    """The MIME type of ``data`` by its content, if it is an image the book may hold."""
    try:
        with open_raster(data, max_pixels) as image:
            mimetype = RASTER[str(image.format)]
            image.verify()
            return mimetype
    except UnidentifiedImageError:
        if b"<svg" in data[:4096]:
            check_svg(data)
            return SVG
        raise Refused("not an image: neither PNG, JPEG, GIF, WebP nor SVG") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise Refused(f"a broken image ({exc})") from None


def check_local(path: Path, max_pixels: int, *, svg_safety: bool) -> None:
    """Refuse a post's own image file whose header claims more than ``max_pixels``, is
    not an image's, or (PNG) whose chunks are truncated or corrupt; an SVG is checked as
    a fetched one is when ``svg_safety`` (a builder puts the file in the book), else
    left alone. Nothing is decoded: Pillow reads the header, and a PNG's ``verify``
    reads its chunks and their checksums, never the pixels."""
    reason = _local_refusal(str(path), *_stamp(path), max_pixels, svg_safety)
    if reason is not None:
        raise Refused(reason)


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


@functools.lru_cache(maxsize=4096)
def _local_refusal(path: str, _mtime: int, _size: int, max_pixels: int, svg_safety: bool) -> str | None:
    """Why the file at ``path`` is refused, or None; remembered while the file is unchanged
    (one image in many documents is read once)."""
    try:
        mimetype = guess_mimetype(path)
        if mimetype == SVG:
            if svg_safety:
                check_svg(Path(path).read_bytes())
            return None
        if mimetype == "application/pdf":
            return None  # a figure LaTeX includes as it is (posts' files are never PDF)
        try:
            with warnings.catch_warnings():
                # Pillow warns past its own limit; ours is lower and refuses instead.
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                image = Image.open(path)
        except Image.DecompressionBombError as exc:
            raise Refused(f"a decompression bomb ({exc})") from None
        except UnidentifiedImageError:
            raise Refused("not an image: its header is no known image format's") from None
        with image:
            check_pixels(image.size, max_pixels)
            image.verify()
    except Refused as exc:
        return exc.reason
    except (OSError, SyntaxError, ValueError, EOFError, struct.error) as exc:
        return f"a broken image ({exc.__class__.__name__}: {exc})"
    return None


# --- the cache -----------------------------------------------------------------------------


def cache_key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def cached_image(url: str, cache: Path, limits: Limits, agent: str = "bookgen") -> Path:
    """The file of the image at ``url``, downloaded into ``cache`` the first time only."""
    parse_target(url)
    key = cache_key(url)
    for suffix in SUFFIXES.values():
        if (cache / (key + suffix)).is_file():
            return cache / (key + suffix)
    refused = cache / (key + REFUSED_SUFFIX)
    if refused.is_file():
        raise Refused(refused.read_text(encoding="utf-8") + " (remembered)")
    try:
        data = fetch(url, limits, agent)
        mimetype = sniff(data, limits.max_pixels)
    except Refused as exc:
        # A refusal over an address depends on book_images_allow_private: never remembered.
        if exc.lasting and "not a public address" not in exc.reason:
            write_atomic(refused, exc.reason.encode("utf-8"))
        raise
    path = cache / (key + SUFFIXES[mimetype])
    write_atomic(path, data)
    return path


# --- conversion ----------------------------------------------------------------------------


def convert_image(source: Path, dest: Path, max_pixels: int) -> None:
    """``source`` as ``dest``: SVG to PDF (cairosvg), other images to PNG (Pillow)."""
    data = source.read_bytes()
    if dest.suffix == ".pdf":
        check_svg(data)
        try:
            # Imported when needed: without the system's libcairo the import fails.
            cairosvg = importlib.import_module("cairosvg")
        except (ImportError, OSError) as exc:
            raise Refused(f"SVG cannot be converted: cairosvg is unavailable ({exc})") from None
        try:
            pdf = cairosvg.svg2pdf(bytestring=data, unsafe=False)
        except Exception as exc:  # cairosvg raises anything from its parser and renderer
            raise Refused(f"SVG cannot be converted ({exc.__class__.__name__}: {exc})") from None
        write_atomic(dest, pdf)
        return
    try:
        with open_raster(data, max_pixels) as image:
            image.seek(0)  # an animation on paper is its first frame
            frame = image if image.mode in {"1", "L", "LA", "P", "RGB", "RGBA"} else image.convert("RGBA")
            out = io.BytesIO()
            frame.save(out, "PNG")
            write_atomic(dest, out.getvalue())
    except UnidentifiedImageError:
        raise Refused("not an image Pillow can read") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise Refused(f"a broken image ({exc})") from None


# --- the transforms ------------------------------------------------------------------------


def builder_of(env: BuildEnvironment) -> type[Builder]:
    """The builder's class (Sphinx's own image transforms read it so)."""
    return env._builder_cls


def takes_files_only(env: BuildEnvironment) -> bool:
    """Whether the builder includes image files but cannot show an image by address."""
    builder = builder_of(env)
    return bool(builder.supported_image_types) and not builder.supported_remote_images


def document_of(node: nodes.Element, env: BuildEnvironment) -> str:
    source = node.source or ""
    docname = env.path2doc(source) if source else None
    return docname or env.current_document.docname


def leave_out(node: nodes.image, reason: str, env: BuildEnvironment) -> None:
    """Put the image's alt text where the image was, and say why in one info line."""
    url = str(node.get("book_remote_uri") or node["uri"])
    shown = url if len(url) <= 200 else url[:200] + "…"
    logger.info(
        "%s: image %s left out, its alt text shown: %s", document_of(node, env), shown, reason, location=node
    )
    alt = str(node.get("alt", "")).strip() or "[image]"
    parent = node.parent
    stand_in: nodes.Element = (
        nodes.inline(alt, alt, classes=["image-alt"])
        if isinstance(parent, nodes.TextElement)
        else nodes.paragraph(alt, alt, classes=["image-alt"])
    )
    node.replace_self(stand_in)


class LocalImageCheck(BaseImageConverter):
    """Every builder, HTML too: a post's own image (a file inside the source folder) that
    ``check_local`` refuses is left out before any other image transform, and so never
    copied into the output nor included by LaTeX."""

    default_priority = 80

    def apply(self, **kwargs: Any) -> None:
        srcdir = Path(self.env.srcdir).resolve()
        # Every builder publishes the file itself (HTML copies it to _images/, where opening
        # its address would run its script in the book's origin): SVGs are checked for all.
        svg_safety = True
        max_pixels = Limits().max_pixels
        for node in list(self.document.findall(nodes.image)):
            candidates: dict[str, str] = node.get("candidates", {})
            if not candidates or "?" in candidates:
                continue  # remote: the downloader's, or shown by its address
            for candidate in dict.fromkeys(candidates.values()):
                path = (srcdir / candidate).resolve()
                if not path.is_relative_to(srcdir) or not path.is_file():
                    continue  # not a post's file; or missing, which Sphinx has reported
                try:
                    check_local(path, max_pixels, svg_safety=svg_safety)
                except Refused as exc:
                    leave_out(node, exc.reason, self.env)
                    break


class SafeImageDownloader(BaseImageConverter):
    """Every remote image of a builder that needs files: fetched within ``Limits``, or
    left out. Runs before Sphinx's ``ImageDownloader`` and leaves it nothing to do."""

    default_priority = 90

    def apply(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(nodes.image)):
            if self.match(node):
                self.handle(node)

    def match(self, node: nodes.image) -> bool:
        return takes_files_only(self.env) and "?" in node.get("candidates", {})

    def handle(self, node: nodes.image) -> None:
        url = str(node["uri"])
        limits = Limits(allow_private=bool(self.config.book_images_allow_private))
        try:
            path = cached_image(url, Path(self.config.book_images_cache), limits, str(self.config.user_agent))
        except Refused as exc:
            leave_out(node, exc.reason, self.env)
            return
        node["book_remote_uri"] = url
        node["candidates"] = {_mimetype(path): str(path)}
        node["uri"] = str(path)
        self.env.images.add_file(self.env.current_document.docname, str(path))


def _mimetype(path: Path) -> str:
    return next(mimetype for mimetype, suffix in SUFFIXES.items() if suffix == path.suffix)


class PillowConverter(ImageConverter):
    """GIF and WebP to PNG, SVG to PDF, for builders that lack them; a file that cannot
    be converted (a bomb, no cairosvg) is left out."""

    conversion_rules = [  # noqa: RUF012  (Sphinx's ImageConverter reads this attribute)
        ("image/gif", "image/png"),
        ("image/webp", "image/png"),
        (SVG, "application/pdf"),
    ]

    def is_available(self) -> bool:
        return True

    def apply(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(nodes.image)):
            if self.match(node):
                self.handle(node)

    def handle(self, node: nodes.image) -> None:
        """As ``ImageConverter.handle``, but two sources of one name (``pic.gif`` and
        ``pic.webp``) convert to two files, where Sphinx writes both to ``pic.png``."""
        source_type, dest_type = self.get_conversion_rule(node)
        candidates: dict[str, str] = node["candidates"]
        source = candidates.get(source_type) or candidates["*"]
        if source not in self.env.images:
            return  # a file Sphinx could not read; it has said so
        stem = Path(self.env.images[source][1]).stem
        digest = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        dest = Path(self.imagedir) / f"{stem}-{digest}{CONVERTED_SUFFIXES[dest_type]}"
        try:
            self.convert(self.env.srcdir / source, dest)
        except Refused as exc:
            leave_out(node, exc.reason, self.env)
            return
        candidates["*" if "*" in candidates else dest_type] = str(dest)
        node["uri"] = str(dest)
        self.env.images.add_file(self.env.current_document.docname, str(dest))

    def convert(self, _from: str | os.PathLike[str], _to: str | os.PathLike[str]) -> bool:
        convert_image(Path(_from), Path(_to), Limits().max_pixels)
        return True


class UnsuitableImages(BaseImageConverter):
    """What is still in a format the builder cannot include is left out, where Sphinx
    would warn "a suitable image for latex builder not found"."""

    default_priority = 290

    def apply(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(nodes.image)):
            if self.match(node):
                self.handle(node)

    def match(self, node: nodes.image) -> bool:
        return takes_files_only(self.env)

    def handle(self, node: nodes.image) -> None:
        supported = builder_of(self.env).supported_image_types
        candidates: dict[str, str] = node.get("candidates", {})
        if "?" in candidates:
            reason = "not fetched"
        elif "*" in candidates:
            mimetype = guess_mimetype(self.env.srcdir / str(node["uri"]))
            if mimetype is None or mimetype in supported:
                return
            reason = f"{mimetype} cannot be included in {builder_of(self.env).name}"
        elif any(mimetype in candidates for mimetype in supported):
            return
        else:
            reason = f"{', '.join(sorted(candidates))} cannot be included in {builder_of(self.env).name}"
        leave_out(node, reason, self.env)


def default_cache(app: Sphinx) -> None:
    """builder-inited: the cache sits beside the outputs (``_build/cache/images`` for
    ``_build/latex``), shared by the PDF and EPUB builds."""
    if not app.config.book_images_cache:
        app.config.book_images_cache = str(Path(app.outdir).parent / "cache" / "images")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("book_images_allow_private", False, "", types=[bool])
    app.add_config_value("book_images_cache", "", "", types=[str])
    app.connect("builder-inited", default_cache)
    app.add_post_transform(LocalImageCheck)
    app.add_post_transform(SafeImageDownloader)
    app.add_post_transform(PillowConverter)
    app.add_post_transform(UnsuitableImages)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
