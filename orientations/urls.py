from django.urls import path

from . import views

app_name = "orientations"
urlpatterns = [
    path("orientations/", views.inbox, name="inbox"),
    path("orientations/envoyees/", views.sent, name="sent"),
    path("orientations/mds/", views.overview, name="overview"),
    path("orientations/nouvelle/", views.referral_new, name="new"),
    path("orientations/<int:pk>/", views.detail, name="detail"),
    path("orientations/<int:pk>/prendre/", views.take, name="take"),
    path("orientations/<int:pk>/accepter/", views.accept, name="accept"),
    path("orientations/<int:pk>/refuser/", views.decline, name="decline"),
    path("orientations/<int:pk>/cloturer/", views.close, name="close"),
    path("orientations/annuaire/", views.directory_search, name="directory"),
    path("orientations/annuaire/<int:pk>/fiche/", views.partner_sheet, name="sheet"),
    path("orientations/annuaire/importer/", views.directory_import, name="directory_import"),
]
