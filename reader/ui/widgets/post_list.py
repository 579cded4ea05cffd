"""What the three lists of posts share: the tree, the search results, related reading.

Each moves with j/k, knows the post under its cursor (`chosen_id`), and posts one message,
`PostList.PostChosen`, whose `control` is the list it came from: the screen handles them
all in one place and asks the message where the post was chosen.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget

# The keys of the list beside the post (the tree, the search results): Enter opens a post
# and the keys stay in the list, so skimming is j Enter j Enter (each list binds its Enter,
# 'Open' in the footer); → or l goes to the post, and Space pages the open post from here.
SIDEBAR_BINDINGS = [
    # Shown as 'l' (drawn '→'): Textual's scrolling bindings already hold 'right', which
    # would put 'Post' before 'Open' in the footer.
    Binding("l", "screen.to_post", "Post", key_display="→"),
    Binding("right", "screen.to_post", "Post", show=False),
    Binding("space", "screen.page_post", "Page", show=False),
]


class PostList(Widget):
    """A base for lists of posts, named after the Textual widget that draws the list
    (`class NavTree(Tree, PostList)`): Textual takes a widget's styles and component
    classes from its first base, and bindings from every base."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    class PostChosen(Message):
        """The reader chose a post in a list (Enter or a click)."""

        def __init__(self, post_list: PostList, article_id: str) -> None:
            super().__init__()
            self.post_list = post_list
            self.article_id = article_id

        @property
        def control(self) -> PostList:
            return self.post_list

    @property
    def chosen_id(self) -> str | None:
        """The post under the cursor, if a post is there."""
        raise NotImplementedError

    def choose(self, article_id: str) -> None:
        self.post_message(self.PostChosen(self, article_id))
