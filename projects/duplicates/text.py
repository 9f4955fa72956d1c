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
from opencc import OpenCC

from projects.duplicates import thesaurus

LEXICON = Path(__file__).resolve().parent / "lexicon"
# Bump when the analysis below changes the words it produces (the lexicon files count by themselves).
ANALYZER_REVISION = "2"

# Numbering in front of a listed function: "1." "（2）" "③" "四、" "- ".
_NUMBERING = re.compile(r"^\s*(?:[（(]?\d{1,2}[)）.．、]|[①-⑳]|[一二三四五六七八九十]{1,3}[、.．]|[-*•·])\s*")
# Where a description breaks into clauses, and a line into several functions.
_CLAUSE_BREAK = re.compile(r"[。；;！!？?\n，,、：:]+")
_LINE_BREAK = re.compile(r"[；;]+")
_HAS_CJK = re.compile(r"[\u4e00-\u9fff]")
_ALNUM = re.compile(r"^[a-z0-9]+$")
_YEAR = re.compile(r"^(19|20)\d\d$")
_DIGITS = re.compile(r"^\d+$")
# Service numbers say what a system is for (12345 热线, 110 报警, 12315 消费维权); other numbers
# (覆盖200个社区, 3年) say how much, and would only add rare, meaningless words.
_SERVICE_NUMBER = re.compile(r"^1(\d\d|\d{4})$")
# The places in an organization's name (江陵市东湖区民政局 → 江陵市, 东湖区): who builds, not what.
_PLACE = re.compile(r"[\u4e00-\u9fff]{2,6}?(?:省|市|区|县|旗|镇|乡|街道)")
# What prose says before and after the functions it lists: 主要功能包括A、B和C等功能 → A, B, C.
_LEAD_IN = re.compile(
    r"^(?:系统|平台|项目|本项目|该系统|该平台|主要|具体|重点|同时|并|可|能够|已|已经|还|另外|此外|以及|和|及|与)*"
    r"(?:功能|内容|建设内容|主要功能)?(?:包括|包含|涵盖|具备|提供|实现|支持|支撑|用于|负责|承担|开展|建设|建立|打造|构建)+"
)
_TRAILER = re.compile(r"(?:等|等等)(?:功能|服务|内容|模块|业务|工作|应用)?$|(?:功能|服务|模块)$")
_AND = re.compile(r"(?<=[\u4e00-\u9fff]{4})(?:和|及|以及|与|并)(?=[\u4e00-\u9fff]{4})")

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
    digest.update(thesaurus.digest().encode())
    return digest.hexdigest()[:12]


def warm_up() -> None:
    """Load the segmenter's dictionary, the thesaurus and the Traditional-to-Simplified tables now
    rather than in the first check (about 3 s: worker start-up, benchmarks)."""
    _tokenizer()
    _t2s()
    thesaurus.concepts("")


@functools.cache
def _t2s() -> tuple[OpenCC, frozenset]:
    """OpenCC's converter (its dictionaries load here, once per process) and the Traditional
    characters it changes: a text with none of them is left alone, quickly."""
    import opencc

    table = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    changed = set()
    for line in table.read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        if key and values.split() != [key]:
            changed.add(key)
    return OpenCC("t2s"), frozenset(changed)


def to_simplified(text: str) -> str:
    """Traditional characters as Simplified (臺灣資訊系統 → 台湾资讯系统), by OpenCC's t2s tables."""
    converter, changed = _t2s()
    return converter.convert(text) if not changed.isdisjoint(text) else text


