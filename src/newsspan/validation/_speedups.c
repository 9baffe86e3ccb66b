/* Compiled fast paths of validation (the Python code stays the reference; each answer here is checked
 * against it on random and corrupted documents by the tests).
 *
 * ``document_holds(doc, text, date_value_holds) -> bool``: the rules' whole-document test. True means that
 * none of the rules in ``newsspan.validation.rules.COMPILED_RULES`` (offsets, references, nesting, TIMEX3
 * values, calendar dates, anchor cycles, claimants, accepted suggestions, decided claims) would report
 * anything for this document; False means "run the rules" (they name each culprit). Conservative: anything
 * unexpected (a missing key, a value of another type, an integer beyond 64 bits) answers False. It reads
 * the parsed JSON only (plain dicts, lists, str, int) and calls ``date_value_holds(kind, value)`` (a cached
 * Python function) for each TIMEX3 value (kind: its type) and each metadata date (kind: None). Offsets are
 * str indices (code points): a span holds when 0 <= start, its text is non-empty, has end - start code
 * points, equals text[start:end] and has no leading or trailing whitespace (str.isspace).
 *
 * ``repeats_no_key(data, doc) -> bool``: True when no object of the JSON text ``data`` (parsed: ``doc``)
 * repeats a key. Every colon outside the strings of JSON text follows a key, so the file writes as many keys
 * as it has such colons; a parser keeps one value of a repeated key, so the parsed objects hold fewer keys
 * exactly when a key repeats. False means "maybe": the exact Python check of newsspan.validation.document
 * runs (also for documents nested deeper than MAX_DEPTH).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

enum { ENTITIES, DATES, QUOTATIONS, CLAIMS, N_LAYERS };

/* Every key the test looks up: the enum names the slot, KEYS[slot] holds the str object. */
#define KEY_NAMES(X) X(ENTITIES_KEY, "entities") X(DATES_KEY, "dates") X(QUOTATIONS_KEY, "quotations") \
    X(CLAIMS_KEY, "claims") X(START, "start") X(END, "end") X(TEXT, "text") X(ID, "id") X(TYPE, "type") \
    X(VALUE, "value") X(SOURCE, "source") X(CUE, "cue") X(METADATA, "metadata") X(DATELINE, "dateline") \
    X(PUBLISHED, "published") X(DATE, "date") X(EARLIEST, "earliest") X(LATEST, "latest") \
    X(ANNOTATION, "annotation") X(CREATED, "created") X(MODIFIED, "modified") X(STATUS, "status") \
    X(PROVENANCE, "provenance") X(KIND, "kind") X(ACCEPTED_BY, "accepted_by") X(CHECKWORTHY, "checkworthy") \
    X(ANCHOR, "anchor") X(BEGIN_POINT, "begin_point") X(END_POINT, "end_point") X(SPEAKER, "speaker") \
    X(CLAIMANT, "claimant") X(QUOTATION, "quotation")
#define AS_ENUM(slot, name) slot,
#define AS_NAME(slot, name) name,
enum Key { KEY_NAMES(AS_ENUM) N_KEYS };
static const char *NAMES[N_KEYS] = {KEY_NAMES(AS_NAME)};
static PyObject *KEYS[N_KEYS];

/* Values compared with the document's strings. */
static PyObject *S_DCT, *S_DATE, *S_TIME, *S_SET, *S_DURATION, *S_REVIEWED, *S_ADJUDICATED, *S_MODEL, *S_RULE;

/* model.REFERENCES: (layer, field) -> target layer; the first is a date's anchor. */
typedef struct { int layer; enum Key name; int target; } Reference;
static const Reference REFERENCES[] = {
    {DATES, ANCHOR, DATES}, {DATES, BEGIN_POINT, DATES}, {DATES, END_POINT, DATES},
    {QUOTATIONS, SPEAKER, ENTITIES}, {CLAIMS, CLAIMANT, ENTITIES}, {CLAIMS, QUOTATION, QUOTATIONS},
};
#define N_REFERENCES (sizeof(REFERENCES) / sizeof(REFERENCES[0]))

