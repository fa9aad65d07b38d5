app_name = "minutes"

urlpatterns: list = []
