"""Simplified Chinese formats for a bank.

Django's zh_Hans groups numbers by four digits with no separator (12345678.00); Chinese
banks print amounts with a comma every three digits (12,345,678.00), as on every statement
and contract, so the grouping is overridden here. Dates keep Django's 2026年11月23日 in prose
and use 2026-11-23 in tables, like the English pages.
"""

DATE_FORMAT = "Y年n月j日"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
