"""Expertise profiles, the directory, opportunities, invitations and payment claims."""

from django.urls import path

from engagement.profiles.views import claims, lottery, opportunities, profiles

urlpatterns = [
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
    path("opportunities/", opportunities.opportunity_list, name="opportunity_list"),
    path("opportunities/new/", opportunities.opportunity_create, name="opportunity_create"),
    path("opportunities/invitations/", opportunities.invitations, name="invitations"),
    path(
        "opportunities/invitations/<int:pk>/",
        opportunities.invitation_respond,
        name="invitation_respond",
    ),
    path("opportunities/<int:pk>/", opportunities.opportunity_detail, name="opportunity_detail"),
    path(
        "opportunities/<int:pk>/interest/",
        opportunities.opportunity_express_interest,
        name="opportunity_express_interest",
    ),
    path(
        "opportunities/<int:pk>/close/", opportunities.opportunity_close, name="opportunity_close"
    ),
    path(
        "opportunities/<int:pk>/matches/",
        opportunities.opportunity_matches,
        name="opportunity_matches",
    ),
    path(
        "opportunities/<int:pk>/invitations/",
        opportunities.opportunity_invitation_round,
        name="opportunity_invitation_round",
    ),
    path("opportunities/<int:pk>/lottery/", lottery.opportunity_lottery, name="lottery"),
    path(
        "opportunities/<int:pk>/lottery/requests/<int:request_pk>/",
        lottery.lottery_request_status,
        name="lottery_request",
    ),
    path(
        "opportunities/<int:pk>/lottery/<int:draw_pk>/",
        lottery.lottery_draw,
        name="lottery_draw",
    ),
    path(
        "opportunities/<int:pk>/invite/<int:profile_pk>/",
        opportunities.opportunity_invite,
        name="opportunity_invite",
    ),
    path("claims/", claims.claim_list, name="claim_list"),
    path("claims/new/<int:opportunity_pk>/", claims.claim_create, name="claim_create"),
    path("claims/session/<int:session_pk>/", claims.claim_for_session, name="claim_for_session"),
    path("claims/approved.csv", claims.claims_export, name="claims_export"),
    path("claims/<int:pk>/", claims.claim_detail, name="claim_detail"),
    path("claims/<int:pk>/change/", claims.claim_change, name="claim_change"),
    path("claims/<int:pk>/paid/", claims.claim_mark_paid, name="claim_mark_paid"),
]
