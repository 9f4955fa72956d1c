"""The duplicate-construction check of one proposal (see the package docstring for the API)."""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, FloatField, Sum, Value, When
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from projects.duplicates import index, scoring, text
from projects.duplicates.models import Kind, SimilarityDocument, SimilarityTerm

DEFAULTS = {
    # The six decisive thresholds below were fitted by `manage.py evaluate_duplicates --fit` on the
    # shipped labelled set and the independently written development set together (see
    # docs/duplicate-check.md for the curve and how to re-fit them for a city).
    # A proposal function is found in an item when its best match there reaches FUNCTION_MATCH and
    # the item is similar as a whole (CONTEXT_SIMILARITY), or when the match alone reaches
    # STRONG_MATCH: a loose match counts only in the right context (车辆轨迹监管 of a ride-hailing
    # proposal is not the 收运车辆轨迹监管 of the waste system).
    "FUNCTION_MATCH": 0.35,
    "STRONG_MATCH": 0.6,
    "CONTEXT_SIMILARITY": 0.35,
    # duplicate: one item has at least this share of the proposal's functions, this similarity,
    # and this share of what the proposal's name says it is for (its main function).
    "DUPLICATE_COVERAGE": 0.6,
    "DUPLICATE_SIMILARITY": 0.3,
    "DUPLICATE_PURPOSE": 0.4,
    # An item's similarity: the mean of its function matches, and this share of the whole-text cosine.
    "WHOLE_TEXT_SHARE": 0.3,
    # Weight of a weak word (监测, 查询, 实时 …) relative to an ordinary one, before its rarity.
    "WEAK_WORD_WEIGHT": 0.7,
    # How much two synonyms of the thesaurus (查看/查询, 市民/群众) count, relative to the same word.
    "SYNONYM_CREDIT": 0.85,
    # A proposal function also counts as found in an item that has its words spread over several
    # functions or in prose, at this share of how much of them it has (scoring.measure).
    "UNIT_CONTAINMENT": 0.85,
    # Matches listed: similarity at least this, or sharing a function; same domain ranked first
    # by this bonus; at most this many.
    "LISTED_SIMILARITY": 0.2,
    "SAME_DOMAIN_BONUS": 0.05,
    "MAX_MATCHES": 10,
    # Items sharing the most (rarity-weighted) words with the proposal that are compared in full.
    "CANDIDATES": 200,
}
IN_CHUNK = 500  # terms per IN (...) list: SQLite limits the number of query parameters


def config() -> dict:
    """The thresholds: settings.DUPLICATE_CHECK over the defaults above."""
    return {**DEFAULTS, **getattr(settings, "DUPLICATE_CHECK", {})}


# Why two words counted as the same meaning (scoring.relation), as the report says it.
RELATIONS = {
    scoring.SYNONYM: _("synonyms in the thesaurus"),
    scoring.PARTS: _("their parts are the same or synonyms"),
    scoring.CHARACTERS: _("shared characters"),
}


class Verdict(models.TextChoices):
    DUPLICATE = "duplicate", _("Duplicate construction")
    PARTIAL = "partial", _("Partial overlap")
    CLEAR = "clear", _("No duplication found")


@dataclass(frozen=True)
class Match:
    """An existing item close to the proposal, with the evidence."""

    kind: str  # Kind: "project", "system" or "data"
    id: int  # the source's id (Project, InformationSystem or DataResource)
    name: str
    org_id: int
    org_name: str
    same_domain: bool
    similarity: float  # 0–1
    coverage: float  # share of the proposal's functions this item already has
    shared_functions: tuple[scoring.SharedFunction, ...]
    shared_words: tuple[str, ...]
    upgraded: bool = False  # a system the proposal declares it builds on or upgrades
    derived: bool = False  # its functions were derived from its description (it lists none)

    @property
    def shared(self) -> list[str]:
        """What they share, as DESIGN.md's ``shared``: the functions, else the key words."""
        functions = list(dict.fromkeys(f.existing for f in self.shared_functions))
        return functions or list(self.shared_words[:6])

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "id": self.id,
            "name": self.name,
            "org": self.org_id,
            "org_name": self.org_name,
            "similarity": round(self.similarity, 2),
            "shared": self.shared,
            "same_domain": self.same_domain,
            "derived": self.derived,
            "functions": [
                {
                    "proposal": f.proposal,
                    "existing": f.existing,
                    "similarity": f.similarity,
                    "same": list(f.same),
                    "related": [{"proposal": a, "existing": b, "why": why} for a, b, why in f.related],
                }
                for f in self.shared_functions
            ],
        }


