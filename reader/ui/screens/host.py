"""What MainScreen gives the mixins it is made of (reader.ui.screens.library,
.reading_notes, .exports).

For the type checker only: at run time `MainScreenHost` is `object`, so a mixin adds
nothing to MainScreen's bases; under TYPE_CHECKING it is a Screen with the attributes and
methods of MainScreen that the mixins call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from textual.screen import Screen

    from reader.articles.model import Article
    from reader.session import Session
    from reader.ui.widgets.article_view import ArticleView

    class MainScreenHost(Screen[None]):
        session: Session
        searching: bool
        last_search: str | None

        @property
        def current(self) -> Article | None: ...

        @property
        def article_view(self) -> ArticleView: ...

        def _update_byline(self) -> None: ...

        def _fold_list_if_narrow(self) -> None: ...

        def go_to_section(self, key: str) -> None: ...

        def open_article(
            self,
            article_id: str,
            terms: Iterable[str] = (),
            position: float | None = None,
            focus: bool = True,
            chosen: bool = True,
        ) -> None: ...

else:
    MainScreenHost = object
