from rest_framework.routers import SimpleRouter

from projects.api import views

router = SimpleRouter()
router.register("projects", views.ProjectViewSet)
router.register("milestones", views.MilestoneViewSet)
router.register("attachments", views.AttachmentViewSet)
router.register("gate-records", views.GateRecordViewSet)
urlpatterns = router.urls
