"""Charts to scale: each bar's length is its share on a fixed, labelled 0-100% scale (not scaled
to the largest bar), and the table beside each chart stays."""

import re

import pytest
from django.urls import reverse

from engagement.consultations.charts import SCALE, bar_chart

pytestmark = pytest.mark.django_db


def test_a_bar_is_its_share_of_the_whole_scale_not_of_the_largest_bar():
    # The reported case: "Strongly disagree 21%" beside a largest bar of 37.5% filled 56% of
    # the track. Now it fills 21% of it.
    chart = bar_chart(
        title="Short breaks help me keep caring.",
        bars=[("Strongly disagree", 21.0, "21 (21%)"), ("Agree", 37.5, "37 (38%)")],
    )
    disagree, agree = chart.bars
    assert abs(disagree.width - SCALE * 0.21) <= 1
    assert abs(agree.width - SCALE * 0.375) <= 1
    assert [tick.percent for tick in chart.ticks] == [0, 25, 50, 75, 100]
    assert chart.ticks[-1].x == SCALE


def test_nothing_is_nothing_and_a_little_is_a_sliver():
    chart = bar_chart(title="t", bars=[("none", 0.0, "0"), ("little", 0.1, "1"), ("all", 100, "")])
    assert [bar.width for bar in chart.bars][:2] == [0.0, 1.0]
    assert chart.bars[2].width == SCALE


BAR = re.compile(r'class="coproduce-chart__bar"[^>]*width="([\d.]+)"[^>]*data-share="([\d.]+)"')
TRACK = re.compile(r'class="coproduce-chart__track"[^>]*width="([\d.]+)"')


def test_every_bar_on_the_results_page_matches_its_share_within_a_pixel(client, answered):
    html = client.get(reverse("engagement:consultation_results", args=[answered.pk])).content
    html = html.decode()
    bars = BAR.findall(html)
    tracks = {float(width) for width in TRACK.findall(html)}
    assert tracks == {SCALE}  # every track is the whole scale
    assert len(bars) > 10
    for width, share in bars:
        # The chart is drawn at most 30rem (480 px) wide for 400 units: a unit is 1.2 px.
        assert abs(float(width) - SCALE * float(share) / 100) * 1.2 <= 1, (width, share)
    assert html.count(">100%</text>") == html.count('class="coproduce-chart" viewBox')
    # The tables stay beside the charts.
    assert html.count("<table") >= 4
