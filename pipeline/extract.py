"""HTML to article text: trafilatura first (with a standfirst it left out), else BeautifulSoup's visible text."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
import trafilatura
from bs4 import BeautifulSoup
from trafilatura.settings import set_date_params

from .encoding import repair_text
from .metadata import clean_authors, clean_date

STANDFIRST_GAP = 500  # at most this many visible characters between a standfirst and the article text
DECLARED_CHARSET = re.compile(  # <meta charset=..>, <meta http-equiv .. content="..; charset=..">, <?xml encoding=..?>
    rb"""(?:<meta[^>]{0,200}?charset|<\?xml[^>]{0,200}?encoding)\s*=\s*["']?\s*([\w:.-]{2,40})""", re.IGNORECASE
)
XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*>")  # lxml refuses a str that declares its encoding
HIDDEN_TAGS = ["script", "style", "noscript", "template", "head"]
MENU_LINKS = "//nav//a | //header//a | //footer//a"
MENU_LINES = 3  # this many lines of extracted text that are menu links: the extractor kept the page's menus
SEPARATOR = r"(?:\s*[|·•»«~]\s*|\s+[-–—/]\s*|\s*[–—]\s+)"  # between a headline and a site name, a section, a date
TITLE_PARTS = re.compile(f"({SEPARATOR})")
ENDS_WITH_SEPARATOR = re.compile(rf"(?:{SEPARATOR}|:\s+)\Z")  # a colon too: "Blog name: Headline"
STARTS_WITH_SEPARATOR = re.compile(rf"\A(?:{SEPARATOR}|:\s+)")
LOOSE_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")  # "19.01.2020" after a headline
GENERIC_TITLES = frozenset({"home", "homepage", "startseite", "accueil", "inicio", "untitled", "index", "blogarchive"})
SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "ne", "or", "go"})  # example.co.uk
MIN_SITE_KEY = 6  # letters of a host label found in a title part ("Daily Mail Online", dailymail.co.uk)
MAX_SITE_EXTRA = 6  # letters a site name adds to its host label, or lacks: "online", "the", "blog"
PUBLISHED_META = (  # the page's own statements of its publication and modification dates
    "//meta[@property='article:published_time' or @property='og:article:published_time'"
    " or @itemprop='datePublished' or @name='datePublished']/@content | //*[@itemprop='datePublished']/@datetime"
)
MODIFIED_META = (
    "//meta[@property='article:modified_time' or @property='og:updated_time' or @property='og:article:modified_time'"
    " or @itemprop='dateModified' or @name='dateModified']/@content | //*[@itemprop='dateModified']/@datetime"
)
JSON_PUBLISHED = re.compile(r'"datePublished"\s*:\s*"([^"]{10,40})"')
JSON_MODIFIED = re.compile(r'"dateModified"\s*:\s*"([^"]{10,40})"')
INITIAL = re.compile(r"^\w$")


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in a <meta> tag or an XML declaration within its first 4 KB, if any."""
    found = DECLARED_CHARSET.search(data[:4096])
    return found.group(1).decode("ascii").lower() if found else None


def page_metadata(document, tree) -> dict:
    """Title, authors, publisher, date and URL from trafilatura's metadata (page <title>, og:, JSON-LD) and the page.

    The title is the page's headline (`headline`); authors keep only what looks like a person's
    name, spelt as the page spells it (`as_on_page`); the publisher is a name, never a URL or the
    headline; the date is the one the page declares as its publication date, else trafilatura's,
    and is dropped when it is not ISO 8601.
    """
    url = document.url
    titles = page_titles(tree, document.title)
    names = [document.sitename, *meta_contents(tree, "og:site_name")]
    if len({loose(text) for text in titles}) == 1 and loose(titles[0]) in {loose(name or "") for name in names}:
        names = []  # a page whose every title is its site name: that is its headline
    title = headline(tree, titles, site_keys(names, url))
    candidates = {
        "title": title,
        "authors": clean_authors([as_on_page(name, tree) for name in (document.author or "").split(";")]),
        "publisher": publisher(document.sitename, title, url),
        "date": publication_date(tree, document.date),
        "url": url,
    }
    return {key: value for key, value in candidates.items() if value}


def shown(text: str | None) -> str:
    """A page string as the text stages would see it: mojibake repaired, whitespace runs as one space."""
    return " ".join(repair_text(text or "")[0].split())


def loose(text: str) -> str:
    """Letters and digits only, case-folded: "Python 3 - simple" and "Python 3: simple" compare equal."""
    return "".join(char for char in text.casefold() if char.isalnum())


def meta_contents(tree, name: str) -> list[str]:
    if tree is None:
        return []
    return [shown(value) for value in tree.xpath(f"//meta[@property='{name}' or @name='{name}']/@content")]


def host_name(url: str | None) -> str | None:
    host = (urlsplit(url or "").hostname or "").removeprefix("www.")
    return host or None


def site_keys(names: list[str | None], url: str | None) -> tuple[frozenset[str], str]:
    """The site's names (see `loose`) and the main label of its host name ("dailymail" for www.dailymail.co.uk)."""
    host = host_name(url) or ""
    labels = host.split(".")[:-1]
    if len(labels) > 1 and labels[-1] in SECOND_LEVEL:
        labels.pop()
    label = loose(labels[-1]) if labels else ""
    return frozenset(loose(shown(name)) for name in [*names, host] if name and loose(name)), label


