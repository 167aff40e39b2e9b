from django.urls import path

from cases import views

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("cases/new/", views.case_new, name="case-new"),
    path("cases/<uuid:case_id>/", views.case_detail, name="case-detail"),
    path("cases/<uuid:case_id>/events/new/", views.manual_event_new, name="manual-event-new"),
]
