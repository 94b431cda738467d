"""Hostile and broken posts: safe output, one clear line each, nothing lost.

The corpus is ``tests/hostile/posts`` with the expected outcome of each file in
``tests/hostile/expected.yaml``; the book built from it must have zero warnings and
none of the injected payloads in its pages.
"""

from __future__ import annotations

import os
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup

from bookgen import prepare
from bookgen.cli import main as convert
from bookgen.model import Post
from bookgen.post import read_post
from tests.conftest import BuiltBook, build_book, words
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

    monkeypatch.setattr(prepare, "read_post", read_post_or_fail)
    out = tmp_path / "gen"
    assert convert(["--posts", str(posts), "--out", str(out), "-q"]) == 0
    printed = [line.strip() for line in capsys.readouterr().out.splitlines()]
    failed = "could not be converted (RecursionError: maximum recursion depth exceeded)"
    assert printed.count(f"boom.md: internal-error: {failed}; published as preformatted text") == 1
    page = (out / "posts" / "boom.md").read_text(encoding="utf-8")
    assert "Every *word* of zanzibar stays." in page
    assert "A post that converts." in (out / "posts" / "fine.md").read_text(encoding="utf-8")
