"""Related posts: up to three other posts per post, each with what the two share.

A suggestion rests on what the book already knows of each post (the glossary terms it
mentions, the resources it cites, its tags) and on its most distinctive words. Each
shared feature counts by its rarity in the book, so a tag on most posts says little,
and a pair must reach ``MIN_SCORE``: a post with nothing telling in common with the
others gets no suggestion rather than a weak one.

No stopword list: a word frequent in many posts is the book's vocabulary, not a topic,
and is dropped by its document frequency, whatever the language.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import itertools
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from .matcher import match_key

TERM_WEIGHT = 3.0
RESOURCE_WEIGHT = 3.0
TAG_WEIGHT = 2.0
WORD_WEIGHT = 0.5
# One term or tag shared by a few posts passes; one shared word, or a term common in
# the book, does not: about three distinctive words in common are needed to stand alone.
MIN_SCORE = 1.2
WORDS_PER_POST = 25  # each post's most distinctive words that take part
WORD_MAX_SHARE = 0.2  # a word among the frequent words of more posts than this is no topic
# A pair must share a "seed": a feature worth at least SEED_MIN_WEIGHT and on at most
# SEED_MAX_SHARE of the posts (see _split).
SEED_MIN_WEIGHT = 0.25
SEED_MAX_SHARE = 0.1
SHARED_MAX = 4
SHOWN_MIN_RARITY = 0.25  # a shared feature less rare than this counts a little but is not named

WORD_MIN = 3
WORD_MAX = 30

_TERM, _RESOURCE, _TAG, _WORD = range(4)  # also the order in which shared features are named
_WEIGHTS = (TERM_WEIGHT, RESOURCE_WEIGHT, TAG_WEIGHT, WORD_WEIGHT)
_SCALE = 1_000_000  # scores are summed as integers, so a sum does not depend on its order

Feature = tuple[int, str]  # (kind, key): a key is case-blind


@dataclass(frozen=True)
class PostTraits:
    """What a post is about, as related-post suggestions weigh it."""

    source: str  # the post's file name, its identity
    terms: tuple[str, ...] = ()  # glossary terms it mentions (headwords, display form)
    resources: tuple[str, ...] = ()  # titles of resources it cites (display form)
    tags: tuple[str, ...] = ()  # its tags as written
    words: tuple[tuple[str, int], ...] = ()  # its distinctive words with counts: post_words(...)


@dataclass(frozen=True)
class Related:
    """A post to suggest, and what it shares with the post it is suggested for."""

    source: str  # the related post
    shared: tuple[str, ...]  # most telling first: terms, resources, tags, then words


# --- words --------------------------------------------------------------------------

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_KATAKANA = "\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff"
_HIRAGANA = "\u3040-\u309f"
_HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"


def _ranges(codes: Iterable[int]) -> str:
    """A regular-expression class body for the code points, as ranges."""
    runs: list[list[int]] = []
    for code in codes:
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in runs)


_PLAIN_WORD = re.compile(r"[^\W_]+")
# A web address as it stands in a post's text (bare, or a link's text that is its address).
_ADDRESS = re.compile(r"\b(?:https?|ftp)://\S+|\bwww\.\S+")


@functools.cache
def _token_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Words of scripts that space them (combining marks kept, so Devanagari or Thai
    words are not cut at their vowel signs); and Han runs, katakana runs and Hangul
    words. Hiragana, mostly particles and endings, matches neither and is skipped.
    Built on first use."""
    # Combining marks of the BMP; the blocks skipped (CJK ideographs, Yi, Hangul syllables,
    # surrogates, private use) have none, and skipping them makes this 3 times faster.
    codes = itertools.chain(range(0x300, 0x3100), range(0xA600, 0xAC00), range(0xFB00, 0x10000))
    marks = _ranges(code for code in codes if unicodedata.category(chr(code)).startswith("M"))
    cjk = _HAN + _KATAKANA + _HIRAGANA + _HANGUL
    spaced = re.compile(rf"[^\W_{cjk}](?:[^\W_{cjk}]|[{marks}])*")
    special = re.compile(rf"[{marks}{cjk}]")  # a text without these needs neither pattern
    return spaced, re.compile(rf"([{_HAN}]+)|([{_KATAKANA}]+)|([{_HANGUL}]+)"), special


