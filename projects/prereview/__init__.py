"""预审 — pre-review of proposals (DESIGN.md "Pre-review", issue 4): configurable review rules with
red lines, expert reviews, and the explained report that ends in a recommendation.

How it fits the lifecycle (``projects.services.ACTION_RULES``):

- ``start_review`` opens a *round* (``PreReview``): it runs the duplicate-construction check
  (``projects.duplicates``) and stores it with the round, then scores the proposal;
- while the project is in pre-review, the office assigns reviewers, the reviewers submit their
  reviews, the office overrides red lines with a written reason or runs the check again; every such
  change refreshes the figures the manager's queue sorts by;
- ``approve`` is refused (400, field ``red_lines``) while a red line stands un-overridden; the
  report it rested on is frozen in the round and in the approval gate record;
- ``return``, ``reject`` and ``terminate`` close the round with its report frozen; a proposal
  submitted again gets a new round.

Modules:

- ``models``: ``ReviewRule`` (identity) and ``RuleVersion`` (what it says, never changed),
  ``PreReview`` (a round), ``ExpertReview`` (assignment and review), ``RedLineOverride``;
- ``facts``: what a rule may test (fields and derived facts), its operators and value types, the
  checks that refuse an unknown fact or a value of the wrong type — rules are data, never code;
- ``scoring``: which rules fire on a project's facts, per criterion and in total (pure Python);
- ``recommendation``: approve / approve_with_cut / return / reject, with reasons (pure Python);
- ``report``: the report of a round (``assess(round).as_dict()`` is DESIGN.md's JSON);
- ``services``: the writes (rules, assignments, reviews, overrides, scoring again) and the
  lifecycle hooks; ``selectors``: reads for pages and API; ``views``/``forms``: the pages;
  ``demo``: the demo city's reviews and overrides. The API is ``projects.api.prereview``.
"""