/* dict[key] (borrowed), or NULL when absent. */
static PyObject *get(PyObject *dict, enum Key key) { return PyDict_GetItemWithError(dict, KEYS[key]); }

typedef struct { Py_ssize_t start, end; } Pair;

/* An exact int (not bool) that fits a Py_ssize_t, into *out; 0 when it is anything else. */
static int as_offset(PyObject *value, Py_ssize_t *out) {
    if (value == NULL || !PyLong_CheckExact(value)) return 0;
    *out = PyLong_AsSsize_t(value);
    if (*out == -1 && PyErr_Occurred()) {
        PyErr_Clear();
        return 0;
    }
    return 1;
}

static int is_str(PyObject *value) { return value != NULL && PyUnicode_CheckExact(value); }

static int str_equals(PyObject *value, PyObject *interned) {
    return is_str(value) && (value == interned || PyUnicode_Compare(value, interned) == 0);
}

/* A span dict's offsets, and (with text) whether its text is text[start:end], non-empty and trimmed. */
static int span_holds(PyObject *span, PyObject *text, Pair *pair) {
    if (!PyDict_CheckExact(span)) return 0;
    PyObject *covered = get(span, TEXT);
    if (!as_offset(get(span, START), &pair->start) ||
        !as_offset(get(span, END), &pair->end) || !is_str(covered))
        return 0;
    if (text == Py_None) return 1;  /* no canonical text: offsets are not checked */
    Py_ssize_t length = PyUnicode_GET_LENGTH(covered);
    if (pair->start < 0 || length < 1 || pair->end - pair->start != length ||
        pair->end > PyUnicode_GET_LENGTH(text))
        return 0;
    if (PyUnicode_Tailmatch(text, covered, pair->start, pair->end, -1) != 1) return 0;
    int kind = PyUnicode_KIND(covered);
    const void *data = PyUnicode_DATA(covered);
    return !Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, 0)) &&
           !Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, length - 1));
}

static int compare_pairs(const void *a, const void *b) {
    const Pair *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    if (x->end != y->end) return x->end > y->end ? -1 : 1;  /* longer first: an enclosing span before its parts */
    return 0;
}

/* No two pairs alike; with nest, the spans nest or are disjoint (never cross). Sorts pairs (unless they are in
 * order already, as the items of a layer are: ids in text order). */
static int pairs_hold(Pair *pairs, Py_ssize_t n, int nest, Py_ssize_t *stack) {
    Py_ssize_t ordered = 1;
    while (ordered < n && compare_pairs(&pairs[ordered - 1], &pairs[ordered]) <= 0) ordered++;
    if (ordered < n) qsort(pairs, (size_t)n, sizeof(Pair), compare_pairs);
    Py_ssize_t top = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (i > 0 && pairs[i].start == pairs[i - 1].start && pairs[i].end == pairs[i - 1].end) return 0;
        if (!nest) continue;
        while (top > 0 && stack[top - 1] <= pairs[i].start) top--;
        if (top > 0 && stack[top - 1] < pairs[i].end) return 0;
        stack[top++] = pairs[i].end;
    }
    return 1;
}

static int digits(const char *at, int n) {
    for (int i = 0; i < n; i++)
        if (at[i] < '0' || at[i] > '9') return 0;
    return 1;
}

static int number(const char *at, int n) {
    int value = 0;
    for (int i = 0; i < n; i++) value = value * 10 + (at[i] - '0');
    return value;
}

/* rules.calendar_error(value) is None: a value starting YYYY-MM or YYYY-MM-DD names a real month and day.
 * -1: not an ASCII str (ask Python). */
static int calendar_holds(PyObject *value) {
    static const int DAYS[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!PyUnicode_IS_ASCII(value)) return -1;
    const char *at = (const char *)PyUnicode_1BYTE_DATA(value);
    Py_ssize_t n = PyUnicode_GET_LENGTH(value);
    if (n < 7 || !digits(at, 4) || at[4] != '-' || !digits(at + 5, 2)) return 1;
    int year = number(at, 4), month = number(at + 5, 2);
    if (month < 1 || month > 12) return 0;
    if (n < 10 || at[7] != '-' || !digits(at + 8, 2)) return 1;
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0, day = number(at + 8, 2);
    return day >= 1 && day <= DAYS[month] + (month == 2 && leap);
}

