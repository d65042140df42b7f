"""The opinion map as server-rendered SVG: one anonymous dot per person, an outline round each
opinion group shown, and the group's letter. Pure (no Django): the caller marks the string safe.

Groups differ by shape as well as colour (circle, square, triangle, diamond, cross), so the map
reads without colour; the page always carries a text summary and tables with the same facts.
People in no group shown (too few votes, or a group under the size limit) are small grey dots.
"""

from html import escape

import numpy as np
from scipy.spatial import ConvexHull, QhullError

WIDTH, HEIGHT, PAD = 480, 320, 28
# NHS.UK palette; each at least 3:1 against white (WCAG 1.4.11, non-text contrast).
COLOURS = ("#005eb8", "#007f3b", "#d5281b", "#7c2855", "#330072")
SHAPES = ("circle", "square", "triangle", "diamond", "cross")
OTHER = "#768692"


def group_letter(label: int) -> str:
    return chr(ord("A") + label) if 0 <= label < 26 else str(label + 1)


def _shape(kind: str, x: float, y: float, colour: str, r: float = 4.5) -> str:
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{colour}"/>'
    if kind == "square":
        return (
            f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r}" height="{2 * r}"'
            f' fill="{colour}"/>'
        )
    if kind == "triangle":
        points = f"{x:.1f},{y - r:.1f} {x - r:.1f},{y + r:.1f} {x + r:.1f},{y + r:.1f}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    if kind == "diamond":
        points = f"{x:.1f},{y - r:.1f} {x + r:.1f},{y:.1f} {x:.1f},{y + r:.1f} {x - r:.1f},{y:.1f}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    return (
        f'<path d="M{x - r:.1f} {y - r:.1f}L{x + r:.1f} {y + r:.1f}M{x + r:.1f} {y - r:.1f}'
        f'L{x - r:.1f} {y + r:.1f}" stroke="{colour}" stroke-width="2.5"/>'
    )


def _outline(points: np.ndarray, colour: str) -> str:
    """The group's convex hull, or a circle round it where the people are on one spot or one
    line (identical voting makes that common in small rooms)."""
    style = (
        f'fill="{colour}" fill-opacity="0.08" stroke="{colour}" stroke-width="1.5"'
        ' class="app-opinion-map__outline"'
    )
    if len(np.unique(points.round(3), axis=0)) >= 3:
        try:
            hull = ConvexHull(points)
            outline = " ".join(f"{x:.1f},{y:.1f}" for x, y in points[hull.vertices])
            return f'<polygon points="{outline}" {style} stroke-linejoin="round"/>'
        except QhullError:
            pass  # all on one line
    cx, cy = points.mean(axis=0)
    radius = float(np.max(np.hypot(points[:, 0] - cx, points[:, 1] - cy))) + 12
    return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius:.1f}" {style}/>'


def opinion_map_svg(
    *,
    projection: dict,
    groups: list[tuple[int, list]],
    title: str,
    description: str,
    element_id: str = "opinion-map",
) -> str:
    """`projection`: person -> (x, y); `groups`: (label, members) for the groups to show."""
    if not projection:
        return ""
    people = list(projection)
    points = np.array([projection[p] for p in people], dtype=float)
    low, high = points.min(axis=0), points.max(axis=0)
    span = np.where(high - low > 1e-9, high - low, 1.0)
    scaled = PAD + (points - low) / span * np.array([WIDTH - 2 * PAD, HEIGHT - 2 * PAD])
    where = dict(zip(people, scaled, strict=True))
    in_group = {p: label for label, members in groups for p in members}

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' class="app-opinion-map" role="img" aria-labelledby="{element_id}-title'
        f' {element_id}-desc" id="{element_id}">',
        f'<title id="{element_id}-title">{escape(title)}</title>',
        f'<desc id="{element_id}-desc">{escape(description)}</desc>',
        f'<rect x="0.5" y="0.5" width="{WIDTH - 1}" height="{HEIGHT - 1}" fill="#ffffff"'
        ' stroke="#aeb7bd"/>',
    ]
    for label, members in groups:
        colour = COLOURS[label % len(COLOURS)]
        member_points = np.array([where[p] for p in members if p in where])
        if len(member_points):
            parts.append(_outline(member_points, colour))
    for person in people:
        x, y = where[person]
        label = in_group.get(person)
        if label is None:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{OTHER}"/>')
        else:
            parts.append(_shape(SHAPES[label % len(SHAPES)], x, y, COLOURS[label % len(COLOURS)]))
    for label, members in groups:
        member_points = np.array([where[p] for p in members if p in where])
        if len(member_points):
            cx, cy = member_points.mean(axis=0)
            parts.append(
                f'<text x="{cx:.1f}" y="{cy - 10:.1f}" font-size="18" font-weight="bold"'
                f' text-anchor="middle" fill="#212b32" stroke="#ffffff" stroke-width="4"'
                f' paint-order="stroke">{group_letter(label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
