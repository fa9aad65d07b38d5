"""How dates and times read in each language (Django's FORMAT_MODULE_PATH).

One style per language, here and nowhere else: templates use `{{ value }}`, `|date`
without a format, or the filters of `ecabinet.templatetags.dates`; Python code that
builds a sentence uses `ecabinet.dates`. Short and long forms are the same on purpose:
a reader should not meet two ways of writing one day.
"""
