# ruff: noqa: E501 - the templates keep the lines of markup as WordPress prints them
"""The site's HTML (a WooCommerce-era theme with Yoast and Jetpack) and its RSS 2.0 feeds.

Feeds follow wp-includes/feed-rss2.php: channel title/atom:link/link/description/
lastBuildDate/language/sy:updatePeriod/sy:updateFrequency/generator, then per item title,
link, comments, dc:creator (CDATA), pubDate, category (CDATA, one per term), guid
isPermaLink="false", description (the excerpt, CDATA), content:encoded (CDATA, full text
unless the site is set to summaries), wfw:commentRss, slash:comments.
"""

from __future__ import annotations

from html import escape

from .content import Post, texturize, trimmed_excerpt

MENU = (
    ("Home", ""),
    ("Who We Are", "who-we-are/"),
    ("Our mission", "our-mission/"),
    ("Our Services", "our-services/"),
    ("Blog", "category/blogs/"),
    ("Blog Index", "blog-index/"),
    ("Podcast", "category/podcast/"),
    ("Podcast Index", "podcast-index/"),
    ("Resources", "resources/"),
    ("Contact Us", "contact-us/"),
)
WP_VERSION = "6.7.2"


def _attr(text: str) -> str:
    return escape(text, quote=True)


def _head(site, title: str, canonical: str, og_type: str, extra: str = "") -> str:
    url = site.url
    links = []
    if site.feed_enabled:
        name = _attr(site.name)
        links.append(
            f'<link rel="alternate" type="application/rss+xml" title="{name} &raquo; Feed" '
            f'href="{url}feed/" />'
        )
        links.append(
            f'<link rel="alternate" type="application/rss+xml" title="{name} &raquo; Comments '
            f'Feed" href="{url}comments/feed/" />'
        )
    if site.rest_enabled:
        links.append(f'<link rel="https://api.w.org/" href="{url}wp-json/" />')
    links.append(
        f'<link rel="EditURI" type="application/rsd+xml" title="RSD" href="{url}xmlrpc.php?rsd" />'
    )
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="profile" href="https://gmpg.org/xfn/11">
<title>{title}</title>
<!-- This site is optimized with the Yoast SEO plugin v24.5 - https://yoast.com/wordpress/plugins/seo/ -->
<link rel="canonical" href="{canonical}" />
<meta property="og:locale" content="en_GB" />
<meta property="og:type" content="{og_type}" />
<meta property="og:title" content="{title}" />
<meta property="og:url" content="{canonical}" />
<meta property="og:site_name" content="{_attr(site.name)}" />
<!-- / Yoast SEO plugin. -->
{chr(10).join(links)}
<meta name="generator" content="WordPress {WP_VERSION}" />
<meta name="generator" content="WooCommerce 9.6.1" />
{extra}<link rel='stylesheet' id='wp-block-library-css' href='{url}wp-includes/css/dist/block-library/style.min.css?ver={WP_VERSION}' media='all' />
<script type="text/javascript" src="{url}wp-includes/js/jquery/jquery.min.js?ver=3.7.1" id="jquery-core-js"></script>
</head>
"""


def _chrome_top(site, body_class: str) -> str:
    items = "\n".join(
        f'<li id="menu-item-{20 + n}" class="menu-item menu-item-type-post_type '
        f'menu-item-{20 + n}"><a href="{site.url}{path}">{label}</a></li>'
        for n, (label, path) in enumerate(MENU)
    )
    return f"""<body class="{body_class} wp-theme-ockham woocommerce-no-js">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<div id="page" class="site">
<header id="masthead" class="site-header" role="banner">
<div class="site-branding"><p class="site-title"><a href="{site.url}" rel="home">{escape(site.name)}</a></p>
<p class="site-description">{escape(site.description)}</p></div>
<nav id="site-navigation" class="main-navigation" aria-label="Primary Menu">
<button class="menu-toggle" aria-controls="primary-menu" aria-expanded="false">Menu</button>
<ul id="primary-menu" class="menu">
{items}
</ul></nav>
<div class="site-header-cart"><a class="cart-contents" href="{site.url}basket/" title="View your shopping basket"><span class="amount">&pound;0.00</span> <span class="count">0 items</span></a>
<div class="widget woocommerce widget_shopping_cart"><div class="widget_shopping_cart_content">
<p class="woocommerce-mini-cart__empty-message">No products in the basket.</p>
</div></div></div>
</header>
<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" class="site-main">
"""


def _chrome_bottom(site) -> str:
    return f"""</main></div>
