"""Links into the blog itself, in the forms the generators give them.

A post links its blog's other posts by path (``/2019/05/x/``, ``../x.md``, ``#setup``),
by source file (Zola's ``@/blog/x.md``; Hugo's ``{{< ref "x.md" >}}``; Jekyll's
``{% link _posts/x.md %}``) or by post (Jekyll's ``{% post_url 2019-05-01-x %}``), often
after the site's base address (``{{ site.baseurl }}``). Reading only names the form and
the target; resolve finds the post.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .embeds import shortcode_arguments

PATH, FILE, POST = "path", "file", "post"

# Template expressions that stand for the site's own address in front of a path.
BASE_ADDRESSES = frozenset(
    {"site.baseurl", "site.url", "site.url }}{{ site.baseurl", ".site.baseurl", "site.base_url", "base_url"}
)
# Template tags that name a post or a source file: (opener, closer) -> tag names by form.
TAG_FORMS = {"post_url": POST, "link": FILE, "ref": FILE, "relref": FILE}
_TAGS = (("{{<", ">}}"), ("{{%", "%}}"), ("{%", "%}"), ("{{", "}}"))
_MAX_TARGET = 2000


@dataclass(frozen=True)
class SiteTarget:
    form: str  # PATH, FILE or POST
    target: str  # the path, file or post, with its fragment (``x.md#setup``)


def site_target(href: str) -> SiteTarget | None:
    """What ``href`` (a link's target as written) names in the blog itself, or None for
    an address elsewhere (a scheme or a host) or one no blog writes."""
    text = href.strip()
    if not text or len(text) > _MAX_TARGET:
        return None
    if "{" in unquote(text):  # markdown-it percent-encodes a target's braces
        return _templated(unquote(text))
    if text.startswith("@/"):
        return SiteTarget(FILE, unquote(text[2:]))
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme or parts.netloc or text.startswith("//"):
        return None
    return SiteTarget(PATH, unquote(text))


def _templated(text: str) -> SiteTarget | None:
    """A target holding template tags: the site's address tags dropped, then a tag naming
    a post or file, or a path."""
    while True:
        tag = _leading_tag(text)
        if tag is None:
            break
        inner, rest = tag
        if " ".join(inner.lower().replace(" ", "").split()) in {b.replace(" ", "") for b in BASE_ADDRESSES}:
            text = rest.strip()
            continue
        named = _named_target(inner)
        if named is None:
            return None
        form, target = named
        return SiteTarget(form, unquote(target) + rest.strip()) if target else None
    if "{" in text or not text:
        return None
    return site_target(text)


def _leading_tag(text: str) -> tuple[str, str] | None:
    """The inner text of the template tag ``text`` starts with, and what follows it."""
    for opener, closer in _TAGS:
        if text.startswith(opener):
            end = text.find(closer, len(opener))
            if end < 0:
                return None
            return text[len(opener) : end].strip(), text[end + len(closer) :]
    return None


def _named_target(inner: str) -> tuple[str, str] | None:
    """``post_url 2019-05-01-x``, ``link _posts/x.md``, ``ref "x.md"``, ``relref path="x"``,
    ``"/about/" | relative_url``: (form, target); None for any other tag."""
    expression, bar, filters = inner.partition("|")
    if bar and filters.strip() in ("relative_url", "absolute_url", "prepend: site.baseurl"):
        value = expression.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            return PATH, value[1:-1]
        return None
    parsed = shortcode_arguments(inner)
    if parsed is None:
        return None
    name, positional, named = parsed
    form = TAG_FORMS.get(name)
    if form is None:
        return None
    target = positional[0] if positional else named.get("path", "")
    return form, target.strip()
