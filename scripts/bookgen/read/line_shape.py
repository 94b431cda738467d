"""Is a bare line of a plain-text export a heading? Its shape and its neighbours decide.

An export keeps no markup, so a heading is only a line that looks and sits like one:
short, no closing full stop, followed by a paragraph, in step with the post's other
headings ("Step 2: ...", all lower case). Each such clue is a feature; a line is a
heading when the weighted sum of its features is positive. The weights are fitted on
real posts exported to plain text (``python -m booktools.headings --fit``) and kept in
``heading_weights``; this module only describes lines.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .heading_weights import BIAS, WEIGHTS

CANDIDATE_MAX_WORDS = 20
"""Longer lines are paragraphs: no real heading measured had more."""

# Words that open a sentence rather than a title, and words a line stops on when it
# breaks off mid-sentence to introduce a list or code ("The output is", "I ran").
_OPENERS = frozenset(
    (
        "so",
        "but",
        "and",
        "then",
        "here",
        "this",
        "that",
        "it",
        "i",
        "i'm",
        "i've",
        "we",
        "you",
        "which",
        "if",
        "when",
        "for",
        "now",
        "also",
        "there",
        "they",
        "my",
        "our",
        "the",
        "a",
        "an",
        "in",
        "on",
        "as",
        "to",
        "what",
        "how",
        "why",
        "with",
        "let's",
        "once",
        "after",
        "before",
        "because",
        "or",
        "just",
        "some",
        "one",
        "these",
        "those",
    )
)
_DANGLING = frozenset(
    (
        "the",
        "a",
        "an",
        "to",
        "of",
        "is",
        "was",
        "are",
        "were",
        "be",
        "been",
        "have",
        "has",
        "had",
        "with",
        "for",
        "like",
        "that",
        "and",
        "or",
        "but",
        "as",
        "by",
        "in",
        "on",
        "at",
        "from",
        "into",
        "run",
        "ran",
        "says",
        "said",
        "do",
        "does",
        "get",
        "got",
        "this",
        "you",
        "it",
        "i",
        "we",
        "can",
        "will",
        "would",
        "should",
        "could",
        "my",
        "our",
        "your",
        "their",
        "its",
    )
)
# "2. Setup", "3) Results", "Step 4: ...", "Part II.": a numbered heading.
_NUMBERED = re.compile(
    r"(\d+(\.\d+)*[.):]?\s|(step|part|day|chapter|section|phase|stage|lesson|tip|rule|reason|option|week)"
    r"\s+(\d+|[ivx]+)\b|[ivx]+[.)]\s)",
    re.IGNORECASE,
)
_SHORTCODE_END = re.compile(r":[a-z0-9_+-]+:$")  # "Launch day :rocket:"
_SENTENCE_INSIDE = re.compile(r"[.!?] [A-Z]")
_QUOTES_AND_BRACKETS = ")\"'\u201d\u2019\u2026"


@dataclass(frozen=True)
class LineKinds:
    """What each line of the export is before headings are decided, and where each line's
    neighbours with words are (found once, so weighing every line stays linear)."""

    texts: Sequence[str]  # stripped text of every line
    kinds: Sequence[str]  # "blank", "text", "bullet", "code", "rule" per line
    title: int  # the index of the title line, the first with words
    next_line: Sequence[int]  # per line, the next line with words (-1: none)
    previous_line: Sequence[int]  # per line, the line with words before it, below the title (-1: none)
    sign_off_from: int  # from this line on, only sign-off lines (a name, "Cheers") or none

    @classmethod
    def of(cls, texts: Sequence[str], kinds: Sequence[str]) -> LineKinds:
        title = next((i for i, kind in enumerate(kinds) if kind != "blank"), len(kinds))
        next_line = [-1] * len(kinds)
        sign_off_from, following = len(kinds), -1
        ending = True  # every line with words from here on signs off
        for index in range(len(kinds) - 1, -1, -1):
            next_line[index] = following
            if kinds[index] != "blank":
                following = index
                ending = ending and kinds[index] == "text" and _signs_off(texts[index])
            if ending:
                sign_off_from = index
        previous_line = [-1] * len(kinds)
        before = -1
        for index in range(title + 1, len(kinds)):
            previous_line[index] = before
            if kinds[index] != "blank":
                before = index
        return cls(texts, kinds, title, next_line, previous_line, sign_off_from)


@dataclass(frozen=True)
class PostShape:
    """Facts about the whole post that tell its headings' style."""

    first_words: Mapping[str, int]
    numbered: int
    short_share: float
    lower_share: float

    @classmethod
    def of(cls, lines: LineKinds) -> PostShape:
        start = lines.title + 1
        texts = [t for t, k in zip(lines.texts[start:], lines.kinds[start:], strict=True) if k == "text"]
        short = [t for t in texts if len(t.split()) <= 12]
        return cls(
            first_words=Counter(_bare(t.split()[0]) for t in short),
            numbered=sum(1 for t in short if _NUMBERED.match(t)),
            short_share=len(short) / max(1, len(texts)),
            lower_share=sum(t[0].islower() for t in short) / max(1, len(short)),
        )


