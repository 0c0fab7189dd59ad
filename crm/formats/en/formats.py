"""English formats: Django's, with ISO dates in tables (a bank's records read 2026-11-23)."""

DATE_FORMAT = "j M Y"  # 23 Nov 2026: unambiguous in prose and headers
SHORT_DATE_FORMAT = "Y-m-d"  # 2026-11-23: tables, the way both languages write dates in lists
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
