"""Chinese text analysis for the duplicate check. Pure Python, no queries.

Chinese is written without spaces, so the words come from jieba's segmenter (its own dictionary
plus ``lexicon/words.txt``, the vocabulary of government IT that its general dictionary splits
apart). Comparisons use its plain words and give partial credit to words that share characters
(``scoring.word_overlap``: 燃气管道 and 燃气管网); the index also keeps the dictionary words inside
long words (search mode: 降雨量 → 降雨, 雨量, 降雨量), so a candidate is found through any part.

Each word is then normalized: full-width forms folded (NFKC), Latin lower-cased, synonyms mapped
to one canonical word (``lexicon/synonyms.txt``: 预测 → 预报, 泊位 → 车位), and the generic words
of proposals dropped (``lexicon/generic.txt``: 平台、系统、数据、智慧、管理、建设 …), because they say
nothing about what is built. Common actions and modifiers (``lexicon/weak.txt``: 监测、查询、实时 …)
are kept at a reduced weight, so the object of a function (到站, 泊位, 扬尘) weighs more than its verb.

A text is analysed into *function units*: the listed functions, one per line; failing that, the
clauses of the description; failing that, the name. Units are what the check matches one by one.
"""

import functools
import hashlib
import logging
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import jieba

LEXICON = Path(__file__).resolve().parent / "lexicon"
# Bump when the analysis below changes the words it produces (the lexicon files count by themselves).
ANALYZER_REVISION = "1"

# Numbering in front of a listed function: "1." "（2）" "③" "四、" "- ".
_NUMBERING = re.compile(r"^\s*(?:[（(]?\d{1,2}[)）.．、]|[①-⑳]|[一二三四五六七八九十]{1,3}[、.．]|[-*•·])\s*")
# Where a description breaks into clauses, and a line into several functions.
_CLAUSE_BREAK = re.compile(r"[。；;！!？?\n，,、：:]+")
_LINE_BREAK = re.compile(r"[；;]+")
_HAS_CJK = re.compile(r"[\u4e00-\u9fff]")
_ALNUM = re.compile(r"^[a-z0-9]+$")
_YEAR = re.compile(r"^(19|20)\d\d$")

MAX_WORD = 20  # longer "words" are codes, URLs or run-on Latin text, not functions
_lock = threading.Lock()
logging.getLogger("jieba").setLevel(logging.WARNING)  # jieba logs its dictionary loading at DEBUG
jieba.setLogLevel(logging.WARNING)


