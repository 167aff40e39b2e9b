from django.urls import path

from evidence import review_views, search_views, views, witness_views
from evidence.bundle import share_views
from evidence.bundle import views as bundle_views
from evidence.export import views as export_views
from evidence.redaction import views as redaction_views

urlpatterns = [
    path("search/", search_views.search_page, name="search"),
    path("cases/<uuid:case_id>/upload/", views.upload, name="evidence-upload"),
    path("cases/<uuid:case_id>/statement/", views.statement, name="evidence-statement"),
    path("items/<uuid:item_id>/", views.item_detail, name="item-detail"),
    path("items/<uuid:item_id>/status/", views.item_status, name="item-status"),
    path("items/<uuid:item_id>/thumbnail/", views.item_thumbnail, name="item-thumbnail"),
    path("items/<uuid:item_id>/timestamp/", views.item_timestamp, name="item-timestamp"),
    path("items/<uuid:item_id>/withdraw/", views.item_withdraw_view, name="item-withdraw"),
    path("items/<uuid:item_id>/notes/", views.item_note, name="item-note"),
    path("items/<uuid:item_id>/number/", views.item_number, name="item-number"),
    path("items/<uuid:item_id>/calls/<str:row>/", views.item_call_row, name="item-call-row"),
    path("items/<uuid:item_id>/original/", views.item_original, name="item-original"),
    path("items/<uuid:item_id>/listen/", views.item_listen, name="item-listen"),
    path("items/<uuid:item_id>/exhibit/", witness_views.item_exhibit, name="item-exhibit"),
    path("items/<uuid:item_id>/witness-form/", witness_views.witness_form, name="witness-form"),
    path("items/<uuid:item_id>/signed-form/", witness_views.signed_form, name="signed-form"),
    path("items/<uuid:item_id>/transcript/", review_views.transcript_sentence, name="item-transcript"),
    path("items/<uuid:item_id>/ocr-speaker/", review_views.ocr_line_speaker, name="item-ocr-speaker"),
    path("items/<uuid:item_id>/message-times/", review_views.message_times_confirm, name="item-message-times"),
    path("items/<uuid:item_id>/redactions/", redaction_views.redaction_new, name="redaction-new"),
    path("redactions/<uuid:redaction_id>/", redaction_views.redaction_detail, name="redaction-detail"),
    path("redacted-copies/<uuid:copy_id>/", redaction_views.redacted_copy_file, name="redacted-copy-file"),
    path("cases/<uuid:case_id>/bundles/new/", bundle_views.bundle_new, name="bundle-new"),
    path("bundles/<uuid:bundle_id>/", bundle_views.bundle_detail, name="bundle-detail"),
    path("bundles/<uuid:bundle_id>/pdf/", bundle_views.bundle_download, {"which": "pdf"}, name="bundle-pdf"),
    path("bundles/<uuid:bundle_id>/zip/", bundle_views.bundle_download, {"which": "zip"}, name="bundle-zip"),
    path("cases/<uuid:case_id>/export/", export_views.case_export, name="case-export"),
    path("exports/<uuid:export_id>/", export_views.export_detail, name="export-detail"),
    path("exports/<uuid:export_id>/parts/<int:part>/", export_views.export_download, name="export-part"),
    path("bundles/<uuid:bundle_id>/links/", share_views.bundle_share_new, name="bundle-share-new"),
    path(
        "bundles/<uuid:bundle_id>/links/<uuid:share_id>/revoke/",
        share_views.bundle_share_revoke,
        name="bundle-share-revoke",
    ),
    # A link for the police or the court: a random token only, nothing of the case in the address.
    path("shared/<str:token>/", share_views.shared_bundle, name="bundle-share"),
    path("shared/<str:token>/pdf/", share_views.shared_bundle_download, {"which": "pdf"}, name="bundle-share-pdf"),
    path("shared/<str:token>/zip/", share_views.shared_bundle_download, {"which": "zip"}, name="bundle-share-zip"),
    path("verify/", bundle_views.verify, name="verify"),
    path("verify/<str:sha256>/", bundle_views.verify, name="verify-hash"),
    path("verify/<str:code>/<str:sha256>/", bundle_views.verify, name="verify-exhibit"),
]
