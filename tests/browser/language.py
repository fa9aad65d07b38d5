"""Every page a browser test visits speaks one language: no English on a Vietnamese page,
no Vietnamese on an English one.

The check is driven by the catalogue (locale/vi/LC_MESSAGES/django.po): each entry whose
Vietnamese differs from its English is a pair of patterns (placeholders such as
`%(name)s` match anything). A piece of text on a Vietnamese page that is, as a whole, one
of the English patterns was left untranslated; on an English page, one of the Vietnamese
patterns leaked. Text counts as a whole text node or a label attribute (placeholder,
title, aria-label, alt), trimmed of punctuation, so a Vietnamese meeting title on an
English page is not mistaken for a leak unless it is exactly a phrase of the interface.
What people wrote (names, titles of meetings and papers) is data: a template marks it
`translate="no"` where it could be mistaken for an interface phrase.

Pages are sampled as they load and again once their scripts have drawn them; when a test
closes its browser context, every page it visited is opened once more in each language
and sampled again, so both languages are checked whichever one the test used.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import polib

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "vi" / "LC_MESSAGES" / "django.po"
MARK = "__ecabinet_language_sample__"
LANGUAGES = ("vi", "en")

# Runs in every page: sends the page's texts to the test through the console.
SAMPLER = """
(() => {
  const MARK = "__MARK__";
  const ATTRS = ["placeholder", "title", "aria-label", "alt"];
  const skipped = (el) => el.closest("script, style, noscript, template, [translate=no]") ||
    (el.closest("[lang]") && el.closest("[lang]") !== document.documentElement &&
     el.closest("[lang]").getAttribute("lang") !== document.documentElement.lang);
  function sample() {
    if (!document.body || document.contentType !== "text/html") return;
    if (!location.protocol.startsWith("http")) return;  // about:blank, data: URLs
    const texts = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.nodeValue.trim();
      if (text && !skipped(node.parentElement)) texts.push(text);
    }
    for (const el of document.body.querySelectorAll("*")) {
      if (skipped(el)) continue;
      for (const attr of ATTRS) {
        const value = el.getAttribute(attr);
        if (value && value.trim()) texts.push(value.trim());
      }
      if (el.matches("input[type=submit], input[type=button]") && el.value) texts.push(el.value);
    }
    console.log(MARK + JSON.stringify({
      url: location.href, lang: document.documentElement.lang, texts: texts,
    }));
  }
  window.__ecabinetLanguageSample = sample;
  window.addEventListener("load", () => { sample(); setTimeout(sample, 1200); });
})();
""".replace("__MARK__", MARK)

# Paths whose GET changes something or is not a page of ours.
NOT_REVISITED = re.compile(r"^/(accounts/logout|i18n/|notifications/\d+/|admin/|api/|static/)")
MAX_REVISITS = 15  # per browser context and language
PUNCTUATION = " \t\n·•:;,.!?()[]{}«»\"'“”‘’–—-→←›‹…*#/|"
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%[sdif]|\{[a-z_]+\}")


@dataclass(frozen=True)
class Leak:
    url: str
    lang: str
    text: str
    phrase: str

    def __str__(self) -> str:
        return f"{self.lang} page {self.url}: {self.text!r} is {self.phrase!r}"


def _pattern(text: str) -> re.Pattern[str] | None:
    text = text.strip(PUNCTUATION)
    literal = PLACEHOLDER.sub("", text)
    # Too short to say anything about a language (units, initials, symbols); and a single
    # word around a placeholder ("%(num)d năm") would match any sentence ending in it.
    if len(re.findall(r"[^\W\d_]", literal)) < 3:
        return None
    if literal != text and len(re.findall(r"[^\W\d_]+", literal)) < 2:
        return None
    parts = [re.escape(p) for p in PLACEHOLDER.split(text)]
    return re.compile("(?:" + ".+?".join(parts) + ")", re.IGNORECASE | re.DOTALL)


@cache
def phrases() -> dict[str, list[tuple[re.Pattern[str], str]]]:
    """Per language, the patterns that must not appear on a page of the *other* language:
    `phrases()["vi"]` are the English phrases that must not appear on a Vietnamese page."""
    english: list[tuple[re.Pattern[str], str]] = []
    vietnamese: list[tuple[re.Pattern[str], str]] = []
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.obsolete or entry.fuzzy:
            continue
        pairs = [(entry.msgid, entry.msgstr)]
        if entry.msgid_plural:
            translated = list(entry.msgstr_plural.values())
            pairs = [(entry.msgid, t) for t in translated] + [
                (entry.msgid_plural, t) for t in translated
            ]
        for source, translation in pairs:
            if not translation or source.strip() == translation.strip():
                continue
            for text, bucket in ((source, english), (translation, vietnamese)):
                pattern = _pattern(text)
                if pattern is not None:
                    bucket.append((pattern, text))
    # A phrase that is the same in both languages somewhere else is no sign of either.
    shared = {t.strip(PUNCTUATION).lower() for _, t in english} & {
        t.strip(PUNCTUATION).lower() for _, t in vietnamese
    }
    return {
        "vi": [(p, t) for p, t in english if t.strip(PUNCTUATION).lower() not in shared],
        "en": [(p, t) for p, t in vietnamese if t.strip(PUNCTUATION).lower() not in shared],
    }


def leaks_in(sample: dict) -> list[Leak]:
    lang = (sample.get("lang") or "")[:2]
    if lang not in LANGUAGES:
        return [Leak(sample.get("url", "?"), lang or "?", "<html lang>", "a known language")]
    found = []
    for raw in sample.get("texts", []):
        text = raw.strip(PUNCTUATION)
        if not text:
            continue
        for pattern, phrase in phrases()[lang]:
            if pattern.fullmatch(text):
                found.append(Leak(sample["url"], lang, raw, phrase))
                break
    return found


@dataclass
class LanguageLog:
    """What one test's pages showed, and the paths to open again in each language."""

    samples: list[dict] = field(default_factory=list)
    paths: dict[str, str] = field(default_factory=dict)  # path -> base URL

    def on_console(self, message) -> None:
        text = message.text
        if text.startswith(MARK):
            self.samples.append(json.loads(text[len(MARK) :]))

    def on_navigation(self, frame) -> None:
        if frame.parent_frame is not None:
            return
        parts = urlsplit(frame.url)
        if parts.scheme not in ("http", "https") or NOT_REVISITED.match(parts.path):
            return
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        self.paths.setdefault(path, f"{parts.scheme}://{parts.netloc}")

    def leaks(self) -> list[Leak]:
        seen: set[tuple[str, str, str]] = set()
        found = []
        for sample in self.samples:
            for leak in leaks_in(sample):
                key = (urlsplit(leak.url).path, leak.lang, leak.text)
                if key not in seen:
                    seen.add(key)
                    found.append(leak)
        return found