def _word_counts_of(text: str) -> tuple[Counter[str], set[str]]:
    """The words of a text as ``post_words`` counts them, and which of them are CJK.

    Han text, written without spaces, gives its overlapping pairs of characters, a
    common stand-in for its words; other words of two to ``WORD_MAX`` CJK characters or
    ``WORD_MIN`` to ``WORD_MAX`` letters and digits count (numbers alone do not). Words
    are counted by ``Counter`` over the pattern's matches: no Python step per word."""
    spaced, cjk_runs, special = _token_patterns()
    # An address in the text is no word of it: "https", "index" and "static" of
    # https://static.example.org/dist/index.html named what whole posts were about.
    text = _ADDRESS.sub(" ", unicodedata.normalize("NFKC", text).lower())
    plain = special.search(text) is None  # most posts: words are runs of letters and digits
    found = Counter((_PLAIN_WORD if plain else spaced).findall(text))
    counts = Counter(
        {word: n for word, n in found.items() if WORD_MIN <= len(word) <= WORD_MAX and not word.isdigit()}
    )
    cjk: set[str] = set()
    for han, katakana, hangul in () if plain else cjk_runs.findall(text):
        if han:
            words = [han[k : k + 2] for k in range(len(han) - 1)]
        else:
            run = katakana or hangul
            words = [run] if 2 <= len(run) <= WORD_MAX else []
        counts.update(words)
        cjk.update(words)
    return counts, cjk


def _words(text: str) -> Iterator[tuple[str, bool]]:
    """The distinct words of a text, each with whether it is CJK."""
    counts, cjk = _word_counts_of(text)
    return ((word, word in cjk) for word in counts)


def post_words(texts: Iterable[str], limit: int = 40) -> tuple[tuple[str, int], ...]:
    """A post's most frequent content words, lower-cased, with their counts, best first.

    Words are letters and digits, at least three long, or CJK (see ``_words``). Counts
    are weighed by length to rank, as a language's short words are its function
    words (Zipf's law of abbreviation), so no stopword list is needed; the counts
    returned are the real ones. Depends on the post alone, so it can be computed once
    when the post is read.
    """
    counts, cjk = _word_counts_of("\n".join(texts))

    def rank(item: tuple[str, int]) -> tuple[int, str]:
        word, count = item
        heft = min(12, len(word) * (2 if word in cjk else 1))  # a CJK character says more
        return -count * heft, word

    return tuple(heapq.nsmallest(limit, counts.items(), key=rank))


# --- related posts ------------------------------------------------------------------


def related_posts(posts: Sequence[PostTraits], limit: int = 3) -> dict[str, tuple[Related, ...]]:
    """For each post (by source), up to ``limit`` related posts, best first; a post with
    none maps to ().

    Same posts, same answer, whatever the hash seed; equal scores go to the post earlier
    in the book. A later post with the source of an earlier one is ignored.
    """
    book = _first_of_each(posts)
    if len(book) < 2 or limit <= 0:
        return {post.source: () for post in book}
    labels, shown = _labels(book)
    counts = [_word_counts(post) for post in book]
    features, weights = _features(labels, counts)
    seeds, minor = _split(features, weights)
    candidates = _candidates(features, seeds, weights)
    result: dict[str, tuple[Related, ...]] = {}
    for index, post in enumerate(book):
        best = _best(candidates[index], features[index] & minor, features, weights, limit)
        result[post.source] = tuple(
            Related(
                book[other].source,
                _shared(
                    features[index] & features[other],
                    weights,
                    shown,
                    (counts[index], counts[other]),
                    name_words=len(book) >= WORDS_NAMED_FROM,
                ),
            )
            for other in best
        )
    return result


def _first_of_each(posts: Sequence[PostTraits]) -> list[PostTraits]:
    """The posts in book order, each source once (its first post)."""
    sources: set[str] = set()
    book: list[PostTraits] = []
    for post in posts:
        if post.source not in sources:
            sources.add(post.source)
            book.append(post)
    return book


