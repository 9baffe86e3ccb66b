"""The compiled speedups (``newsspan/validation/_speedups.c``) answer as their Python references do.

The rule-table test (tests/test_validation_rules.py) compares the rules' problems with and without the
compiled whole-document test on random and corrupted documents; here: it is built and used, its date checks
agree with the Python functions on any value, and hostile values answer "run the rules" without a crash.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsspan.validation import rules
from newsspan.validation.speedups import COMPILED, speedups

from .strategies import documents

LAYERS = {"entities": [], "dates": [], "quotations": [], "claims": []}

#: Date-like values: real and impossible calendar dates, TIMEX3 shapes, other scripts' digits, noise.
DATE_LIKE = st.one_of(
    st.from_regex(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?", fullmatch=True),
    st.from_regex(r"[0-9]{4}-[0-9]{2}(-[0-9]{2})?[0-9T:XZ+-]{0,6}", fullmatch=True),
    st.text(alphabet="0123456789-TXWQP:٣२", max_size=12),
)


def test_the_speedups_are_built_where_the_suite_runs_from_this_source():
    """The install the suite runs on (CI's: gcc is there) carries the extension, built from the C file beside it
    (an edited C file not rebuilt would leave the tests checking the old code)."""
    assert COMPILED, "newsspan.validation._speedups was not built: reinstall with a C compiler (pip install -e .)"
    source = Path(rules.__file__).with_name("_speedups.c").read_bytes()
    assert hashlib.sha256(source).hexdigest() == speedups.SOURCE_SHA256, "_speedups.c changed: pip install -e ."


@settings(max_examples=2000, deadline=None)
@given(DATE_LIKE)
def test_metadata_dates_are_judged_as_calendar_error_judges_them(value):
    doc = {**copy.deepcopy(LAYERS), "metadata": {"published": {"date": value}}}
    assert speedups.document_holds(doc, None, rules.date_value_holds) == (rules.calendar_error(value) is None)


#: TIMEX3-like values: durations, times of day, parts of days, references, weeks, quarters, noise.
TIMEX_LIKE = st.one_of(
    DATE_LIKE,
    st.from_regex(r"(P|T|X|[0-9]|-|W|Q|MO|MI|AF|EV|NI|DT|\.|:|_REF|PRESENT|PAST|FUTURE|H|M|S|Y|D){0,8}",
                  fullmatch=True),
    st.sampled_from(["PRESENT_REF", "PAST_REF", "FUTURE_REF", "P", "PT", "PX", "P.5D", "T10", "TMO", "XXXX-XX-XXTNI"]),
)


@settings(max_examples=3000, deadline=None)
@given(TIMEX_LIKE, st.sampled_from(["DATE", "TIME", "DURATION", "SET", "OTHER"]))
def test_timex_values_are_judged_as_the_rules_judge_them(value, kind):
    date = {"id": "d1", "start": 0, "end": 1, "text": "x", "type": kind, "value": value, "anchor": None}
    doc = {**copy.deepcopy(LAYERS), "dates": [date]}
    expected = rules.calendar_error(value) is None and rules.timex_expectation(kind, value) is None
    assert speedups.document_holds(doc, None, rules.date_value_holds) == expected


@settings(max_examples=200, deadline=None)
@given(documents())
def test_valid_documents_take_the_compiled_path(pair):
    doc, text = pair
    assert rules.compiled_holds(doc, text)


def _fresh_keys(node):
    """The same JSON with every key a str object of its own (not the parser's, not interned)."""
    if isinstance(node, dict):
        return {key.encode().decode() + "": _fresh_keys(value) for key, value in node.items()}
    return [_fresh_keys(item) for item in node] if isinstance(node, list) else node


@settings(max_examples=100, deadline=None)
@given(documents(), st.sampled_from(["start", "text", "id", "anchor", "claimant", "speaker", "type"]))
def test_keys_are_read_by_their_characters_whichever_objects_they_are(pair, broken):
    """The compiled test looks keys up by the parser's str objects (``use_keys``); other objects equal to them answer
    alike: a valid document holds either way, and one whose first item of each layer had a value changed holds with
    fresh keys exactly when it holds with the parser's."""
    doc, text = pair
    assert speedups.document_holds(_fresh_keys(doc), text, rules.date_value_holds) is True
    for layer in ("entities", "dates", "quotations", "claims"):
        if doc[layer] and broken in doc[layer][0]:
            doc[layer][0][broken] = 10**6 if broken == "start" else "zz-not-there"
    parsed = orjson.loads(orjson.dumps(doc))
    assert (speedups.document_holds(_fresh_keys(doc), text, rules.date_value_holds)
            == speedups.document_holds(parsed, text, rules.date_value_holds))


def test_the_seed_document_takes_the_compiled_path(seed_document):
    assert rules.compiled_holds(*seed_document)


@pytest.mark.parametrize("value", [2**63, 2**70, -(2**70), -1, True, 1.0, "0", None, [], {}])
@pytest.mark.parametrize("field", ["start", "end"])
def test_odd_offsets_send_the_document_to_the_rules(seed_document, field, value):
    doc, text = copy.deepcopy(seed_document[0]), seed_document[1]
    doc["entities"][0][field] = value
    assert speedups.document_holds(doc, text, rules.date_value_holds) is False
    if value != -1:  # not a 64-bit int: "run the rules" even without a text to check offsets against
        assert speedups.document_holds(doc, None, rules.date_value_holds) is False


@pytest.mark.parametrize("doc", [None, [], "x", {"entities": None}, {**LAYERS, "entities": [None]},
                                 {**LAYERS, "entities": [[1, 2]]}, {**LAYERS, "dates": [{"id": "d1"}]}])
def test_documents_of_another_shape_send_it_to_the_rules(doc):
    assert speedups.document_holds(doc, "text", rules.date_value_holds) is False


def test_a_callback_that_fails_counts_as_no():
    """Values beyond ASCII go to the Python function; if it raised, the document goes to the rules."""
    date = {"id": "d1", "start": 0, "end": 1, "text": "x", "type": "TIME", "value": "T10٣", "anchor": None}

    def failing(kind, value):
        raise RuntimeError("boom")

    assert speedups.document_holds({**LAYERS, "dates": [date]}, None, failing) is False


def test_wrong_arguments_raise_type_errors():
    with pytest.raises(TypeError):
        speedups.document_holds({}, b"bytes", rules.date_value_holds)
    with pytest.raises(TypeError):
        speedups.document_holds({})
    with pytest.raises(TypeError):
        speedups.repeats_no_key("not bytes", {})


def test_a_document_of_many_items_is_judged_to_its_last_item():
    """Beyond the kept place numbers (65,536 / 4 items of a layer): the same answers, the last item counts."""
    count = 30_000
    text = "x " * count
    entities = [{"id": f"e{i + 1}", "start": 2 * i, "end": 2 * i + 1, "text": "x", "label": "ORG"}
                for i in range(count)]
    doc = {**copy.deepcopy(LAYERS), "entities": entities}
    assert speedups.document_holds(doc, text.rstrip(), rules.date_value_holds) is True
    entities[-1]["id"] = "e1"
    assert speedups.document_holds(doc, text.rstrip(), rules.date_value_holds) is False
    entities[-1]["id"], entities[-1]["start"] = f"e{count}", 2 * count - 3  # covers " x": whitespace, wrong text
    assert speedups.document_holds(doc, text.rstrip(), rules.date_value_holds) is False


#: Strings that straddle the scan's 64-byte blocks: colons, quotes and backslashes (escaped when written).
LONG_STRINGS = st.text(alphabet=st.sampled_from(["x", ":", '"', "\\", "é", " "]), max_size=90)
PADDING = st.integers(0, 70).map(" ".__mul__)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b:", 'c"', "d\\"]), LONG_STRINGS, PADDING), max_size=8),
       st.booleans())
def test_repeated_keys_are_told_apart_across_the_scan_blocks(pairs, nested):
    """Written by hand with padding and long strings, so strings and escapes cross the 64-byte blocks the
    colon scan takes at once: the answer is exact for well-formed JSON (True iff no key repeats)."""
    body = ",".join(f"{pad}{json.dumps(key)}{pad}:{pad}{json.dumps(value)}" for key, value, pad in pairs)
    raw = "{" + body + "}"
    if nested:
        raw = '{"x": "10:00 \\\\", "outer": [' + raw + '], "y": {"z": ":"}}'
    assert speedups.repeats_no_key(raw.encode(), orjson.loads(raw)) is (len({k for k, _, _ in pairs}) == len(pairs))


def test_an_unclosed_string_asks_for_the_exact_check():
    """Not JSON text (a string left open, in the block scan or the tail): "maybe", never "no repeat"."""
    for raw in (b'{"a": "' + b"x" * 200, b'{"a": 1, "b": "' + b"y" * 10):
        assert speedups.repeats_no_key(raw, {"a": 1, "b": 2}) is False
