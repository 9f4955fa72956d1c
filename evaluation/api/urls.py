from rest_framework.routers import SimpleRouter

from evaluation.api import views

router = SimpleRouter()
router.register("indicators", views.IndicatorViewSet)
router.register("tickets", views.TicketViewSet)
router.register("ratings", views.RatingViewSet)
router.register("spending", views.SpendingViewSet)
router.register("measurements", views.MeasurementViewSet)
router.register("rectifications", views.RectificationViewSet)
router.register("evaluations", views.EvaluationViewSet)
router.register("budget-requests", views.BudgetRequestViewSet)
router.register("budget", views.BudgetViewSet, basename="budget")
urlpatterns = router.urls
