# "09:15, ngày 03/12/2026": the day before the month, two digits each, as Vietnamese
# administrative writing does (Django's own "03-12-2026" and "ngày 3 tháng 12" are not).
DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = r"H:i, \n\g\à\y d/m/Y"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
MONTH_DAY_FORMAT = "d/m"
YEAR_MONTH_FORMAT = "m/Y"
