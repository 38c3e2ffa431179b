from django.urls import URLPattern, URLResolver, path

from agenda import views

app_name = "agenda"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.agenda, name="agenda"),
    path("koppeling/", views.feed_create, name="feed-create"),
    path("koppeling/intrekken/", views.feed_revoke, name="feed-revoke"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
]
