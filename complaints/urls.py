from django.urls import path

from complaints import views

urlpatterns = [
    path("cases/<uuid:case_id>/complaints/", views.complaint_list, name="complaint-list"),
    path("cases/<uuid:case_id>/lender/", views.case_lender, name="case-lender"),
    path("complaints/<uuid:complaint_id>/", views.complaint_detail, name="complaint-detail"),
    path("complaints/<uuid:complaint_id>/inputs/", views.complaint_inputs, name="complaint-inputs"),
    path("complaints/<uuid:complaint_id>/redraft/", views.complaint_redraft, name="complaint-redraft"),
    path("complaints/<uuid:complaint_id>/edit/", views.complaint_edit, name="complaint-edit"),
    path("complaints/<uuid:complaint_id>/tracking/", views.complaint_tracking, name="complaint-tracking"),
    path("complaints/<uuid:complaint_id>/pdf/", views.complaint_pdf, name="complaint-pdf"),
    path("complaints/<uuid:complaint_id>/docx/", views.complaint_docx, name="complaint-docx"),
]
