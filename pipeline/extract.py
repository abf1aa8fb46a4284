"""HTML to article text: trafilatura first (with a standfirst it left out), else BeautifulSoup's visible text."""

from __future__ import annotations

import re

import lxml.etree
import lxml.html
import trafilatura
from bs4 import BeautifulSoup
from trafilatura.settings import set_date_params

from .metadata import clean_authors, clean_date

STANDFIRST_GAP = 500  # at most this many visible characters between a standfirst and the article text
DECLARED_CHARSET = re.compile(  # <meta charset=..>, <meta http-equiv .. content="..; charset=..">, <?xml encoding=..?>
    rb"""(?:<meta[^>]{0,200}?charset|<\?xml[^>]{0,200}?encoding)\s*=\s*["']?\s*([\w:.-]{2,40})""", re.IGNORECASE
)
XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*>")  # lxml refuses a str that declares its encoding
HIDDEN_TAGS = ["script", "style", "noscript", "template", "head"]
MENU_LINKS = "//nav//a | //header//a | //footer//a"
MENU_LINES = 3  # this many lines of extracted text that are menu links: the extractor kept the page's menus


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in a <meta> tag or an XML declaration within its first 4 KB, if any."""
    found = DECLARED_CHARSET.search(data[:4096])
    return found.group(1).decode("ascii").lower() if found else None


def page_metadata(document) -> dict:
    """Title, authors, publisher, date and URL from trafilatura's metadata (page <title>, og:, JSON-LD).

    Authors keep only what looks like a person's name; a date that is not ISO 8601 is dropped.
    """
    candidates = {
        "title": (document.title or "").strip() or None,
        "authors": clean_authors((document.author or "").split(";")),
        "publisher": (document.sitename or "").strip() or None,
        "date": clean_date(document.date),
        "url": document.url,
    }
    return {key: value for key, value in candidates.items() if value}


def extract_html(html: str) -> tuple[str, dict, str] | None:
    """(text, metadata, method) for a page, or None when neither extractor yields text.

    When trafilatura's text holds the page's menus, it runs again favouring precision.
    Paragraphs are separated by blank lines so the text stages see them as blocks.
    """
    document = run_trafilatura(html)
    if document is not None and kept_menus(html, document.text):
        document = run_trafilatura(html, favor_precision=True) or document
    if document is not None:
        paragraphs = [line for line in document.text.split("\n") if line.strip()]
        standfirst = shown_standfirst(html, paragraphs, document.description)
        if standfirst:
            paragraphs.insert(0, standfirst)
        return "\n\n".join(paragraphs), {**page_metadata(document), "extractor": "trafilatura"}, "trafilatura"
    try:
        soup = BeautifulSoup(html, "html.parser")
        for tag in soup(HIDDEN_TAGS):
            tag.decompose()
        text = soup.get_text("\n")
    except RecursionError:
        return None
    return (text, {}, "beautifulsoup") if text.strip() else None


def run_trafilatura(html: str, favor_precision: bool = False):
    """trafilatura's document for a page (text and metadata), or None when it finds no text."""
    try:
        document = trafilatura.bare_extraction(
            html,
            favor_precision=favor_precision,
            include_comments=False,
            include_tables=True,
            with_metadata=True,
            deduplicate=False,
            date_extraction_params=set_date_params(extensive=False),  # never a date merely mentioned in the text
        )
    except (RecursionError, ValueError, TypeError, AttributeError):
        return None
    return document if document is not None and document.text and document.text.strip() else None


def kept_menus(html: str, text: str) -> bool:
    """True when at least MENU_LINES lines of the text are links in the page's <nav>, <header> or <footer>."""
    tree = parsed(html)
    if tree is None:
        return False
    menus = {" ".join(link.text_content().split()) for link in tree.xpath(MENU_LINKS)}
    return sum(" ".join(line.split()) in menus for line in text.split("\n")) >= MENU_LINES


def shown_standfirst(html: str, paragraphs: list[str], description: str | None) -> str | None:
    """The page's description when the page shows it just above the extracted text: a standfirst left out.

    Shown means found in the page's visible text, ending at most STANDFIRST_GAP characters
    before the first extracted paragraph (a headline, byline and date may sit between).
    """
    summary = " ".join((description or "").split())
    if not summary or summary in " ".join(" ".join(paragraphs).split()):
        return None
    tree = parsed(html)
    if tree is None:
        return None
    lxml.etree.strip_elements(tree, *HIDDEN_TAGS, with_tail=False)
    visible = " ".join(tree.text_content().split())
    found = visible.find(summary)
    if found < 0:
        return None
    end = found + len(summary)
    start = visible.find(" ".join(paragraphs[0].split()), end)
    return summary if end <= start <= end + STANDFIRST_GAP else None


def parsed(html: str):
    """The page's lxml tree (an XML declaration ahead of it ignored), or None when lxml cannot parse it."""
    try:
        return lxml.html.fromstring(XML_DECLARATION.sub("", html, count=1))
    except (ValueError, lxml.etree.LxmlError):
        return None


def only_link_text(html: str, text: str) -> bool:
    """True when every line of the extracted text is the text of a link on the page: a menu or index page.

    >>> only_link_text('<ul><li><a href="/">Home</a></li><li><a href="/a">News</a></li></ul>', "Home\\n\\nNews")
    True
    """
    tree = parsed(html)
    if tree is None:
        return False
    links = set()
    for anchor in tree.iter("a"):
        content = anchor.text_content()
        links.update(" ".join(part.split()) for part in [content, *content.split("\n")])
    lines = [" ".join(line.split()) for line in text.split("\n") if line.strip()]
    return bool(lines) and all(line in links for line in lines)
