from __future__ import annotations

import datetime as dt

import pytest

from bookgen.model import ReportKind
from bookgen.read.metadata import date_from_file_name, read_fields, split_front_matter


def test_yaml_front_matter_and_body_line() -> None:
    split = split_front_matter("---\ntitle: T\n---\n\nBody\n", "a.md")
    assert split.has_front_matter and split.fields == {"title": "T"}
    assert split.body.strip() == "Body" and split.body_line == 4


def test_toml_front_matter() -> None:
    split = split_front_matter('+++\ntitle = "T"\ndate = 2021-03-02\n+++\nBody\n', "a.md")
    assert split.fields == {"title": "T", "date": dt.date(2021, 3, 2)}


@pytest.mark.parametrize(
    "text",
    ["---\ntitle: [unclosed\n---\nBody\n", "---\n- a list\n- not a mapping\n---\nBody\n"],
)
def test_malformed_front_matter_is_reported_and_kept_as_text(text: str) -> None:
    split = split_front_matter(text, "a.md")
    assert not split.has_front_matter and split.body == text
    (report,) = split.reports
    assert report.kind is ReportKind.FRONT_MATTER and str(report).startswith("a.md:")


def test_wrongly_typed_fields() -> None:
    fields = read_fields({"title": ["x"], "date": "last tuesday", "tags": "a, b"}, "a.md")
    assert fields.title == "" and fields.date is None and fields.tags == ("a", "b")
    assert len(fields.reports) == 3


def test_dates() -> None:
    assert read_fields({"date": "2020-01-02T10:00:00"}, "a.md").date == dt.date(2020, 1, 2)
    assert date_from_file_name("2019-07-08-a-post.md") == dt.date(2019, 7, 8)
    assert date_from_file_name("2019-13-08-a-post.md") is None
    assert date_from_file_name("000_143840a79ac7977d.txt") is None


@pytest.mark.parametrize("date", ["2024-13-45", "2024-02-30", "0000-01-01"])
def test_impossible_dates_are_reported_at_their_line(date: str) -> None:
    split = split_front_matter(f"---\ntitle: T\ndate: {date}\n---\nBody\n", "a.md")
    assert split.fields == {"title": "T", "date": date} and split.field_lines == {"title": 2, "date": 3}
    fields = read_fields(split.fields, "a.md", split.field_lines)
    assert fields.title == "T" and fields.date is None
    assert [str(r) for r in fields.reports] == [
        f"a.md:3: front-matter: date: {date!r} is not a date (YYYY-MM-DD); ignored"
    ]


def test_a_number_too_long_for_python_is_kept_as_text() -> None:
    split = split_front_matter(f"---\ntitle: {'9' * 5000}\n---\nBody\n", "a.md")
    assert read_fields(split.fields, "a.md").title == "9" * 5000


def billion_laughs(levels: int) -> str:
    lines = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [{','.join([f'*l{level - 1}'] * 9)}]")
    return "\n".join(lines)


@pytest.mark.parametrize("key", ["title", "date", "tags", "description"])
def test_alias_bombs_are_refused_at_their_line(key: str) -> None:
    text = f"---\n{billion_laughs(9)}\n{key}: *l8\n---\nBody\n"
    split = split_front_matter(text, "a.md")
    assert not split.has_front_matter and split.body == text
    (report,) = split.reports
    assert str(report) == (
        "a.md:5: front-matter: malformed front matter (aliases repeat more than 1000 values); kept as text"
    )


def test_a_few_aliases_are_fine() -> None:
    split = split_front_matter(f"---\n{billion_laughs(2)}\ntags: *l0\n---\nBody\n", "a.md")
    assert split.has_front_matter and read_fields(split.fields, "a.md").tags == ("lol",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("---\nx: " + "[" * 5000 + "]" * 5000 + "\n---\nB\n", "nested more than 50 levels deep"),
        ("+++\nx = " + "[" * 5000 + "]" * 5000 + "\n+++\nB\n", "nested too deeply"),
        ("+++\ntitle = " + "9" * 5000 + "\n+++\nB\n", "Exceeds the limit (4300 digits)"),
    ],
)
def test_deep_or_huge_front_matter_is_kept_as_text(text: str, message: str) -> None:
    split = split_front_matter(text, "a.md")
    (report,) = split.reports
    assert not split.has_front_matter and message in report.message


def test_tags_that_are_not_words_are_reported_and_messages_stay_short() -> None:
    fields = read_fields(
        {"tags": ["a", ["b"], {"c": 1}, "", 3], "title": ["x" * 10_000]}, "a.md", {"tags": 4}
    )
    assert fields.tags == ("a", "3")
    assert [r.line for r in fields.reports] == [None, 4, 4]
    assert all(len(r.message) < 200 for r in fields.reports)


def test_malformed_toml_is_reported_at_its_line() -> None:
    (report,) = split_front_matter('+++\ntitle = "T"\ntags = [a\n+++\nBody\n', "a.md").reports
    assert str(report).startswith("a.md:3: front-matter: malformed front matter (Invalid value")