static int timex_digit(char c) { return (c >= '0' && c <= '9') || c == 'X'; }

/* rules.timex_expectation(kind, value) is None, for an ASCII value: its regular expressions spelled out. */
static int timex_holds(PyObject *kind, const char *at, Py_ssize_t n) {
    int duration = n >= 2 && at[0] == 'P' && (timex_digit(at[1]) || at[1] == '.' || at[1] == 'T');  /* ^P(?=[0-9X.T]) */
    int time_part = 0;  /* T([0-9X]{2}|MO|MI|AF|EV|NI|DT) anywhere */
    for (Py_ssize_t i = 0; i + 2 < n && !time_part; i++) {
        if (at[i] != 'T') continue;
        char a = at[i + 1], b = at[i + 2];
        time_part = (timex_digit(a) && timex_digit(b)) || (a == 'M' && (b == 'O' || b == 'I')) ||
                    (a == 'A' && b == 'F') || (a == 'E' && b == 'V') || (a == 'N' && b == 'I') || (a == 'D' && b == 'T');
    }
    int ref = (n == 11 && memcmp(at, "PRESENT_REF", 11) == 0) || (n == 8 && memcmp(at, "PAST_REF", 8) == 0) ||
              (n == 10 && memcmp(at, "FUTURE_REF", 10) == 0);
    if (str_equals(kind, S_DURATION)) return duration;
    if (str_equals(kind, S_DATE)) return !(duration || (time_part && !ref));
    if (str_equals(kind, S_TIME)) return time_part || ref;
    if (str_equals(kind, S_SET)) return duration || memchr(at, 'X', (size_t)n) != NULL;
    return 1;
}

/* date_value_holds(kind, value) is true (an exception counts as no); ASCII values are judged here, by the
 * same rules, without calling it. */
static int date_value_holds(PyObject *check, PyObject *kind, PyObject *value) {
    if (PyUnicode_IS_ASCII(value) && (kind == Py_None || is_str(kind))) {
        const char *at = (const char *)PyUnicode_1BYTE_DATA(value);
        return calendar_holds(value) == 1 && (kind == Py_None || timex_holds(kind, at, PyUnicode_GET_LENGTH(value)));
    }
    PyObject *answer = PyObject_CallFunctionObjArgs(check, kind, value, NULL);
    if (answer == NULL) {
        PyErr_Clear();
        return 0;
    }
    int holds = PyObject_IsTrue(answer);
    Py_DECREF(answer);
    if (holds < 0) PyErr_Clear();
    return holds == 1;
}

/* node[key] when node is a dict and node[key] a dict too, else NULL. */
static PyObject *get_dict(PyObject *node, enum Key key) {
    PyObject *value = node != NULL && PyDict_CheckExact(node) ? get(node, key) : NULL;
    return value != NULL && PyDict_CheckExact(value) ? value : NULL;
}

/* Every metadata date (metadata.published.date/earliest/latest, annotation.created/modified) on the calendar. */
static int metadata_dates_hold(PyObject *doc, PyObject *check) {
    PyObject *published = get_dict(get_dict(doc, METADATA), PUBLISHED);
    PyObject *note = get_dict(doc, ANNOTATION);
    static const enum Key names[5] = {DATE, EARLIEST, LATEST, CREATED, MODIFIED};
    for (int i = 0; i < 5; i++) {
        PyObject *node = i < 3 ? published : note;
        PyObject *value = node ? get(node, names[i]) : NULL;
        if (is_str(value) && !date_value_holds(check, Py_None, value)) return 0;
    }
    return 1;
}

typedef struct {
    PyObject *layers[N_LAYERS];
    PyObject *where;      /* id -> index * N_LAYERS + layer */
    Py_ssize_t *anchor;   /* for each date, the index of its anchor date, or -1 */
    Pair *pairs;
    Py_ssize_t *stack;
    Py_ssize_t most;      /* the longest layer */
} Walk;

/* The int object of a place (index * N_LAYERS + layer), a new reference: the first 65,536 are made once and
 * kept (no allocation per item of an ordinary document), larger ones made each time (a hostile document of
 * millions of items leaves nothing behind). */
