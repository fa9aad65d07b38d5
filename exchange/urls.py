from django.urls import path

from exchange import pages, views

app_name = "exchange"

urlpatterns = [
    # Other agencies' systems post here (signed requests, no session).
    path("inbox/packages", views.packages, name="inbox_packages"),
    path("inbox/statuses", views.statuses, name="inbox_statuses"),
    # People.
    path("send/<int:record_id>/", pages.send, name="send"),
    path("incoming/", pages.incoming_list, name="incoming_list"),
    path("incoming/<int:pk>/", pages.incoming_page, name="incoming"),
    path("incoming/<int:pk>/register/", pages.incoming_register, name="incoming_register"),
    path("incoming/<int:pk>/assign/", pages.incoming_assign, name="incoming_assign"),
    path("incoming/<int:pk>/progress/", pages.incoming_progress, name="incoming_progress"),
    path("incoming/<int:pk>/file.pdf", pages.incoming_pdf, name="incoming_pdf"),
]
