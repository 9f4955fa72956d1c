from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """Every list is paginated; a client may ask for bigger pages, up to a cap."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