<aside id="secondary" class="widget-area"><section id="search-2" class="widget widget_search"><form role="search" method="get" class="search-form" action="{site.url}"><label><span class="screen-reader-text">Search for:</span><input type="search" class="search-field" placeholder="Search &hellip;" value="" name="s" /></label><input type="submit" class="search-submit" value="Search" /></form></section></aside>
</div>
<footer id="colophon" class="site-footer"><div class="site-info">&copy; 2025 {escape(site.name)} | <a href="{site.url}privacy-policy/">Privacy Policy</a> | Proudly powered by <a href="https://wordpress.org/">WordPress</a></div></footer>
</div>
<script type="text/javascript" src="{site.url}wp-content/plugins/jetpack/_inc/build/sharedaddy/sharing.min.js?ver=14.3" id="sharing-js-js"></script>
</body>
</html>
"""


def document(
    site, title: str, canonical: str, body: str, body_class: str, og_type="website", extra=""
) -> str:
    return (
        _head(site, title, canonical, og_type, extra)
        + _chrome_top(site, body_class)
        + body
        + _chrome_bottom(site)
    )


def _cat_links(site, post: Post) -> str:
    return ", ".join(
        f'<a href="{site.term_link(t)}" rel="category tag">{escape(t.name)}</a>'
        for t in site.post_terms(post, "category")
    )


def _date_block(site, post: Post) -> str:
    local = site.local(post.date_gmt)
    return (
        f'<span class="posted-on"><a href="{site.permalink(post)}" rel="bookmark">'
        f'<time class="entry-date published" datetime="{local.isoformat()}">'
        f"{local.strftime('%-d %B %Y')}</time></a></span>"
    )


def _summary(site, post: Post) -> str:
    link = site.permalink(post)
    return f"""<article id="post-{post.id}" class="post-{post.id} post type-post status-publish format-standard hentry">
<header class="entry-header"><h2 class="entry-title"><a href="{link}" rel="bookmark">{texturize(post.title)}</a></h2>
<div class="entry-meta">{_date_block(site, post)}<span class="byline"> by <span class="author vcard"><a class="url fn n" href="{site.url}author/{site.author_slug(post)}/">{escape(post.author)}</a></span></span></div></header>
<div class="entry-summary"><p>{trimmed_excerpt(post, " [&hellip;]")}</p>
<p><a class="more-link" href="{link}">Read more<span class="screen-reader-text"> &#8220;{texturize(post.title)}&#8221;</span></a></p></div>
<footer class="entry-footer"><span class="cat-links">Posted in {_cat_links(site, post)}</span></footer>
</article>
"""


def pager(base: str, page_no: int, total: int) -> str:
    """WP-PageNavi's markup: 'Page 1 of N', numbers, next/last links."""
    if total <= 1:
        return ""

    def href(n: int) -> str:
        return base if n == 1 else f"{base}page/{n}/"

    parts = [f"<span class='pages'>Page {page_no} of {total}</span>"]
    if page_no > 1:
        parts.append(
            f'<a class="previouspostslink" rel="prev" aria-label="Previous Page" href="{href(page_no - 1)}">&laquo;</a>'
        )
    for n in range(max(1, page_no - 2), min(total, page_no + 2) + 1):
        if n == page_no:
            parts.append(f"<span aria-current='page' class='current'>{n}</span>")
        else:
            parts.append(f'<a class="page larger" title="Page {n}" href="{href(n)}">{n}</a>')
    if page_no < total:
        parts.append("<span class='extend'>...</span>")
        parts.append(
            f'<a class="nextpostslink" rel="next" aria-label="Next Page" href="{href(page_no + 1)}">&raquo;</a>'
        )
        parts.append(
            f'<a class="last" aria-label="Last Page" href="{href(total)}">Last &raquo;</a>'
        )
    return "<div class='wp-pagenavi' role='navigation'>\n" + "".join(parts) + "\n</div>\n"


def listing(
    site, heading: str, base: str, posts: list[Post], page_no: int, total: int, body_class: str
) -> str:
    title = f"{heading} - {escape(site.name)}" if heading else escape(site.name)
    if page_no > 1:
        title = f"{heading or escape(site.name)} - Page {page_no} of {total} - {escape(site.name)}"
    canonical = base if page_no == 1 else f"{base}page/{page_no}/"
    header = (
        f'<header class="page-header"><h1 class="page-title">{heading}</h1></header>\n'
        if heading
        else ""
    )
    body = header + "".join(_summary(site, p) for p in posts) + pager(base, page_no, total)
    return document(site, title, canonical, body, body_class)


