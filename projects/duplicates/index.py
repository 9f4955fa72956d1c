"""Keeping the similarity index in step with its sources, without signals.

Information systems and data resources are edited in ``portfolio`` (admin, API), which may not
import ``projects``; projects are edited by the lifecycle services. Rather than ask every writer
to tell the index, the index compares itself with its sources:

- :func:`sync` (run at the start of every check) finds, in one query, the sources that count as
  existing construction but have no entry with their current ``updated_at`` (new or edited), and
  the entries whose source is gone or no longer counts (deleted, retired, rejected, terminated),
  then re-indexes or drops just those. When nothing changed it costs that one query. Comparing
  with each row's own ``updated_at`` (not a "last sync" watermark) also catches rows committed
  late by a long transaction, bulk_create, and edits in several processes at once.
- :func:`refresh` (the nightly Celery task ``projects.refresh_similarity_index``) also compares a
  digest of each source's text, so edits that bypassed ``updated_at`` (``QuerySet.update``, SQL)
  and a changed lexicon are caught too.
- :func:`rebuild` (``manage.py rebuild_similarity_index``) throws everything away and starts over.

What counts as existing construction (DESIGN.md: "rejected and terminated proposals are not"):
projects from ``submitted`` on, except ``rejected`` and ``terminated`` — a draft is not yet a
proposal and stays private to its organization until it is submitted; information systems in use
or under construction, not ``retired`` ones — a retired system no longer provides its functions,
so rebuilding them is a replacement, not a duplicate; every data resource.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Value

from portfolio.models import DataResource, InformationSystem
from projects.duplicates import text
from projects.duplicates.models import Kind, SimilarityDocument, SimilarityTerm
from projects.lifecycle import Stage
from projects.models import Project

# Projects in these stages are not existing construction.
NOT_EXISTING_STAGES = frozenset({Stage.DRAFT, Stage.REJECTED, Stage.TERMINATED})
CHUNK = 500


@dataclass(frozen=True)
class Source:
    kind: str
    model: type
    org_field: str

    def existing(self):
        """The rows that count as existing construction."""
        manager = self.model._default_manager
        if self.kind == Kind.PROJECT:
            return manager.exclude(stage__in=NOT_EXISTING_STAGES)
        if self.kind == Kind.SYSTEM:
            return manager.exclude(status=InformationSystem.Status.RETIRED)
        return manager.all()

    def fields(self) -> list[str]:
        org = self.org_field
        base = ["pk", "updated_at", "name", "description", f"{org}_id", f"{org}__name", "domain_id"]
        return [*base, "functions"] if self.kind != Kind.DATA else base

    def text(self, row: dict) -> dict:
        """The name, description and function list the analysis reads."""
        # A data resource has no function list: its name and description are what it provides.
        functions = f"{row['name']}\n{row['description']}" if self.kind == Kind.DATA else row["functions"]
        return {
            "name": row["name"],
            "description": row["description"],
            "functions": functions,
            "org": row[f"{self.org_field}__name"],
        }

    def org_id(self, row: dict) -> int:
        return row[f"{self.org_field}_id"]


SOURCES = (
    Source(Kind.PROJECT, Project, "owner_org"),
    Source(Kind.SYSTEM, InformationSystem, "org"),
    Source(Kind.DATA, DataResource, "org"),
)
SOURCE_BY_KIND = {source.kind: source for source in SOURCES}


@dataclass(frozen=True)
class SyncResult:
    indexed: int = 0
    dropped: int = 0

    def __bool__(self):
        return bool(self.indexed or self.dropped)

    def __add__(self, other: "SyncResult") -> "SyncResult":
        return SyncResult(self.indexed + other.indexed, self.dropped + other.dropped)


def fingerprint(source: Source, row: dict) -> str:
    payload = [text.version(), source.text(row), source.org_id(row), row["domain_id"]]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _stale():
    """One query: (kind, source id) to (re)index, and (kind, entry id) to drop."""
    parts = []
    for source in SOURCES:
        entries = SimilarityDocument.objects.filter(kind=source.kind)
        changed = (
            source.existing()
            .filter(~Exists(entries.filter(source_id=OuterRef("pk"), source_updated_at=OuterRef("updated_at"))))
            .annotate(what=Value("index"), k=Value(source.kind))
            .values_list("what", "k", "pk")
            .order_by()
        )
        gone = (
            entries.filter(~Exists(source.existing().filter(pk=OuterRef("source_id"))))
            .annotate(what=Value("drop"), k=Value(source.kind))
            .values_list("what", "k", "pk")
            .order_by()
        )
        parts += [changed, gone]
    to_index, to_drop = {}, []
    for what, kind, pk in parts[0].union(*parts[1:], all=True):
        if what == "index":
            to_index.setdefault(kind, []).append(pk)
        else:
            to_drop.append(pk)
    return to_index, to_drop


def _lock() -> None:
    """Serialize index writers; readers never wait. SQLite already runs one writer at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('projects.similarity_index'))")


