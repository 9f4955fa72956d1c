"""Celery entry point of the similarity index (registered by ProjectsConfig.ready)."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="projects.refresh_similarity_index")
def refresh_similarity_index() -> dict:
    """Nightly: bring the index in step, including edits that bypassed updated_at. Safe to run twice."""
    from projects.duplicates import index

    result = index.refresh()
    logger.info("similarity index refreshed: %d re-indexed, %d dropped", result.indexed, result.dropped)
    return {"indexed": result.indexed, "dropped": result.dropped}