def _labels(book: Sequence[PostTraits]) -> tuple[list[frozenset[Feature]], dict[Feature, str]]:
    """Each post's terms, resources and tags as features, and each feature as first
    written in the book. Case, spaces and punctuation aside, two labels are one:
    "Machine-learning" is "machine learning"."""
    shown: dict[Feature, str] = {}
    keys: dict[str, str] = {}  # each label's key, worked out once: labels recur
    labels: list[frozenset[Feature]] = []
    for post in book:
        own: set[Feature] = set()
        for kind, written in ((_TERM, post.terms), (_RESOURCE, post.resources), (_TAG, post.tags)):
            for label in written:
                if label not in keys:
                    keys[label] = match_key(label) or " ".join(label.split()).casefold()
                if keys[label]:
                    feature = (kind, keys[label])
                    own.add(feature)
                    shown.setdefault(feature, " ".join(label.split()))
        labels.append(frozenset(own))
    return labels, shown


def _rarity(df: int, n: int) -> float:
    """1 for a feature of one post, near 0 for one of every post; the same scale for any
    size of book, so that ``MIN_SCORE`` means the same in a small one."""
    return math.log((n + 1) / df) / math.log(n + 1)


def _word_counts(post: PostTraits) -> Counter[str]:
    counts: Counter[str] = Counter()
    for word, count in post.words:
        counts[word.casefold()] += count
    return counts


def _features(
    labels: Sequence[frozenset[Feature]], words: Sequence[Counter[str]]
) -> tuple[list[frozenset[Feature]], dict[Feature, int]]:
    """Each post's features (its labels and most distinctive words), and each feature's
    weight in a score, in integer units."""
    n = len(labels)
    word_df = Counter(word for counts in words for word in counts)
    label_df = Counter(feature for own in labels for feature in own)
    word_cap = max(2, int(WORD_MAX_SHARE * n))

    def distinctive(counts: Counter[str]) -> list[str]:
        """The post's words that others may share, by count times rarity."""
        usable = [
            (-c * math.log((n + 1) / word_df[w]), w) for w, c in counts.items() if 2 <= word_df[w] <= word_cap
        ]
        return [word for _, word in heapq.nsmallest(WORDS_PER_POST, usable)]

    features = [
        own | {(_WORD, word) for word in distinctive(counts)}
        for own, counts in zip(labels, words, strict=True)
    ]
    weights: dict[Feature, int] = {}
    for own in features:
        for feature in own:
            if feature not in weights:
                kind, key = feature
                df = word_df[key] if kind == _WORD else label_df[feature]
                weights[feature] = round(_WEIGHTS[kind] * _rarity(df, n) * _SCALE)
    return features, weights


def _split(
    features: Sequence[frozenset[Feature]], weights: dict[Feature, int]
) -> tuple[dict[Feature, list[int]], frozenset[Feature]]:
    """The seeds, each with its posts in book order, and the minor features: the others
    that two posts can share.

    A seed is worth at least ``SEED_MIN_WEIGHT`` and is on at most ``SEED_MAX_SHARE`` of
    the posts (at least 5), so its list is short. Two posts are related only if they
    share a seed: posts sharing only weak or common features are not (a word on more
    than about √N of the N posts is too weak alone, a tag on more than 10% too common).
    """
    postings: dict[Feature, list[int]] = defaultdict(list)
    for index, own in enumerate(features):
        for feature in own:
            if weights[feature] > 0:
                postings[feature].append(index)
    seed_cap = max(5, int(SEED_MAX_SHARE * len(features)))
    seeds: dict[Feature, list[int]] = {}
    minor: set[Feature] = set()
    for feature, posted in postings.items():
        if len(posted) < 2:
            continue
        if len(posted) <= seed_cap and weights[feature] >= SEED_MIN_WEIGHT * _SCALE:
            seeds[feature] = posted
        else:
            minor.add(feature)
    return seeds, frozenset(minor)


def _candidates(
    features: Sequence[frozenset[Feature]], seeds: dict[Feature, list[int]], weights: dict[Feature, int]
) -> list[dict[int, int]]:
    """For each post, the posts sharing a seed with it and the seeds' part of the score.

    Found through the seeds' lists, never by comparing all pairs, each pair once; the
    cost grows with the posts rather than with their square.
    """
    candidates: list[dict[int, int]] = [{} for _ in features]
    for index, own in enumerate(features):
        found: defaultdict[int, int] = defaultdict(int)
        for feature in own:
            posted = seeds.get(feature)
            if posted is not None:
                weight = weights[feature]
                for other in posted[bisect.bisect_right(posted, index) :]:  # later posts only
                    found[other] += weight
        for other, score in found.items():
            candidates[index][other] = candidates[other][index] = score
    return candidates


