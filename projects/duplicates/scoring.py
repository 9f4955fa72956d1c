"""How a proposal is compared with one existing item, and how the comparisons make a verdict.

Pure Python over :class:`~projects.duplicates.text.Analysis` objects and a word-weight function
(IDF from the index × the word's factor), so it is tested and tuned without a database.

- Two function units are compared by the cosine of their weighted word vectors, where a word
  inside another counts in part (雨量 in 降雨量), so paraphrases that re-segment still meet.
- An item's *similarity* (0–1, what the report lists) is the mean of the proposal functions'
  best matches in it, blended with the cosine of the two whole texts (``whole_text_share``).
- A proposal function is *found* in an item when its best match there reaches ``strong_match``,
  or reaches ``function_match`` in an item at least ``context_similarity`` similar as a whole:
  a loose match counts only in the right context. An item's *coverage* is the share of the
  proposal's functions found in it; its *purpose* how much of the proposal's name it contains.
- Verdict: ``duplicate`` when one item has ``duplicate_coverage`` of the functions, a similarity
  of ``duplicate_similarity`` and a purpose of ``duplicate_purpose`` (its main function exists
  already); ``partial`` when some function is found somewhere; ``clear`` otherwise.
"""

import functools
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from projects.duplicates import text, thesaurus
from projects.duplicates.text import Analysis

Weight = Callable[[str], float]


