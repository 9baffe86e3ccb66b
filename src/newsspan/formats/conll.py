"""CoNLL IOB2 (entities only): ``<split>.conll`` with one ``token TAG`` line per token.

Each document starts with the line ``-DOCSTART- -X- O O`` (the CoNLL-2003 delimiter spaCy's
``spacy convert --converter ner`` splits on); each sentence is one block, blank lines between.
Tokens come from :mod:`newsspan.tokenize`, split at every entity boundary and at whitespace, so
every entity is a whole number of tokens; a sentence break that would cut an entity is dropped.

Lossy by nature: only the outermost entities and their labels survive. The original whitespace,
nested entities, Wikidata ids, notes, the other three layers, document ids and metadata are lost.
An import rebuilds a text from the tokens (one space between tokens, one line per sentence) and
names documents ``<file stem>-<n>``; a file named after a split (``train.conll``) sets that split.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..model import LABEL_FIELD
from ..schema import splits
from ..tokenize import Token, iob2_tags, outermost, sentences, spans_from_iob2
from .base import (
    DocumentBuilder,
    DocumentWithText,
    ImportResult,
    SpanDraft,
    read_sources,
    slug,
    unreadable_file,
    write_text,
)

DOCSTART = "-DOCSTART- -X- O O"
SUFFIX = ".conll"


# --- export ------------------------------------------------------------------------------------

def export(docs: Iterable[DocumentWithText], out_dir: Path, *, overwrite: bool = False, **_options: Any) -> list[Path]:
    """Write one ``<split>.conll`` file per split that has documents."""
    blocks: dict[str, list[str]] = defaultdict(list)
    for doc, text in docs:
        blocks[doc["metadata"]["split"]].append(document_block(doc, text))
    return [write_text(Path(out_dir) / f"{split}{SUFFIX}", "".join(parts), overwrite=overwrite)
            for split, parts in sorted(blocks.items())]


def document_block(doc: dict[str, Any], text: str) -> str:
    """The CoNLL lines of one document, from ``-DOCSTART-`` to the blank line after its last sentence."""
    spans = outermost((e["start"], e["end"], e["label"]) for e in doc["entities"])
    lines = [DOCSTART, ""]
    for sentence in tagged_sentences(text, spans):
        lines += [f"{token.text} {tag}" for token, tag in sentence]
        lines.append("")
    return "\n".join(lines) + "\n"


def tagged_sentences(text: str, spans: list[tuple[int, int, str]]) -> list[list[tuple[Token, str]]]:
    """Sentences of (token, IOB2 tag); sentences an entity would straddle are joined."""
    cuts = [offset for start, end, _ in spans for offset in (start, end)]
    sents = [[piece for token in sent for piece in _whitespace_split(token)] for sent in sentences(text, cuts)]
    merged: list[list[Token]] = []
    for sent in sents:
        if merged and any(start < sent[0].start < end for start, end, _ in spans):
            merged[-1].extend(sent)
        else:
            merged.append(list(sent))
    return [list(zip(sent, iob2_tags(sent, spans), strict=True)) for sent in merged]


def _whitespace_split(token: Token) -> list[Token]:
    """A token cut at any whitespace inside it (a column file cannot hold it)."""
    pieces, start = [], None
    for i, ch in enumerate(token.text + " "):
        if not ch.isspace() and start is None:
            start = i
        elif ch.isspace() and start is not None:
            pieces.append(Token(token.text[start:i], token.start + start, token.start + i))
            start = None
    return pieces


# --- import ------------------------------------------------------------------------------------

def read(src: Path) -> ImportResult:
    """Documents from CoNLL files (a file, or every ``.conll`` file of a folder)."""
    return read_sources(src, (SUFFIX,), f"CoNLL {SUFFIX} files", read_file)


def read_file(path: Path) -> ImportResult:
    """Documents of one CoNLL file, named ``<file stem>-<n>``; a file named after a split sets that split.

    A file that cannot be read as UTF-8 gives a single ``import-unreadable`` problem.
    """
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        return unreadable_file(path, "a UTF-8 CoNLL file", exc)
    result = ImportResult()
    for n, document in enumerate(_documents(lines), 1):
        builder = DocumentBuilder(str(path), "", None, slug(f"{path.stem}-{n}"))
        built = _build(builder, document)
        if built and path.stem in splits():
            built[0]["metadata"]["split"] = path.stem
        result.add(built, builder.problems)
    return result


def _documents(lines: list[str]) -> list[list[list[Any]]]:
    """Documents as lists of sentences of rows: (line, token, tag), or (line, text) for a line without a tag."""
    documents: list[list[list[Any]]] = [[]]
    sentence: list[Any] = []
    for n, line in enumerate(lines, 1):
        columns = line.split()
        if not columns or columns[0] == "-DOCSTART-":
            if sentence:
                documents[-1].append(sentence)
                sentence = []
            if columns and documents[-1]:
                documents.append([])
            continue
        sentence.append((n, columns[0], columns[-1]) if len(columns) >= 2 else (n, line))
    if sentence:
        documents[-1].append(sentence)
    return [document for document in documents if document]


def _build(builder: DocumentBuilder, document: list[list[Any]]) -> DocumentWithText | None:
    """The text (tokens joined by spaces, sentences by line breaks) and the entities of one document."""
    parts: list[str] = []
    offset = 0
    labels: set[str] = set()
    for sentence in document:
        tokens, tags = [], []
        for row in sentence:
            if len(row) == 2:
                builder.problem(f"line {row[0]}", "import-malformed", f"expected 'token TAG' columns; found {row[1]!r}")
                continue
            n, word, tag = row
            if not _tag_ok(builder, n, tag, labels, tags):
                tag = "O"
            tokens.append(Token(word, offset, offset + len(word)))
            tags.append(tag)
            parts.append(word + " ")
            offset += len(word) + 1
        if parts:
            parts[-1] = parts[-1][:-1] + "\n"
        for k, (start, end, label) in enumerate(spans_from_iob2(tokens, tags)):
            where = f"line {_line_of(sentence, tokens, start)}"
            covered = " ".join(t.text for t in tokens if start <= t.start < end)
            target = builder.target(where, label, covered, "entities")
            if target is not None:
                layer, name = target
                builder.add(SpanDraft(layer, f"{tokens[0].start}:{k}", start, end, {LABEL_FIELD[layer]: name},
                                      where=where))
    builder.text = "".join(parts).rstrip()
    return builder.build()


def _tag_ok(builder: DocumentBuilder, n: int, tag: str, labels: set[str], previous: list[str]) -> bool:
    """An IOB2 tag with a schema label; an I- tag must continue a span of its label."""
    if tag == "O":
        return True
    prefix, _, label = tag.partition("-")
    if prefix not in ("B", "I") or not label:
        builder.problem(f"line {n}", "import-malformed", f"expected O, B-<label> or I-<label>; found {tag!r}")
        return False
    if prefix == "I" and (not previous or previous[-1] == "O" or previous[-1][2:] != label):
        builder.problem(f"line {n}", "import-malformed",
                        f"expected B-{label} or I-{label} on the token before this I-{label} (strict IOB2); "
                        f"found {previous[-1] if previous else 'the start of a sentence'}")
        return False
    return True


def _line_of(sentence: list[Any], tokens: list[Token], start: int) -> int:
    rows = [row for row in sentence if len(row) == 3]
    index = next(i for i, token in enumerate(tokens) if token.start == start)
    return rows[index][0]