def sharing(site, post: Post) -> str:
    link = site.permalink(post)
    return f"""<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social sd-social-icon-text sd-sharing"><h3 class="sd-title">Share this:</h3><div class="sd-content"><ul><li class="share-twitter"><a rel="nofollow noopener noreferrer" data-shared="sharing-twitter-{post.id}" class="share-twitter sd-button share-icon" href="{link}?share=twitter" target="_blank" title="Click to share on Twitter"><span>Twitter</span></a></li><li class="share-linkedin"><a rel="nofollow noopener noreferrer" data-shared="sharing-linkedin-{post.id}" class="share-linkedin sd-button share-icon" href="{link}?share=linkedin" target="_blank" title="Click to share on LinkedIn"><span>LinkedIn</span></a></li><li class="share-email"><a rel="nofollow noopener noreferrer" class="share-email sd-button share-icon" href="mailto:?subject=%5BShared%20Post%5D%20{post.slug}&#038;body={link}&#038;share=email" target="_blank" title="Click to email a link to a friend"><span>Email</span></a></li><li class="share-end"></li></ul></div></div></div>"""


def related(post: Post) -> str:
    return (
        "<div id='jp-relatedposts' class='jp-relatedposts' >\n"
        '\t<h3 class="jp-relatedposts-headline"><em>Related</em></h3>\n</div>'
    )


def rendered_content(site, post: Post) -> str:
    """the_content on a page or in REST: the post body plus what Jetpack appends."""
    if not site.jetpack:
        return post.content
    return post.content + sharing(site, post) + related(post)


def single(site, post: Post, related_posts: list[Post]) -> str:
    title = f"{texturize(post.title)} - {escape(site.name)}"
    link = site.permalink(post)
    rel = "".join(
        f'<li><a href="{site.permalink(p)}">{texturize(p.title)}</a></li>' for p in related_posts
    )
    tags = ", ".join(
        f'<a href="{site.term_link(t)}" rel="tag">{escape(t.name)}</a>'
        for t in site.post_terms(post, "post_tag")
    )
    tag_html = f'<span class="tags-links">Tagged {tags}</span>' if tags else ""
    body = f"""<article id="post-{post.id}" class="post-{post.id} post type-post status-publish format-standard hentry">
<header class="entry-header"><h1 class="entry-title">{texturize(post.title)}</h1>
<div class="entry-meta">{_date_block(site, post)}<span class="byline"> by <span class="author vcard"><a class="url fn n" href="{site.url}author/{site.author_slug(post)}/">{escape(post.author)}</a></span></span></div></header>
<div class="entry-content">
{rendered_content(site, post)}
</div>
<footer class="entry-footer"><span class="cat-links">Posted in {_cat_links(site, post)}</span>{tag_html}</footer>
</article>
<div class="related-posts"><h3 class="related-posts-title">You may also like</h3><ul>{rel}</ul></div>
<div class="author-box"><img alt='' src='https://secure.gravatar.com/avatar/0?s=96&#038;d=mm&#038;r=g' class='avatar avatar-96 photo' height='96' width='96' /><h4 class="author-name">About {escape(post.author)}</h4><p class="author-bio">{escape(post.author)} writes about general practice and the wider NHS.</p></div>
<nav class="navigation post-navigation" aria-label="Posts"><h2 class="screen-reader-text">Post navigation</h2></nav>
<div id="comments" class="comments-area"><div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">Leave a Reply <small><a rel="nofollow" id="cancel-comment-reply-link" href="{link}#respond" style="display:none;">Cancel reply</a></small></h3><form action="{site.url}wp-comments-post.php" method="post" id="commentform" class="comment-form"><p class="comment-notes"><span id="email-notes">Your email address will not be published.</span> Required fields are marked <span class="required">*</span></p><p class="comment-form-comment"><label for="comment">Comment <span class="required">*</span></label> <textarea id="comment" name="comment" cols="45" rows="8" maxlength="65525" required></textarea></p><p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment" /> <input type='hidden' name='comment_post_ID' value='{post.id}' id='comment_post_ID' /></p></form></div></div>
"""
    extra = (
        f'<meta property="article:published_time" content="{post.date_gmt.isoformat()}" />\n'
        f'<meta property="article:modified_time" content="{post.modified_gmt.isoformat()}" />\n'
        f'<link rel="shortlink" href="{site.url}?p={post.id}" />\n'
    )
    if site.rest_enabled:
        extra += (
            f'<link rel="alternate" title="JSON" type="application/json" '
            f'href="{site.url}wp-json/wp/v2/posts/{post.id}" />\n'
        )
    return document(
        site,
        title,
        link,
        body,
        f"post-template-default single single-post postid-{post.id}",
        "article",
        extra,
    )