#define KEPT_PLACES 65536
static PyObject *PLACES[KEPT_PLACES];

static PyObject *place_number(Py_ssize_t place) {
    if (place >= KEPT_PLACES) return PyLong_FromSsize_t(place);
    if (PLACES[place] == NULL) PLACES[place] = PyLong_FromSsize_t(place);
    Py_XINCREF(PLACES[place]);
    return PLACES[place];
}

/* Every item a dict with offsets that hold and an id of its own; no layer with two items alike; entities nest. */
static int items_hold(Walk *w, PyObject *text) {
    for (int layer = 0; layer < N_LAYERS; layer++) {
        PyObject *items = w->layers[layer];
        Py_ssize_t n = PyList_GET_SIZE(items);
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *item = PyList_GET_ITEM(items, i);
            if (!span_holds(item, text, &w->pairs[i])) return 0;
            PyObject *id = get(item, ID);
            if (!is_str(id)) return 0;
            PyObject *place = place_number(i * N_LAYERS + layer);
            /* one hash and probe: the id's place, or the place of the item that has this id already */
            PyObject *had = place == NULL ? NULL : PyDict_SetDefault(w->where, id, place);
            int first = had != NULL && had == place;
            Py_XDECREF(place);
            if (!first) {
                PyErr_Clear();
                return 0;
            }
        }
        if (!pairs_hold(w->pairs, n, layer == ENTITIES, w->stack)) return 0;
    }
    return 1;
}

/* The quotations' source and cue (None or a span) and the metadata's dateline (when a dict) hold. */
static int subspans_hold(Walk *w, PyObject *doc, PyObject *text) {
    Pair pair;
    PyObject *quotations = w->layers[QUOTATIONS];
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(quotations); i++) {
        PyObject *quotation = PyList_GET_ITEM(quotations, i);
        static const enum Key subspans[2] = {SOURCE, CUE};
        for (int k = 0; k < 2; k++) {
            PyObject *span = get(quotation, subspans[k]);
            if (span == NULL || (span != Py_None && !span_holds(span, text, &pair))) return 0;
        }
    }
    PyObject *dateline = get_dict(get_dict(doc, METADATA), DATELINE);
    return dateline == NULL || span_holds(dateline, text, &pair);
}

/* Every reference None or the id of another item of its target layer (an anchor may be "dct"). */
static int references_hold(Walk *w) {
    for (size_t r = 0; r < N_REFERENCES; r++) {
        const Reference *ref = &REFERENCES[r];
        PyObject *items = w->layers[ref->layer];
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(items); i++) {
            PyObject *item = PyList_GET_ITEM(items, i);
            PyObject *value = get(item, ref->name);
            if (r == 0) w->anchor[i] = -1;  /* REFERENCES[0]: a date's anchor */
            if (value == NULL || value == Py_None) continue;
            if (!is_str(value) || PyUnicode_Compare(value, get(item, ID)) == 0) return 0;
            if (r == 0 && str_equals(value, S_DCT)) continue;
            PyObject *place = PyDict_GetItemWithError(w->where, value);
            if (place == NULL) return 0;
            Py_ssize_t at = PyLong_AsSsize_t(place);
            if (at % N_LAYERS != ref->target) return 0;
            if (r == 0) w->anchor[i] = at / N_LAYERS;
        }
    }
    return 1;
}

/* Following anchors from any date ends (at dct or a date without anchor), never in a circle. */
static int anchors_hold(Walk *w) {
    Py_ssize_t n = PyList_GET_SIZE(w->layers[DATES]);
    Py_ssize_t *state = w->stack;  /* 0: not seen, 1: on the current path, 2: leads to an end */
    for (Py_ssize_t i = 0; i < n; i++) state[i] = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t j = i;
        while (j >= 0 && state[j] == 0) {
            state[j] = 1;
            j = w->anchor[j];
        }
        if (j >= 0 && state[j] == 1) return 0;
        for (j = i; j >= 0 && state[j] == 1; j = w->anchor[j]) state[j] = 2;
    }
    return 1;
}

