"""Báo Hà Giang, era A: article pages of the CMS with numeric ids (articles until the end of 2021).

Follows the XPath configuration a third party wrote against the live site in 2019-2020 [seen-3p, config of
2019-2020] and the stored pages of the notes [seen]:

- the time in an element with the id ``date`` (``div#date``), "10:04, 20/08/2020" [seen-3p; the text seen];
- the body in ``div#content`` [seen-3p], its paragraphs ``<p><span>...</span></p>`` [seen-3p];
- no lede element: the lede is the body's first paragraph, ``<p><span>BHG - ...</span></p>`` [seen-3p]; "HGĐT- "
  in 2014, when it was printed twice, and no prefix on history pages and syndicated items [seen];
- images as CKEditor tables, ``table.image.center``, the caption in ``td.image_desc`` and repeated as alt [seen];
- the byline as the body's last paragraph, right-aligned and bold, "Bài, ảnh: T.PHƯƠNG - N.PHƯƠNG" [seen in the
  seed]; on some pages a block of its own after the body (a guess);
- the related block "Cùng chuyên mục": title, lede, date of each item [seen in the seed]; its markup a guess;
- the title element is unknown: the pages vary it over four plausible forms, one per article (a guess each);
- the label above the title, "Hà Giang", as the seed's text shows it [seen]; its markup a guess.
"""

from __future__ import annotations

from dataclasses import replace

from bhg_replica.families.base import Family, Markup, ckeditor_image_center

TITLE_FORMS = (
    ("h1-title", '<h1 class="title">{}</h1>'),
    ("div-id-title", '<div id="title"><h1>{}</h1></div>'),
    ("h2-news-title", '<h2 class="news-title">{}</h2>'),
    ("div-title", '<div class="title">{}</div>'),
)
ERA_A = Markup(
    name=TITLE_FORMS[0][0], title=TITLE_FORMS[0][1],
    section='<div class="breadcrumb"><a href="https://baohagiang.vn/">Hà Giang</a></div>',
    time='<div id="date">{}</div>',
    sapo='<div class="sapo">{}</div>',  # never printed: the family has no lede element
    body='<div id="content">', lede="<p><span>{}</span></p>",
    paragraph="<p><span>{}</span></p>", subheading="<p><strong><span>{}</span></strong></p>",
    image=ckeditor_image_center, author='<div class="author">{}</div>', tags="",
    related='<div class="box-related"><h3 class="title-box">Cùng chuyên mục</h3>\n<ul class="list-related">{items}'
    "</ul></div>",
    related_item='<li><a class="title-related" href="{href}">{title}</a><div class="sapo-related">{lede}</div>'
    '<span class="date-related">{date}</span></li>',
)  # fmt: skip

BHG_ERA_A = Family(
    "bhg-era-a", tuple(replace(ERA_A, name=name, title=title) for name, title in TITLE_FORMS),
    sapo_share=0.0, old_frame=True, time_css="#date", body_css="#content",
)  # fmt: skip