@dataclass(frozen=True)
class Thresholds:
    function_match: float = 0.35
    strong_match: float = 0.6
    context_similarity: float = 0.35
    duplicate_coverage: float = 0.6
    duplicate_similarity: float = 0.3
    duplicate_purpose: float = 0.4
    listed_similarity: float = 0.2
    whole_text_share: float = 0.3  # share of the whole-text cosine in an item's similarity
    weak_word_weight: float = 0.7  # weight of a weak word (监测, 查询 …) relative to an ordinary one
    synonym_credit: float = 0.85  # how much two synonyms count, relative to the same word
    unit_containment: float = 0.85  # weight of "the item has this function's words" (see measure)

    def word_factor(self, term: str) -> float:
        """How much a word counts before its rarity: less for a weak word."""
        return self.weak_word_weight if text.is_weak(term) else 1.0

    @classmethod
    def from_settings(cls, config: dict) -> "Thresholds":
        """From ``settings.DUPLICATE_CHECK`` (upper-case keys, see ``check.DEFAULTS``)."""
        return cls(**{name: float(config[name.upper()]) for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class SharedFunction:
    """A function of the proposal and the function of the existing item that already does it."""

    proposal: str
    existing: str
    similarity: float
    same: tuple[str, ...] = ()  # the words both use
    related: tuple[tuple[str, str, str], ...] = ()  # (proposal word, existing word, why) — see relation()


@dataclass(frozen=True)
class Comparison:
    similarity: float
    coverage: float
    purpose: float
    best_function: float  # the closest function match, found or not
    covered: frozenset  # indices of the proposal's units found in this item
    shared_functions: tuple[SharedFunction, ...]
    shared_words: tuple[str, ...]
    derived: bool = False  # the item's functions were derived from its description


@functools.lru_cache(maxsize=65536)
def _pairs(word: str) -> frozenset:
    return frozenset(word[i : i + 2] for i in range(len(word) - 1)) or frozenset({word})


def word_overlap(a: str, b: str) -> float:
    """How far two words share characters: 1 for the same word, else the share of their character
    pairs in common (降雨量/雨量 ½, 燃气管道/燃气管网 ⅔, 供水管网/燃气管网 ⅓, 平台/车位 0)."""
    if a == b:
        return 1.0
    pa, pb = _pairs(a), _pairs(b)
    return len(pa & pb) / max(len(pa), len(pb))


SAME, SYNONYM, PARTS, CHARACTERS = "same", "synonym", "parts", "characters"


@functools.lru_cache(maxsize=524288)
def relation(a: str, b: str, synonym_credit: float = 0.85) -> tuple[float, str]:
    """How far two words mean the same (0–1), and why:

    - ``same``: the same word (after the lexicon's canonical synonyms), 1;
    - ``synonym``: synonyms in the thesaurus (查看/查询, 市民/群众), ``synonym_credit``;
    - ``characters``: words sharing character pairs, the share of them (燃气管道/燃气管网 ⅔);
    - ``parts``: compounds whose parts are the same or synonyms (停车诱导/泊位引导: 诱导 ≈ 引导),
      the share of parts that meet.

    (Squaring the last two, so that compounds sharing only a head or a modifier count less —
    供水管网/燃气管网 — was tried: it lost as many paraphrases as it saved negatives.)
    """
    if a == b:
        return 1.0, SAME
    if thesaurus.synonyms(a, b):
        return synonym_credit, SYNONYM
    best, why = word_overlap(a, b), CHARACTERS
    pa, pb = text.parts(a) or (a,), text.parts(b) or (b,)
    if len(pa) > 1 or len(pb) > 1:

        def meet(x, others):
            return max(1.0 if x == y else synonym_credit if thesaurus.synonyms(x, y) else 0.0 for y in others)

        score = (sum(meet(x, pb) for x in pa) + sum(meet(y, pa) for y in pb)) / (len(pa) + len(pb))
        if score > best:
            best, why = score, PARTS
    return best, why


class Related:
    """The words related to each of a proposal's words among a vocabulary (the candidates' words),
    found once per check: only the pairs that can be related are scored — sharing a character pair,
    a synonym group, or a synonym group of their parts — not every pair of every comparison."""

    def __init__(self, terms: Iterable[str], vocabulary: Iterable[str], credit: float):
        self.credit = credit
        by_pair, by_concept = {}, {}
        for word in set(vocabulary):
            for pair in _pairs(word):
                by_pair.setdefault(pair, []).append(word)
            for concept in _concepts(word):
                by_concept.setdefault(concept, []).append(word)
        self.rows = {}
        for term in set(terms):
            candidates = set()
            for pair in _pairs(term):
                candidates.update(by_pair.get(pair, ()))
            for concept in _concepts(term):
                candidates.update(by_concept.get(concept, ()))
            row = {}
            for word in candidates:
                score, why = relation(term, word, credit)
                if score > 0:
                    row[word] = (score, why)
            self.rows[term] = row

    def row(self, term: str) -> dict:
        """{related word: (score, why)} for a proposal's word."""
        return self.rows.get(term, {})


@functools.lru_cache(maxsize=65536)
def _concepts(word: str) -> frozenset:
    """The synonym groups of a word and of its parts."""
    return frozenset().union(*(thesaurus.concepts(w) for w in (word, *text.parts(word))))


def _pairings(a: set, b: set, related: Related):
    """(t, u, score) for every related pair of a proposal word t in ``a`` and an item word u in ``b``."""
    for t in a:
        row = related.row(t)
        for u in (u for u in row if u in b) if len(row) < len(b) else (u for u in b if u in row):
            yield t, u, row[u][0]


def containment(a: Iterable[str], b: Iterable[str], weight: Weight, related: Related) -> float:
    """How much of ``a`` (weighted) is found in ``b``, synonyms and parts counting in part."""
    a, b = set(a), set(b)
    total = sum(weight(t) for t in a)
    if not total or not b:
        return 0.0
    best = {}
    for t, _u, score in _pairings(a, b, related):
        best[t] = max(best.get(t, 0.0), score)
    return sum(weight(t) * score for t, score in best.items()) / total


def cosine(a: Iterable[str], b: Iterable[str], weight: Weight, related: Related) -> float:
    """Cosine of two weighted word sets where related words count in part (a soft cosine): each
    word meets its best partner on the other side, both ways."""
    a, b = set(a), set(b)
    if not a or not b:
        return 0.0
    norm = math.sqrt(sum(weight(t) ** 2 for t in a)) * math.sqrt(sum(weight(t) ** 2 for t in b))
    if not norm:
        return 0.0
    forward, backward = {}, {}
    for t, u, score in _pairings(a, b, related):
        forward[t] = max(forward.get(t, 0.0), weight(u) * score)
        backward[u] = max(backward.get(u, 0.0), weight(t) * score)
    total = sum(weight(t) * s for t, s in forward.items()) + sum(weight(u) * s for u, s in backward.items())
    return min(1.0, total / 2 / norm)


@dataclass(frozen=True)
class UnitMatch:
    """A proposal function's closest function in an item, and why they are close."""

    score: float
    existing: str = ""  # the item's function text
    same: tuple[str, ...] = ()  # words both use
    related: tuple[tuple[str, str, str], ...] = ()  # (proposal word, item word, SYNONYM/PARTS/CHARACTERS)


@dataclass(frozen=True)
class Measure:
    """A proposal against one item, before any threshold: what the fitting mode re-judges."""

    functions: tuple[UnitMatch, ...]  # one per proposal unit
    whole: float  # cosine of the two whole texts
    purpose: float  # how much of the proposal's name the item contains
    shared_words: tuple[str, ...]
    derived: bool = False  # the item's functions were derived from its description


def _evidence(a: tuple[str, ...], b: tuple[str, ...], words: Related) -> tuple[tuple, tuple]:
    """The words of ``a`` that ``b`` uses too, and those it meets through a relation (≥ ½)."""
    same, related, b = [], [], set(b)
    for t in a:
        row = words.row(t)
        partners = [(row[u][0], row[u][1], u) for u in row if u in b]
        if not partners:
            continue
        score, why, partner = max(partners, key=lambda r: (r[0], r[2]))
        if why == SAME:
            same.append(t)
        elif score >= 0.5:
            related.append((t, partner, why))
    return tuple(same), tuple(related)


def measure(
    proposal: Analysis, item: Analysis, weight: Weight, thresholds: "Thresholds", related: Related | None = None
) -> Measure:
    """A proposal function's score in an item is the better of two readings:

    - the soft cosine with the item's closest function (the same function, said in other words);
    - ``unit_containment`` times how much of the function's words the item has anywhere: an item
      written as prose, or split finer (立案 / 派遣 / 处置 / 核查 as four functions where the proposal
      has one 上报、派遣、处置、核查), still contains the function without any one unit matching it.

    ``related``: the proposal's related words among the candidates' (one table for a whole check);
    by default among this item's.
    """
    if related is None:
        related = Related(
            proposal.terms, item.terms + tuple(t for u in item.units for t in u.terms), thresholds.synonym_credit
        )
    functions = []
    where = {}  # an item word -> the first of its functions that uses it
    for other in item.units:
        for term in other.terms:
            where.setdefault(term, other.text)
    pool = tuple(where) or item.terms
    for unit in proposal.units:
        top, best = 0.0, None
        for other in item.units:
            score = cosine(unit.terms, other.terms, weight, related)
            if score > top:
                top, best = score, other
        contained = thresholds.unit_containment * containment(unit.terms, pool, weight, related) if pool else 0.0
        if contained > top:
            same, close = _evidence(unit.terms, pool, related)
            # Shown beside it: the item's function holding most of the words it meets.
            holders = Counter(where[t] for t in (*same, *(b for _a, b, _why in close)) if t in where)
            existing = holders.most_common(1)[0][0] if holders else item.units[0].text if item.units else ""
            functions.append(UnitMatch(contained, existing, same, close))
        elif best is None:
            functions.append(UnitMatch(0.0))
        else:
            same, close = _evidence(unit.terms, best.terms, related)
            functions.append(UnitMatch(top, best.text, same, close))
    common = set(proposal.terms) & set(item.terms)
    return Measure(
        functions=tuple(functions),
        whole=cosine(proposal.terms, item.terms, weight, related),
        # Not rarity-weighted: a name has few words, and one word the index has never seen
        # (出行 in 智慧公交出行服务系统) would otherwise outweigh the one that says what it is (公交).
        purpose=containment(proposal.name_terms, item.terms, thresholds.word_factor, related),
        shared_words=tuple(sorted(common, key=lambda t: (-weight(t), t))),
        derived=item.derived,
    )


def judge(proposal: Analysis, measured: Measure, thresholds: "Thresholds") -> Comparison:
    """The comparison under these thresholds (cheap: the fitting mode calls it for every setting)."""
    best = measured.functions
    functions = sum(m.score for m in best) / len(best) if best else 0.0
    similarity = (1 - thresholds.whole_text_share) * functions + thresholds.whole_text_share * measured.whole
    covered, shared = set(), []
    for index, match in enumerate(best):
        if match.score >= thresholds.strong_match or (
            match.score >= thresholds.function_match and similarity >= thresholds.context_similarity
        ):
            covered.add(index)
            shared.append(
                SharedFunction(
                    proposal.units[index].text,
                    match.existing,
                    round(match.score, 2),
                    same=match.same,
                    related=match.related,
                )
            )
    n = len(proposal.units)
    return Comparison(
        similarity=min(1.0, similarity),
        coverage=len(covered) / n if n else 0.0,
        purpose=measured.purpose,
        best_function=max((m.score for m in best), default=0.0),
        covered=frozenset(covered),
        shared_functions=tuple(shared),
        shared_words=measured.shared_words,
        derived=measured.derived,
    )


def compare(proposal: Analysis, item: Analysis, weight: Weight, thresholds: "Thresholds") -> Comparison:
    return judge(proposal, measure(proposal, item, weight, thresholds), thresholds)


@dataclass
class Decision:
    verdict: str  # "duplicate", "partial" or "clear"
    overlap: float  # share of the proposal's functions that exist somewhere
    confidence: float
    duplicates: tuple[int, ...] = ()  # indices of the comparisons that make it a duplicate
    covered: frozenset = field(default_factory=frozenset)


def decide(proposal: Analysis, comparisons: list[Comparison], thresholds: Thresholds) -> Decision:
    """The verdict over every comparison, with how sure it is (0–1)."""
    n = len(proposal.units)
    if not n:
        # Nothing says what the proposal builds: nothing to compare, and little to be sure of.
        return Decision("clear", 0.0, confidence=0.1 if proposal.terms else 0.0)
    covered = frozenset().union(*(c.covered for c in comparisons)) if comparisons else frozenset()
    overlap = len(covered) / n
    # More functions and words make a surer verdict; a one-line proposal gives a weak one.
    richness = min(1.0, n / 3) * min(1.0, len(proposal.terms) / 6)

    qualified = [
        index
        for index, c in enumerate(comparisons)
        if c.coverage >= thresholds.duplicate_coverage
        and c.similarity >= thresholds.duplicate_similarity
        and c.purpose >= thresholds.duplicate_purpose
    ]
    if qualified:
        best = max((comparisons[index] for index in qualified), key=lambda c: (c.coverage, c.similarity))
        margin = min(
            (best.coverage - thresholds.duplicate_coverage) / max(1e-9, 1 - thresholds.duplicate_coverage),
            (best.similarity - thresholds.duplicate_similarity) / max(1e-9, 1 - thresholds.duplicate_similarity),
        )
        return Decision("duplicate", overlap, _confidence(richness, margin), tuple(qualified), covered)
    if covered:
        top = max(comparisons, key=lambda c: c.coverage)
        # Sure when the functions found match closely and the overlap is far from a duplicate.
        found = [f.similarity for c in comparisons for f in c.shared_functions]
        closeness = (sum(found) / len(found) - thresholds.function_match) / (1 - thresholds.function_match)
        to_duplicate = 2 * (thresholds.duplicate_coverage - top.coverage) / thresholds.duplicate_coverage
        return Decision("partial", overlap, _confidence(richness, min(closeness, to_duplicate)), (), covered)
    closest = max((c.best_function for c in comparisons), default=0.0)
    return Decision("clear", 0.0, _confidence(richness, 1 - closest / thresholds.function_match), (), covered)


def _confidence(richness: float, margin: float) -> float:
    return round(max(0.05, richness * (0.5 + 0.5 * max(0.0, min(1.0, margin)))), 2)