def is_candidate(lines: LineKinds, index: int) -> bool:
    """Only unindented text lines of a few words can be headings."""
    return lines.kinds[index] == "text" and 0 < len(lines.texts[index].split()) <= CANDIDATE_MAX_WORDS


@dataclass(frozen=True)
class HeadingModel:
    """A logistic model over line features: the fitted one is ``FITTED``."""

    bias: float
    weights: Mapping[str, float]

    def probability(self, features: Mapping[str, float]) -> float:
        score = self.bias + sum(self.weights.get(name, 0.0) * value for name, value in features.items())
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, score))))


FITTED = HeadingModel(BIAS, WEIGHTS)


def heading_probability(lines: LineKinds, index: int, post: PostShape, model: HeadingModel = FITTED) -> float:
    """How likely the line at ``index`` (a candidate) heads a section, from 0 to 1."""
    return model.probability(line_features(lines, index, post))


def line_features(lines: LineKinds, index: int, post: PostShape) -> dict[str, float]:
    """The clues of one candidate line, by name; the fit and the reader share them."""
    text = lines.texts[index]
    features = _own_features(text)
    first = _bare(text.split()[0])
    features["same_first"] = min(post.first_words.get(first, 1) - 1, 3) / 3
    if "numbered" in features:
        features["numbered_siblings"] = min(post.numbered - 1, 3) / 3
    features["post_short_share"] = post.short_share
    features["post_lower_share"] = post.lower_share
    features.update(_next_features(lines, index))
    features.update(_previous_features(lines, index))
    return features


def _own_features(text: str) -> dict[str, float]:
    words = text.split()
    features = {f"words={_bucket(len(words), (2, 3, 4, 5, 6, 7, 8, 9, 13, 17))}": 1.0}
    features[f"chars={min(len(text) // 15, 8)}"] = 1.0
    features[f"last={_end_class(text[-1])}"] = 1.0
    features[f"first={_char_class(text[0])}"] = 1.0
    if (opener := _bare(words[0])) in _OPENERS:
        features[f"opener={opener}"] = 1.0
    if (last := _bare(words[-1])) in _DANGLING:
        features[f"dangling={last}"] = 1.0
    alpha = [word for word in words if word[0].isalpha()]
    features["capitalised"] = sum(word[0].isupper() for word in alpha) / max(1, len(alpha))
    if text.isupper():
        features["all_caps"] = 1.0
    if _NUMBERED.match(text):
        features["numbered"] = 1.0
    if "://" in text:
        features["url"] = 1.0
    if _SHORTCODE_END.search(text):
        features["shortcode_end"] = 1.0
    if _SENTENCE_INSIDE.search(text):
        features["two_sentences"] = 1.0
    return features


def _next_features(lines: LineKinds, index: int) -> dict[str, float]:
    after = lines.next_line[index]
    if after < 0 or after >= lines.sign_off_from:
        return {"next=end": 1.0}  # nothing follows, or only a name: a sign-off
    features = {f"next={lines.kinds[after]}": 1.0}
    if lines.kinds[after] == "text":
        text = lines.texts[after]
        features[f"next_words={_bucket(len(text.split()), (6, 13, 25))}"] = 1.0
        if text[0].islower():
            features["next_lower"] = 1.0
        if len(text.split()) <= 8 and text[-1] not in ".:,;":
            features["next_heading_like"] = 1.0
    return features


def _previous_features(lines: LineKinds, index: int) -> dict[str, float]:
    before = lines.previous_line[index]
    if before < 0:
        return {"previous=title": 1.0}
    features = {f"previous={lines.kinds[before]}": 1.0}
    if lines.kinds[before] == "text":
        text = lines.texts[before]
        ending = (
            "sentence" if text[-1] in ".!?" + _QUOTES_AND_BRACKETS else "colon" if text[-1] == ":" else "open"
        )
        features[f"previous_end={ending}"] = 1.0
        features[f"previous_words={_bucket(len(text.split()), (6, 13))}"] = 1.0
    return features


def _signs_off(text: str) -> bool:
    """A short line that is no sentence: a name, "Thanks for reading!", "Cheers"."""
    return len(text.split()) <= 6 and not text.endswith(".")


def _bucket(value: int, bounds: Sequence[int]) -> int:
    """The first bound ``value`` stays under, or the last bound."""
    return next((bound for bound in bounds if value < bound), bounds[-1])


def _bare(word: str) -> str:
    return word.casefold().strip(",:;.!?\"'()")


def _end_class(char: str) -> str:
    if char.isalnum():
        return "word"
    return char if char in ".!?:,;" + _QUOTES_AND_BRACKETS else "other"


def _char_class(char: str) -> str:
    if char.isupper():
        return "upper"
    if char.islower():
        return "lower"
    return "digit" if char.isdigit() else "other"