def _best(
    candidates: dict[int, int],
    minor: frozenset[Feature],
    features: Sequence[frozenset[Feature]],
    weights: dict[Feature, int],
    limit: int,
) -> list[int]:
    """The ``limit`` best candidates scoring at least ``MIN_SCORE``, best first, ties to
    the earlier post.

    A score is the seeds' part plus the minor features shared; these are added only
    while they could still change the outcome (all of the post's minor features at
    most), in decreasing order of the seeds' part. Scores are integers, so a pair's
    score is the same whichever post's view sums it.
    """
    most = sum(weights[feature] for feature in minor)
    floor = MIN_SCORE * _SCALE
    if len(candidates) >= limit:  # the best scores are at least the best seeds' parts
        floor = max(floor, sorted(candidates.values(), reverse=True)[limit - 1])
    hopeful = sorted((-score, other) for other, score in candidates.items() if score + most >= floor)
    best: list[tuple[int, int]] = []  # (-score, other), kept sorted
    for negative, other in hopeful:
        bar = -best[-1][0] if len(best) == limit else floor
        if -negative + most < bar:
            break
        total = -negative + sum(weights[feature] for feature in minor & features[other])
        if total >= bar:
            bisect.insort(best, (-total, other))
            del best[limit:]
    return [other for _, other in best]


# Below this many posts, how many posts use a word does not tell "very" from "GPU": words
# still count towards a suggestion, but only terms, resources and tags are named.
WORDS_NAMED_FROM = 10
NAMED_WORD_MIN = 4  # letters a word of a cased script needs to be named as shared


def _nameable(word: str) -> bool:
    return len(word) >= NAMED_WORD_MIN or not any(ch.isalpha() and ch.lower() != ch.upper() for ch in word)


def _forms(word: str) -> set[str]:
    """A word and its plain plural or singular, as a reader takes them for one word."""
    forms = {word, word + "s", word + "es"}
    for ending in ("es", "s"):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            forms.add(word[: -len(ending)])
    return forms


def _shared(
    common: frozenset[Feature],
    weights: dict[Feature, int],
    shown: dict[Feature, str],
    counts: tuple[Counter[str], Counter[str]],
    *,
    name_words: bool = True,
) -> tuple[str, ...]:
    """What two posts share, most telling first: labels by kind then rarity, then words
    to fill up to ``SHARED_MAX``, by rarity times use.

    A feature too common to tell anything is not named, nor a word that neither post
    repeats (in short posts, "are" or "into" may be shared by chance), nor a short word
    of a cased script ("was", "for": function words, which the rarity of a small book
    does not tell from topics), nor a label or word already said ("learning" after
    "Machine learning")."""
    floor = SHOWN_MIN_RARITY * _SCALE
    named: list[str] = []
    said: set[str] = set()  # the keys of the labels named
    for kind, key in sorted(common, key=lambda feature: (feature[0], -weights[feature], feature[1])):
        if kind != _WORD and key not in said and weights[(kind, key)] >= _WEIGHTS[kind] * floor:
            said.add(key)
            named.append(shown[(kind, key)])
    del named[SHARED_MAX:]
    if name_words and len(named) < SHARED_MAX:
        uses = {key: counts[0][key] + counts[1][key] for kind, key in common if kind == _WORD}
        words = [
            word
            for word, use in uses.items()
            if use > 2 and weights[(_WORD, word)] >= WORD_WEIGHT * floor and _nameable(word)
        ]
        said.update(word for form in named for word, _ in _words(form))
        words.sort(key=lambda word: (-weights[(_WORD, word)] * uses[word], word))
        for word in words:
            if len(named) >= SHARED_MAX:
                break
            if not said & _forms(word):  # "packet" after "packets" says nothing new
                said.add(word)
                named.append(word)
    return tuple(named)
