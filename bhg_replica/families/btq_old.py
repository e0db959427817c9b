"""Báo Tuyên Quang's old CMS: article pages with ``.html`` URLs (its articles until mid-2024).

Its URLs are [seen-3p, config of Feb 2026]: ``/<section>[/<sub>]/<slug>-<number>.html``, usually with a section
path (``/xa-hoi/...-158912.html``, ``/kinh-te/nong-nghiep-nong-thon/...-87995.html``), some with none
(``/banh-gai-chiem-hoa-vao-mua-179493.html``); its images under ``/media/images/YYYY/MM/img_<timestamp>.jpg``.
Its markup has not been seen: everything below is a guess, a plausible template of its time (a sapo apart from the
body, in bold; images in ``figure``; the section in a breadcrumb, so that an unsectioned URL still shows it).
"""

from __future__ import annotations

from bhg_replica.families.base import Family, Markup, figure_image

OLD_CMS = Markup(
    name="post",
    section='<div class="breadcrumb"><a href="https://baotuyenquang.com.vn/">Trang chủ</a> » '
    '<a class="cat" href="{href}">{name}</a></div>',
    wrapper=('<div class="post-detail">\n', "</div>"), title='<h1 class="post-title">{}</h1>',
    time='<div class="post-date">{}</div>', sapo='<div class="post-sapo"><strong>{}</strong></div>',
    body='<div class="post-content">', lede="<p><strong>{}</strong></p>",  # never printed: the sapo is apart
    paragraph='<p style="text-align: justify;">{}</p>', subheading="<p><strong>{}</strong></p>", image=figure_image,
    author='<div class="post-author">{}</div>', tags='<div class="post-tags">Từ khóa: {}</div>',
    related='<div class="related-news"><h3>Tin cùng chuyên mục</h3><ul>{items}</ul></div>',
    related_item='<li><a href="{href}">{title}</a><p>{lede}</p><span class="post-date">({date})</span></li>',
)  # fmt: skip

BTQ_OLD = Family(
    "btq-old", (OLD_CMS,), sapo_share=1.0, old_frame=True, time_css="div.post-detail div.post-date",
    body_css="div.post-content",
)  # fmt: skip