def is_site_name(part: str, sites: tuple[frozenset[str], str], at_end: bool = True) -> bool:
    """True when a title part names the site; at the end of a title, the host's label with a few letters more or less.

    >>> sites = (frozenset(), "dailymail")
    >>> is_site_name("Daily Mail Online", sites), is_site_name("Daily Mail readers write in", sites)
    (True, False)
    """
    key = loose(part)
    names, label = sites
    if key in names or key == label:
        return True
    shorter, longer = sorted((key, label), key=len)
    return (
        at_end and len(shorter) >= MIN_SITE_KEY and shorter in longer and len(longer) - len(shorter) <= MAX_SITE_EXTRA
    )


def without_site_name(title: str, sites: tuple[frozenset[str], str]) -> str:
    """The title without the site's name (or a date) set off by a separator at its end or its start.

    A site name may hold separators itself ("Harbour Times - News from the Bay").

    >>> sites = (frozenset({"harbourtimes", "harbourtimesnewsfromthebay"}), "")
    >>> without_site_name("Tide tables for May | Harbour Times | 03.05.2024", sites)
    'Tide tables for May'
    >>> without_site_name("Harbour Times - News from the Bay | Tide tables for May", sites)
    'Tide tables for May'
    """
    pieces = TITLE_PARTS.split(title)  # parts at even positions, separators between them
    while len(pieces) > 2:
        cuts = range(1, len(pieces) - 1, 2)  # separators: the longest site name first
        cut = next((at for at in cuts if is_site_name("".join(pieces[at + 1 :]), sites)), None)
        if cut is None and LOOSE_DATE.fullmatch(pieces[-1].strip()):
            cut = len(pieces) - 2
        if cut is None:
            break
        del pieces[cut:]
    cuts = range(len(pieces) - 2, 0, -2)
    cut = next((at for at in cuts if is_site_name("".join(pieces[:at]), sites, at_end=False)), None)
    if cut is not None:
        del pieces[: cut + 1]
    return "".join(pieces).strip(" |·•»«~-–—/:")


def is_generic(title: str, sites: tuple[frozenset[str], str]) -> bool:
    """A title that is no headline: empty, a site's name, "Home", "Untitled"."""
    return not loose(title) or loose(title) in GENERIC_TITLES or is_site_name(title, sites)