@dataclass(frozen=True)
class DuplicateReport:
    """The result of one check. ``as_dict()`` is DESIGN.md's ``duplicate`` object."""

    verdict: str  # Verdict
    confidence: float  # 0–1: low when the proposal says too little to compare
    matches: tuple[Match, ...]  # closest first (same domain first among near-equals)
    overlap: float  # share of the proposal's functions that exist already, anywhere
    functions: int  # how many functions of the proposal were compared
    suggested_cut: Decimal | None  # yuan, two places; None when no budget was requested
    main_match: Match | None = None  # for a duplicate: the item that already does it
    notes: tuple[str, ...] = field(default_factory=tuple)  # codes of remarks, see reasons()
    derived_functions: tuple[str, ...] = ()  # the proposal lists none: those read from its description

    @property
    def verdict_label(self) -> str:
        return str(Verdict(self.verdict).label)

    def as_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "confidence": self.confidence,
            "overlap": round(self.overlap, 2),
            "suggested_cut": None if self.suggested_cut is None else f"{self.suggested_cut:.2f}",
            "matches": [match.as_dict() for match in self.matches],
            "derived_functions": list(self.derived_functions),
        }

    def to_json(self) -> dict:
        """Everything the report holds, as JSON, so that it can be stored and rebuilt with
        ``from_json`` (pre-review keeps the check of each round and explains it later, in the
        language of whoever reads it)."""
        return {
            "verdict": str(self.verdict),
            "confidence": self.confidence,
            "overlap": self.overlap,
            "functions": self.functions,
            "suggested_cut": None if self.suggested_cut is None else f"{self.suggested_cut:.2f}",
            "notes": list(self.notes),
            "derived_functions": list(self.derived_functions),
            "matches": [_match_json(match) for match in self.matches],
            "main_match": _match_json(self.main_match) if self.main_match else None,
        }

    @classmethod
    def from_json(cls, data: dict) -> "DuplicateReport":
        cut = data.get("suggested_cut")
        return cls(
            verdict=Verdict(data["verdict"]),
            confidence=data["confidence"],
            matches=tuple(_match_from_json(match) for match in data["matches"]),
            overlap=data["overlap"],
            functions=data["functions"],
            suggested_cut=None if cut is None else Decimal(cut),
            main_match=_match_from_json(data["main_match"]) if data.get("main_match") else None,
            notes=tuple(data.get("notes", ())),
            derived_functions=tuple(data.get("derived_functions", ())),
        )

    def reasons(self) -> list[str]:
        """The verdict explained in the active language, for the report and the command."""
        reasons = []
        if "no_functions" in self.notes:
            reasons.append(
                gettext(
                    "The proposal lists no function and its description is too short to compare, "
                    "so this verdict is unreliable: ask the owner for the list of functions."
                )
            )
        if "thin" in self.notes:
            reasons.append(
                gettext(
                    "The proposal says too little (one function or one line) for a sure verdict: low "
                    "confidence. Ask the owner for the list of functions before relying on it."
                )
            )
        if "derived" in self.notes:
            reasons.append(
                gettext("The proposal lists no function: these were read from its description: %(functions)s.")
                % {"functions": "、".join(self.derived_functions)}
            )
        main = self.main_match
        if self.verdict == Verdict.DUPLICATE and main:
            reasons.append(
                gettext(
                    "Its main function exists already: %(n)d of its %(total)d functions are provided by "
                    "%(kind)s “%(name)s” (%(org)s). Recommendation: do not approve."
                )
                % {
                    "n": round(main.coverage * self.functions),
                    "total": self.functions,
                    "kind": main.kind_label,
                    "name": main.name,
                    "org": main.org_name,
                }
            )
        elif self.verdict == Verdict.PARTIAL:
            existing = list(dict.fromkeys(f.proposal for m in self.matches for f in m.shared_functions))
            reasons.append(
                ngettext(
                    "%(n)d of its %(total)d function exists already: %(functions)s.",
                    "%(n)d of its %(total)d functions exist already: %(functions)s.",
                    self.functions,
                )
                % {"n": len(existing), "total": self.functions, "functions": "、".join(existing)}
            )
            if self.suggested_cut is not None:
                reasons.append(
                    gettext("Recommendation: cut the budget by %(share)d%%, %(cut)s yuan.")
                    % {"share": round(self.overlap * 100), "cut": f"{self.suggested_cut:,.2f}"}
                )
            else:
                reasons.append(gettext("Recommendation: cut the budget of the overlapping part."))
        elif self.verdict == Verdict.CLEAR and "no_functions" not in self.notes:
            reasons.append(
                gettext("None of its functions was found in the existing projects, systems or data resources.")
            )
        derived = [m.name for m in self.matches if m.derived and m.shared_functions]
        if derived:
            reasons.append(
                gettext("These items list no functions; theirs were read from their descriptions: %(names)s.")
                % {"names": "、".join(derived)}
            )
        if "upgrade" in self.notes:
            reasons.append(
                gettext(
                    "The closest item is a system the proposal declares it upgrades: the functions it "
                    "already has are cut, the new ones are not."
                )
            )
        return reasons


