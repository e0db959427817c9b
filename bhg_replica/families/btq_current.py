"""Báo Tuyên Quang's current template: article pages of the hex-id CMS (articles from July 2024).

Follows the site configuration a third-party crawler wrote against the live site [seen-3p, config of Feb 2026]:

- ``div.article_content`` holds the title ``h1.media-heading.title5``, the time ``div.date``, the share buttons
  ``ul.social``, the body ``div.content#content`` and a trailing ``div.bd02`` [seen-3p];
- the lede is the body's first bold paragraph, ``#content > p > strong`` [seen-3p]; Tuyên Quang's own ledes carry
  no prefix (a "BTQ - " prefix is attested nowhere), the Hà Giang articles of June 2025 keep "BHG - " [seen];
- the section above the article, ``div.cate_title_1 h2 a.title``, whose class list also carries the category's
  32-hex id [seen-3p];
- related items link with a ``titleN`` class, as listings do [seen-3p for listings; here a guess];
- images as the hex-id CMS's tables ``table[align=center]`` [seen on baohagiang.vn's era B; here a guess];
- the time's text, what ``div.bd02`` holds (here: the tags), the byline's place, the share links and the related
  block's heading and markup: guesses.
"""

from __future__ import annotations

from bhg_replica.families.base import Family, Markup, ckeditor_image_align

SHARE = (
    '<ul class="social"><li><a class="fb" rel="nofollow" href="https://www.facebook.com/sharer/sharer.php?u={url}">'
    'Facebook</a></li><li><a class="zalo" rel="nofollow" href="https://sp.zalo.me/share?url={url}">Zalo</a></li>'
    '<li><a class="print" href="javascript:window.print()">In bài</a></li></ul>\n'
)
TUYEN_QUANG = Markup(
    name="article_content", wrapper=('<div class="article_content">\n', "</div>"),
    section='<div class="cate_title_1"><h2><a class="title {category}" href="{href}">{name}</a></h2></div>',
    title='<h1 class="media-heading title5">{}</h1>', time='<div class="date">{}</div>', after_time=SHARE,
    sapo='<div class="sapo">{}</div>',  # never printed: the lede is in the body
    body='<div class="content" id="content">', lede="<p><strong>{}</strong></p>", paragraph="<p>{}</p>",
    subheading="<h3>{}</h3>", image=ckeditor_image_align,
    author='<p class="author">{}</p>', trailer='<div class="bd02">{tags}</div>\n',
    related='<div class="box_related"><div class="title_box">Tin cùng chuyên mục</div>{items}</div>',
    related_item='<div class="item"><h3><a class="title3" href="{href}">{title}</a></h3>'
    '<div class="summary">{lede}</div><span class="time">{date}</span></div>',
)  # fmt: skip

BTQ_CURRENT = Family(
    "btq-current", (TUYEN_QUANG,), sapo_share=0.0, old_frame=False,
    time_css="div.article_content div.date", body_css="div.content#content",
)  # fmt: skip