/* TIMEX3 values fit their type and lie on the calendar; begin and end points only on durations. */
static int dates_hold(Walk *w, PyObject *check) {
    PyObject *dates = w->layers[DATES];
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(dates); i++) {
        PyObject *date = PyList_GET_ITEM(dates, i);
        PyObject *kind = get(date, TYPE), *value = get(date, VALUE);
        if (!is_str(kind) || !is_str(value) || !date_value_holds(check, kind, value)) return 0;
        if ((PyDict_Contains(date, KEYS[BEGIN_POINT]) || PyDict_Contains(date, KEYS[END_POINT])) &&
            !str_equals(kind, S_DURATION))
            return 0;
    }
    return 1;
}

/* A claim made in a quotation whose speaker is an entity is claimed by that speaker. */
static int claimants_hold(Walk *w) {
    PyObject *claims = w->layers[CLAIMS];
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(claims); i++) {
        PyObject *claim = PyList_GET_ITEM(claims, i);
        PyObject *quoted = get(claim, QUOTATION);
        if (quoted == NULL || quoted == Py_None) continue;
        Py_ssize_t at = PyLong_AsSsize_t(PyDict_GetItemWithError(w->where, quoted)) / N_LAYERS;
        PyObject *speaker = get(PyList_GET_ITEM(w->layers[QUOTATIONS], at), SPEAKER);
        if (speaker == NULL || speaker == Py_None) continue;
        PyObject *claimant = get(claim, CLAIMANT);
        if (claimant == NULL || PyObject_RichCompareBool(claimant, speaker, Py_EQ) != 1) {
            PyErr_Clear();
            return 0;
        }
    }
    return 1;
}

/* In a reviewed or adjudicated document: every machine span accepted, every claim's check-worthiness decided. */
static int gold_holds(Walk *w, PyObject *doc) {
    PyObject *note = get_dict(doc, ANNOTATION);
    PyObject *status = note ? get(note, STATUS) : NULL;
    if (!str_equals(status, S_REVIEWED) && !str_equals(status, S_ADJUDICATED)) return 1;
    for (int layer = 0; layer < N_LAYERS; layer++) {
        PyObject *items = w->layers[layer];
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(items); i++) {
            PyObject *made = get_dict(PyList_GET_ITEM(items, i), PROVENANCE);
            PyObject *kind = made ? get(made, KIND) : NULL;
            if ((str_equals(kind, S_MODEL) || str_equals(kind, S_RULE)) && !PyDict_Contains(made, KEYS[ACCEPTED_BY]))
                return 0;
        }
    }
    PyObject *claims = w->layers[CLAIMS];
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(claims); i++)
        if (get(PyList_GET_ITEM(claims, i), CHECKWORTHY) == Py_None) return 0;
    return 1;
}

static int walk(Walk *w, PyObject *doc, PyObject *text, PyObject *check) {
    for (int layer = 0; layer < N_LAYERS; layer++) {
        w->layers[layer] = get(doc, ENTITIES_KEY + layer);
        if (w->layers[layer] == NULL || !PyList_CheckExact(w->layers[layer])) return 0;
        if (PyList_GET_SIZE(w->layers[layer]) > w->most) w->most = PyList_GET_SIZE(w->layers[layer]);
    }
    w->pairs = PyMem_Malloc(sizeof(Pair) * (size_t)(w->most + 1));
    w->stack = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(w->most + 1));
    w->anchor = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(w->most + 1));
    Py_ssize_t items = 0;
    for (int layer = 0; layer < N_LAYERS; layer++) items += PyList_GET_SIZE(w->layers[layer]);
    w->where = _PyDict_NewPresized(items);  /* no resizing while it fills */
    if (!w->pairs || !w->stack || !w->anchor || !w->where) {
        PyErr_Clear();
        return 0;
    }
    return items_hold(w, text) && subspans_hold(w, doc, text) && references_hold(w) && anchors_hold(w) &&
           dates_hold(w, check) && metadata_dates_hold(doc, check) && claimants_hold(w) && gold_holds(w, doc);
}

