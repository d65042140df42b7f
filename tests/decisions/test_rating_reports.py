"""Reporting a "did they listen?" comment (issue 14): anyone signed in may report a comment
shown on a decision, once, not their own, a few an hour; Commissioners and Editors see the
reports beside the comment and hide it with a reason."""

import pytest
from django.core.exceptions import ValidationError

from engagement.decisions.services import (
    REPORTS_PER_HOUR,
    decision_rate,
    rating_comment_report,
)
from engagement.models import RatingCommentReport
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment(role_user):
    decision = factories.make_decision()
    return decision_rate(
        decision=decision, user=role_user(), score=1, comment="The commissioner is a liar."
    )


def _report_url(rating):
    return f"/decisions/{rating.decision.pk}/ratings/{rating.pk}/report/"


def _messages(response):
    return [str(m) for m in response.wsgi_request._messages]


def test_a_signed_in_person_reports_a_comment_once(client, comment, participant):
    page = client.get(comment.decision.url).content.decode()
    assert "Report this comment" not in page  # signed out: no form
    client.force_login(participant)
    page = client.get(comment.decision.url).content.decode()
    assert "Report this comment" in page

    sent = client.post(_report_url(comment), {"reason": "abusive"})
    assert sent.status_code == 302
    assert sent["Location"].endswith(f"#rating-comment-{comment.pk}")
    assert "The comment is reported" in _messages(sent)[0]
    report = RatingCommentReport.objects.get()
    assert (report.rating, report.reporter, report.reason) == (comment, participant, "abusive")
    page = client.get(comment.decision.url).content.decode()
    assert "You reported this comment." in page
    assert "Report this comment" not in page

    again = client.post(_report_url(comment), {"reason": "spam"})
    assert "You have already reported this comment." in _messages(again)[0]
    assert RatingCommentReport.objects.count() == 1


def test_no_reason_is_a_clear_error_and_stores_nothing(client, comment, participant):
    client.force_login(participant)
    for data in ({}, {"reason": "boring"}):
        refused = client.post(_report_url(comment), data)
        assert refused.status_code == 302
        assert "Choose what is wrong with the comment" in _messages(refused)[0]
    assert not RatingCommentReport.objects.exists()


def test_signed_out_people_cannot_report(client, comment):
    refused = client.post(_report_url(comment), {"reason": "abusive"})
    assert refused.status_code == 302
    assert "/accounts/login/" in refused["Location"]
    assert not RatingCommentReport.objects.exists()


def test_nobody_reports_their_own_comment(client, comment):
    client.force_login(comment.user)
    assert "Report this comment" not in client.get(comment.decision.url).content.decode()
    refused = client.post(_report_url(comment), {"reason": "abusive"})
    assert "your own comment" in _messages(refused)[0]
    assert not RatingCommentReport.objects.exists()


def test_reports_are_rate_limited_per_person(role_user, participant):
    ratings = [
        decision_rate(
            decision=factories.make_decision(title=f"Decision {n}"),
            user=role_user(),
            score=2,
            comment=f"Comment {n}",
        )
        for n in range(REPORTS_PER_HOUR + 1)
    ]
    for rating in ratings[:REPORTS_PER_HOUR]:
        rating_comment_report(rating_id=rating.pk, user=participant, reason="spam")
    with pytest.raises(ValidationError) as limited:
        rating_comment_report(rating_id=ratings[-1].pk, user=participant, reason="spam")
    assert "try again later" in limited.value.messages[0]
    assert RatingCommentReport.objects.count() == REPORTS_PER_HOUR


def test_moderators_see_the_reports_and_hide_the_comment_with_a_reason(
    client, comment, participant, role_user, commissioner
):
    rating_comment_report(rating_id=comment.pk, user=participant, reason="abusive")
    rating_comment_report(rating_id=comment.pk, user=role_user(), reason="personal")
    page = client.get(comment.decision.url).content.decode()
    assert "Reported by" not in page  # the public does not see reports
    client.force_login(commissioner)
    page = client.get(comment.decision.url).content.decode()
    assert "Reported by 2 people:" in page
    assert "It is abusive or hateful; It names or could identify someone" in page
    client.post(
        f"/decisions/{comment.decision.pk}/ratings/{comment.pk}/hide/",
        {"reason": "Personal attack"},
    )
    comment.refresh_from_db()
    assert comment.comment_hidden and comment.comment_hidden_reason == "Personal attack"
    client.logout()
    assert "The commissioner is a liar." not in client.get(comment.decision.url).content.decode()
    # A hidden comment cannot be reported any more.
    client.force_login(role_user())
    refused = client.post(_report_url(comment), {"reason": "spam"})
    assert "no longer shown" in _messages(refused)[0]
