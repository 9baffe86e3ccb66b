"""The dataset card prints metadata and provenance strings as text, never as Markdown or HTML structure
(issue 10 item 6), and its Markdown escaping keeps text readable."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import huggingface_hub
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

from newsspan.dataset.markdown import code, table, text

from .conftest import REPO, SEED_ID, invoke

HOSTILE = "M\n\n## Injected\n<iframe src=x>"
#: Strings that would be structure if printed raw: headings, HTML, links, images, emphasis, code, tables.
ATTACKS = [HOSTILE, "<script>alert(1)</script>", "[click](https://evil.example)", "![x](https://evil.example/x.png)",
           "**bold** _em_ `code`", "a | b | c", "x\n---\ny", "&lt;iframe&gt;", "```\nfenced\n```", "\\<b\\>"]


def markdown() -> MarkdownIt:
    """CommonMark with GFM tables and strikethrough, as the Hub renders cards."""
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


@pytest.fixture(scope="module")
def hostile_card(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The card of a corpus whose metadata holds every attack string."""
    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(REPO / "seeds", root / "seeds")
    (root / "annotations").mkdir()
    doc = json.loads((REPO / "annotations" / f"{SEED_ID}.json").read_text(encoding="utf-8"))
    doc["annotation"]["annotators"] = ATTACKS
    doc["annotation"]["reviewers"] = [HOSTILE]
    meta = doc["metadata"]
    meta.update(title=HOSTILE, publisher=HOSTILE, license="x` <iframe src=y> `z", language="en")
    meta["published"]["evidence"] = [{"fact": attack, "source": HOSTILE} for attack in ATTACKS]
    (root / "annotations" / f"{SEED_ID}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    out = root.parent / "dist"
    result = invoke(["build", "--root", str(root), "--out", str(out), "--no-load"])
    assert result.exit_code == 0, result.output
    return (out / "README.md").read_text(encoding="utf-8")


def test_hostile_metadata_adds_no_heading_html_link_or_image(hostile_card: str) -> None:
    tokens = markdown().parse(hostile_card.split("\n---\n", 1)[1])
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert "Injected" not in " ".join(headings)
    inline = [child for t in tokens if t.type == "inline" for child in t.children or []]
    assert not [t for t in tokens if t.type == "html_block"] and not [t for t in inline if t.type == "html_inline"]
    assert not [t for t in inline if t.type == "image"]
    links = {t.attrGet("href") for t in inline if t.type == "link_open"}
    assert "https://evil.example" not in links
    assert not re.search(r"^## Injected", hostile_card, re.M)
    assert "<iframe" not in markdown().render(hostile_card.split("\n---\n", 1)[1])  # only as &lt;iframe


def test_hostile_metadata_is_still_readable_text(hostile_card: str) -> None:
    html = markdown().render(hostile_card.split("\n---\n", 1)[1])
    assert "M ## Injected &lt;iframe src=x&gt;" in " ".join(html.split())  # the annotator, as text
    assert "[click](https://evil.example)" in html


def test_hostile_metadata_keeps_the_front_matter_valid(hostile_card: str, tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(hostile_card, encoding="utf-8")
    data = huggingface_hub.DatasetCard.load(tmp_path / "README.md").data.to_dict()
    assert data["license"] == "x` <iframe src=y> `z".lower() and data["language"] == ["en"]


#: Any text but NUL (CommonMark replaces it) and lone surrogates (not encodable).
TEXT = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=40)


def flat(value: str) -> str:
    return re.sub(r"\r\n|\r|\n", " ", value)


@given(TEXT)
def test_text_renders_back_to_itself(value: str) -> None:
    """Escaped text renders as exactly the characters given (line breaks become spaces): no structure."""
    assert markdown().renderInline(text(value)) == escapeHtml(flat(value))


@given(TEXT.filter(lambda v: v.strip()))
def test_a_code_span_holds_its_text(value: str) -> None:
    html = markdown().renderInline(code(value))
    assert html.startswith("<code>") and html.endswith("</code>")
    assert html[len("<code>"):-len("</code>")].strip(" ") == escapeHtml(flat(value)).strip(" ")


def test_table_cells_stay_in_their_column() -> None:
    rendered = markdown().render(table(["a", "b"], [["x | y", code("p|q")], [None, ""]]))
    assert rendered.count("<td>") == 4 and "x | y" in rendered and "—" in rendered


# --- what a model builder needs (issue 14 item 4) ----------------------------------------------------

@pytest.fixture(scope="module")
def seed_build(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The repository's corpus with its agreement/ folder, built, and `newsspan agree --json` of that folder."""
    root = tmp_path_factory.mktemp("seed") / "corpus"
    for folder in ("seeds", "annotations", "agreement"):
        shutil.copytree(REPO / folder, root / folder)
    out = root.parent / "dist"
    result = invoke(["build", "--root", str(root), "--out", str(out), "--no-load", "--json"])
    assert result.exit_code == 0, result.output
    agree = invoke(["agree", str(root / "agreement" / "annotator-a"), str(root / "agreement" /
                                                                                     "annotator-b"),
                                "--root", str(root), "--json"])
    assert agree.exit_code in (0, 1), agree.output
    return {"card": (out / "README.md").read_text(encoding="utf-8"), "agree": json.loads(agree.stdout),
            "stats": json.loads(result.stdout)["stats"], "root": root}


def test_card_reports_the_agreement_figures_newsspan_agree_computes(seed_build: dict) -> None:
    card, agree = seed_build["card"], seed_build["agree"]
    section = card.split("#### Agreement (the human ceiling)", 1)[1].split("####", 1)[0]
    for layer, kinds in agree["spans"].items():
        exact, overlap = kinds["exact_labelled"]["f1"], kinds["overlap_labelled"]["f1"]
        assert f"| {layer} | {kinds['exact_labelled']['a']} | {kinds['exact_labelled']['b']} | {exact:.3f} | " \
               f"{overlap:.3f} |" in section
    assert f"{agree['entity_token_kappa']['kappa']:.3f}" in section and "human ceiling" in section


def test_card_front_matter_says_expert_generated(seed_build: dict, tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(seed_build["card"], encoding="utf-8")
    data = huggingface_hub.DatasetCard.load(tmp_path / "README.md").data.to_dict()
    assert data["annotations_creators"] == ["expert-generated"]


def test_card_maps_all_eighteen_ontonotes_types(seed_build: dict) -> None:
    ontonotes = ["PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE",
                 "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"]
    section = seed_build["card"].split("### Entity labels and OntoNotes 5", 1)[1].split("###", 1)[0]
    assert all(f"| `{name}` |" in section for name in ontonotes)


def test_card_span_lengths_and_density_match_the_documents(seed_build: dict) -> None:
    from newsspan.corpus import Corpus

    docs = list(Corpus(seed_build["root"]).iter_documents())
    stats = seed_build["stats"]
    for layer in ("entities", "claims"):
        widths = sorted(s["end"] - s["start"] for doc, _ in docs for s in doc[layer])
        assert stats["span_lengths"][layer]["max"] == widths[-1]
        assert stats["span_lengths"][layer]["median"] == widths[(len(widths) - 1) // 2]
        assert stats["span_lengths"][layer]["mean"] == round(sum(widths) / len(widths), 1)
        density = round(1000 * len(widths) / stats["tokens"], 1)
        assert stats["spans_per_1000_tokens"][layer] == density
        assert f"| {layer} | {stats['span_lengths'][layer]['mean']:,} |" in seed_build["card"]


def test_card_says_honestly_why_there_is_no_baseline(seed_build: dict) -> None:
    section = seed_build["card"].split("## Baselines", 1)[1].split("##", 1)[0]
    assert "No baseline scores" in section and "1 document" in section