def _match_json(match: Match) -> dict:
    return {
        "kind": match.kind,
        "id": match.id,
        "name": match.name,
        "org_id": match.org_id,
        "org_name": match.org_name,
        "same_domain": match.same_domain,
        "similarity": match.similarity,
        "coverage": match.coverage,
        "shared_functions": [
            [f.proposal, f.existing, f.similarity, list(f.same), [list(r) for r in f.related]]
            for f in match.shared_functions
        ],
        "shared_words": list(match.shared_words),
        "upgraded": match.upgraded,
        "derived": match.derived,
    }


def _shared_from_json(data: list) -> scoring.SharedFunction:
    # Reports stored before the evidence had words and synonyms hold three values.
    proposal, existing, similarity, *evidence = data
    same, related = [*evidence, [], []][:2]
    return scoring.SharedFunction(proposal, existing, similarity, tuple(same), tuple(tuple(r) for r in related))


def _match_from_json(data: dict) -> Match:
    return Match(
        kind=data["kind"],
        id=data["id"],
        name=data["name"],
        org_id=data["org_id"],
        org_name=data["org_name"],
        same_domain=data["same_domain"],
        similarity=data["similarity"],
        coverage=data["coverage"],
        shared_functions=tuple(_shared_from_json(shared) for shared in data["shared_functions"]),
        shared_words=tuple(data["shared_words"]),
        upgraded=data.get("upgraded", False),
        derived=data.get("derived", False),
    )


@dataclass(frozen=True)
class Measured:
    """A proposal measured against its candidates, before any threshold (see ``scoring.Measure``)."""

    proposal: text.Analysis
    rows: list  # the candidates' index rows (kind, source_id, name, org_id, org__name, domain_id)
    measures: list  # scoring.Measure, one per row
    upgraded: frozenset = frozenset()  # ids of the systems the proposal declares it upgrades


def check_duplicates(project, *, sync: bool = True) -> DuplicateReport:
    """Compare ``project`` (saved or not) with the existing construction and give the verdict.

    ``sync=False`` skips bringing the index up to date first (a caller that has just synced).
    """
    return report(project, measure(project, sync=sync))


