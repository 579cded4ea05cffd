"""A second simulated WordPress site, unlike tests/wpsite in the ways real sites differ
(see site.py for the quirks and faults)."""

from .content import TITLES, WildPost, make_posts, plain_title
from .site import Quirks, Redirector, WildSite

__all__ = ["TITLES", "Quirks", "Redirector", "WildPost", "WildSite", "make_posts", "plain_title"]
