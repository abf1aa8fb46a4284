"""Rule families on small hand-written pages: error pages, comments, related, share, cookie, credits, footer."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.boilerplate import apply_rules, load_rules
from pipeline.clean import Cleaner
from pipeline.config import Config, ConfigError, config_from_dict
from pipeline.document import Document, Reject, split_lines
from pipeline.readers import RawDocument

FIXTURES = Path(__file__).parent / "fixtures" / "boilerplate"
ARTICLE = [
    "The night train between the two capitals will run again from March, the operator said on Tuesday, after a "
    "pause of almost four years.",
    "Tickets go on sale next week, and the first departures are already said to be popular with families who "
    "want to avoid flying.",
    "The company plans to add sleeping cars with showers in the second year if the route pays for itself.",
]


def rules_doc(lines: list[str]) -> Document:
    doc = Document("id", "page.txt", "text", split_lines("\n\n".join(lines)))
    return apply_rules(doc, load_rules())


def clean(text: str, name: str = "page.txt"):
    return Cleaner(Config()).clean(RawDocument(name, "text", text, {}))


def removed(doc: Document) -> dict[str, str]:
    return {entry["text"]: entry["rule"] for entry in doc.removed}


@pytest.mark.parametrize(
    "line, rule",
    [
        ("Skip to main content", "navigation.skip_link"),
        ("Zum Inhalt springen", "navigation.skip_link"),
        ("Lire la suite »", "navigation.read_more"),
        ("Share on Facebook", "share.share_buttons"),
        ("Facebook Twitter WhatsApp Email", "share.social_names"),
        ("We use cookies to improve your experience on this site. By continuing you agree.", "cookie.cookie_notice"),
        ("Diese Website verwendet Cookies, um Ihnen ein besseres Erlebnis zu bieten.", "cookie.cookie_notice"),
        ("Photo: Jane Smith / Reuters", "credits.photo_caption"),
        ("Foto: Archiv", "credits.photo_caption"),
        ("Image caption Volunteers sorting donated books in the old library", "credits.caption_label"),
        ("Media captionThe harbour at dawn", "credits.caption_label"),
        ("Fishing boats in the harbour, photo: Marta Nowak", "credits.credit_line"),
        ("Bildquelle / Shutterstock.com", "credits.credit_line"),
        ("Veröffentlicht am:", "navigation.date_label"),
        ("Mis à jour le", "navigation.date_label"),
        ("© 2021 The Morning Courier. All rights reserved.", "footer.copyright"),
        ("Todos los derechos reservados.", "footer.copyright"),
        ("Advertisement", "ads.ad_label"),
        ("It looks like you are using an ad blocker. Please support us by turning it off.", "ads.adblock_notice"),
        ("Previous article", "navigation.menu_word"),
        ("Anzeige", "ads.ad_label"),
        (
            "Sign up for our free weekly newsletter and get the best stories in your inbox",
            "newsletter.newsletter_invite",
        ),
    ],
)
def test_line_rules_remove_furniture_in_several_languages(line, rule):
    doc = rules_doc([ARTICLE[0], line, ARTICLE[1]])
    assert removed(doc) == {line: rule}
    assert [line.text for line in doc.lines] == ARTICLE[:2]


@pytest.mark.parametrize(
    "line, rule",
    [
        ("Newer Posts · Home", "navigation.pager_links"),
        ("Next postWhy the ferry timetable changed again", "navigation.adjacent_article"),
        ("Jump to Recipe Print Recipe", "navigation.recipe_buttons"),
        ("7 min read", "navigation.reading_time"),
        ("Lesezeit: ca. 4 Minuten", "navigation.reading_time"),
        ("All reader letters are moderated; comments are reviewed before they appear.", "comments.comment_policy"),
        ("Bitte melden Sie sich an. Sign in to post a comment.", "comments.comment_policy"),
        ("Tell us what you think: send a letter to the editor at the address below.", "share.feedback_invite"),
        ("Follow the Harbour Gazette on Instagram and TikTok", "share.follow_on_social"),
        ("Already a member? Please sign in to keep reading this report.", "newsletter.paywall_login"),
        ("Pour lire la suite de cet entretien, abonnez-vous", "newsletter.paywall_offer"),
        ("Para seguir leyendo, suscríbete a nuestra edición digital", "newsletter.paywall_offer"),
        ("Download our free news app for iPhone and Android today", "newsletter.app_promo"),
        ("The Valley Post would like to send you notifications", "newsletter.app_promo"),
        ("Photo by Ana Lima on Pexels", "credits.photo_by"),
        ("Volunteers sort donated books in the old library. Photo: Kasia Wrona/PAP", "credits.caption_credit"),
        ("Kontakt | Impressum | Powered by WordPress", "footer.powered_by"),
        ("Texts on this blog are licensed under a Creative Commons Attribution licence.", "footer.licence"),
        ("Disclaimer: prices were correct at the time of writing and may have changed.", "footer.disclaimer"),
        ("By Staff Reporter", "author_box.staff_byline"),
        ("Lesen Sie auch: Neue Radwege für die Altstadt", "related.inline_link"),
        ("Czytaj także: Nowy most na Wiśle otwarty w maju", "related.inline_link"),
        ("Get weekly tips from our gardening desk, free of charge", "newsletter.updates_pitch"),
        ("Want to stay informed? Join thousands of readers.", "newsletter.updates_pitch"),
        ("The views expressed in this column are the writer's own.", "footer.not_responsible"),
        ("Posted by Jan Nowak at 9:41 PM", "author_box.staff_byline"),
        ("Did you enjoy this story? Share it with a friend who rides the night ferry.", "share.share_prompt"),
        ("¿Te ha gustado este artículo? Compártelo con tus amigos", "share.share_prompt"),
        ("Hat Ihnen dieser Artikel gefallen? Teilen Sie ihn!", "share.share_prompt"),
    ],
)
def test_more_furniture_kinds_are_removed(line, rule):
    doc = rules_doc([ARTICLE[0], line, ARTICLE[1]])
    assert removed(doc) == {line: rule}


@pytest.mark.parametrize(
    "line",
    [
        "The new engine is powered by hydrogen, which the company buys from a plant nearby.",
        "Previous articles in this series looked at the cost of the tunnel.",
        "She read the full article twice before she called the editor to complain about it.",
        "A photograph by her grandfather hangs in the hall, next to the old station clock.",
        "It takes about 20 minutes to read the whole report, which is long but clear.",
        "Read more: that was the advice the librarian gave to every pupil who came in that year.",
    ],
)
def test_prose_resembling_the_new_kinds_is_kept(line):
    assert rules_doc([ARTICLE[0], line, ARTICLE[1]]).removed == []


def test_article_sentences_do_not_match_rules():
    doc = rules_doc([*ARTICLE, "Share prices rose after the announcement, and analysts expect more routes to follow."])
    assert doc.removed == []


def test_related_section_goes_up_to_the_next_prose_line():
    teasers = ["Ähnliche Artikel", "Neue Fähre nach Dänemark", "Bahnstreik am Wochenende"]
    doc = rules_doc([ARTICLE[0], *teasers, ARTICLE[1]])
    assert {entry["rule"] for entry in doc.removed} == {"related.related_heading"}
    assert [line.text for line in doc.lines] == ARTICLE[:2]


def test_comment_section_after_the_article_goes_to_the_end():
    comments = [
        "3 Comments",
        "Maria",
        "I took this train as a student, great news!",
        "Reply",
        "Tom",
        "Finally.",
        "Reply",
    ]
    doc = rules_doc([*ARTICLE, *comments])
    assert [line.text for line in doc.lines] == ARTICLE
    assert removed(doc)["I took this train as a student, great news!"] == "comments.comment_count"


def test_comment_section_stops_at_a_related_heading_after_it():
    doc = rules_doc([*ARTICLE, "Leave a Reply", "Great article", "Related Posts", "Another story"])
    assert removed(doc)["Great article"] == "comments.leave_reply"
    assert removed(doc)["Related Posts"] == "related.related_heading"


def test_comment_count_above_the_article_removes_only_its_line():
    doc = rules_doc(["12 Comments", *ARTICLE])
    assert removed(doc) == {"12 Comments": "comments.comment_count"}
    assert [line.text for line in doc.lines] == ARTICLE


def test_german_comment_section_goes():
    doc = clean((FIXTURES / "de_verein.txt").read_text(encoding="utf-8"))
    assert "Schönes Fest" not in doc.text
    assert "Kuchen war leider" not in doc.text
    assert removed(doc)["Kommentare"] == "comments.comment_count"
    assert "Der Erlös aus dem Kuchenverkauf" in doc.text


def test_spanish_related_list_and_comment_form_go():
    doc = clean((FIXTURES / "es_receta.txt").read_text(encoding="utf-8"))
    rules = removed(doc)
    assert rules["Gazpacho andaluz en cinco minutos"] == "related.related_heading"
    assert rules["Deja un comentario"] == "comments.leave_reply"
    assert "Croquetas" not in doc.text
    assert "se sirve templada." in doc.text


def test_error_page_alone_is_rejected_as_error_page():
    result = clean((FIXTURES / "en_not_found.txt").read_text(encoding="utf-8"))
    assert isinstance(result, Reject)
    assert result.reason == "error_page"



@pytest.mark.parametrize("min_words, rejected", [(2 * len(ARTICLE[0].split()) + 1, True), (len(ARTICLE[0].split()), False)])
def test_a_page_under_min_words_is_rejected_with_its_word_count(min_words, rejected):
    cleaner = Cleaner(config_from_dict({"filters": {"min_words": min_words}}))
    result = cleaner.clean(RawDocument("page.txt", "text", f"{ARTICLE[0]}\n\n{ARTICLE[0]}", {}))
    assert isinstance(result, Reject) == rejected
    if rejected:
        assert (result.reason, result.detail) == ("too_short", f"{2 * len(ARTICLE[0].split())} words < filters.min_words")

@pytest.mark.parametrize(
    "page",
    [
        "Seite nicht gefunden\n\nDie angeforderte Seite existiert nicht.\n\nZur Startseite",
        "Página no encontrada\n\nLo sentimos.",
        "Oops! That page can’t be found.\n\nIt looks like nothing was found at this location.",
    ],
)
def test_error_pages_in_other_languages_are_rejected(page):
    result = clean(page)
    assert isinstance(result, Reject)
    assert result.reason == "error_page"


def test_error_template_after_an_article_goes_and_the_article_stays():
    doc = clean((FIXTURES / "fr_article_404_tail.txt").read_text(encoding="utf-8"))
    assert not isinstance(doc, Reject)
    assert "Erreur 404" not in doc.text
    assert "n'existe pas" not in doc.text
    assert "Une quarantaine de commerçants ont retrouvé leurs étals" in doc.text
    assert "explique l'architecte chargée du chantier" in doc.text


def test_user_rules_file_adds_a_family(tmp_path):
    extra = tmp_path / "extra.toml"
    extra.write_text('[promo]\nrules = [{ id = "app", scope = "line", pattern = "get our app.{0,40}" }]\n')
    rules = load_rules((str(extra),))
    doc = apply_rules(Document("id", "p", "text", split_lines(f"{ARTICLE[0]}\n\nGet our app now")), rules)
    assert removed(doc) == {"Get our app now": "promo.app"}


def test_bad_rules_file_is_a_config_error(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[promo]\nrules = [{ id = "x", scope = "zone", pattern = "(" }]\n')
    with pytest.raises(ConfigError, match=r"promo\.x"):
        load_rules((str(bad),))


def test_contains_rules_find_their_phrase_inside_a_longer_line():
    line = "Hi there! If you buy through links on this page we may earn a small commission, at no cost to you."
    doc = rules_doc([ARTICLE[0], line, ARTICLE[1]])
    assert removed(doc) == {line: "ads.affiliate_disclosure"}


def test_contains_must_be_true_or_false(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[promo]\nrules = [{ id = "x", scope = "line", contains = 1, pattern = "app" }]\n')
    with pytest.raises(ConfigError, match="contains"):
        load_rules((str(bad),))


def test_text_inside_a_newsletter_box_goes_with_it():
    box = [
        "Sign up for our weekly newsletter",
        "The best stories about rail travel, every Friday morning.",
        "Email address*",
        "By signing up you agree to our privacy policy.",
    ]
    doc = clean("\n\n".join(ARTICLE[:2] + box + ARTICLE[2:]))
    assert removed(doc)["The best stories about rail travel, every Friday morning."] == "newsletter.box_text"
    for paragraph in ARTICLE:
        assert paragraph in doc.text


def test_a_german_cookie_box_text_goes_but_a_paragraph_beside_one_box_line_stays():
    box = ["Wir verwenden Cookies", "Mit Ihrer Zustimmung helfen Sie uns, die Seite zu verbessern.", "Alle akzeptieren"]
    article = [
        "Der Nachtzug zwischen den beiden Hauptstädten fährt ab März wieder, wie der Betreiber am Dienstag mitteilte.",
        "Die Fahrkarten sind ab der kommenden Woche erhältlich, und die ersten Abfahrten sind schon gut gebucht.",
        "Im zweiten Jahr sollen Schlafwagen mit Duschen dazukommen, wenn sich die Strecke rechnet.",
    ]
    doc = clean("\n\n".join(box + article + ["Newsletter abonnieren"] + ["Weitere Züge folgen im Herbst."]))
    assert removed(doc)["Mit Ihrer Zustimmung helfen Sie uns, die Seite zu verbessern."] == "cookie.box_text"
    assert "Weitere Züge folgen im Herbst." in doc.text


def test_teasers_between_their_bylines_and_read_more_links_go():
    teasers = [
        "Recommended for you",
        "Ten ways to sleep better on a night train",
        "By Tom Harris",
        "A good pillow and a window seat help, but the real trick is to choose the right carriage.",
        "Read more",
        "Why sleeper trains are coming back",
        "By Ana Lopes",
        "Rising air fares and a new taste for slow travel have brought the sleeper back to Europe.",
        "Read more",
    ]
    doc = clean("\n\n".join(ARTICLE + teasers))
    assert doc.text.startswith("\n\n".join(ARTICLE))
    assert removed(doc)[teasers[3]] == "related.teaser_text"
    assert removed(doc)[teasers[7]] == "related.teaser_text"


def test_the_last_paragraph_above_a_continue_reading_link_stays():
    doc = clean("\n\n".join([*ARTICLE, "Continue reading"]))
    assert doc.text == "\n\n".join(ARTICLE)


FURNITURE = [
    "2 Kommentare",  # zone
    "Leave a reply",  # zone
    "Error 404",  # tail
    "Related stories",  # section
    "Tags: ferries, rail",  # section
    "Share on Facebook",
    "Read more",
    "Photo: Ana Ruiz / Reuters",  # contains
    "Nice piece",
    "Night buses return to the old town",
]


@settings(max_examples=200, deadline=None, database=None, derandomize=True)
@given(st.lists(st.tuples(st.sampled_from(ARTICLE + FURNITURE), st.sampled_from(["\n", "\n\n"])), max_size=14))
def test_no_kept_line_matches_a_rule(lines):
    """What lets later cleaning rounds skip the rule stages: every line a rule matches goes, whatever its scope."""
    text = "".join(line + end for line, end in lines)
    rules = load_rules()
    doc = apply_rules(Document("id", "page.txt", "text", split_lines(text)), rules)
    assert all(rules.match(line.text) is None for line in doc.lines)
