"""Unified social credit code (统一社会信用代码) validation per GB 32100-2015.

Pure Python (no Django) so serializers, the CSV/XLSX importer and the admin can share it.
See DOMAIN.md §2 "USCC check (GB 32100)".
"""

from __future__ import annotations

__all__ = [
    "USCC_ALPHABET",
    "USCC_LENGTH",
    "organisation_code_is_valid",
    "uscc_check_character",
    "validate_uscc",
]

# Values 0..30 in this order; I, O, Z, S and V are left out because they are easily mistaken
# for 1, 0, 2, 5 and U when codes are read aloud or typed from paper licences.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_LENGTH = 18
_VALUES = {char: value for value, char in enumerate(USCC_ALPHABET)}
_MODULUS = len(USCC_ALPHABET)  # 31
# Weight of position i (1-based, i = 1..17) is 3^(i-1) mod 31, as tabulated in GB 32100-2015.
_WEIGHTS = tuple(pow(3, i, _MODULUS) for i in range(USCC_LENGTH - 1))
_ALLOWED_DESCRIPTION = "0-9 and ABCDEFGHJKLMNPQRTUWXY (I, O, S, V and Z are not used)"

# GB 11714-1997 organisation code (positions 9-17 of a USCC): 8 body characters + 1 check.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_BODY_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _invalid_character_message(char: str, position: int) -> str:
    """Describe a character that is not in the USCC alphabet, with its 1-based position."""
    return f"Invalid character {char!r} at position {position}; allowed are {_ALLOWED_DESCRIPTION}."


def uscc_check_character(first17: str) -> str:
    """Return the GB 32100-2015 check character for the first 17 characters of a USCC."""
    if not isinstance(first17, str):
        raise ValueError(f"USCC must be text, not {type(first17).__name__}.")
    if len(first17) != USCC_LENGTH - 1:
        raise ValueError(
            f"The check character needs exactly {USCC_LENGTH - 1} characters; got {len(first17)}."
        )
    total = 0
    for position, (char, weight) in enumerate(zip(first17, _WEIGHTS, strict=True), start=1):
        if char not in _VALUES:
            raise ValueError(_invalid_character_message(char, position))
        total += _VALUES[char] * weight
    return USCC_ALPHABET[(_MODULUS - total % _MODULUS) % _MODULUS]


def validate_uscc(value: str) -> str:
    """Return the stripped, upper-cased USCC or raise ValueError saying exactly what is wrong."""
    if not isinstance(value, str):
        # Spreadsheet cells holding all-digit codes arrive as numbers (and lose digits as
        # floats); refuse them with a message instead of guessing the lost digits.
        raise ValueError(f"USCC must be text, not {type(value).__name__}.")
    code = value.strip().upper()
    if len(code) != USCC_LENGTH:
        raise ValueError(f"USCC must be exactly {USCC_LENGTH} characters; got {len(code)}.")
    for position, char in enumerate(code, start=1):
        if char not in _VALUES:
            raise ValueError(_invalid_character_message(char, position))
    expected = uscc_check_character(code[:-1])
    if code[-1] != expected:
        raise ValueError(
            f"Wrong check character {code[-1]!r} at position {USCC_LENGTH}; expected {expected!r}."
        )
    # The inner organisation-code check (positions 9-17) is deliberately not enforced: codes
    # issued to 个体工商户 and some re-registered entities carry no valid GB 11714 code there.
    return code


def organisation_code_is_valid(code: str) -> bool:
    """Return True when code is a 9-character GB 11714 organisation code with a correct check."""
    if not isinstance(code, str):
        return False
    code = code.strip().upper()
    # Printed organisation codes often carry a hyphen before the check character (XXXXXXXX-X).
    if len(code) == 10 and code[8] == "-":
        code = code[:8] + code[9]
    if len(code) != 9:
        return False
    body, check = code[:8], code[8]
    if any(char not in _ORG_BODY_ALPHABET for char in body):
        return False
    # Digits count at face value and letters A..Z as 10..35, which is exactly their base-36 index.
    total = sum(
        _ORG_BODY_ALPHABET.index(char) * w for char, w in zip(body, _ORG_WEIGHTS, strict=True)
    )
    remainder = 11 - total % 11
    expected = {10: "X", 11: "0"}.get(remainder, str(remainder))
    return check == expected
