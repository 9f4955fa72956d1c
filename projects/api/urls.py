from rest_framework.routers import SimpleRouter

from projects.api import prereview, views

router = SimpleRouter()
router.register("projects", views.ProjectViewSet)
router.register("milestones", views.MilestoneViewSet)
router.register("attachments", views.AttachmentViewSet)
router.register("gate-records", views.GateRecordViewSet)
router.register("review-rules", prereview.ReviewRuleViewSet)
router.register("reviews", prereview.ExpertReviewViewSet)
urlpatterns = router.urls
