from django.urls import path

from . import views, views_day_close

app_name = "accueil"
urlpatterns = [
    path("accueil/", views.home, name="home"),
    path("accueil/arrivee/", views.checkin, name="checkin"),
    path("accueil/ticket/<int:pk>/", views.ticket, name="ticket"),
    path("accueil/file/lignes/", views.queue_rows, name="queue_rows"),
    path("accueil/passage/<int:pk>/", views.passage_detail, name="passage"),
    path("accueil/passage/<int:pk>/action/", views.passage_action, name="passage_action"),
    path("accueil/cloture/", views_day_close.close_day, name="close_day"),
    path("file/", views.desk, name="desk"),
    path("file/appeler/", views.call_next, name="call_next"),
    path("ecran/<slug:token>/", views.board, name="board"),
    path("ecran/<slug:token>/contenu/", views.board_content, name="board_content"),
]
