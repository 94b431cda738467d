"""The heading meter: exports with known headings, and a fit that learns from them."""

from __future__ import annotations

from bookgen.read.line_shape import HeadingModel
from booktools.headings import export_plain_text, fit, measure_lines, samples, weights_module

POST = """\
Intro words that open the post and run on for a while before any heading at all appears.

## Setting up the machine

![a diagram of the rack](rack.png)

The first step was to unpack everything and count the cables twice, as one always should.

- a bullet item
- another one

```
make all
```

## What we measured

The numbers came out better than expected, which made everyone suspicious for a day.
"""


def test_export_knows_its_heading_lines_and_drops_images() -> None:
    export = export_plain_text("A title", POST)
    lines = export.text.split("\n")
    assert export.headings == ["Setting up the machine", "What we measured"]
    assert [lines[i] for i in sorted(export.heading_lines)] == export.headings
    assert "diagram" not in export.text
    assert "• a bullet item" in lines and "    make all" in lines


def test_fit_learns_headings_from_exports() -> None:
    posts = [(f"p{n}.md", export_plain_text(f"Post {n}", POST)) for n in range(5)]
    model = fit(samples(posts), epochs=30)
    score = measure_lines(posts, model)
    assert (score.precision, score.recall) == (1.0, 1.0)
    assert measure_lines(posts, HeadingModel(-5.0, {})).recall == 0.0


def test_weights_module_is_python_that_gives_the_model_back() -> None:
    model = HeadingModel(-1.25, {'last="': 0.5, "opener=i'm": -2.0})
    namespace: dict[str, object] = {}
    exec(weights_module(model, ["blog (3 posts)"]), namespace)
    assert namespace["BIAS"] == -1.25 and namespace["WEIGHTS"] == model.weights
