"""Tests for customers.uscc (GB 32100-2015 unified social credit code)."""

from __future__ import annotations

import pytest

from customers.uscc import (
    USCC_ALPHABET,
    organisation_code_is_valid,
    uscc_check_character,
    validate_uscc,
)

# Real, publicly registered codes. Each was run through the algorithm while writing these tests
# and passes both the GB 32100 check character and the inner GB 11714 organisation-code check
# (two independent checks, so a mistyped code would almost certainly fail one of them).
# Candidates that did NOT pass were left out rather than "fixed".
REAL_CODES = [
    "91350100M000100Y43",  # the example in DOMAIN.md §2
    "914403001922038216",  # 华为技术有限公司 (Huawei Technologies Co., Ltd.)
    "9144030071526726XG",  # 腾讯科技（深圳）有限公司 (Tencent); inner check character is X
    "91330100716105852F",  # 阿里巴巴（中国）有限公司 (Alibaba (China) Co., Ltd.)
    "91110108551385082Q",  # 小米科技有限责任公司 (Xiaomi)
    "91100000100003962T",  # 中国工商银行股份有限公司 (ICBC)
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_pass(code: str) -> None:
    assert validate_uscc(code) == code
    assert uscc_check_character(code[:17]) == code[17]
    assert organisation_code_is_valid(code[8:17])


def test_lowercase_and_whitespace_are_normalised() -> None:
    assert validate_uscc("  9144030071526726xg\n") == "9144030071526726XG"
    assert validate_uscc("91350100m000100y43") == "91350100M000100Y43"


def test_inner_organisation_code_is_not_enforced() -> None:
    # Synthetic 个体工商户 code: correct GB 32100 check character, but positions 9-17 are not a
    # valid GB 11714 code, which is normal for codes issued to individual businesses.
    code = "92350102L12345678R"
    assert not organisation_code_is_valid(code[8:17])
    assert validate_uscc(code) == code


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("914403001922038217", "6"),
        ("9144030071526726X0", "G"),
        ("91330100716105852E", "F"),
        ("91350100M000100Y44", "3"),
    ],
)
def test_wrong_check_character(code: str, expected: str) -> None:
    with pytest.raises(ValueError, match="Wrong check character") as info:
        validate_uscc(code)
    message = str(info.value)
    assert f"Wrong check character {code[-1]!r} at position 18" in message
    assert f"expected {expected!r}" in message


def test_every_other_check_character_is_rejected() -> None:
    body = REAL_CODES[1][:17]
    rejected = [char for char in USCC_ALPHABET if char != "6"]
    for char in rejected:
        with pytest.raises(ValueError, match="Wrong check character"):
            validate_uscc(body + char)
    assert len(rejected) == 30


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_forbidden_letters(letter: str) -> None:
    code = "91440300" + letter + "922038216"  # letter at position 9
    with pytest.raises(ValueError, match=f"Invalid character '{letter}' at position 9"):
        validate_uscc(code)


@pytest.mark.parametrize(
    ("code", "char", "position"),
    [
        ("-14403001922038216", "-", 1),
        ("91440300192203821 ", None, None),  # trailing space is stripped -> length error
        ("9144030019220382 6", " ", 17),
        ("914403001922038２16", "２", 16),  # full-width digit
        ("91440300192203821O", "O", 18),
    ],
)
def test_invalid_characters(code: str, char: str | None, position: int | None) -> None:
    with pytest.raises(ValueError, match="Invalid character|exactly 18 characters") as info:
        validate_uscc(code)
    if char is None:
        assert "exactly 18 characters; got 17" in str(info.value)
    else:
        assert f"Invalid character {char!r} at position {position}" in str(info.value)


@pytest.mark.parametrize(
    ("code", "length"),
    [
        ("", 0),
        ("   ", 0),
        ("91440300192203821", 17),
        ("9144030019220382166", 19),
        ("914403001922038216914403001922038216", 36),
    ],
)
def test_wrong_length(code: str, length: int) -> None:
    with pytest.raises(ValueError, match=f"exactly 18 characters; got {length}"):
        validate_uscc(code)


@pytest.mark.parametrize("value", [None, 914403001922038216, 9.1e17])
def test_non_text_is_rejected(value: object) -> None:
    with pytest.raises(ValueError, match="must be text"):
        validate_uscc(value)  # type: ignore[arg-type]


def test_check_character_helper_validates_input() -> None:
    with pytest.raises(ValueError, match="exactly 17 characters; got 18"):
        uscc_check_character(REAL_CODES[0])
    with pytest.raises(ValueError, match="Invalid character 'I' at position 1"):
        uscc_check_character("I" * 17)
    # All zeros: weighted sum 0, so the check value is (31 − 0) mod 31 = 0.
    assert uscc_check_character("0" * 17) == "0"


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("M000100Y4", True),
        ("71526726X", True),  # remainder 10 -> X
        ("71526726-X", True),  # printed form with hyphen
        ("192203821", True),
        ("000000000", True),  # remainder 11 -> 0
        ("M000100Y5", False),
        ("71526726Y", False),
        ("L12345678", False),
        ("M000100Y", False),
        ("M000100Y44", False),
        ("M0#0100Y4", False),
        ("", False),
    ],
)
def test_organisation_code_helper(code: str, valid: bool) -> None:
    assert organisation_code_is_valid(code) is valid


def test_organisation_code_helper_rejects_non_text() -> None:
    assert organisation_code_is_valid(None) is False  # type: ignore[arg-type]
