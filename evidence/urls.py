from django.urls import path

from evidence import views

urlpatterns = [
    path("cases/<uuid:case_id>/upload/", views.upload, name="evidence-upload"),
    path("cases/<uuid:case_id>/statement/", views.statement, name="evidence-statement"),
    path("items/<uuid:item_id>/", views.item_detail, name="item-detail"),
    path("items/<uuid:item_id>/status/", views.item_status, name="item-status"),
    path("items/<uuid:item_id>/thumbnail/", views.item_thumbnail, name="item-thumbnail"),
    path("items/<uuid:item_id>/timestamp/", views.item_timestamp, name="item-timestamp"),
    path("items/<uuid:item_id>/original/", views.item_original, name="item-original"),
]
