"""Finding curated phrases (glossary terms, resource names) in plain text.

Matching works on the text of the document model, never on Markdown. It ignores case,
except for abbreviations written in capitals ("ML", "GPU"), which match only in
capitals; plurals match too, and the longest phrase wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

ABBREVIATION_MAX = 5


def match_key(text: str) -> str:
    """What two spellings of a phrase share: case, spaces and punctuation aside."""
    return "".join(char for char in text.casefold() if char.isalnum() or char == "/")


def is_abbreviation(form: str) -> bool:
    return len(form) <= ABBREVIATION_MAX and form.upper() == form and any(c.isalpha() for c in form)


def _plural(word: str) -> str:
    if is_abbreviation(word) or word[-1:].isdigit():
        return word + "s"
    lower = word.lower()
    if lower.endswith("y") and lower[-2:-1] not in tuple("aeiou"):
        return word[:-1] + "ies"
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


def variants(form: str) -> tuple[str, str]:
    return form, _plural(form)


class PhraseMatcher:
    """Finds phrases in plain text, longest first, on word boundaries, plurals included.

    ``phrases`` maps each phrase to what it stands for; a phrase in ``exact`` (or an
    abbreviation in capitals) matches only as written, all others ignore case.
    """

    def __init__(self, phrases: Mapping[str, str], exact: Iterable[str] = ()) -> None:
        exact_phrases = set(exact)
        self._value_of: dict[str, str] = {}
        sensitive: list[str] = []
        insensitive: list[str] = []
        for phrase, value in phrases.items():
            for variant in variants(phrase):
                self._value_of[match_key(variant)] = value
                exactly = phrase in exact_phrases or is_abbreviation(phrase)
                (sensitive if exactly else insensitive).append(variant)
        # Case-blind matching runs on the lowered text with lowered forms: several times
        # faster than re.IGNORECASE. A text whose length changes when lowered falls back.
        self._sensitive = re.compile(_alternation(sensitive)) if sensitive else None
        self._lowered = re.compile(_alternation(f.lower() for f in insensitive)) if insensitive else None
        self._ignorecase = re.compile(_alternation(insensitive), re.IGNORECASE) if insensitive else None

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Non-overlapping ``(start, end, value)`` matches, leftmost and longest first."""
        found = [(m.start(), m.end()) for m in self._sensitive.finditer(text)] if self._sensitive else []
        if self._lowered is not None and self._ignorecase is not None:
            lowered = text.lower()
            if len(lowered) == len(text):
                found += [(m.start(), m.end()) for m in self._lowered.finditer(lowered)]
            else:
                found += [(m.start(), m.end()) for m in self._ignorecase.finditer(text)]
        found.sort(key=lambda span: (span[0], span[0] - span[1]))
        chosen: list[tuple[int, int, str]] = []
        for start, end in found:
            if chosen and start < chosen[-1][1]:
                continue
            value = self._value_of.get(match_key(text[start:end]))
            if value is not None:
                chosen.append((start, end, value))
        return chosen


def _alternation(forms: Iterable[str]) -> str:
    """One pattern for all forms, shaped as a trie so each position is tried once.

    A plain ``a|b|c`` alternation of a glossary's hundreds of forms is tried form by
    form at every position of every post; sharing prefixes makes it linear. At each
    branch the longer continuation is tried first, so the longest form wins.
    """
    trie: _Trie = {}
    for form in set(forms):
        node = trie
        for atom in _atoms(form):
            node = node.setdefault(atom, {})
        node[""] = {}
    return r"(?<!\w)(?:" + _trie_pattern(trie) + r")(?!\w)"


_Trie = dict[str, "_Trie"]
_SEPARATOR = r"[\s\-]*"


def _atoms(form: str) -> list[str]:
    """The form as pattern atoms: escaped characters, one separator atom between words."""
    words = [w for w in re.split(r"[\s\-]+", form) if w]
    atoms: list[str] = []
    for index, word in enumerate(words):
        if index:
            atoms.append(_SEPARATOR)
        atoms.extend(re.escape(char) for char in word)
    return atoms


def _trie_pattern(node: _Trie) -> str:
    branches = [atom + _trie_pattern(child) for atom, child in sorted(node.items()) if atom]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` holding ``text[start:end]``."""
    begin = 0
    for index in range(start - 1, 0, -1):
        if text[index - 1] in ".!?" and text[index].isspace():
            begin = index
            break
    finish = len(text)
    for index in range(end, len(text) - 1):
        if text[index] in ".!?" and text[index + 1].isspace():
            finish = index + 1
            break
    return " ".join(text[begin:finish].split())