def sync() -> SyncResult:
    """Bring the index in step with its sources: cheap when nothing changed (one query)."""
    to_index, to_drop = _stale()
    if not to_index and not to_drop:
        return SyncResult()
    with transaction.atomic():
        _lock()
        to_index, to_drop = _stale()  # again: another process may have done it while we waited
        dropped = _drop(to_drop)
        indexed = sum(_index(SOURCE_BY_KIND[kind], ids) for kind, ids in to_index.items())
    return SyncResult(indexed, dropped)


def refresh() -> SyncResult:
    """Sync, then re-index every entry whose source text no longer matches its digest."""
    result = sync()
    with transaction.atomic():
        _lock()
        for source in SOURCES:
            digests = dict(SimilarityDocument.objects.filter(kind=source.kind).values_list("source_id", "fingerprint"))
            changed = [
                row["pk"]
                for row in source.existing().values(*source.fields()).iterator(chunk_size=2000)
                if digests.get(row["pk"]) != fingerprint(source, row)
            ]
            result += SyncResult(_index(source, changed), 0)
    return result


def rebuild() -> SyncResult:
    """Drop the whole index and build it again from its sources."""
    with transaction.atomic():
        _lock()
        dropped = SimilarityDocument.objects.count()
        SimilarityTerm.objects.all().delete()  # one statement, rather than per entry by cascade
        SimilarityDocument.objects.all().delete()
        indexed = sum(_index(source, source.existing().values_list("pk", flat=True)) for source in SOURCES)
    return SyncResult(indexed, dropped)


def _drop(entry_ids: list[int]) -> int:
    for start in range(0, len(entry_ids), CHUNK):
        SimilarityDocument.objects.filter(pk__in=entry_ids[start : start + CHUNK]).delete()  # words cascade
    return len(entry_ids)


def _index(source: Source, source_ids: Iterable[int]) -> int:
    """(Re)index these sources: their old entries go, fresh ones are written."""
    source_ids, written = list(source_ids), 0
    for start in range(0, len(source_ids), CHUNK):
        chunk = source_ids[start : start + CHUNK]
        SimilarityDocument.objects.filter(kind=source.kind, source_id__in=chunk).delete()  # words cascade
        documents, keys = [], []
        for row in source.existing().filter(pk__in=chunk).values(*source.fields()):
            analysis = text.analyze(**source.text(row))
            documents.append(
                SimilarityDocument(
                    kind=source.kind,
                    source_id=row["pk"],
                    source_updated_at=row["updated_at"],
                    fingerprint=fingerprint(source, row),
                    name=row["name"][:200],
                    org_id=source.org_id(row),
                    domain_id=row["domain_id"],
                    analysis=analysis.as_json(),
                )
            )
            keys.append(analysis.keys)
        SimilarityDocument.objects.bulk_create(documents)
        written += len(documents)
        SimilarityTerm.objects.bulk_create(
            (
                SimilarityTerm(document_id=document.pk, term=term)
                for document, terms in zip(documents, keys, strict=True)
                for term in terms
            ),
            batch_size=5000,
        )
    return written
