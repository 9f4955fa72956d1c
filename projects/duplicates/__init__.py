"""防重复建设 / 应用查重: the duplicate-construction check of a proposal (DESIGN.md "Pre-review").

Compares a proposal (a ``Project``: name, description, ``functions`` one per line, domain, owner
organization) with the other proposals and projects, the information systems and the data
resources — same domain first, any organization — and gives a verdict with its evidence.

The API, for the pre-review engine and the lifecycle service::

    from projects.duplicates import check_duplicates, Verdict

    report = check_duplicates(project)      # DuplicateReport; syncs the index first
    report.verdict                          # Verdict.DUPLICATE / PARTIAL / CLEAR ("duplicate" …)
    report.confidence                       # 0–1; low when the proposal says too little
    report.main_match                       # duplicate: the Match that already does it
    report.matches                          # Match objects, closest first
    report.overlap                          # share of its functions that exist already
    report.suggested_cut                    # Decimal yuan (2 places) from budget_requested:
                                            #   all of it (duplicate → 不予立项), the overlap's
                                            #   share (partial → 预算核减), 0 (clear); None if
                                            #   no budget was requested
    report.reasons()                        # the verdict explained, in the active language
    report.as_dict()                        # DESIGN.md's ``duplicate`` JSON, for the API and
                                            #   the gate record: verdict, confidence, overlap,
                                            #   suggested_cut, matches [kind, id, name, org,
                                            #   org_name, similarity, shared, same_domain,
                                            #   functions [proposal, existing, similarity]]
    report.to_json()                        # all of it, to store; DuplicateReport.from_json(…)
                                            #   rebuilds the report (pre-review keeps each
                                            #   round's check and explains it when read)

``check_duplicates`` works for an unsaved project too (a draft being typed). It never excludes
anything but the project itself; a system the project declares it upgrades (``project.systems``)
caps the verdict at ``partial``. It writes nothing but the index; call it inside the caller's
transaction if the result is stored (e.g. at ``start_review``).

The index (``SimilarityDocument`` / ``SimilarityTerm``) is derived data, kept up to date by
comparing each row with its source's ``updated_at`` (see ``index``); ``index.refresh()`` runs
nightly under Celery beat (``projects.refresh_similarity_index``); ``manage.py
rebuild_similarity_index`` rebuilds it, and ``manage.py check_duplicates PROJECT_ID`` prints a
check. Thresholds are ``settings.DUPLICATE_CHECK`` (defaults and their meaning in ``check.DEFAULTS``).

Modules: ``text`` (Chinese words: jieba + lexicon), ``scoring`` (comparison and verdict, no
database), ``index`` (the index and its sync), ``check`` (the check), ``evaluation`` (precision
and recall over a labelled set, ``manage.py evaluate_duplicates``).
"""

__all__ = ["DuplicateReport", "Match", "Verdict", "check_duplicates"]


def __getattr__(name):
    # Imported on first use: projects.models imports this package's models while it loads, and
    # the check imports projects.models.
    if name in __all__:
        from projects.duplicates import check

        return getattr(check, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
