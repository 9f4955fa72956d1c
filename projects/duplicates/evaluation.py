"""Precision and recall of the check over a labelled set (``tests/data/duplicates/``).

The set is a catalogue of existing construction (information systems, projects in several stages,
data resources) and proposals, each labelled with the verdict a reviewer would give and the item
it duplicates or overlaps. :func:`run` loads the catalogue into the database inside a transaction
that is always rolled back, checks every proposal against it through the real engine (index,
sync, thresholds from the settings), and counts. Used by the test suite, by ``make bench`` and by
``manage.py evaluate_duplicates``.

Each proposal has a ``split``: ``dev`` (the thresholds were tuned on it) or ``holdout`` (only
evaluated), so the figures on the held-out part say how the settings generalize.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from portfolio.models import DataResource, Domain, InformationSystem, Organization, Plan, Region
from projects.duplicates.check import Verdict, check_duplicates
from projects.lifecycle import Stage
from projects.models import Project

DATASET = Path(settings.BASE_DIR) / "tests" / "data" / "duplicates"
VERDICTS = [Verdict.DUPLICATE.value, Verdict.PARTIAL.value, Verdict.CLEAR.value]


class NotEmpty(Exception):
    """The database already holds projects or assets: they would distort the figures."""


@dataclass(frozen=True)
class Outcome:
    id: str
    split: str
    expected: str
    got: str
    expected_items: tuple[str, ...]
    found_items: tuple[str, ...]  # catalogue keys of the items whose functions were found
    main_item: str | None  # for a duplicate verdict: the item it duplicates
    confidence: float


@dataclass
class Evaluation:
    outcomes: list[Outcome] = field(default_factory=list)

    def only(self, split: str | None) -> "Evaluation":
        return self if split is None else Evaluation([o for o in self.outcomes if o.split == split])

    @property
    def confusion(self) -> Counter:
        return Counter((o.expected, o.got) for o in self.outcomes)

    def _rate(self, hits: int, total: int) -> float:
        return hits / total if total else 1.0

    @property
    def precision(self) -> float:
        """Of the proposals called ``duplicate``, the share that are."""
        called = [o for o in self.outcomes if o.got == Verdict.DUPLICATE]
        return self._rate(sum(o.expected == Verdict.DUPLICATE for o in called), len(called))

    @property
    def recall(self) -> float:
        """Of the real duplicates, the share called ``duplicate``."""
        real = [o for o in self.outcomes if o.expected == Verdict.DUPLICATE]
        return self._rate(sum(o.got == Verdict.DUPLICATE for o in real), len(real))

    @property
    def partial_accuracy(self) -> float:
        """Of the real partial overlaps, the share called ``partial``."""
        real = [o for o in self.outcomes if o.expected == Verdict.PARTIAL]
        return self._rate(sum(o.got == Verdict.PARTIAL for o in real), len(real))

    @property
    def accuracy(self) -> float:
        return self._rate(sum(o.got == o.expected for o in self.outcomes), len(self.outcomes))

    @property
    def evidence_accuracy(self) -> float:
        """Of the right duplicate and partial verdicts, the share that name the expected item."""
        right = [o for o in self.outcomes if o.got == o.expected and o.expected != Verdict.CLEAR]
        hits = sum(
            (o.main_item in o.expected_items)
            if o.got == Verdict.DUPLICATE
            else bool(set(o.found_items) & set(o.expected_items))
            for o in right
        )
        return self._rate(hits, len(right))

    def lines(self) -> list[str]:
        out = [
            f"proposals {len(self.outcomes)}: precision {self.precision:.3f}, recall {self.recall:.3f} "
            f"(duplicate vs not); partial accuracy {self.partial_accuracy:.3f}; accuracy {self.accuracy:.3f}; "
            f"evidence names the expected item {self.evidence_accuracy:.3f}",
            "confusion (rows: expected, columns: verdict)  " + "  ".join(f"{v:>9}" for v in VERDICTS),
        ]
        for expected in VERDICTS:
            counts = "  ".join(f"{self.confusion[(expected, got)]:>9}" for got in VERDICTS)
            out.append(f"  {expected:<42}  {counts}")
        for o in self.outcomes:
            if o.got != o.expected:
                out.append(f"  miss {o.id} ({o.split}): expected {o.expected}, got {o.got} {list(o.found_items)}")
        return out


def load(path: Path = DATASET) -> tuple[dict, list[dict]]:
    catalogue = json.loads((Path(path) / "catalogue.json").read_text(encoding="utf-8"))
    proposals = json.loads((Path(path) / "proposals.json").read_text(encoding="utf-8"))["proposals"]
    return catalogue, proposals


def run(path: Path = DATASET) -> Evaluation:
    """Check every proposal of the set against its catalogue; nothing is left in the database."""
    catalogue, proposals = load(path)
    if Project.objects.exists() or InformationSystem.objects.exists() or DataResource.objects.exists():
        raise NotEmpty(_("The evaluation needs a database without projects, information systems or data resources."))
    evaluation = Evaluation()
    with transaction.atomic():
        keys, orgs, plan = _load_catalogue(catalogue)
        domains = {d.code: d for d in Domain.objects.all()}
        for number, item in enumerate(proposals, start=1):
            # A draft: drafts are not existing construction, so proposals never see each other.
            project = Project.objects.create(
                code=f"EVAL-P{number:04d}",
                name=item["name"],
                description=item.get("description", ""),
                functions="\n".join(item.get("functions", [])),
                owner_org=orgs[item["org"]],
                plan=plan,
                domain=domains[item["domain"]],
                year=2026,
                budget_requested=Decimal(item["budget"]),
            )
            report = check_duplicates(project)
            evaluation.outcomes.append(
                Outcome(
                    id=item["id"],
                    split=item["split"],
                    expected=item["expected"],
                    got=str(report.verdict),
                    expected_items=tuple(item.get("of", [])),
                    found_items=tuple(keys[(m.kind, m.id)] for m in report.matches if m.shared_functions),
                    main_item=keys[(report.main_match.kind, report.main_match.id)] if report.main_match else None,
                    confidence=report.confidence,
                )
            )
        transaction.set_rollback(True)
    return evaluation


def _load_catalogue(catalogue: dict):
    region = Region.objects.create(name="评测市", level=Region.Level.CITY)
    orgs = {
        name: Organization.objects.create(name=name, short_name=short_name, region=region)
        for name, short_name in catalogue["organizations"]
    }
    plan = Plan.objects.create(region=region, name="评测规划", start_year=2025, end_year=2027)
    domains = {d.code: d for d in Domain.objects.all()}
    keys = {}
    for item in catalogue["systems"]:
        system = InformationSystem.objects.create(
            name=item["name"],
            org=orgs[item["org"]],
            domain=domains[item["domain"]],
            description=item["description"],
            functions="\n".join(item["functions"]),
            status=item.get("status", InformationSystem.Status.IN_USE),
        )
        keys[("system", system.pk)] = item["key"]
    for number, item in enumerate(catalogue["projects"], start=1):
        project = Project.objects.create(
            code=f"EVAL-C{number:04d}",
            name=item["name"],
            description=item["description"],
            functions="\n".join(item["functions"]),
            owner_org=orgs[item["org"]],
            plan=plan,
            domain=domains[item["domain"]],
            year=2025,
            stage=Stage(item["stage"]),
        )
        keys[("project", project.pk)] = item["key"]
    for item in catalogue["data"]:
        resource = DataResource.objects.create(
            name=item["name"], org=orgs[item["org"]], domain=domains[item["domain"]], description=item["description"]
        )
        keys[("data", resource.pk)] = item["key"]
    return keys, orgs, plan
