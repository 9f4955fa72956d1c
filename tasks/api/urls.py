from rest_framework.routers import SimpleRouter

from tasks.api import views

router = SimpleRouter()
router.register("tasks", views.TaskViewSet)
router.register("warnings", views.WarningViewSet)
router.register("notices", views.NoticeViewSet)
urlpatterns = router.urls