def measure(project, *, sync: bool = True, thresholds: scoring.Thresholds | None = None) -> Measured:
    """The costly half of the check: find the candidates and measure the proposal against each."""
    if sync:
        index.sync()
    cfg = config()
    thresholds = thresholds or scoring.Thresholds.from_settings(cfg)
    proposal = text.analyze(
        name=project.name or "",
        description=project.description or "",
        functions=project.functions or "",
        org=project.owner_org.name if project.owner_org_id else "",
    )
    if not proposal.keys:
        return Measured(proposal, [], [])

    own = (Kind.PROJECT, project.pk) if project.pk else None
    total, df = _counts(proposal.keys)

    def weight(term: str) -> float:
        """Rarity in the index (smoothed IDF) times the word's own factor."""
        return (math.log((total + 1) / (df.get(term, 0) + 1)) + 1) * thresholds.word_factor(term)

    candidates = _candidates(proposal.keys, weight, limit=int(cfg["CANDIDATES"]) + 1)
    rows = list(
        SimilarityDocument.objects.filter(pk__in=candidates).values(
            "kind", "source_id", "name", "org_id", "org__name", "domain_id", "analysis"
        )
    )
    for row in rows:
        if (row["kind"], row["source_id"]) == own:
            # The proposal is in the index itself (it was submitted): not its own duplicate, and
            # its words must not count in their own rarity.
            total -= 1
            for term in row["analysis"].get("keys", []):
                df[term] = df.get(term, 1) - 1
    rows = [row for row in rows if (row["kind"], row["source_id"]) != own]
    analyses = [text.Analysis.from_json(row.pop("analysis")) for row in rows]
    missing = {term for analysis in analyses for term in analysis.terms if term not in df}
    df.update(_document_frequencies(missing))
    weights = {}

    def known_weight(term: str) -> float:
        if term not in weights:
            weights[term] = weight(term)
        return weights[term]

    vocabulary = {term for analysis in analyses for term in analysis.terms}
    vocabulary.update(term for analysis in analyses for unit in analysis.units for term in unit.terms)
    related = scoring.Related(proposal.terms, vocabulary, thresholds.synonym_credit)
    measures = [scoring.measure(proposal, analysis, known_weight, thresholds, related) for analysis in analyses]
    upgraded = frozenset(project.systems.values_list("pk", flat=True)) if project.pk else frozenset()
    return Measured(proposal, rows, measures, upgraded)


def _counts(keys: Iterable[str]) -> tuple[int, dict]:
    total = SimilarityDocument.objects.count()
    return total, _document_frequencies(keys)


def _document_frequencies(terms: Iterable[str]) -> dict:
    terms, found = list(terms), {}
    for start in range(0, len(terms), IN_CHUNK):
        chunk = terms[start : start + IN_CHUNK]
        found.update(
            SimilarityTerm.objects.filter(term__in=chunk)
            .values_list("term")
            .annotate(n=Count("*"))
            .values_list("term", "n")
        )
    return found


def _candidates(keys: tuple[str, ...], weight, *, limit: int) -> list[int]:
    """The entries sharing the most rarity-weighted words with the proposal (one aggregate query)."""
    keys = keys[:IN_CHUNK]
    score = Sum(
        Case(*(When(term=term, then=Value(weight(term))) for term in keys), default=Value(0.0)),
        output_field=FloatField(),
    )
    ranked = (
        SimilarityTerm.objects.filter(term__in=keys)
        .values("document_id")
        .annotate(score=score)
        .order_by("-score", "document_id")[:limit]
    )
    return [row["document_id"] for row in ranked]


# A proposal with fewer functions or words than this says too little for a sure verdict.
THIN_FUNCTIONS = 2
THIN_WORDS = 5
THIN_CONFIDENCE = 0.3