def static_page(site, title: str, inner: str, slug: str) -> str:
    body = (
        f'<article class="page type-page status-publish hentry"><header class="entry-header">'
        f'<h1 class="entry-title">{escape(title)}</h1></header>'
        f'<div class="entry-content">{inner}</div></article>\n'
    )
    return document(
        site,
        f"{escape(title)} - {escape(site.name)}",
        f"{site.url}{slug}/",
        body,
        "page-template-default page",
    )


def not_found(site) -> str:
    body = (
        '<section class="error-404 not-found"><header class="page-header"><h1 class="page-title">'
        'Oops! That page can&rsquo;t be found.</h1></header><div class="page-content"><p>It '
        "looks like nothing was found at this location.</p></div></section>\n"
    )
    return document(site, f"Page not found - {escape(site.name)}", site.url, body, "error404")


# --- feeds ---------------------------------------------------------------------------------


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def feed_item(site, post: Post) -> str:
    link = site.permalink(post)
    cats = "".join(
        f"\t\t<category>{_cdata(name)}</category>\n" for name in [*post.categories, *post.tags]
    )
    content = ""
    if site.feed_full_text:
        body = post.content
        if site.yoast_footer:
            body += (
                f'<p>The post <a href="{link}">{texturize(post.title)}</a> appeared first on '
                f'<a href="{site.url}">{escape(site.name)}</a>.</p>\n'
            )
        content = f"\t\t\t\t\t\t\t\t\t\t<content:encoded>{_cdata(body)}</content:encoded>\n"
    excerpt = trimmed_excerpt(post)
    if site.yoast_footer:
        excerpt += (
            f'<p>The post <a href="{link}">{texturize(post.title)}</a> appeared first on '
            f'<a href="{site.url}">{escape(site.name)}</a>.</p>'
        )
    return (
        "\t<item>\n"
        f"\t\t<title>{texturize(post.title)}</title>\n"
        f"\t\t<link>{link}</link>\n"
        f"\t\t\t\t\t<comments>{link}#respond</comments>\n"
        "\t\t\n"
        f"\t\t<dc:creator>{_cdata(post.author)}</dc:creator>\n"
        f"\t\t<pubDate>{_rfc822(post.date_gmt)}</pubDate>\n"
        f"{cats}"
        f'\t\t<guid isPermaLink="false">{site.url}?p={post.id}</guid>\n\n'
        f"\t\t\t\t\t<description>{_cdata(excerpt)}</description>\n"
        f"{content}"
        f"\t\t\t\t\t<wfw:commentRss>{link}feed/</wfw:commentRss>\n"
        "\t\t\t<slash:comments>0</slash:comments>\n"
        "\t\t</item>\n"
    )


def _rfc822(when) -> str:
    from .wire import rfc822

    return rfc822(when)


def feed(
    site,
    posts: list[Post],
    self_link: str,
    title: str | None = None,
    link: str | None = None,
    last_build=None,
) -> str:
    items = "".join(feed_item(site, p) for p in posts)
    last = _rfc822(last_build) if last_build else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n'
        '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
        '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
        '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '\txmlns:atom="http://www.w3.org/2005/Atom"\n'
        '\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"\n'
        '\txmlns:slash="http://purl.org/rss/1.0/modules/slash/"\n'
        "\t>\n\n<channel>\n"
        f"\t<title>{title or escape(site.name, quote=False)}</title>\n"
        f'\t<atom:link href="{escape(self_link)}" rel="self" type="application/rss+xml" />\n'
        f"\t<link>{link or site.url.rstrip('/')}</link>\n"
        f"\t<description>{escape(site.description, quote=False)}</description>\n"
        f"\t<lastBuildDate>{last}</lastBuildDate>\n"
        "\t<language>en-GB</language>\n"
        "\t<sy:updatePeriod>\n\thourly\t</sy:updatePeriod>\n"
        "\t<sy:updateFrequency>\n\t1\t</sy:updateFrequency>\n"
        f"\t<generator>https://wordpress.org/?v={WP_VERSION}</generator>\n"
        f"{items}\t</channel>\n</rss>\n"
    )
