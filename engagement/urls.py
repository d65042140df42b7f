"""Engagement's URLs, one list per feature, under the one `engagement` namespace."""

from engagement.consultations.urls import urlpatterns as consultations
from engagement.decisions.urls import urlpatterns as decisions
from engagement.my_data.urls import urlpatterns as my_data
from engagement.my_home.urls import urlpatterns as my_home
from engagement.profiles.urls import urlpatterns as profiles

app_name = "engagement"

urlpatterns = [*profiles, *my_data, *my_home, *consultations, *decisions]