def report(project, measured: Measured, thresholds: scoring.Thresholds | None = None) -> DuplicateReport:
    """The verdict and its evidence from the measures, under ``thresholds`` (default: the settings)."""
    cfg = config()
    thresholds = thresholds or scoring.Thresholds.from_settings(cfg)
    proposal, rows, upgraded = measured.proposal, measured.rows, measured.upgraded
    comparisons = [scoring.judge(proposal, m, thresholds) for m in measured.measures]
    decision = scoring.decide(proposal, comparisons, thresholds)
    verdict, notes, confidence = decision.verdict, [], decision.confidence
    if not proposal.units:
        notes.append("no_functions")
    elif len(proposal.units) < THIN_FUNCTIONS or len(proposal.terms) < THIN_WORDS:
        # One line says too little to rule out a duplicate (or to be sure of one): say so.
        notes.append("thin")
        confidence = min(confidence, THIN_CONFIDENCE)
    if proposal.units and proposal.derived:
        notes.append("derived")

    matches = []
    for row, comparison in zip(rows, comparisons, strict=True):
        matches.append(
            Match(
                kind=row["kind"],
                id=row["source_id"],
                name=row["name"],
                org_id=row["org_id"],
                org_name=row["org__name"],
                same_domain=row["domain_id"] == project.domain_id,
                similarity=round(comparison.similarity, 4),
                coverage=comparison.coverage,
                shared_functions=comparison.shared_functions,
                shared_words=comparison.shared_words,
                upgraded=row["kind"] == Kind.SYSTEM and row["source_id"] in upgraded,
                derived=comparison.derived,
            )
        )
    bonus = float(cfg["SAME_DOMAIN_BONUS"])

    def rank(match: Match):
        return (-(match.similarity + (bonus if match.same_domain else 0)), match.kind, match.id)

    # The item it duplicates: the closest of those that qualify, same domain first. Upgrading a
    # system the proposal names is not rebuilding it: if only such systems qualify, it is a partial
    # overlap (the functions they have are cut, the new ones funded).
    qualifying = [matches[index] for index in decision.duplicates]
    main = min((m for m in qualifying if not m.upgraded), key=rank, default=None)
    if main is None and qualifying:
        verdict = Verdict.PARTIAL
        notes.append("upgrade")

    ranked = sorted(matches, key=rank)
    listed = [m for m in ranked if m.shared_functions or m.similarity >= thresholds.listed_similarity]
    listed = listed[: int(cfg["MAX_MATCHES"])]
    # Every function counted in the cut is shown with its evidence, even past MAX_MATCHES.
    shown = {f.proposal for m in listed for f in m.shared_functions}
    for m in ranked:
        if m not in listed and any(f.proposal not in shown for f in m.shared_functions):
            listed.append(m)
            shown.update(f.proposal for f in m.shared_functions)
    if main is not None and main in listed:
        listed.remove(main)
        listed.insert(0, main)

    return DuplicateReport(
        verdict=Verdict(verdict),
        confidence=confidence,
        matches=tuple(listed),
        overlap=decision.overlap,
        functions=len(proposal.units),
        suggested_cut=_cut(project.budget_requested, verdict, len(decision.covered), len(proposal.units)),
        main_match=main if verdict == Verdict.DUPLICATE else None,
        notes=tuple(notes),
        derived_functions=tuple(unit.text for unit in proposal.units) if proposal.derived else (),
    )


def _cut(budget, verdict: str, existing: int, functions: int) -> Decimal | None:
    """What to cut: all of it for a duplicate (not to be approved), the share of its functions that
    exist already for a partial overlap (3 of 5 → 60 %), nothing when clear."""
    if budget is None:
        return None
    budget = Decimal(budget)
    if verdict == Verdict.DUPLICATE:
        cut = budget
    elif verdict == Verdict.PARTIAL and functions:
        cut = budget * existing / functions
    else:
        cut = Decimal(0)
    return cut.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
