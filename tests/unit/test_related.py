"""Related posts: a small book whose neighbours are plain (containers, bread, chess, a
walk by the sea), in English, French, German and Chinese."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys

import pytest

from bookgen.resolve.related import PostTraits, Related, post_words, related_posts
from tests.helpers import ROOT

# (source, text, terms, resources, tags)
CORPUS: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "pods.md",
        "Running pods on Kubernetes. A pod wraps one container or a few containers that share "
        "a network namespace. The scheduler places each pod on a node of the cluster, and a "
        "deployment keeps the right number of replicas running when a node fails. Pods are "
        "cattle, not pets: the cluster replaces them freely, so state belongs in volumes.",
        ("Kubernetes", "Container"),
        ("Kubernetes documentation",),
        ("kubernetes", "devops", "notes"),
    ),
    (
        "kubeflow.md",
        "Training pipelines with Kubeflow. Kubeflow runs machine learning pipelines on a "
        "Kubernetes cluster: every step of the pipeline is a pod, the notebook servers are pods "
        "too, and the trained model is served from the same cluster. Hyperparameter tuning "
        "fans out into many training pods and the pipeline collects their metrics.",
        ("Kubernetes", "Kubeflow"),
        ("Kubeflow manual",),
        ("kubernetes", "machine-learning", "notes"),
    ),
    (
        "helm.md",
        "Packaging applications with Helm. A Helm chart templates the manifests of an "
        "application, so one chart installs the deployment, the service and the config maps "
        "into any cluster. Values files change replicas and images per environment, and a "
        "release can be rolled back when a container image turns out to be broken.",
        ("Kubernetes", "Helm", "Container"),
        ("Kubernetes documentation",),
        ("Kubernetes", "devops", "notes"),
    ),
    (
        "sourdough.md",
        "A first sourdough loaf. Feed the starter the night before, mix flour and water for "
        "the autolyse, then add the levain and salt. Stretch and fold the dough four times, "
        "let it rise until it is airy, shape it, proof it overnight in the fridge and bake "
        "it in a hot dutch oven. The crust crackles as the loaf cools.",
        ("Sourdough", "Levain"),
        ("Flour Water Salt Yeast",),
        ("baking", "notes"),
    ),
    (
        "rye.md",
        "Dense rye bread. Rye flour holds little gluten, so the dough is a sticky paste rather "
        "than an elastic dough; a sourdough starter keeps the crumb moist and the flavour "
        "sour. Mix the starter, rye flour, water and salt, let it rise in the tin, and bake "
        "the loaf slowly. Wait a day before cutting the loaf.",
        ("Sourdough",),
        ("Flour Water Salt Yeast",),
        ("baking", "notes"),
    ),
    (
        "openings.md",
        "Chess openings for club players. Control the centre with pawns, develop the knights "
        "before the bishops, castle early and connect the rooks. Learn one opening for white "
        "and two defences for black rather than memorising long variations: in club games the "
        "opponent leaves theory early anyway, and plans matter more than moves.",
        (),
        (),
        ("chess", "notes"),
    ),
    (
        "endgames.md",
        "Rook endgames. Rook endgames are the most common endgames in chess games between "
        "club players. Put the rook behind the passed pawn, cut the opponent's king off along "
        "a file, and remember the Lucena and Philidor positions. A rook and pawn against a rook "
        "is often a draw when the defending king reaches the pawn's path.",
        (),
        (),
        ("chess", "notes"),
    ),
    (
        "estuary.md",
        "A morning at the estuary. The tide was out and the mudflats shone. Herons stood in the "
        "shallows, curlews probed the mud with their long bills, and a flock of dunlins wheeled "
        "over the channel before settling again. We walked back along the sea wall as the "
        "water rose and the birds moved up the shore.",
        (),
        (),
        ("notes",),
    ),
    (
        "levain.md",
        "Mon pain au levain. La veille, je nourris le levain avec de la farine et de l'eau. Le "
        "matin, je mélange la farine, l'eau, le levain et le sel, puis je rabats la pâte toutes "
        "les demi-heures. Après le façonnage, la pâte repose au frais toute la nuit; la cuisson "
        "se fait dans une cocotte en fonte, four très chaud, pour une croûte qui chante.",
        ("Levain",),
        (),
        ("boulangerie", "notes"),
    ),
    (
        "baguette.md",
        "La baguette du dimanche. Une farine de blé, de l'eau, du sel et très peu de levure: la "
        "pâte fermente lentement au frais. Le façonnage demande de la douceur pour garder les "
        "bulles de la pâte. Les grignes s'ouvrent pendant la cuisson si le four est bien chaud "
        "et plein de vapeur. Une baguette se mange le jour même.",
        (),
        (),
        ("boulangerie", "notes"),
    ),
    (
        "heimnetz.md",
        "Kubernetes im Heimnetz. Auf drei kleinen Rechnern läuft ein Kubernetes-Cluster mit k3s. "
        "Jeder Dienst bekommt ein eigenes Deployment, die Daten liegen auf einem Netzwerkspeicher, "
        "und ein Ingress verteilt die Anfragen. Fällt ein Rechner aus, startet der Cluster die "
        "Pods auf den anderen Rechnern neu.",
        ("Kubernetes",),
        (),
        ("kubernetes", "notes"),
    ),
    (
        "bushu.md",
        "用 Kubernetes 部署服务。每个服务打包成容器镜像，再由集群调度到节点上运行。"
        "部署文件描述副本数量，节点故障时集群会自动重新调度容器。容器镜像要尽量小，部署才快。",
        ("Kubernetes", "Container"),
        (),
        ("kubernetes", "notes"),
    ),
)


def traits(corpus=CORPUS) -> list[PostTraits]:
    return [
        PostTraits(source, terms, resources, tags, post_words((text,)))
        for source, text, terms, resources, tags in corpus
    ]


BOOK = traits()
RELATED = related_posts(BOOK)


def sources(source: str, related: dict[str, tuple[Related, ...]] = RELATED) -> list[str]:
    return [r.source for r in related[source]]


def shared(source: str, other: str, related: dict[str, tuple[Related, ...]] = RELATED) -> tuple[str, ...]:
    return next(r.shared for r in related[source] if r.source == other)


# --- words ------------------------------------------------------------------------------


def test_post_words_counts_content_words() -> None:
    words = dict(post_words(["The Kubernetes cluster, the cluster: 42 pods.", "Kubernetes is up"]))
    assert words == {"the": 2, "kubernetes": 2, "cluster": 2, "pods": 1}  # "is", "up", "42" too short
    # Short words are function words in most languages: a longer word ranks higher at the same count.
    assert [word for word, _ in post_words(["the the the the kubernetes kubernetes kubernetes"])] == [
        "kubernetes",
        "the",
    ]


def test_post_words_leave_addresses_out() -> None:
    text = "Test the build at https://static.example.org/dist/index.html or www.example.org/dist today."
    assert dict(post_words([text])) == {"test": 1, "the": 1, "build": 1, "today": 1}


def test_post_words_limit_case_and_long_runs() -> None:
    text = "Alpha BETA gamma alpha delta 2024 " + "x" * 31 + " épée ÉPÉE"
    assert post_words([text]) == (("alpha", 2), ("épée", 2), ("delta", 1), ("gamma", 1), ("beta", 1))
    assert post_words([text], limit=2) == (("alpha", 2), ("épée", 2))
    assert post_words([]) == ()


def test_post_words_cjk() -> None:
    words = dict(post_words(["用 Kubernetes 部署服务。容器镜像，容器。コンテナを使う。쿠버네티스 클러스터"]))
    assert words["容器"] == 2  # Han text counts as pairs of characters
    assert words["部署"] == words["kubernetes"] == words["コンテナ"] == words["클러스터"] == 1
    assert all(len(word) <= 30 for word in words)
    assert "を使う" not in words and "を" not in words  # hiragana: particles and endings


def test_post_words_keeps_combining_marks() -> None:
    assert dict(post_words(["हिन्दी भाषा में हिन्दी"])) == {"हिन्दी": 2, "भाषा": 1, "में": 1}


# --- related posts ----------------------------------------------------------------------


def test_best_neighbours_and_what_they_share() -> None:
    assert sources("pods.md")[:2] == ["helm.md", "bushu.md"]
    # Terms, then resources, then tags, rarest first within each; the tag "kubernetes" is
    # the term "Kubernetes", named once.
    assert shared("pods.md", "helm.md") == ("Container", "Kubernetes", "Kubernetes documentation", "devops")
    assert sources("sourdough.md")[0] == "rye.md"
    assert shared("sourdough.md", "rye.md") == ("Sourdough", "Flour Water Salt Yeast", "baking", "loaf")
    assert sources("openings.md") == ["endgames.md"]


def test_words_fill_up_what_is_shared() -> None:
    """After the labels, the words both posts use, if one of them repeats it: "club" (twice
    in one); not "games" or "opponent", used once in each."""
    assert shared("endgames.md", "openings.md") == ("chess", "club")
    # "pod" is shared too, but a word of three letters is not named: in a small book
    # rarity does not tell "pod" from "was" ("pods" is on three posts).
    assert shared("kubeflow.md", "pods.md") == ("Kubernetes",)


def test_unrelated_post_gets_nothing() -> None:
    assert RELATED["estuary.md"] == ()
    assert all("estuary.md" not in sources(source) for source in RELATED)


def test_every_post_has_an_answer_and_never_itself() -> None:
    assert list(RELATED) == [post.source for post in BOOK]
    for source, related in RELATED.items():
        assert len(related) <= 3 and source not in [r.source for r in related]
        assert all(0 < len(r.shared) <= 4 for r in related)


def test_related_is_symmetric_in_score() -> None:
    """Each post picks its own top three, but a first choice is mutual when both have few
    neighbours."""
    for a, b in [("openings.md", "endgames.md"), ("levain.md", "baguette.md"), ("sourdough.md", "rye.md")]:
        assert a in sources(b) and b in sources(a)


def test_french_posts_relate() -> None:
    assert sources("baguette.md")[0] == "levain.md"
    assert shared("baguette.md", "levain.md")[:2] == ("boulangerie", "pâte")
    assert sources("levain.md") == ["baguette.md", "sourdough.md"]  # the second by the term Levain
    assert shared("levain.md", "sourdough.md") == ("Levain",)


def test_german_and_chinese_posts_relate_to_kubernetes() -> None:
    kubernetes = {"pods.md", "kubeflow.md", "helm.md", "heimnetz.md", "bushu.md"}
    assert set(sources("heimnetz.md")) <= kubernetes and sources("heimnetz.md")
    assert set(sources("bushu.md")) <= kubernetes and len(sources("bushu.md")) == 3
    assert shared("bushu.md", "pods.md")[:2] == ("Container", "Kubernetes")


def test_same_answer_in_any_input_order() -> None:
    """Shuffled, the book relates the same posts with the same words: all of them, as
    book order breaks ties (bushu.md's third is kubeflow.md, tied with heimnetz.md)."""
    everything = related_posts(BOOK, limit=len(BOOK))
    expected = {source: frozenset(related) for source, related in everything.items()}
    assert sources("bushu.md") == ["pods.md", "helm.md", "kubeflow.md"]
    assert sources("bushu.md", everything)[2:] == ["kubeflow.md", "heimnetz.md"]
    for seed in range(5):
        shuffled = list(BOOK)
        random.Random(seed).shuffle(shuffled)
        result = related_posts(shuffled, limit=len(BOOK))
        assert {source: frozenset(related) for source, related in result.items()} == expected


_PRINT_RELATED = """
import json
from tests.unit.test_related import RELATED
print(json.dumps({s: [[r.source, *r.shared] for r in rs] for s, rs in RELATED.items()}))
"""


def test_same_answer_whatever_the_hash_seed() -> None:
    def run(seed: str) -> object:
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": f"{ROOT / 'scripts'}{os.pathsep}{ROOT}"}
        command = [sys.executable, "-c", _PRINT_RELATED]
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
        return json.loads(done.stdout)

    here = {s: [[r.source, *r.shared] for r in rs] for s, rs in RELATED.items()}
    assert run("1") == run("2") == here


def test_ties_go_to_the_earlier_post() -> None:
    def book(*names: str) -> list[PostTraits]:
        twins = [PostTraits(name, tags=("origami", "paper")) for name in names]
        return [*twins, *(PostTraits(f"other{k}.md", tags=(f"topic{k}",)) for k in range(6))]

    assert sources("a.md", related_posts(book("a.md", "b.md", "c.md"))) == ["b.md", "c.md"]
    assert sources("a.md", related_posts(book("a.md", "c.md", "b.md"))) == ["c.md", "b.md"]
    assert sources("c.md", related_posts(book("a.md", "b.md", "c.md"), limit=1)) == ["a.md"]


def test_tags_on_every_post_relate_nothing() -> None:
    posts = [PostTraits(f"p{k}.md", tags=("notes", "blog", f"topic{k}")) for k in range(8)]
    assert related_posts(posts) == {post.source: () for post in posts}
    # Still, among posts that are related, a common tag counts a little.
    posts[1] = PostTraits("p1.md", tags=("notes", "topic0"))
    posts[2] = PostTraits("p2.md", tags=("blog", "topic0"))
    assert sources("p0.md", related_posts(posts)) == ["p1.md", "p2.md"]  # p1 shares "notes"
    assert shared("p0.md", "p1.md", related_posts(posts)) == ("topic0",)  # too common to name


def test_a_word_in_most_posts_relates_nothing() -> None:
    texts = [
        "weekend weekend weekend herons curlews",
        "weekend weekend weekend pastry croissants",
        "weekend weekend weekend gearbox clutch",
        "weekend weekend weekend violin sonata",
        "weekend weekend weekend compiler parser",
        "weekend weekend weekend glacier crampons",
    ]
    posts = [PostTraits(f"p{k}.md", words=post_words([text])) for k, text in enumerate(texts)]
    assert related_posts(posts) == {post.source: () for post in posts}


def test_one_shared_word_is_not_enough_but_several_are() -> None:
    texts = [
        "harpsichord harpsichord tuning temperament temperament quill",
        "harpsichord harpsichord tuning temperament quill",
        "lanterns meadow",
        "lanterns granite",
        "about about about spreadsheet",
        "about about about submarine",
        "about about about glacier",
        *(f"solitary{k} solitary{k} words{k}" for k in range(4)),  # a book of 11: words are named
    ]
    posts = [PostTraits(f"p{k}.md", words=post_words([text])) for k, text in enumerate(texts)]
    related = related_posts(posts)
    assert sources("p0.md", related) == ["p1.md"]
    # Named: the words one of them repeats, by rarity times use.
    assert shared("p0.md", "p1.md", related) == ("harpsichord", "temperament")
    assert related["p2.md"] == ()  # one word in common
    assert related["p4.md"] == ()  # a word on three of eleven posts is no topic
    # In a book of seven, how many posts use a word says too little to name it.
    small = related_posts(posts[:7])
    assert sources("p0.md", small) == ["p1.md"] and shared("p0.md", "p1.md", small) == ()


def test_labels_match_whatever_their_case_and_show_as_first_written() -> None:
    posts = [
        PostTraits("a.md", tags=("Machine-Learning",)),
        PostTraits("b.md", tags=("machine learning",)),
        *(PostTraits(f"other{k}.md", tags=(f"topic{k}",)) for k in range(6)),
    ]
    related = related_posts(posts)
    assert related["a.md"] == related_posts(posts)["a.md"] == (Related("b.md", ("Machine-Learning",)),)
    assert related["b.md"] == (Related("a.md", ("Machine-Learning",)),)


@pytest.mark.parametrize("count", [0, 1])
def test_tiny_books(count: int) -> None:
    posts = BOOK[:count]
    assert related_posts(posts) == {post.source: () for post in posts}


def test_two_posts_and_limits() -> None:
    pair = [BOOK[0], BOOK[2]]  # pods and helm: much in common
    assert sources("pods.md", related_posts(pair)) == ["helm.md"]
    assert related_posts(BOOK, limit=0) == {post.source: () for post in BOOK}
    assert len(related_posts(BOOK, limit=1)["pods.md"]) == 1


def test_a_repeated_source_counts_once() -> None:
    assert related_posts([*BOOK, BOOK[0]]) == RELATED
