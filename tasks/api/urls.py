from rest_framework.routers import SimpleRouter

from tasks.api import views

router = SimpleRouter()
router.register("tasks", views.TaskViewSet)
router.register("warnings", views.WarningViewSet)
router.register("notices", views.NoticeViewSet)
router.register("bulletins", views.BulletinViewSet, basename="bulletin")
urlpatterns = router.urls
