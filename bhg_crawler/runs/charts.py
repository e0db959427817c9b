"""Reports for people: HTML pages that open offline, their tables, and pygal charts inlined as SVG."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any

import pygal
from pygal.style import Style

# A page loads nothing: no script, no font, no image or style from elsewhere, so it opens offline and shows
# the same wherever it is opened. A browser refuses anything else, and says so in its console.
POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
CSS = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5em auto; max-width: 1100px; color: #1d2330; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; } h2 { font-size: 1.2em; margin-top: 1.8em; }
table { border-collapse: collapse; margin: 0.6em 0; } caption { text-align: left; font-weight: 600; }
th, td { border-bottom: 1px solid #d8dce4; padding: 0.2em 0.7em; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.lead { color: #4a5263; } .figures, .row { display: flex; flex-wrap: wrap; gap: 0.5em 2.5em; }
.row { align-items: flex-start; } caption { white-space: nowrap; }
.figures figure { margin: 0; } figcaption { font-weight: 600; } .hole { color: #b3261e; font-weight: 600; }
svg { max-width: 100%; height: auto; } svg text.value { paint-order: stroke; stroke: #fff; stroke-width: 3px; }
"""
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1d2330",
    foreground_strong="#1d2330",
    foreground_subtle="#6b7385",
    colors=("#3465a4", "#73d216", "#f57900", "#cc0000", "#75507b", "#c4a000", "#555753"),
    font_family="system-ui, sans-serif",
    value_font_size=11,
    label_font_size=11,
    major_label_font_size=11,
    legend_font_size=12,
    title_font_size=14,
)
SHADES = ("#deebf7", "#9ecae1", "#4292c6", "#08519c")  # a month's share of the busiest month: light to dark
HOLE = "#d62728"  # a hole's colour
HOLE_RADIUS = 7  # a hole's dot, in pixels

# A hole: a month with far fewer articles than the months around it (``holes``).
HOLE_NEIGHBOURS = 3  # months each side that a month is compared with
HOLE_SHARE = 0.5  # a hole has fewer than this share of its neighbours' median
HOLE_FLOOR = 4  # ... and that median is at least this: in a section this sparse, few is no news


def holes(counts: Sequence[int], neighbours: int = HOLE_NEIGHBOURS, share: float = HOLE_SHARE,
          floor: float = HOLE_FLOOR) -> list[float | None]:  # fmt: skip
    """For each of a run of consecutive months' article counts, the median of its neighbours (the counts of up to
    ``neighbours`` months on each side, itself left out) when the month is a hole: its count below ``share`` of
    that median, and the median at least ``floor``; else None. The first and the last month are never holes: a
    section that begins or ends mid-month, and the month under way, have few articles for no fault."""
    found: list[float | None] = [None] * len(counts)
    for i in range(1, len(counts) - 1):
        around = [*counts[max(0, i - neighbours) : i], *counts[i + 1 : i + 1 + neighbours]]
        median = statistics.median(around)
        if median >= floor and counts[i] < share * median:
            found[i] = median
    return found


