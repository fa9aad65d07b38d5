"""The check that keeps each page in one language (tests/browser/language.py) finds what it
should in the catalogue, and leaves people's own words alone."""

from tests.browser.language import leaks_in, phrases


def sample(lang: str, *texts: str) -> dict:
    return {"url": "http://127.0.0.1/x/", "lang": lang, "texts": list(texts)}


def test_an_english_label_on_a_vietnamese_page_is_a_leak():
    (leak,) = leaks_in(sample("vi", "Check in"))
    assert leak.phrase == "Check in"
    assert leak.lang == "vi"


def test_a_vietnamese_label_on_an_english_page_is_a_leak():
    (leak,) = leaks_in(sample("en", "Điểm danh"))
    assert leak.lang == "en"


def test_a_phrase_with_a_placeholder_matches_whatever_fills_it():
    assert leaks_in(sample("vi", "Give the floor to Trần Đức Khiêm"))
    assert not leaks_in(sample("vi", "Mời Trần Đức Khiêm phát biểu"))


def test_punctuation_around_a_label_does_not_hide_it():
    assert leaks_in(sample("vi", "Check in:"))
    assert leaks_in(sample("vi", "· Check in ·"))


def test_translated_pages_and_peoples_words_pass():
    assert not leaks_in(sample("vi", "Điểm danh", "Phiên họp Chính phủ thường kỳ tháng 12"))
    assert not leaks_in(sample("en", "Check in", "Phiên họp Chính phủ thường kỳ tháng 12"))
    assert not leaks_in(sample("en", "Dương Hoài Nam", "e-Cabinet", "PDF", "12/22"))


def test_a_page_that_names_no_known_language_is_reported():
    (leak,) = leaks_in(sample("", "anything"))
    assert leak.text == "<html lang>"


def test_every_language_has_phrases_from_the_catalogue():
    assert len(phrases()["vi"]) > 500
    assert len(phrases()["en"]) > 500


def test_one_word_beside_a_placeholder_is_no_phrase():
    # "%(num)d năm" (years) must not claim every Vietnamese question that ends in "năm".
    assert not leaks_in(sample("en", "Đồng ý lộ trình 05 năm?"))
    assert not leaks_in(sample("vi", "Built from the record of the meeting"))
