"""Findings as data: the one finding type :class:`Problem`, the catalogue of every code, JSON pointers.

Every command that judges input (``validate``, ``check``, ``import``, ``agree``, ``evaluate``, ``accept``) reports
:class:`Problem` objects whose ``code`` is listed in :data:`REGISTRY` with its meaning. Codes are
stable: tools and CI may match on them.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

Command = Literal["validate", "check", "import", "agree", "evaluate", "accept", "add"]


@dataclass(frozen=True, order=True)
class Problem:
    """One finding: where it is (file and JSON pointer), its stable code, and what was expected and found."""

    file: str
    pointer: str
    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        """Every field, for JSON output."""
        return asdict(self)

    def printable(self) -> Problem:
        """This problem with text any terminal and JSON encoder can write (see :func:`printable`)."""
        file, message = printable(self.file), printable(self.message)
        return self if (file, message) == (self.file, self.message) else replace(self, file=file, message=message)


def printable(text: str) -> str:
    """``text`` safe to print and to JSON-encode: bytes of a file name that are not UTF-8 (kept by Python as lone
    surrogates) are shown as ``\\xNN``, and so are control characters (an escape sequence in a file name must
    not reach the terminal, a newline must not forge a line of output)."""
    if text.isprintable():
        return text
    return _UNSAFE.sub(_escaped, text)


#: Characters :func:`printable` escapes: C0 and C1 controls, DEL, surrogates (bytes that are not UTF-8).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, as os.fsdecode keeps it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


@dataclass
class Report:
    """The outcome of validating some files."""

    files: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no file has a problem."""
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` shape: ``ok``, ``files`` and ``errors``."""
        return {"ok": self.ok, "files": self.files, "errors": [p.to_dict() for p in self.problems]}


@dataclass(frozen=True)
class Code:
    """A problem code: its name, what it means, and the command that reports it (a warning for ``check``)."""

    name: str
    meaning: str
    command: Command

    @property
    def severity(self) -> Literal["error", "warning"]:
        """``warning`` for the consistency checks of ``newsspan check``; ``error`` for everything else."""
        return "warning" if self.command == "check" else "error"


def _codes(command: Command, meanings: dict[str, str]) -> dict[str, Code]:
    return {name: Code(name, meaning, command) for name, meaning in meanings.items()}


#: Every code any command reports, with its meaning: the one catalogue.
REGISTRY: dict[str, Code] = {
    **_codes("validate", {
        "file-unreadable": "the annotation file cannot be read",
        "file-not-regular": "a FIFO, device or folder where a file was expected (never read, never waited on)",
        "file-outside": "an annotation file inside the corpus root that is a symbolic link (or lies under a linked "
                        "folder) leading out of the root; it is never opened",
        "file-too-large": "a file larger than the size limit (--max-bytes, default 64 MiB); refused before reading",
        "json-malformed": "the annotation file is not well-formed JSON (or is truncated)",
        "json-too-deep": "JSON nested deeper than 64 levels (no annotation is; refused without further checks)",
        "json-duplicate-key": "an object of the file repeats a key (JSON parsers silently keep only one value)",
        "schema-*": "the document does not follow schema/document.schema.json (suffix: the JSON Schema keyword)",
        "id-filename-mismatch": "the file name is not <id>.json",
        "seed-missing": "the seed file named in /seed/file does not exist in seeds/",
        "seed-outside": "/seed/file names no plain file inside seeds/ (a path, .., or a symbolic link leading out); "
                        "it is never opened",
        "seed-not-utf8": "the seed file is not valid UTF-8",
        "text-hash-mismatch": "the seed's canonical text does not have the pinned SHA-256 (the text changed)",
        "offset-out-of-range": "an offset lies outside the canonical text",
        "offset-order": "a span does not have start < end",
        "offset-not-integer": "an offset is written as a number with a fraction part (1.0), not an integer",
        "span-text-mismatch": "a span's text differs from canonical_text[start:end]",
        "span-whitespace": "a span starts or ends with whitespace",
        "duplicate-id": "two items share an id",
        "duplicate-span": "two items of one layer cover the same offsets",
        "dangling-reference": "a reference names no item of its layer",
        "reference-wrong-layer": "a reference names an item of another layer",
        "self-reference": "an item refers to itself",
        "entity-crossing": "two entities overlap without one containing the other",
        "timex-value-type": "a TIMEX3 value does not fit its type (a DURATION value starts with P, ...)",
        "timex-point-type": "begin_point/end_point on a date that is not a DURATION",
        "claimant-mismatch": "a claim made in a quotation names another claimant than the quotation's speaker",
        "date-bounds": "metadata dates are out of order (earliest after latest, created after modified)",
        "unaccepted-suggestion": "a reviewed or adjudicated document holds a machine span nobody accepted (§G7)",
        "claim-undecided-in-gold": "a reviewed or adjudicated document holds a claim with checkworthy null (§C6)",
        "date-invalid": "a date that is not on the calendar (2026-02-31, month 13), in a TIMEX3 value or the metadata",
        "anchor-cycle": "dates anchored to each other in a cycle (d1 -> d2 -> d1): none of them can be resolved",
    }),
    **_codes("check", {
        "unannotated-mention": "a string annotated as an entity somewhere is left unannotated here (§G5)",
        "label-conflict": "the same string is annotated with different entity labels",
        "entity-possessive": "an entity span ends with a possessive ’s / 's (§E3)",
        "entity-title": "a PERSON span contains a title or role before the name (§E2)",
        "entity-leading-article": "an entity span starts with the article 'the' (§E6)",
        "entity-edge-punctuation": "an entity span starts or ends with sentence punctuation or a quotation mark (§G2)",
        "quote-unannotated": "quotation marks enclose text that no quotation covers",
        "direct-without-marks": "a direct quotation has no quotation marks around it (§Q2)",
        "indirect-with-marks": "an indirect quotation contains quotation marks: mixed? (§Q2, §Q3)",
        "quotation-unattributed": "a quotation has neither a speaker nor a source",
        "date-unresolvable-anchor": "a relative date (value with X, or anchored to dct) has no resolvable anchor (§D2)",
        "claim-undecided": "a claim has no check-worthiness decision (checkworthy null, §C6)",
        "claim-quotation-unlinked": "a claim lies inside a quotation but does not link to it (§C5)",
        "span-cuts-word": "a span starts or ends inside a word (a run of letters or digits, in any script)",
        "span-splits-grapheme": "a span starts or ends inside one character as a reader sees it: a letter and its "
                                "combining mark, an emoji ZWJ sequence, a flag",
        "duplicate-article": "the same article (canonical text SHA-256) is annotated in two files",
    }),
    **_codes("import", {
        "import-no-input": "the source holds no file of the format",
        "import-unreadable": "a source file cannot be read or parsed as the format",
        "import-malformed": "a record of the source does not have the shape the format prescribes",
        "import-text-mismatch": "a span's stated text differs from the text at its offsets",
        "import-offset": "a span's offsets are out of range, out of order or inside a surrogate pair",
        "import-unknown-label": "a label, attribute or relation the newsspan schema has no place for",
        "import-unmapped-span": "a span that cannot become a newsspan span (e.g. discontinuous text)",
        "import-dangling-link": "a relation or reference names a span the source does not have",
        "import-duplicate-document": "two source documents map to the same document id",
        "import-text-not-canonical": "a document's text is not its own canonical text (a seed would not give it back)",
        "import-brat-event": "a brat event (E line): newsspan has no events",
        "import-brat-equivalence": "a brat equivalence (* line): newsspan has no equivalence sets",
        "import-brat-on-event-or-relation": "a brat attribute, note or normalization on an event or relation",
    }),
    **_codes("agree", {
        "duplicate-document": "two annotation files of one side hold the same document id",
        "text-differs": "the two sides annotate different texts under one document id",
        "no-shared-documents": "the two sides have no document id in common",
    }),
    **_codes("evaluate", {
        "eval-unreadable": "a prediction file cannot be read or parsed",
        "eval-malformed": "a predicted document or span does not have the expected shape",
        "eval-unknown-document": "a predicted document id that the gold documents do not have",
        "eval-duplicate-document": "two predicted documents with the same id",
        "eval-offset": "a span's offsets are not integers with 0 <= start < end <= length of the text",
        "eval-text-mismatch": "a span's text differs from the gold text at its offsets",
        "eval-unknown-label": "a label the schema does not have",
        "eval-dangling-speaker": "a speaker id that names no entity of the document",
        "eval-text-differs": "a predicted document made for another text than the gold one",
        "eval-missing-layer": "a scored layer that a gold document does not have",
        "eval-no-documents": "no gold documents",
    }),
    **_codes("accept", {
        "accept-unreadable": "a suggestion file cannot be read or parsed",
        "accept-other-text": "a suggestion was made for another text than the gold document's seed",
        "accept-not-draft": "suggestions are merged only into draft documents (reviewed gold stays as reviewed)",
        "accept-conflict": "a suggested span disagrees with a gold span at the same place; the gold span is kept",
    }),
    **_codes("add", {
        "add-annotation-exists": "annotations/<id>.json already exists; add never overwrites an annotation",
        "add-seed-conflict": "a seed of that file name exists with other bytes (another article: use --seed-name); one "
                             "with the same bytes, left by an interrupted add, is taken up",
    }),
}


#: Every code with its meaning (all commands; ``schema-*`` stands for every JSON Schema keyword).
CODES: dict[str, str] = {name: code.meaning for name, code in REGISTRY.items()}


def codes(command: Command) -> dict[str, str]:
    """The codes a command reports, with their meanings (``codes("check")``: the warning codes)."""
    return {name: code.meaning for name, code in REGISTRY.items() if code.command == command}


def known(code: str) -> bool:
    """Whether ``code`` is in the catalogue (``schema-<keyword>`` codes count as ``schema-*``)."""
    return code in REGISTRY or code.startswith("schema-")


# --- JSON pointers (RFC 6901) -----------------------------------------------------------

def pointer(*parts: str | int) -> str:
    """A JSON pointer from path parts: ``pointer("entities", 3, "end")`` is ``/entities/3/end``."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def pointer_parts(ptr: str) -> list[str | int]:
    """The parts of a JSON pointer, unescaped; array indices (digits) as ints. ``""`` is the whole document."""
    if not ptr:
        return []
    parts = [p.replace("~1", "/").replace("~0", "~") for p in ptr.split("/")[1:]]
    return [int(p) if p.isdigit() else p for p in parts]
