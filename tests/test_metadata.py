from __future__ import annotations

import datetime as dt

import pytest

from bookgen.metadata import date_from_file_name, read_fields, split_front_matter
from bookgen.model import ReportKind


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
