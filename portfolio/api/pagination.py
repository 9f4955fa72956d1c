from rest_framework.pagination import CursorPagination, PageNumberPagination


class StandardPagination(PageNumberPagination):
    """Every list is paginated; a client may ask for bigger pages, up to a cap."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class NewestFirstCursorPagination(CursorPagination):
    """Keyset pages over an append-only table: newest first by id, no COUNT(*) of millions of rows,
    and a page never shifts when rows are added meanwhile."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
