"""Pages of the tasks app."""

app_name = "tasks"
urlpatterns: list = []
