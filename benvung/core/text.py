"""Text helpers shared by loaders, models and searches."""

from unidecode import unidecode


def search_key(text: str) -> str:
    """Accent-free, space-free lower case: 'Phường Trảng Dài' → 'phuongtrangdai'.

    Searching on it finds "Đồng Nai" from "dong nai" or "ĐỒNG NAI" on every database (SQLite's
    LIKE folds only ASCII letters).
    """
    return "".join(ch for ch in unidecode(text or "").lower() if ch.isalnum())
