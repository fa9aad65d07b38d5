# "09:15, 3 December 2026": the month in words, so that 3 December is never read as
# March 3 (Django's English default, 12/03/2026, is the American order).
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "H:i, j F Y"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