static PyObject *document_holds(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "document_holds takes 3 arguments: doc, text, date_value_holds");
        return NULL;
    }
    PyObject *doc = args[0], *text = args[1], *check = args[2];
    if (text != Py_None && !PyUnicode_CheckExact(text)) {
        PyErr_SetString(PyExc_TypeError, "text must be a str or None");
        return NULL;
    }
    Walk w = {0};
    int holds = PyDict_CheckExact(doc) && walk(&w, doc, text, check);
    PyErr_Clear();  /* a lookup error answers False like any other surprise */
    PyMem_Free(w.pairs);
    PyMem_Free(w.stack);
    PyMem_Free(w.anchor);
    Py_XDECREF(w.where);
    return PyBool_FromLong(holds);
}

#define MAX_DEPTH 200

#ifndef SPEEDUPS_SOURCE_SHA256  /* set by scripts/hatch_build.py: the SHA-256 of this file when it was built */
#define SPEEDUPS_SOURCE_SHA256 ""
#endif

static int is_container(PyObject *value) {
    return Py_IS_TYPE(value, &PyDict_Type) || Py_IS_TYPE(value, &PyList_Type);
}

/* The keys of every object in a dict or list, or -1 when it nests deeper than depth allows. */
static Py_ssize_t keys_of(PyObject *container, int depth) {
    if (depth == 0) return -1;
    Py_ssize_t found = 0, inner;
    if (Py_IS_TYPE(container, &PyList_Type)) {
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(container); i++) {
            PyObject *item = PyList_GET_ITEM(container, i);
            if (is_container(item)) {
                if ((inner = keys_of(item, depth - 1)) < 0) return -1;
                found += inner;
            }
        }
        return found;
    }
    Py_ssize_t position = 0;
    PyObject *key, *item;
    while (PyDict_Next(container, &position, &key, &item)) {
        found++;
        if (is_container(item)) {
            if ((inner = keys_of(item, depth - 1)) < 0) return -1;
            found += inner;
        }
    }
    return found;
}

/* Scanning state between blocks: inside a string, and (inside one) after an unpaired backslash. */
typedef struct { int in_string, escaped; } ScanState;

/* The colons outside strings of text[0:n], one byte at a time, from and into *state. */
static Py_ssize_t colons_scalar(const char *text, Py_ssize_t n, ScanState *state) {
    Py_ssize_t colons = 0;
    int in_string = state->in_string, escaped = state->escaped;
    for (Py_ssize_t i = 0; i < n; i++) {
        char c = text[i];
        if (!in_string) {
            if (c == ':') colons++;
            else if (c == '"') in_string = 1;
        } else if (escaped) {
            escaped = 0;
        } else if (c == '\\') {
            escaped = 1;
        } else if (c == '"') {
            in_string = 0;
        }
    }
    state->in_string = in_string;
    state->escaped = escaped;
    return colons;
}

#if defined(__SSE2__)
#include <emmintrin.h>
#define BLOCK 64

/* Bit i set when text[i] == c, for the 64 bytes at text. */
static inline uint64_t byte_mask(const char *text, char c) {
    const __m128i wanted = _mm_set1_epi8(c);
    uint64_t mask = 0;
    for (int part = 0; part < 4; part++) {
        __m128i bytes = _mm_loadu_si128((const __m128i *)(text + 16 * part));
        mask |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, wanted)) << (16 * part);
    }
    return mask;
}

/* Bit i: the parity of the set bits 0..i of x (bytes after an odd number of quotes are inside a string). */
static inline uint64_t prefix_xor(uint64_t x) {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    return x;
}

static inline int bit_count(uint64_t x) {
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_popcountll(x);
#else
    int n = 0;
    for (; x; x &= x - 1) n++;
    return n;
#endif
}
#endif

/* The colons of well-formed JSON text outside its strings: one per key written; -1 for an unclosed string.
 * Blocks of 64 bytes without a backslash are scanned 16 bytes at a time where SSE2 is there (every x86-64):
 * the quotes' prefix parity marks the bytes inside strings; other blocks go byte by byte. */
