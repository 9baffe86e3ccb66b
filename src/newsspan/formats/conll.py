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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..corpus import Corpus
from ..iob import decode_tags, detect_scheme, iob2_tags, outermost
from ..model import LABEL_FIELD, REFERENCES, SUBSPANS
from ..schema import splits
from ..tokenize import Token, sentences
from .base import (
    DocumentBuilder,
    DocumentWithText,
    ImportResult,
    SpanDraft,
    current_options,
    header_of,
    read_source_text,
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

#: Tag schemes an import reads; ``detect_scheme`` tells them apart per file.
SCHEMES = ("IOB1", "IOB2", "BIOES", "BILOU")
Row = tuple[int, str, str]  # line number, token, tag
Sentence = list[Row]


def read(src: Path) -> ImportResult:
    """Documents from CoNLL files (a file, or every ``.conll`` file of a folder)."""
    return read_sources(src, (SUFFIX,), f"CoNLL {SUFFIX} files", read_file)


def read_file(path: Path) -> ImportResult:
    """Documents of one CoNLL file, named ``<file stem>-<n>``; a file named after a split sets that split.

    Columns: 2 to 4 (token first, tag last: ``token TAG``, WikiANN/WNUT; ``token POS chunk TAG``,
    CoNLL-2003). Documents: ``-DOCSTART-`` lines, or, in a file without them, every blank-line block.
    Tags: IOB1, IOB2, BIOES or BILOU (detected per file). A document whose characters are those of a
    seed of the corpus being imported into is re-aligned to that seed (see :func:`realign`).
    A file that cannot be read as UTF-8 gives a single ``import-unreadable`` problem.
    """
    try:
        lines = read_source_text(path, "utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return unreadable_file(path, "a UTF-8 CoNLL file", exc)
    result = ImportResult()
    documents, malformed = _documents(lines)
    builder = DocumentBuilder(str(path), "", None, slug(path.stem))
    for n, line in malformed:
        builder.problem(f"line {n}", "import-malformed", f"expected 'token TAG' (2 to 4 columns); found {line!r}")
    result.problems += builder.problems
    scheme = detect_scheme([row[2] for document in documents for sentence in document for row in sentence])
    seeds = SeedIndex.of(current_options().seed_root)
    for n, document in enumerate(documents, 1):
        builder = DocumentBuilder(str(path), "", None, slug(f"{path.stem}-{n}"))
        built = _build(builder, document, scheme, seeds)
        if built and path.stem in splits() and not builder.header:
            built[0]["metadata"]["split"] = path.stem
        result.add(built, builder.problems)
    return result


def _documents(lines: list[str]) -> tuple[list[list[Sentence]], list[tuple[int, str]]]:
    """Documents as lists of sentences of (line, token, tag) rows, and the lines without a tag column."""
    docstart = any(line.split()[:1] == ["-DOCSTART-"] for line in lines)
    documents: list[list[Sentence]] = [[]]
    sentence: Sentence = []
    malformed: list[tuple[int, str]] = []
    for n, line in enumerate(lines, 1):
        columns = line.split()
        if not columns or columns[0] == "-DOCSTART-":
            if sentence:
                documents[-1].append(sentence)
                sentence = []
            if (columns or not docstart) and documents[-1]:
                documents.append([])
            continue
        if len(columns) < 2:
            malformed.append((n, line))
            continue
        sentence.append((n, columns[0], columns[-1]))
    if sentence:
        documents[-1].append(sentence)
    return [document for document in documents if document], malformed


def decode(rows: Sentence, scheme: str) -> tuple[list[tuple[int, int, str]], list[tuple[int, str]]]:
    """Chunks of one sentence as (first row, end row exclusive, label), and (line, message) for bad tags."""
    chunks, bad = decode_tags([tag for _, _, tag in rows], scheme)
    return chunks, [(rows[k][0], message) for k, message in bad]


def _build(builder: DocumentBuilder, document: list[Sentence], scheme: str,
           seeds: SeedIndex) -> DocumentWithText | None:
    """The text (tokens joined by spaces, sentences by line breaks, or the seed it re-aligns to) and its entities."""
    rows = [row for sentence in document for row in sentence]
    rebuilt, offsets = _rebuilt_text(document)
    existing = seeds.find(rows)
    aligned = realign([token for _, token, _ in rows], existing.text) if existing else None
    if existing is not None and aligned is not None:  # the document of the corpus: spans go onto its seed
        builder.header, builder.text, offsets = existing.header, existing.text, aligned
    else:
        existing, builder.text = None, rebuilt
    index = 0
    for sentence in document:
        chunks, bad = decode(sentence, scheme)
        for n, message in bad:
            builder.problem(f"line {n}", "import-malformed", message)
        for k, (first, end, label) in enumerate(chunks):
            start, stop = offsets[index + first][0], offsets[index + end - 1][1]
            where = f"line {sentence[first][0]}"
            target = builder.target(where, label, builder.text[start:stop], "entities", key=f"{index}:{k}")
            if target is not None:
                layer, name = target
                builder.add(SpanDraft(layer, f"{index}:{k}", start, stop, {LABEL_FIELD[layer]: name}, where=where))
        index += len(sentence)
    if existing is not None:
        keep_other_layers(builder, existing.document)
    return builder.build()


def _rebuilt_text(document: list[Sentence]) -> tuple[str, list[tuple[int, int]]]:
    """Tokens joined by one space, sentences by a line break; and each token's offsets in that text."""
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    position = 0
    for sentence in document:
        for k, (_, token, _) in enumerate(sentence):
            offsets.append((position, position + len(token)))
            parts.append(token + ("\n" if k == len(sentence) - 1 else " "))
            position += len(token) + 1
    return "".join(parts).rstrip(), offsets


def realign(tokens: list[str], text: str) -> list[tuple[int, int]] | None:
    """Each token's offsets in ``text`` when the tokens are the text's characters in order with only
    whitespace between them (None otherwise)."""
    offsets, position = [], 0
    for token in tokens:
        at = text.find(token, position)
        if at < 0 or text[position:at].strip():
            return None
        offsets.append((at, at + len(token)))
        position = at + len(token)
    return offsets if not text[position:].strip() else None


@dataclass(frozen=True)
class Existing:
    """A document of the corpus being imported into: its annotation, header and canonical text."""

    document: dict[str, Any]
    header: dict[str, Any]
    text: str


@dataclass(frozen=True)
class SeedIndex:
    """The documents of a corpus root by the characters of their text without whitespace."""

    by_characters: dict[str, Existing]

    @classmethod
    def of(cls, root: Path | None) -> SeedIndex:
        """Index ``root``'s valid documents (none when there is no root or no annotations)."""
        if root is None or not (Path(root) / "annotations").is_dir():
            return cls({})
        corpus = Corpus(Path(root))
        found: dict[str, Existing] = {}
        for path in corpus.annotation_files():
            try:
                doc, text = corpus.load(path)
            except Exception:  # an unreadable document of the target corpus is not a match; validate reports it
                continue
            found["".join(text.split())] = Existing(doc, header_of(doc), text)
        return cls(found)

    def find(self, rows: list[Row]) -> Existing | None:
        """The corpus document whose characters are the tokens', if any."""
        return self.by_characters.get("".join(token for _, token, _ in rows)) if self.by_characters else None


def keep_other_layers(builder: DocumentBuilder, doc: dict[str, Any]) -> None:
    """Carry the existing document's dates, quotations and claims over to a re-aligned import.

    References to entities follow the entity with the same offsets in the import; a reference to an
    entity the CoNLL file does not have becomes null and is listed.
    """
    by_offsets = {(d.start, d.end): d.key for d in builder.drafts if d.layer == "entities"}
    entity_key = {e["id"]: by_offsets.get((e["start"], e["end"])) for e in doc["entities"]}
    for layer in ("dates", "quotations", "claims"):
        for item in doc[layer]:
            fields = {k: v for k, v in item.items() if k not in ("id", "start", "end", "text", *SUBSPANS.get(layer, ()))
                      and (layer, k) not in REFERENCES}
            draft = SpanDraft(layer, item["id"], item["start"], item["end"], fields, where=f"/{layer}/{item['id']}",
                              proposed_id=item["id"])
            for (ref_layer, name), target_layer in REFERENCES.items():
                value = item.get(name) if ref_layer == layer else None
                if value == "dct":
                    draft.fields[name] = "dct"
                elif isinstance(value, str) and target_layer == "entities":
                    if entity_key.get(value):
                        draft.links[name] = entity_key[value]  # type: ignore[assignment]
                    else:
                        builder.skip(draft.where, name, item["text"], f"reference to entity {value}, which the CoNLL "
                                                                      "file does not have: set to null")
                elif isinstance(value, str):
                    draft.links[name] = value
            for name in SUBSPANS.get(layer, ()):
                draft.subspans[name] = (item[name]["start"], item[name]["end"]) if item[name] else None
            builder.add(draft)