def _lexicon_lines(name: str) -> list[str]:
    lines = (LEXICON / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


@dataclass(frozen=True)
class Lexicon:
    generic: frozenset
    weak: frozenset
    synonyms: dict  # variant -> canonical word

    def is_generic(self, word: str) -> bool:
        """A generic word, or one made only of generic words (服务平台, 信息管理, 综合管理平台)."""
        return _made_of(word, self.generic)

    @classmethod
    def load(cls) -> "Lexicon":
        synonyms = {}
        for line in _lexicon_lines("synonyms.txt"):
            canonical, _, variants = line.partition(":")
            for variant in variants.split():
                synonyms[normalize(variant)] = normalize(canonical.strip())
        return cls(
            generic=frozenset(normalize(w) for w in _lexicon_lines("generic.txt")),
            weak=frozenset(normalize(w) for w in _lexicon_lines("weak.txt")),
            synonyms=synonyms,
        )


@functools.lru_cache(maxsize=65536)
def _made_of(word: str, vocabulary: frozenset) -> bool:
    """Whether ``word`` is a run of vocabulary words of two characters or more."""
    if word in vocabulary:
        return True
    return any(word[:i] in vocabulary and _made_of(word[i:], vocabulary) for i in range(2, len(word) - 1))


@functools.cache
def lexicon() -> Lexicon:
    return Lexicon.load()


@functools.cache
def _tokenizer() -> jieba.Tokenizer:
    """Our own jieba tokenizer, so our vocabulary never changes another module's segmentation."""
    with _lock:
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()  # loads the dictionary once per process (about 0.7 s, cached on disk)
        for word in _lexicon_lines("words.txt"):
            tokenizer.add_word(word)
        return tokenizer


@functools.cache
def version() -> str:
    """A digest of the lexicon and of this module: index entries built with another one are stale."""
    digest = hashlib.sha256(ANALYZER_REVISION.encode())
    for path in sorted(LEXICON.glob("*.txt")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def warm_up() -> None:
    """Load the segmenter's dictionary now rather than in the first check (worker start-up, benchmarks)."""
    _tokenizer()


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower().strip()


def words(text: str, *, search: bool = False) -> list[str]:
    """The meaningful words of a text, normalized, in order of appearance, without repeats.

    ``search=True`` adds the dictionary words inside long words (降雨量 → 降雨, 雨量, 降雨量): what
    the index keeps, so a candidate is found through any part of a compound. Comparisons use the
    plain words and credit a word found inside another (see ``scoring.word_overlap``).
    """
    text = normalize(text)
    if not text:
        return []
    lex = lexicon()
    seen = {}
    tokenizer = _tokenizer()
    for token in tokenizer.cut_for_search(text) if search else tokenizer.cut(text):
        token = token.strip()
        if not 2 <= len(token) <= MAX_WORD or not (_HAS_CJK.search(token) or _ALNUM.match(token)) or _YEAR.match(token):
            continue
        token = lex.synonyms.get(token, token)
        if lex.is_generic(token):
            continue
        seen.setdefault(token, None)
    return list(seen)


def is_weak(word: str) -> bool:
    return word in lexicon().weak


def is_informative(terms) -> bool:
    """Whether a unit says what it does: at least one word that is not a weak word."""
    weak = lexicon().weak
    return any(term not in weak for term in terms)


def _clean_line(line: str) -> str:
    return _NUMBERING.sub("", line).strip(" \t。；;，,、.")


def function_texts(*, name: str = "", description: str = "", functions: str = "") -> list[str]:
    """The texts of the function units: listed functions, else description clauses, else the name."""
    listed = [_clean_line(part) for line in (functions or "").splitlines() for part in _LINE_BREAK.split(line)]
    listed = [text for text in listed if text]
    if listed:
        return listed
    clauses = [_clean_line(part) for part in _CLAUSE_BREAK.split(description or "")]
    clauses = [text for text in clauses if text]
    if any(is_informative(words(clause)) for clause in clauses):
        return clauses
    return [name.strip()] if name and name.strip() else []


@dataclass(frozen=True)
class Unit:
    text: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Analysis:
    """A proposal or an existing item, ready to be compared."""

    units: tuple[Unit, ...]  # informative function units only
    terms: tuple[str, ...]  # every meaningful word of name, description and functions
    keys: tuple[str, ...] = ()  # the same in search mode (with the words inside words): what is indexed
    name_terms: tuple[str, ...] = ()  # the words of the name: what the proposal is for

    @property
    def informative(self) -> bool:
        return bool(self.units)

    def as_json(self) -> dict:
        return {
            "units": [[unit.text, list(unit.terms)] for unit in self.units],
            "terms": list(self.terms),
            "keys": list(self.keys),
        }

    @classmethod
    def from_json(cls, data: dict) -> "Analysis":
        return cls(
            units=tuple(Unit(text, tuple(terms)) for text, terms in data.get("units", [])),
            terms=tuple(data.get("terms", [])),
            keys=tuple(data.get("keys", [])),
        )


def analyze(*, name: str = "", description: str = "", functions: str = "") -> Analysis:
    units = []
    for text in function_texts(name=name, description=description, functions=functions):
        terms = words(text)
        if is_informative(terms):
            units.append(Unit(text, tuple(terms)))
    all_terms = dict.fromkeys(words(name))
    all_terms.update(dict.fromkeys(words(description)))
    for unit in units:
        all_terms.update(dict.fromkeys(unit.terms))
    keys = dict.fromkeys(words(name, search=True))
    keys.update(dict.fromkeys(words(description, search=True)))
    for unit in units:
        keys.update(dict.fromkeys(words(unit.text, search=True)))
    return Analysis(units=tuple(units), terms=tuple(all_terms), keys=tuple(keys), name_terms=tuple(words(name)))