@functools.lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Full-width forms folded (NFKC), Traditional characters made Simplified, Latin lower-cased."""
    return to_simplified(unicodedata.normalize("NFKC", text or "")).lower().strip()


def words(text: str, *, search: bool = False) -> list[str]:
    """The meaningful words of a text, normalized, in order of appearance, without repeats.

    ``search=True`` adds the dictionary words inside long words (降雨量 → 降雨, 雨量, 降雨量): what
    the index keeps, so a candidate is found through any part of a compound. Comparisons use the
    plain words and credit a word found inside another (see ``scoring.relation``).
    """
    text = normalize(text)
    if not text:
        return []
    seen = {}
    for token in _tokenizer().cut_for_search(text) if search else _tokenizer().cut(text):
        token = _meaningful(token.strip())
        if token:
            seen.setdefault(token, None)
    return list(seen)


def _meaningful(token: str) -> str | None:
    """The token as compared (its canonical synonym), or None for a generic word, a number, a stray character."""
    if not 2 <= len(token) <= MAX_WORD or not (_HAS_CJK.search(token) or _ALNUM.match(token)):
        return None
    if (_DIGITS.match(token) and not _SERVICE_NUMBER.match(token)) or _YEAR.match(token):
        return None
    lex = lexicon()
    token = lex.synonyms.get(token, token)
    return None if lex.is_generic(token) else token


@functools.lru_cache(maxsize=65536)
def parts(word: str) -> tuple[str, ...]:
    """The meaningful dictionary words inside a long word (停车泊位诱导 → 停车, 泊位, 诱导), for comparing
    compounds that neither thesaurus knows. Empty for a word of two characters."""
    if len(word) < 3:
        return ()
    found = dict.fromkeys(
        token for token in (_meaningful(t) for t in _tokenizer().cut_for_search(word)) if token and token != word
    )
    return tuple(found)


def concept_keys(terms) -> list[str]:
    """What the index also keeps of each word: its synonym groups (``≈`` + code), so that a candidate
    written with other words is found too (查看 and 查询 share ``≈Hc18C02``)."""
    keys = {}
    for term in terms:
        for word in (term, *parts(term)):
            for code in sorted(thesaurus.concepts(word)):
                keys.setdefault(f"≈{code}", None)
    return list(keys)


def is_weak(word: str) -> bool:
    return word in lexicon().weak


def is_informative(terms) -> bool:
    """Whether a unit says what it does: at least one word that is not a weak word."""
    weak = lexicon().weak
    return any(term not in weak for term in terms)


def _clean_line(line: str) -> str:
    return _NUMBERING.sub("", line).strip(" \t。；;，,、.")


def _clean_clause(clause: str) -> str:
    """A clause of prose as a function: without 主要包括 / 等功能 around what it does."""
    clause = _clean_line(clause)
    for pattern in (_LEAD_IN, _TRAILER):
        shorter = pattern.sub("", clause).strip()
        if len(shorter) >= 2:
            clause = shorter
    return clause


def function_texts(*, name: str = "", description: str = "", functions: str = "") -> tuple[list[str], bool]:
    """The texts of the function units, and whether they were derived from prose.

    The listed functions, one per line, when there are any; failing that, the clauses of the
    description (主要功能包括A、B和C → A, B, C: lead-ins and 等功能 trimmed, 和/及 split); failing
    that, the name.
    """
    listed = [_clean_line(part) for line in (functions or "").splitlines() for part in _LINE_BREAK.split(line)]
    listed = [text for text in listed if text]
    if listed:
        return listed, False
    clauses = [
        _clean_clause(piece)
        for part in _CLAUSE_BREAK.split(normalize(description))
        for piece in _AND.split(_clean_clause(part))
    ]
    clauses = [text for text in dict.fromkeys(clauses) if text]
    if any(is_informative(words(clause)) for clause in clauses):
        return clauses, True
    return ([name.strip()] if name and name.strip() else []), True


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
    derived: bool = False  # the units come from the description (or the name), not from a list

    @property
    def informative(self) -> bool:
        return bool(self.units)

    def as_json(self) -> dict:
        return {
            "units": [[unit.text, list(unit.terms)] for unit in self.units],
            "terms": list(self.terms),
            "keys": list(self.keys),
            "derived": self.derived,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Analysis":
        return cls(
            units=tuple(Unit(text, tuple(terms)) for text, terms in data.get("units", [])),
            terms=tuple(data.get("terms", [])),
            keys=tuple(data.get("keys", [])),
            derived=data.get("derived", False),
        )


def places(org_name: str) -> tuple[str, ...]:
    """The place names in an organization's name (江陵市东湖区民政局 → 江陵市, 东湖区), which its own
    texts repeat (东湖区长者居家照护系统) and which say who builds, not what."""
    return tuple(_PLACE.findall(normalize(org_name)))


def _without(text: str, names: tuple[str, ...]) -> str:
    text = normalize(text)
    for place in names:
        text = text.replace(place, " ")
    return text


def analyze(*, name: str = "", description: str = "", functions: str = "", org: str = "") -> Analysis:
    """``org``: the owner's name, whose places are taken out of the texts (see :func:`places`)."""
    if org:
        names = places(org)
        name, description, functions = (_without(t, names) for t in (name, description, functions))
    units = []
    texts, derived = function_texts(name=name, description=description, functions=functions)
    for text in texts:
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
    keys.update(dict.fromkeys(concept_keys(all_terms)))
    return Analysis(
        units=tuple(units),
        terms=tuple(all_terms),
        keys=tuple(keys),
        name_terms=tuple(words(name)),
        derived=derived,
    )
