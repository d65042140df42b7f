app_name = "engagement"
urlpatterns: list = []
