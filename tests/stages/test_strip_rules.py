"""Stage ``strip_rules``: blocks a declarative rule matches are removed with the rule's category and id."""

from __future__ import annotations

import pytest
from conftest import ARTICLE, Clean, assert_removals_explained, kept_texts, removals

from pipeline import runner
from pipeline.model import Doc, Status

#: A scraped page as a text dump: every boilerplate line with the rule that names it.
BOILERPLATE: dict[str, tuple[str, str]] = {
    "Skip to main content": ("nav", "nav.skip-link"),
    "About us": ("nav", "nav.site-link"),
    "By Jane Doe": ("byline", "byline.by-author"),
    "Published March 6, 2025": ("byline", "byline.date-author"),
    "Related: Bus fares to rise in April as the city balances its budget": ("related", "related.inline-link"),
    "Share this article": ("social", "social.share-label"),
    "Facebook Twitter LinkedIn": ("social", "social.network-list"),
    "Tags: transport, cycling, city council": ("tags", "tags.label"),
    "Subscribe to our newsletter": ("newsletter", "newsletter.subscribe-prompt"),
    "Advertisement": ("ad", "ad.label"),
    "Type above and press Enter to search. Press Esc to cancel.": ("search", "search.box"),
    "We use cookies to improve your experience on our website.": ("cookie", "cookie.we-use-cookies"),
    "Accept all": ("cookie", "cookie.consent-button"),
    "Privacy Policy": ("footer", "footer.legal-link"),
    "© 2025 The City Journal. All rights reserved.": ("footer", "footer.copyright"),
}
CONTENT = [
    "Cycling lanes approved for the old town",
    "The city council voted on Tuesday to build twelve kilometres of protected cycling lanes through "
    "the old town, after two years of public consultation.",
    "Volunteers handed out cookies and coffee to the cyclists who waited outside the town hall for the "
    "result of the vote.",
    "Home prices near the river have risen since the plan was announced, and residents hope the lanes "
    "will not change that.",
    "The first section, along the river, is due to open next spring.",
]
LINES = list(BOILERPLATE)
PAGE = "\n".join(
    [
        *LINES[:2],
        "",
        CONTENT[0],
        *LINES[2:4],
        "",
        CONTENT[1],
        CONTENT[2],
        LINES[4],
        *CONTENT[3:],
        "",
        *LINES[5:],
    ]
)


@pytest.fixture(scope="module")
def cleaned(clean: Clean) -> Doc:
    return clean(PAGE, stages=["strip_rules"])


def test_every_boilerplate_line_is_removed_by_its_rule(cleaned: Doc) -> None:
    found = removals(cleaned)
    for text, (category, rule_id) in BOILERPLATE.items():
        assert found.get(text) == (category, rule_id, "strip_rules"), text


def test_content_is_kept(cleaned: Doc) -> None:
    # Words that rules key on ("cookies", "Home") inside prose do not make it boilerplate.
    assert kept_texts(cleaned) == CONTENT


def test_removals_are_explained(cleaned: Doc) -> None:
    assert_removals_explained(cleaned)


def test_detail_quotes_the_matched_text(clean: Clean) -> None:
    doc = clean(f"Skip to main content\n{ARTICLE}\n", stages=["strip_rules"])
    assert "Skip to main content" in (doc.blocks[0].detail or "")


def test_bullet_is_ignored_when_matching(clean: Clean) -> None:
    line = "  • Necessary cookies enable core functionality. The website cannot function without them."
    doc = clean(f"{ARTICLE}\n{line}\n", stages=["strip_rules"])
    banner = doc.blocks[-1]
    assert not banner.kept
    assert (banner.category, banner.rule_id) == ("cookie", "cookie.cookie-kinds")


def test_a_page_that_is_all_boilerplate_is_all_removed(clean: Clean) -> None:
    # strip_rules is not guarded: a rule names what it removes, so even a whole page goes.
    copies = 1 + runner.GUARD_MIN_CHARS // len("".join(LINES))  # long enough that the guard would act
    doc = clean("\n".join(LINES * copies), stages=["strip_rules"])
    assert kept_texts(doc) == []
    assert doc.status is Status.EMPTY


@pytest.mark.parametrize(
    ("label", "category"),
    [("Share", "social"), ("Search", "search")],
)
def test_a_lone_widget_label_gets_its_own_category(clean: Clean, label: str, category: str) -> None:
    doc = clean(f"{ARTICLE}\n{label}\n", stages=["strip_rules"])
    assert not doc.blocks[-1].kept
    assert doc.blocks[-1].category == category
