"""Synthetic posts for benchmarks and scale tests: a pure ``(seed, n) -> files`` core.

The posts look like the real input: half are Markdown with YAML front matter (headings,
lists, links, emphasis, code), half are plain-text exports (title on the first line,
bare short heading lines, ``•`` bullets, bare URLs). Lengths vary around 1,000 words,
dates spread over ten years and the running text mentions glossary terms, so the
converter and Sphinx do the same work per page as for a real book.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bookgen.resolve.glossary import parse_glossary

_WORD_LIST = (
    "the a of and to in that it with as for was on are be this have from or by one had not but what "
    "all were when we there can an your which their said if do will each about how up out them then "
    "she many some so these would other into has more her two like him see time could no make than "
    "first been its who now people my made over did down only way find use may water long little very "
    "after words called just where most know get through back much before go good new write our used "
    "me man too any day same right look think also around another came come work three word must "
    "because does part even place well such here take why things help put years different away again "
    "off went old number great tell men say small every found still between name should home big give "
    "air line set own under read last never us left end along while might next sound below saw "
    "something thought both few those always looked show large often together asked house world going "
    "want school important until form food keep children feet land side without boy once animal life "
    "enough took sometimes four head above kind began almost live page got earth need far hand high "
    "year mother light parts country father let night following picture being study second eyes soon "
    "times story boys since white days ever paper hard near sentence better best across during today "
    "others however sure means knew try told young miles sun ways thing whole hear example heard "
    "several change answer room sea against top turned learn point city play toward five using "
    "himself usually model data training research engineer project team paper code system results "
    "experiment metric baseline production deploy pipeline feature label evaluation notebook cluster"
)
WORDS = tuple(_WORD_LIST.split())

SITES = (
    "https://example.org/notes",
    "https://docs.example.com/guide",
    "https://blog.example.net/posts",
    "https://papers.example.edu/abs",
    "https://www.example.com/talks",
)

TAGS = ("career", "learning", "research", "tools", "mlops", "reading", "projects", "notes")


@dataclass(frozen=True)
class SyntheticPost:
    """One generated post: the file name the converter sees, and its bytes as text."""

    name: str
    text: str


def _sentence(rng: random.Random, terms: Sequence[str]) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 22))
    if terms and rng.random() < 0.35:
        words.insert(rng.randrange(len(words)), rng.choice(terms))
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice(".....?!")


def _paragraph(rng: random.Random, terms: Sequence[str]) -> str:
    return " ".join(_sentence(rng, terms) for _ in range(rng.randint(3, 7)))


def _title(rng: random.Random, index: int) -> str:
    words = " ".join(rng.choices(WORDS, k=rng.randint(3, 6)))
    return f"{words[0].upper()}{words[1:]} {index}"


def _heading(rng: random.Random) -> str:
    words = " ".join(rng.choices(WORDS, k=rng.randint(2, 4)))
    return words[0].upper() + words[1:]


def _list_items(rng: random.Random, terms: Sequence[str]) -> list[str]:
    items = []
    for _ in range(rng.randint(3, 6)):
        item = " ".join(rng.choices(WORDS, k=rng.randint(3, 9)))
        if terms and rng.random() < 0.3:
            item += f" with {rng.choice(terms)}"
        items.append(item[0].upper() + item[1:])
    return items


def _url(rng: random.Random, index: int) -> str:
    return f"{rng.choice(SITES)}/{index}-{rng.randint(1, 999)}"


def markdown_post(
    rng: random.Random, index: int, date: dt.date, terms: Sequence[str], links: Sequence[str] = ()
) -> str:
    """A Markdown post with YAML front matter, about 300-2,000 words; ``links`` are
    addresses of earlier posts its first paragraph links, as bloggers link their own."""
    tags = ", ".join(f'"{tag}"' for tag in rng.sample(TAGS, k=rng.randint(1, 3)))
    lines = ["---", f'title: "{_title(rng, index)}"', f"date: {date.isoformat()}", f"tags: [{tags}]", "---"]
    for section in range(rng.randint(2, 8)):
        if section:
            lines += ["", f"## {_heading(rng)}"]
        for number in range(rng.randint(1, 4)):
            paragraph = _paragraph(rng, terms)
            if not section and not number and links:
                paragraph += " I wrote about it " + " and ".join(f"[before]({link})" for link in links) + "."
            if rng.random() < 0.3:
                paragraph += f" See [{_heading(rng).lower()}]({_url(rng, index)}) for more."
            if rng.random() < 0.2:
                paragraph += f" I ran `{rng.choice(WORDS)}_{rng.choice(WORDS)}()` *twice* to be **sure**."
            lines += ["", paragraph]
        if rng.random() < 0.4:
            lines += ["", *(f"- {item}" for item in _list_items(rng, terms))]
        if rng.random() < 0.1:
            lines += ["", "```python", f"for {rng.choice(WORDS)}_item in range({index}):", "    pass", "```"]
    return "\n".join(lines) + "\n"


def plain_post(rng: random.Random, index: int, terms: Sequence[str]) -> str:
    """A plain-text export: title line, bare headings, ``•`` bullets, bare URLs."""
    lines = [_title(rng, index), ""]
    for section in range(rng.randint(2, 8)):
        if section:
            lines += [_heading(rng), ""]
        for _ in range(rng.randint(1, 4)):
            paragraph = _paragraph(rng, terms)
            if rng.random() < 0.3:
                paragraph += f" More at {_url(rng, index)}"
            lines += [paragraph, ""]
        if rng.random() < 0.4:
            lines += [*(f"• {item}" for item in _list_items(rng, terms)), ""]
    return "\n".join(lines)


def synthetic_posts(count: int, *, seed: int = 1, terms: Sequence[str] = ()) -> list[SyntheticPost]:
    """``count`` posts, the same for the same seed; dates spread over 2016-2025."""
    rng = random.Random(seed)
    start = dt.date(2016, 1, 1)
    posts = []
    for index in range(count):
        date = start + dt.timedelta(days=rng.randrange(3650))
        if index % 2 == 0:
            # Links to two earlier Markdown posts, by the blog's path and its address.
            links = [f"/posts/{i:05d}-post/" for i in (index - 2, index - 10) if i >= 0]
            links = [*links[:1], *(f"https://blog.example.org{link}" for link in links[1:])]
            posts.append(SyntheticPost(f"{index:05d}-post.md", markdown_post(rng, index, date, terms, links)))
        else:
            # A plain export has no front matter: its date is the Jekyll-style name prefix.
            name = f"{date.isoformat()}-export-{index:05d}.txt"
            posts.append(SyntheticPost(name, plain_post(rng, index, terms)))
    return posts


def glossary_terms(path: Path) -> list[str]:
    """The headwords of a glossary file, to sprinkle into the synthetic text."""
    return [entry.term for entry in parse_glossary(path.read_text(encoding="utf-8"), str(path)).entries]


def write_corpus(folder: Path, posts: Sequence[SyntheticPost]) -> None:
    """Write the posts into an empty or missing folder (never over someone's files)."""
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise FileExistsError(f"{folder}: folder is not empty; give a new one")
    for post in posts:
        (folder / post.name).write_text(post.text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make_corpus", description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="number of posts")
    parser.add_argument("out", type=Path, help="new folder for the posts")
    parser.add_argument("--seed", type=int, default=1, help="same seed, same posts (default 1)")
    parser.add_argument("--glossary", type=Path, help="glossary file whose terms the posts mention")
    args = parser.parse_args(argv)
    terms = glossary_terms(args.glossary) if args.glossary else []
    try:
        write_corpus(args.out, synthetic_posts(args.count, seed=args.seed, terms=terms))
    except (FileExistsError, OSError) as error:
        print(f"make_corpus: {error}", file=sys.stderr)
        return 2
    print(f"wrote {args.count} posts to {args.out}")
    return 0