static Py_ssize_t key_colons(const char *text, Py_ssize_t n) {
    ScanState state = {0, 0};
    Py_ssize_t colons = 0, done = 0;
#if defined(__SSE2__)
    for (; done + BLOCK <= n; done += BLOCK) {
        const char *block = text + done;
        if (state.escaped || byte_mask(block, '\\')) {
            colons += colons_scalar(block, BLOCK, &state);
            continue;
        }
        uint64_t inside = prefix_xor(byte_mask(block, '"'));
        if (state.in_string) inside = ~inside;
        colons += bit_count(byte_mask(block, ':') & ~inside);
        state.in_string = (int)(inside >> 63);
    }
#endif
    colons += colons_scalar(text + done, n - done, &state);
    return state.in_string ? -1 : colons;
}

static PyObject *repeats_no_key(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 2 || !PyBytes_CheckExact(args[0])) {
        PyErr_SetString(PyExc_TypeError, "repeats_no_key takes 2 arguments: the file's bytes and its parsed document");
        return NULL;
    }
    Py_ssize_t keys = is_container(args[1]) ? keys_of(args[1], MAX_DEPTH) : 0;
    Py_ssize_t written = key_colons(PyBytes_AS_STRING(args[0]), PyBytes_GET_SIZE(args[0]));
    return PyBool_FromLong(keys >= 0 && written == keys);
}

/* Look keys up by these str objects (equal to KEY_NAMES): a parser that hands out one object per key (orjson
 * does) then makes every lookup an identity hit instead of a comparison of characters. */
static PyObject *use_keys(PyObject *self, PyObject *keys) {
    (void)self;
    PyObject *iterator = PyObject_GetIter(keys), *key;
    if (iterator == NULL) return NULL;
    while ((key = PyIter_Next(iterator)) != NULL) {
        for (int k = 0; k < N_KEYS && PyUnicode_CheckExact(key); k++) {
            if (key != KEYS[k] && PyUnicode_CompareWithASCIIString(key, NAMES[k]) == 0) {
                Py_INCREF(key);
                Py_SETREF(KEYS[k], key);
            }
        }
        Py_DECREF(key);
    }
    Py_DECREF(iterator);
    if (PyErr_Occurred()) return NULL;
    Py_RETURN_NONE;
}

static PyMethodDef METHODS[] = {
    {"repeats_no_key", (PyCFunction)(void (*)(void))repeats_no_key, METH_FASTCALL,
     "repeats_no_key(data, doc) -> bool\n\nTrue when no object of the JSON text data (parsed: doc) repeats a key: "
     "its colons outside strings are as many as doc's keys. False: maybe, check exactly."},
    {"use_keys", use_keys, METH_O, "use_keys(keys) -> None\n\nLook keys up by these str objects (see KEY_NAMES)."},
    {"document_holds", (PyCFunction)(void (*)(void))document_holds, METH_FASTCALL,
     "document_holds(doc, text, date_value_holds) -> bool\n\nTrue when none of the compiled rules would report "
     "anything for this document (False: run the rules)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef MODULE = {PyModuleDef_HEAD_INIT, "_speedups", NULL, -1, METHODS, NULL, NULL, NULL, NULL};

#define INTERN(var, s) if (((var) = PyUnicode_InternFromString(s)) == NULL) return NULL

PyMODINIT_FUNC PyInit__speedups(void) {
    for (int k = 0; k < N_KEYS; k++) INTERN(KEYS[k], NAMES[k]);
    INTERN(S_DCT, "dct"); INTERN(S_DATE, "DATE"); INTERN(S_TIME, "TIME"); INTERN(S_SET, "SET"); INTERN(S_DURATION, "DURATION"); INTERN(S_REVIEWED, "reviewed");
    INTERN(S_ADJUDICATED, "adjudicated"); INTERN(S_MODEL, "model"); INTERN(S_RULE, "rule");
    PyObject *module = PyModule_Create(&MODULE), *names = PyTuple_New(N_KEYS);
    if (module == NULL || names == NULL) return NULL;
    for (int k = 0; k < N_KEYS; k++) PyTuple_SET_ITEM(names, k, Py_NewRef(KEYS[k]));
    if (PyModule_AddObject(module, "KEY_NAMES", names) < 0) return NULL;
    if (PyModule_AddStringConstant(module, "SOURCE_SHA256", SPEEDUPS_SOURCE_SHA256) < 0) return NULL;
    return module;
}
