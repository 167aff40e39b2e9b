from django.urls import path

from cases import numbers_views, sharing_views, statement_link_views, views

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("guide/", views.guide, name="guide"),
    path("cases/new/", views.case_new, name="case-new"),
    path("cases/<uuid:case_id>/", views.case_detail, name="case-detail"),
    path("cases/<uuid:case_id>/timeline/", views.case_timeline, name="case-timeline"),
    path("cases/<uuid:case_id>/phrases/", views.case_phrases, name="case-phrases"),
    path("cases/<uuid:case_id>/events/new/", views.manual_event_new, name="manual-event-new"),
    path("cases/<uuid:case_id>/numbers/", numbers_views.case_numbers, name="case-numbers"),
    path("cases/<uuid:case_id>/numbers/change/", numbers_views.case_number_change, name="case-number-change"),
    path("cases/<uuid:case_id>/parties/", numbers_views.case_party_add, name="case-party-add"),
    path("cases/<uuid:case_id>/sharing/", sharing_views.sharing, name="sharing"),
    path("cases/<uuid:case_id>/sharing/revoke/", sharing_views.sharing_revoke, name="sharing-revoke"),
    path("cases/<uuid:case_id>/notes/", views.case_note, name="case-note"),
    path("cases/<uuid:case_id>/audit/", views.case_audit, name="case-audit"),
    path("cases/<uuid:case_id>/statement-links/", statement_link_views.statement_links, name="statement-links"),
    path(
        "cases/<uuid:case_id>/statement-links/revoke/",
        statement_link_views.statement_link_revoke,
        name="statement-link-revoke",
    ),
    path("s/", statement_link_views.relative_statement_page, name="relative-statement-page"),
    path("s/<str:token>/", statement_link_views.relative_statement, name="relative-statement"),
    path("invitations/<str:token>/", sharing_views.invitation, name="invitation"),
]
