"""The unified social credit code (统一社会信用代码) of GB 32100-2015.

Eighteen characters from a 31-character alphabet (digits and capitals without I, O, S, V, Z);
the last one is a check character computed from the first seventeen with fixed weights.
"""

from portal.i18n import lazy_gettext as _l

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def normalise(code: str) -> str:
    return (code or "").strip().upper()


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def problem(code: str):
    """Why `code` is not a valid credit code (a translatable message), or None if it is."""
    code = normalise(code)
    if len(code) != 18:
        return _l("A unified social credit code has 18 characters.")
    bad = sorted({ch for ch in code if ch not in ALPHABET})
    if bad:
        return _l("A unified social credit code cannot contain: %(chars)s", chars=" ".join(bad))
    if check_character(code[:17]) != code[17]:
        return _l("The check character does not match; please check the code for a typing error.")
    return None


def is_valid(code: str) -> bool:
    return problem(code) is None


def complete(first17: str) -> str:
    """The full code for seventeen characters: used by demo data and tests."""
    return first17 + check_character(first17)