def months_between(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` (``YYYY-MM``), both in."""
    year, month = int(first[:4]), int(first[5:7])
    found = []
    while f"{year:04d}-{month:02d}" <= last:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


# -- charts -------------------------------------------------------------------------------------------------


def _no_scripts(root: Any) -> Any:
    """An xml filter of pygal: its SVG without its ``<script>`` elements (the configuration of its tooltips,
    whose code would come from elsewhere); a value's ``<title>`` is the browser's own tooltip."""
    for script in list(root.iter("{*}script", "script")):
        script.getparent().remove(script)
    return root


def _chart(kind: type[Any], title: str, **config: Any) -> Any:
    """A pygal chart of ``kind``, self-contained: no scripts, styles inlined, no XML declaration."""
    given = {"print_values": True, "print_zeroes": False, "explicit_size": True, **config}
    chart = kind(title=title, style=STYLE, js=[], disable_xml_declaration=True, **given)
    chart.add_xml_filter(_no_scripts)
    return chart


def svg(chart: Any) -> str:
    """The chart as an inline ``<svg>`` element."""
    return str(chart.render(is_unicode=True))


def bars(title: str, rows: Mapping[str, Mapping[str, int]], series: Sequence[str], width: int = 720) -> str:
    """A horizontal stacked bar chart: a bar a row (``rows``: label -> series -> count), a colour a series."""
    chart = _chart(pygal.HorizontalStackedBar, title, width=width, height=max(160, 60 + 26 * len(rows)),
                   legend_at_bottom=True, legend_at_bottom_columns=len(series), truncate_label=40)  # fmt: skip
    labels = list(rows)[::-1]  # pygal draws the first bar at the bottom
    chart.x_labels = labels
    for name in series:
        chart.add(name, [rows[label].get(name, 0) or None for label in labels])
    return svg(chart)


def counts(title: str, values: Mapping[str, int], name: str, width: int = 480) -> str:
    """A horizontal bar chart of one figure: a bar a label (``values``: label -> count), the figure ``name``d."""
    return bars(title, {label: {name: count} for label, count in values.items()}, [name], width)


def trend(title: str, labels: Sequence[str], values: Sequence[float | None], width: int = 340) -> str:
    """A small bar chart of one figure across runs (``labels``, oldest first); the last bar is this run's."""
    chart = _chart(pygal.Bar, title, width=width, height=200, show_legend=False, show_x_labels=False, max_scale=5,
                   print_values=False)  # fmt: skip
    chart.add(title, [
        {"value": value, "tooltip": f"{label}: {value}", "color": STYLE.colors[1 if i == len(values) - 1 else 0]}
        for i, (label, value) in enumerate(zip(labels, values, strict=True))
    ])  # fmt: skip
    return svg(chart)


def calendar(title: str, counts: Mapping[str, int], flagged: Mapping[str, float], width: int = 520) -> str:
    """A calendar heat map of articles a month (``counts``: ``YYYY-MM`` -> articles, every month of the span): a
    row a year, a column a month, a dot whose size and shade follow the count; a hole (``flagged``: month ->
    its neighbours' median) red."""
    years = sorted({month[:4] for month in counts})
    most = max(counts.values(), default=0) or 1
    chart = _chart(pygal.Dot, title, width=width, height=70 + 30 * len(years), show_legend=False,
                   x_label_rotation=0, print_values_position="center")  # fmt: skip
    chart.x_labels = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    chart.y_labels = years
    for year in years:  # the first series is drawn at the top, by the first label
        cells: list[dict[str, Any] | None] = []
        for number in range(1, 13):
            month = f"{year}-{number:02d}"
            if month not in counts:
                cells.append(None)
                continue
            count = counts[month]
            median = flagged.get(month)
            tooltip = f"{month}: {count} articles"
            if median is None:
                shade = SHADES[min(len(SHADES) - 1, int(len(SHADES) * count / most))]
                cells.append({"value": count, "color": shade, "tooltip": tooltip})
            else:  # a dot of its own size, however few its articles, so that it shows
                cells.append({"value": count, "color": HOLE, "node": {"r": HOLE_RADIUS},
                              "tooltip": f"{tooltip}; a hole: its neighbours' median is {median:g}"})  # fmt: skip
        chart.add(year, cells)
    return svg(chart)


# -- pages --------------------------------------------------------------------------------------------------


def table(caption: str, header: Sequence[str], rows: Iterable[Sequence[Any]], numeric_from: int = 1) -> str:
    """An HTML table, every cell escaped; the columns from ``numeric_from`` on are figures, right-aligned."""

    def cell(tag: str, i: int, value: Any) -> str:
        kind = ' class="n"' if i >= numeric_from else ""
        return f"<{tag}{kind}>{escape('' if value is None else str(value))}</{tag}>"

    head = "".join(cell("th", i, name) for i, name in enumerate(header))
    body = "".join("<tr>" + "".join(cell("td", i, v) for i, v in enumerate(row)) + "</tr>\n" for row in rows)
    return f"<table><caption>{escape(caption)}</caption>\n<tr>{head}</tr>\n{body}</table>\n"


def figures(*charts: tuple[str, str]) -> str:
    """Charts side by side, each ``(caption, svg)``."""
    inner = "".join(f"<figure><figcaption>{escape(c)}</figcaption>{chart}</figure>\n" for c, chart in charts)
    return f'<div class="figures">\n{inner}</div>\n'


def row(*parts: str) -> str:
    """HTML parts side by side (tables), wrapping when the page is narrow."""
    return f'<div class="row">\n{"".join(parts)}</div>\n'


def section(title: str, *parts: str) -> str:
    """A titled part of a page: its ``<h2>`` and its HTML ``parts``."""
    return f"<section>\n<h2>{escape(title)}</h2>\n{''.join(parts)}</section>\n"


def paragraph(text: str) -> str:
    """A paragraph of plain text, escaped."""
    return f'<p class="lead">{escape(text)}</p>\n'


def page(title: str, parts: Iterable[str]) -> str:
    """A whole HTML page: its ``title`` and the HTML ``parts`` of its body, styles inline, nothing loaded."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<h1>{escape(title)}</h1>\n"
        + "".join(parts)
        + "</body>\n</html>\n"
    )
