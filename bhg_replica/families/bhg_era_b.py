"""Báo Hà Giang, era B: article pages of the hex-id CMS (articles of 2022 until June 2025).

Nothing of this chrome has been seen on baohagiang.vn, so the pages vary it over three templates, one per article,
each drawn on what other papers of the same CMS print [seen-3p, configs of Feb 2026]; which paper's habit each
follows is said beside it. What they share with the family: the lede as the body's first bold paragraph
(``<p><strong>BHG - ...</strong></p>``) on most pages [seen-3p on Tuyên Quang and Khánh Hòa], a separate sapo
element on a quarter of them [seen-3p: Thái Nguyên's ``div.desc``; the share a guess]; images as the CKEditor table
``table[align=center] > tbody``, the caption in the second row, alt repeating it [seen]; tags under "Từ khóa"
(a guess); the related block "Cùng chuyên mục" [seen in era A; here a guess].
"""

from __future__ import annotations

from dataclasses import replace

from bhg_replica.families.base import Family
from bhg_replica.families.btq_current import TUYEN_QUANG

# As Tuyên Quang and Đắk Lắk print it [seen-3p]: div.article_content, h1.media-heading.title5, div.date, #content.
ARTICLE_CONTENT = replace(TUYEN_QUANG, after_time="")
# As Khánh Hòa prints it [seen-3p]: h1.head_title, the body .content-detail, og:url and canonical on every page;
# the time's element, the sapo's and the related block: guesses.
HEAD_TITLE = replace(
    TUYEN_QUANG, name="head_title", section='<div class="breadcrumb"><a href="{href}">{name}</a></div>',
    wrapper=('<article class="detail">\n', "</article>"), title='<h1 class="head_title">{}</h1>',
    time='<div class="meta"><span class="time">{}</span></div>', after_time="", sapo='<h2 class="sapo">{}</h2>',
    body='<div class="content-detail">', author='<div class="author">{}</div>', trailer="{tags}",
    related='<section class="related"><h2 class="title2">Cùng chuyên mục</h2>{items}</section>',
    related_item='<article class="story"><h3><a class="title3" href="{href}">{title}</a></h3>'
    '<div class="summary">{lede}</div><time>{date}</time></article>',
    canonical_always=True,
)  # fmt: skip
# As Thái Nguyên prints it [seen-3p]: the sapo div.desc, the body div.content-detail, listing links a.title2; the
# title's element (a titleN class, the family's habit) and the time's: guesses.
DESC = replace(
    TUYEN_QUANG,
    name="desc", wrapper=('<div class="detail">\n', "</div>"), after_time="", trailer="{tags}",
    section='<div class="breadcrumb"><a class="cate" href="{href}">{name}</a></div>',
    title='<h1 class="title2">{}</h1>', time='<p class="time">{}</p>', sapo='<div class="desc">{}</div>',
    body='<div class="content-detail" id="content-detail">', author='<div class="author">{}</div>',
    related='<div class="box-related"><h3>Cùng chuyên mục</h3><ul>{items}</ul></div>', related_item=(
        '<li><a class="title2" href="{href}">{title}</a><div class="summary">{lede}</div>'
        '<span class="time">{date}</span></li>'
    ),
)  # fmt: skip

BHG_ERA_B = Family(
    "bhg-era-b", (ARTICLE_CONTENT, HEAD_TITLE, DESC), sapo_share=0.25, old_frame=False,
    time_css="div.article_content div.date, .meta .time, p.time", body_css="#content, .content-detail",
)  # fmt: skip