def at_either_end(whole: str, part: str) -> bool:
    """True when `part` begins or ends `whole`, the rest set off by a separator ("Headline - Site", "Blog: Title")."""
    if whole.startswith(part):
        return STARTS_WITH_SEPARATOR.match(whole[len(part) :]) is not None
    if whole.endswith(part):
        return ENDS_WITH_SEPARATOR.search(whole[: -len(part)]) is not None
    return False


def page_titles(tree, title: str | None) -> list[str]:
    """trafilatura's title (og:title, JSON-LD, <title>), og:title and <title>, each once."""
    titles = [shown(text) for text in [title, *meta_contents(tree, "og:title")]]
    if tree is not None:
        titles += [shown(element.text_content()) for element in tree.iterfind(".//head//title")]
    return list(dict.fromkeys(text for text in titles if text))


def headline(tree, titles: list[str], sites: tuple[frozenset[str], str]) -> str | None:
    """The article's headline: an <h1> that a page title confirms, else the first page title that is one.

    The page titles (`page_titles`) count also without the site's name (`without_site_name`).  An
    <h1> is confirmed by a page title equal to it (letters and digits compared), else by one it
    begins or ends at a separator ("Headline | Site"), when it has two words or more and a third of
    that title's length.  A site name, "Home" and the like are never the headline: a page whose
    titles are all such gets its only <h1>, if it has one.
    """
    shortened = [without_site_name(text, sites) for text in titles]
    candidates = [text for text in dict.fromkeys(titles + shortened) if not is_generic(text, sites)]
    headings = [] if tree is None else [shown(element.text_content()) for element in tree.iter("h1")]
    headings = [text for text in dict.fromkeys(headings) if not is_generic(text, sites)]
    keys = {loose(text) for text in candidates}
    equal = [text for text in headings if loose(text) in keys]
    if equal:
        return equal[0]
    ending = [
        text
        for text in headings
        if len(text.split()) >= 2
        and any(3 * len(text) >= len(whole) and at_either_end(whole, text) for whole in candidates)
    ]
    if ending:
        return max(ending, key=len)
    titled = next((text for text in shortened if not is_generic(text, sites)), None)
    return titled or (headings[0] if len(headings) == 1 else None)


def publisher(sitename: str | None, title: str | None, url: str | None) -> str | None:
    """The site's name; its host name when the page gives a URL or the headline as its name."""
    name = shown(sitename)
    if name.lower().startswith(("http://", "https://")):
        return host_name(name) or host_name(url)
    if title and loose(name) == loose(title):
        return host_name(url)
    return name or None


def as_on_page(name: str, tree) -> str:
    """An author's name with the initials' dots the page gives it (trafilatura turns "R.C. Baker" into "R C Baker")."""
    words = name.split()
    if tree is None or not any(INITIAL.match(word) for word in words):
        return name
    spelt = re.compile(r"[.\s]*".join(re.escape(word) + (r"\." if INITIAL.match(word) else "") for word in words))
    for text in tree.xpath("//meta/@content | //script[@type='application/ld+json']/text()"):
        found = spelt.search(text)
        if found:
            return " ".join(found.group().split())
    return name


def publication_date(tree, found: str | None) -> str | None:
    """trafilatura's date, unless the page declares it as a modification date only: then the declared publication date.

    htmldate takes the first date-like meta tag, which can be a revision date ("sailthru.date").
    """
    found = clean_date(found)
    published = declared_dates(tree, PUBLISHED_META, JSON_PUBLISHED)
    if found in declared_dates(tree, MODIFIED_META, JSON_MODIFIED) and published and found not in published:
        return min(published)
    return found


def declared_dates(tree, meta: str, json: re.Pattern) -> set[str]:
    """The dates the page states in the given meta tags and JSON-LD field."""
    if tree is None:
        return set()
    values = tree.xpath(meta)
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        values += json.findall(script)
    return {day for day in map(clean_date, values) if day}


