"""A small notation for writing demo StreamField bodies in Python.

Each helper returns one block in Wagtail's raw JSON form ({"type": ..., "value": ...});
a body is a list of them. Paragraph text separated by blank lines becomes several <p>.
"""

from django.utils.html import escape


def _join_lines(lines: list[str]) -> str:
    """Join wrapped source lines: no space between Chinese text, one between Latin words."""
    text = ""
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if text and text[-1].isascii() and line[0].isascii():
            text += " "
        text += line
    return text


def _paragraphs(text: str) -> str:
    parts = [p for p in text.strip().split("\n\n") if p.strip()]
    return "".join(f"<p>{_join_lines(p.splitlines())}</p>" for p in parts)


def H(text: str) -> dict:
    return {"type": "heading", "value": {"text": text, "level": "h2"}}


def H3(text: str) -> dict:
    return {"type": "heading", "value": {"text": text, "level": "h3"}}


def P(text: str) -> dict:
    """Paragraphs; inline <b>, <i> and <a href> may be used in the text."""
    return {"type": "paragraph", "value": _paragraphs(text)}


def UL(*items: str, intro: str = "") -> dict:
    html = _paragraphs(intro) if intro else ""
    html += "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"
    return {"type": "paragraph", "value": html}


def OL(*items: str, intro: str = "") -> dict:
    html = _paragraphs(intro) if intro else ""
    html += "<ol>" + "".join(f"<li>{item}</li>" for item in items) + "</ol>"
    return {"type": "paragraph", "value": html}


def Q(text: str, attribution: str = "") -> dict:
    return {"type": "quote", "value": {"text": text.strip(), "attribution": attribution}}


def T(caption: str, columns: list[str], rows: list[list[str]], note: str = "") -> dict:
    return {
        "type": "table",
        "value": {"caption": caption, "columns": columns, "rows": rows, "note": note},
    }


def TIP(text: str, title: str = "") -> dict:
    return {"type": "callout", "value": {"kind": "tip", "title": title, "text": _paragraphs(text)}}


def WARN(text: str, title: str = "") -> dict:
    return {
        "type": "callout",
        "value": {"kind": "warning", "title": title, "text": _paragraphs(text)},
    }


def EV(point: str, detail: str) -> dict:
    """One numbered piece of evidence in a rebuttal."""
    return {"type": "evidence", "value": {"point": point, "detail": _paragraphs(detail)}}


def rich(text: str) -> str:
    """Rich-text HTML for a RichTextField (paragraphs, inline markup kept)."""
    return _paragraphs(text)


def plain_rich(text: str) -> str:
    """Rich-text HTML from plain text (escaped)."""
    return _paragraphs(escape(text))
