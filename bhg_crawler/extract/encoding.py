"""How a page's bytes are read: the encoding its byte order mark, header, ``<meta>`` and the site's code page
agree on, each reading weighed as Vietnamese."""

from __future__ import annotations

import codecs

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding

from bhg_crawler.extract.text import vietnamese_plausibility


def _name(encoding: str | None) -> str | None:
    """The codec's own name of an encoding label ("windows-1258" -> "cp1258"); None for an unknown label."""
    resolved = resolve_encoding(encoding) if encoding else None
    return codecs.lookup(resolved).name if resolved else None


def page_encoding(body: bytes, content_type: str | None, legacy: str) -> str:
    """The encoding (a codec's name) a page's ``body`` is read in, with the ``Content-Type`` header it came with
    and the site's legacy code page (the profile's ``legacy_encoding``):

    - a byte order mark decides;
    - a body of ASCII alone is read as declared (the header, else the ``<meta>``), else UTF-8;
    - a body that is valid UTF-8 is UTF-8, whatever is declared;
    - else the reading, of UTF-8 (invalid bytes replaced), the header's, the ``<meta>``'s and the legacy code
      page, that reads most as Vietnamese (``text.vietnamese_plausibility``), the first of them in that order
      on a tie but the declared ones first: one stray byte in a UTF-8 page leaves it UTF-8, a Windows-1258 page
      declared UTF-8 or ISO-8859-1 is Windows-1258.
    """
    bom, _ = read_bom(body)
    if bom:
        return _name(bom) or "utf-8"
    header = _name(http_content_type_encoding(content_type)) if content_type else None
    meta = _name(html_body_declared_encoding(body))
    if body.isascii():
        return header or meta or "utf-8"
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    candidates = [name for name in dict.fromkeys((header, meta, "utf-8", _name(legacy))) if name]
    return max(candidates, key=lambda name: vietnamese_plausibility(body.decode(name, errors="replace")))


def page_text(body: bytes, content_type: str | None, legacy: str) -> str:
    """A page's ``body`` decoded in its encoding (``page_encoding``; a byte its encoding cannot read replaced):
    a saved page, with no header, read in the encoding its byte order mark, ``<meta>`` and bytes give."""
    return body.decode(page_encoding(body, content_type, legacy), errors="replace")