def extract_html(html: str) -> tuple[str, dict, str] | None:
    """(text, metadata, method) for a page, or None when neither extractor yields text.

    When trafilatura's text holds the page's menus, it runs again favouring precision.
    Paragraphs are separated by blank lines so the text stages see them as blocks: each line of
    trafilatura's text, but the lines of a block of code together, with their indentation.
    """
    document = run_trafilatura(html)
    tree = parsed(html) if document is not None else None  # parsed once, for the checks below
    if document is not None and kept_menus(tree, document.text):
        document = run_trafilatura(html, favor_precision=True) or document
    if document is not None:
        paragraphs = text_paragraphs(document.text, code_blocks(document.body))
        metadata = page_metadata(document, tree)
        standfirst = shown_standfirst(tree, paragraphs, document.description)  # last: it strips the tree
        if standfirst:
            paragraphs.insert(0, standfirst)
        return "\n\n".join(paragraphs), {**metadata, "extractor": "trafilatura"}, "trafilatura"
    try:
        soup = BeautifulSoup(html, "html.parser")
        for tag in soup(HIDDEN_TAGS):
            tag.decompose()
        text = soup.get_text("\n")
    except RecursionError:
        return None
    return (text, {}, "beautifulsoup") if text.strip() else None


def code_blocks(body) -> list[list[str]]:
    """The lines (whitespace runs as one space) of each block of code of trafilatura's body: a <pre>
    it keeps as <code>, of two lines or more, and not inside another <code>, in page order."""
    blocks = []
    for element in [] if body is None else body.iter("code"):
        lines = [" ".join(line.split()) for line in "".join(element.itertext()).split("\n") if line.strip()]
        if len(lines) >= 2 and next(element.iterancestors("code"), None) is None:
            blocks.append(lines)
    return blocks


def text_paragraphs(text: str, blocks: list[list[str]]) -> list[str]:
    """The non-blank lines of trafilatura's text as paragraphs, each run of lines that is one of `blocks`
    (found in order, a block not found skipped) as one paragraph of lines.

    >>> text_paragraphs("Intro\\nif x:\\n    y()\\nEnd", [["if x:", "y()"]])
    ['Intro', 'if x:\\n    y()', 'End']
    """
    lines = [line for line in text.split("\n") if line.strip()]
    keys = [" ".join(line.split()) for line in lines]
    starting: dict[str, list[int]] = {}  # the blocks that start with each line
    for at, block in enumerate(blocks):
        starting.setdefault(block[0], []).append(at)
    paragraphs = []
    index = next_block = 0
    while index < len(lines):
        candidates = starting.get(keys[index], ())
        found = next(
            (at for at in candidates if at >= next_block and keys[index : index + len(blocks[at])] == blocks[at]), None
        )
        if found is None:
            paragraphs.append(lines[index])
            index += 1
        else:
            paragraphs.append("\n".join(lines[index : index + len(blocks[found])]))
            index += len(blocks[found])
            next_block = found + 1
    return paragraphs


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


def kept_menus(tree, text: str) -> bool:
    """True when at least MENU_LINES lines of the text are links in the page's <nav>, <header> or <footer>."""
    if tree is None:
        return False
    menus = {" ".join(link.text_content().split()) for link in tree.xpath(MENU_LINKS)}
    return sum(" ".join(line.split()) in menus for line in text.split("\n")) >= MENU_LINES


def shown_standfirst(tree, paragraphs: list[str], description: str | None) -> str | None:
    """The page's description when the page shows it just above the extracted text: a standfirst left out.

    Shown means found in the page's visible text, ending at most STANDFIRST_GAP characters
    before the first extracted paragraph (a headline, byline and date may sit between).
    Strips the hidden elements from `tree`.
    """
    summary = " ".join((description or "").split())
    if tree is None or not summary or summary in " ".join(" ".join(paragraphs).split()):
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
