"""Engagement's URLs, one list per feature, under the one `engagement` namespace."""

from engagement.api import old_urlpatterns as old_api
from engagement.consultation_statements.urls import urlpatterns as consultation_statements
from engagement.consultations.urls import urlpatterns as consultations
from engagement.decisions.urls import urlpatterns as decisions
from engagement.group_representativeness.urls import urlpatterns as group_representativeness
from engagement.my_data.urls import urlpatterns as my_data
from engagement.my_home.urls import urlpatterns as my_home
from engagement.profiles.urls import urlpatterns as profiles

app_name = "engagement"

# The open-data API's old URLs (redirects for one release) keep their names here; the API
# itself, /api/v1/, is mounted by coproduce/urls.py under its own namespace, `api_v1`.
urlpatterns = [
    *profiles,
    *my_data,
    *my_home,
    *consultations,
    *consultation_statements,
    *decisions,
    *group_representativeness,
    *old_api,
]
