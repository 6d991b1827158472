"""GitHub's Markdown parser, cmark-gfm, called as GitHub calls it: one dialect for every text.

Both readings of a body go through here: the check's (policy.py), which judges the HTML
it makes, and the page's (convert.py), which publishes it.
"""

from __future__ import annotations

import ctypes
import functools
from typing import Any

from cmarkgfm import _cmark, cmark

#: GitHub's extensions of CommonMark (its tag filter aside: the sanitiser decides on HTML).
EXTENSIONS = ("table", "autolink", "strikethrough", "tasklist")
#: Raw HTML is kept for the sanitiser to judge; footnotes as GitHub numbers them.
OPTIONS = cmark.Options.CMARK_OPT_UNSAFE | cmark.Options.CMARK_OPT_FOOTNOTES

#: The deepest a page's elements may nest: deeper, the sanitiser's HTML parser (html5ever)
#: slows down quadratically, and no reader could follow it. check refuses it (policy.py).
MAX_NESTING = 200


def to_html(text: str, options: int = 0) -> str:
    """Return cmark-gfm's HTML for a Markdown text, as GitHub parses it (never raises).

    cmarkgfm's own wrapper (``markdown_to_html_with_extensions``) frees neither the
    document it parses nor the HTML it renders: about three times each text converted
    stayed in memory, gigabytes over a large site's versions. This makes the same calls
    and frees both, with the library's own functions.
    """
    # cmark-gfm reads NUL as U+FFFD itself; a lone surrogate cannot be encoded to UTF-8.
    encoded = text.encode("utf-8", "replace")
    if _NATIVE is None:  # pragma: no cover - a cmarkgfm without the symbols to free with
        return str(
            cmark.markdown_to_html_with_extensions(
                encoded.decode("utf-8"), OPTIONS | options, list(EXTENSIONS)
            )
        )
    lib, ffi = _cmark.lib, _cmark.ffi
    parser = lib.cmark_parser_new(OPTIONS | options)
    try:
        for extension in _extensions():
            lib.cmark_parser_attach_syntax_extension(parser, extension)
        lib.cmark_parser_feed(parser, encoded, len(encoded))
        root = lib.cmark_parser_finish(parser)
        try:
            html = lib.cmark_render_html(
                root, OPTIONS | options, lib.cmark_parser_get_syntax_extensions(parser)
            )
            try:
                return str(ffi.string(html).decode("utf-8"))
            finally:
                _NATIVE.free(_address(html))
        finally:
            _NATIVE.cmark_node_free(_address(root))
    finally:
        lib.cmark_parser_free(parser)


@functools.cache
def _extensions() -> tuple[Any, ...]:
    """Return GitHub's syntax extensions, registered and found once."""
    cmark.core_extensions_ensure_registered()
    return tuple(cmark.find_syntax_extension(name) for name in EXTENSIONS)


def _address(pointer: Any) -> int:
    """Return where a cffi pointer points, for ctypes."""
    return int(_cmark.ffi.cast("uintptr_t", pointer))


class _Native:
    """cmark-gfm's functions to free what it made, which cmarkgfm's bindings leave out."""

    def __init__(self) -> None:
        library = ctypes.CDLL(_cmark.__file__)  # the same library cmarkgfm loaded
        self.cmark_node_free = library.cmark_node_free
        self.cmark_node_free.argtypes, self.cmark_node_free.restype = [ctypes.c_void_p], None
        # What cmark-gfm's default allocator (the parser's) allocates, C's free releases.
        self.free = ctypes.CDLL(None).free
        self.free.argtypes, self.free.restype = [ctypes.c_void_p], None


def _native() -> _Native | None:
    """Return the functions to free with, or None where the library does not export them."""
    try:
        return _Native()
    except (OSError, AttributeError):  # pragma: no cover - another platform's build
        return None


_NATIVE = _native()