def watch(context, log: LanguageLog) -> None:
    """Sample every page of this browser context into `log`."""
    context.add_init_script(SAMPLER)
    context.on("page", lambda page: _watch_page(page, log))


def _watch_page(page, log: LanguageLog) -> None:
    page.on("console", log.on_console)
    page.on("framenavigated", log.on_navigation)


def revisit(context, log: LanguageLog, done: set[tuple[str, str]], *, settle_ms: int = 600):
    """Open every page the test visited in this context once more in each language it was
    not already seen in. `done` holds the (path, language) pairs the test has checked
    already (three tablets in one room are one page to check)."""
    for open_page in context.pages:  # what the test left on screen, as it is now
        if not open_page.is_closed():
            open_page.evaluate("() => window.__ecabinetLanguageSample?.()")
            # Closed before the language cookie changes: a live page still open would
            # fetch its next fragment in the other language and report a leak of ours.
            open_page.close()
    done.update(
        (urlsplit(s["url"]).path, (s.get("lang") or "")[:2]) for s in log.samples if "url" in s
    )
    todo = [
        (lang, path, base)
        for lang in LANGUAGES
        for path, base in list(log.paths.items())[:MAX_REVISITS]
        if (urlsplit(path).path, lang) not in done
    ]
    if not todo:
        return
    page = context.new_page()
    try:
        for lang, path, base in todo:
            done.add((urlsplit(path).path, lang))
            context.add_cookies([{"name": "django_language", "value": lang, "url": base}])
            response = page.goto(base + path, wait_until="load")
            if response is None or "text/html" not in response.headers.get("content-type", ""):
                continue
            # Scripts draw from data in the page at once; give them a moment, then sample.
            page.wait_for_timeout(settle_ms)
            page.evaluate("() => window.__ecabinetLanguageSample?.()")
    finally:
        page.close()
