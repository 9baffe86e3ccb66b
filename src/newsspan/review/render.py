"""HTML of the review pages: Jinja2 templates (``templates/``) with autoescaping, and the inlined assets.

Pages work offline from ``file://``: CSS and JavaScript are inlined (from ``assets/``), nothing is
loaded from anywhere, and a Content-Security-Policy admits only the page's own script and style by
hash, so even a mistake in escaping could not run injected code. Every value a template prints is
escaped by Jinja2's autoescape; JSON embedded in ``<script>`` goes through :func:`script_json`, which
escapes ``<``, ``>``, ``&``, U+2028 and U+2029.

``templates/base.html`` is the page frame (head, CSP, style, data block, script): other pages, such as
an annotation app, extend it and fill ``{% block body %}``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(obj: Any) -> str:
    """JSON that is safe inside ``<script>``: no ``</script>``, no ``<!--``, no JS line terminators."""
    text = json.dumps(obj, ensure_ascii=False, default=str)
    return re.sub("[<>&\u2028\u2029]", lambda m: _SCRIPT_UNSAFE[m.group()], text)


@cache
def asset(name: str) -> str:
    """A file of the package's ``assets/`` folder (inlined into every page)."""
    return (resources.files("newsspan.review") / "assets" / name).read_text(encoding="utf-8")


@cache
def environment() -> Environment:
    """The Jinja2 environment of the review templates: autoescape on, undefined names are errors."""
    env = Environment(loader=PackageLoader("newsspan.review", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["script_json"] = script_json
    return env


def csp_hash(source: str) -> str:
    """The CSP source expression admitting exactly ``source`` (an inline script or style)."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


def render_page(template: str, page: Any, *, title: str, css: str = "", data: Any = None, lang: str = "en") -> str:
    """A complete page from ``template`` (which extends ``base.html``); ``css`` is added to the shared style.

    Inline style and script are allowed by hash, nothing else is loadable. ``css`` and the assets are
    the package's own (the template inlines them unescaped); everything in ``page`` is escaped.
    """
    style = asset("review.css") + css
    js = asset("review.js")
    csp = (f"default-src 'none'; style-src {csp_hash(style)}; script-src {csp_hash(js)}; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    return environment().get_template(template).render(
        page=page, title=title, lang=lang, csp=csp, css=style, js=js, data=data)
