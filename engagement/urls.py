from django.urls import path

from engagement import api, api_decisions
from engagement.feeds import DecisionFeed
from engagement.views import consultations as consultation_views
from engagement.views import decisions as decision_views
from engagement.views import profiles
from engagement.views import results as results_views

app_name = "engagement"

urlpatterns: list = []

# --- Expertise profiles, directory, opportunities, claims, my data (issue 5) -----------------
urlpatterns += [
    path("profiles/me/", profiles.my_profile, name="my_profile"),
    path("profiles/me/edit/", profiles.profile_edit, name="profile_edit"),
    path("profiles/me/consent/", profiles.consents, name="consents"),
    path(
        "profiles/me/consent/<str:purpose>/withdraw/",
        profiles.consent_withdraw,
        name="consent_withdraw",
    ),
    path("profiles/me/record/", profiles.involvement_record, name="involvement_record"),
    path(
        "profiles/me/record/download/",
        profiles.involvement_record_download,
        name="involvement_record_download",
    ),
    path("profiles/<int:pk>/", profiles.profile_detail, name="profile_detail"),
    path("directory/", profiles.directory, name="directory"),
    path("opportunities/", profiles.opportunity_list, name="opportunity_list"),
    path("opportunities/new/", profiles.opportunity_create, name="opportunity_create"),
    path("opportunities/invitations/", profiles.invitations, name="invitations"),
    path(
        "opportunities/invitations/<int:pk>/",
        profiles.invitation_respond,
        name="invitation_respond",
    ),
    path("opportunities/<int:pk>/", profiles.opportunity_detail, name="opportunity_detail"),
    path(
        "opportunities/<int:pk>/interest/",
        profiles.opportunity_express_interest,
        name="opportunity_express_interest",
    ),
    path("opportunities/<int:pk>/close/", profiles.opportunity_close, name="opportunity_close"),
    path(
        "opportunities/<int:pk>/matches/",
        profiles.opportunity_matches,
        name="opportunity_matches",
    ),
    path(
        "opportunities/<int:pk>/invite/<int:profile_pk>/",
        profiles.opportunity_invite,
        name="opportunity_invite",
    ),
    path("claims/", profiles.claim_list, name="claim_list"),
    path("claims/new/<int:opportunity_pk>/", profiles.claim_create, name="claim_create"),
    path("claims/approved.csv", profiles.claims_export, name="claims_export"),
    path("claims/<int:pk>/", profiles.claim_detail, name="claim_detail"),
    path("claims/<int:pk>/change/", profiles.claim_change, name="claim_change"),
    path("my-data/", profiles.my_data, name="my_data"),
    path("my-data/download/", profiles.my_data_download, name="my_data_download"),
    path("my-data/delete/", profiles.my_data_delete, name="my_data_delete"),
]
# --- end of issue 5 ---------------------------------------------------------------------------
# Answering
urlpatterns += [
    path(
        "consultations/<int:page_id>/answer/",
        consultation_views.answer_start,
        name="answer",
    ),
    path(
        "consultations/<int:page_id>/answer/section/<int:number>/",
        consultation_views.answer_section,
        name="answer_section",
    ),
    path(
        "consultations/<int:page_id>/answer/about-you/",
        consultation_views.answer_about_you,
        name="answer_about_you",
    ),
    path(
        "consultations/<int:page_id>/answer/check/",
        consultation_views.answer_check,
        name="answer_check",
    ),
    path(
        "consultations/<int:page_id>/answer/sent/",
        consultation_views.answer_done,
        name="answer_done",
    ),
    path(
        "consultations/<int:page_id>/answer/saved/",
        consultation_views.answer_saved,
        name="answer_saved",
    ),
    path(
        "consultations/<int:page_id>/answer/resume/<str:link>/",
        consultation_views.answer_resume,
        name="answer_resume",
    ),
    path(
        "consultations/<int:page_id>/assisted/",
        consultation_views.assisted_response,
        name="assisted_response",
    ),
    path(
        "consultations/<int:page_id>/another-format/",
        consultation_views.format_request,
        name="format_request",
    ),
]
# Results
urlpatterns += [
    path(
        "consultations/<int:consultation_id>/results/",
        results_views.consultation_results,
        name="consultation_results",
    ),
    path(
        "consultations/<int:consultation_id>/results/questions/<int:question_id>/",
        results_views.consultation_free_text,
        name="consultation_free_text",
    ),
    path(
        "consultations/<int:consultation_id>/results/breakdown/",
        results_views.consultation_breakdown,
        name="consultation_breakdown",
    ),
    path(
        "consultations/<int:consultation_id>/results/answers/<int:answer_id>/hide/",
        results_views.answer_hide,
        name="consultation_answer_hide",
    ),
    path(
        "consultations/<int:consultation_id>/results/answers/<int:answer_id>/unhide/",
        results_views.answer_unhide,
        name="consultation_answer_unhide",
    ),
    path(
        "consultations/<int:consultation_id>/results/export.<str:fmt>",
        results_views.export_results,
        name="consultation_results_export",
    ),
    path(
        "consultations/<int:consultation_id>/results/responses.<str:fmt>",
        results_views.export_responses,
        name="consultation_responses_export",
    ),
    path(
        "api/consultations/<int:consultation_id>/results/",
        api.consultation_results_api,
        name="api_consultation_results",
    ),
]
# --- end of Results
# Decisions
urlpatterns += [
    path("decisions/feed/", DecisionFeed(), name="decision_feed"),
    path("decisions/<int:pk>/rate/", decision_views.rate, name="decision_rate"),
    path(
        "decisions/<int:pk>/involvement-report/",
        decision_views.involvement_report,
        name="decision_report",
    ),
    path("decisions/sign-off/", decision_views.sign_off_list, name="decision_sign_off_list"),
    path(
        "decisions/sign-off/<int:task_state_id>/",
        decision_views.sign_off,
        name="decision_sign_off",
    ),
    path("notifications/", decision_views.notifications, name="notifications"),
    path("notifications/read/", decision_views.notifications_read, name="notifications_read"),
    path(
        "notifications/preferences/",
        decision_views.notification_preferences,
        name="notification_preferences",
    ),
    path("api/decisions/", api_decisions.decision_list, name="api_decision_list"),
    path("api/decisions/<int:pk>/", api_decisions.decision_detail, name="api_decision_detail"),
]
