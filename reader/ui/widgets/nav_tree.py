"""The navigation tree: sections with counts, posts as leaves, loaded when opened."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from reader.sanitise import for_terminal
from reader.session import Entry, Session
from reader.ui.widgets.post_list import SIDEBAR_BINDINGS, PostList

# Sections whose list of posts changes as the reader reads and bookmarks.
DYNAMIC = ("bookmarks", "unread", "recent", "highlights", "saved")
CHUNK = 200  # posts a tree node lists directly; larger sections list batches of this many
MIN_NAME = 12  # a section label cut shorter than this (with its ▶) drops its counts instead


# (kind, key): ("section", name), ("chunk", "start:section"), ("post", id), on every node.
NodeData = tuple[str, str]


def _data(node: TreeNode[NodeData]) -> NodeData:
    """A node's data: Tree types it as optional, but every node of ours is made with it."""
    if node.data is None:
        raise ValueError(f"a NavTree node without data: {node.label}")
    return node.data


def section_counts(total: int, unread: int) -> str:
    """A section's counts as the tree shows them: '  16/18' (unread of all), '  18' when
    every post in it is read."""
    return f"  {unread}/{total}" if unread else f"  {total}"


class NavTree(Tree[NodeData], PostList):
    """Node data is ("section", key) or ("post", id)."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Open"),
        *SIDEBAR_BINDINGS,
        Binding("g", "scroll_home", "Top", show=False),
        Binding("G", "scroll_end", "Bottom", show=False),
    ]

    def __init__(self, session: Session, **kwargs) -> None:
        # A section's counts as labelled, by key (render_label runs in Tree's __init__).
        self._counts: dict[str, str] = {}
        self._notes: dict[str, str] = {}  # a bookmarked post's note as its label ends
        super().__init__("gp-reader", data=("section", "root"), **kwargs)
        self.session = session
        self.show_root = False
        self.guide_depth = 3
        self._loaded: set[int] = set()
        # Posts read while Unread is open stay listed (dim, no ●) until it is closed and
        # opened again, as Miniflux keeps them until a reload: the list does not shift
        # under the cursor, and j goes to the post after the one just read.
        self._kept_in_unread: set[str] = set()
        self._details: dict[int, tuple[str | None, int]] = {}  # (note, count) by node id

    def on_mount(self) -> None:
        for key in self.session.root_sections():
            self._add_section(self.root, key)
        self.root.expand()
        self.cursor_line = 0

    def _add_section(self, parent: TreeNode, key: str) -> TreeNode:
        return parent.add(self._section_label(key), data=("section", key), allow_expand=True)

    def _section_label(self, key: str) -> Text:
        label = Text(for_terminal(self.session.label(key), single_line=True), style="bold")
        counts = section_counts(*self.session.counts(key))
        label.append(counts, style="dim")
        self._counts[key] = counts
        return label

    def render_label(self, node: TreeNode, base_style: Style, style: Style) -> Text:
        """Labels cut to the list's width with '…'. A section keeps its counts, and a
        bookmark its note, while the name has room to be read ('Archive by d…  23/28',
        'What A Neighbou…  — for the board'); narrower, the name wins."""
        text = super().render_label(node, base_style, style)
        depth, parent = 0, node.parent
        while parent is not None:
            depth, parent = depth + 1, parent.parent
        room = self.scrollable_content_region.width - self.guide_depth * (depth - 1)
        if room <= 0 or text.cell_len <= room:
            return text
        kind, key = _data(node)
        # What the cut keeps whole at the end: a section's counts; a bookmark's note.
        counts = self._counts.get(key, "") if kind == "section" else self._notes.get(key, "")
        if counts and text.plain.endswith(counts):  # a post shows its note in Bookmarks only
            name_end = len(text.plain) - len(counts)
            keep = room - len(counts) - 1  # and '…'
            if keep >= MIN_NAME:
                head = text[:keep]
                head.rstrip()
                return Text.assemble(head, ("…", "bold"), text[name_end:])
            text = text[:name_end]
            if text.cell_len <= room:
                return text
        text.truncate(room, overflow="ellipsis")
        return text

    def _post_label(self, entry: Entry) -> Text:
        """'●' for unread and '★' for bookmarked, each in its own column: a bookmark
        never hides whether the post is read. In Bookmarks, the note follows the title."""
        if entry.missing:
            title = for_terminal(entry.title, single_line=True)
            return Text(f"   {title} (no longer in the session)", style="dim strike")
        read = self.session.is_read(entry.id)
        label = Text(" " if read else "●", style="bold")
        label.append("★ " if self.session.is_bookmarked(entry.id) else "  ", style="bold")
        if entry.count:  # a post's highlights: before the title, which may be cut
            label.append(f"[{entry.count}] ", style="bold")
        label.append(for_terminal(entry.title, single_line=True), style="" if not read else "dim")
        if entry.note:
            note = f"  — {for_terminal(entry.note, single_line=True)}"
            label.append(note, style="dim italic")
            self._notes[entry.id] = note
        return label

    def on_tree_node_expanded(self, event: Tree.NodeExpanded) -> None:
        self._load(event.node)

    def _load(self, node: TreeNode[NodeData]) -> None:
        kind, key = _data(node)
        if kind not in ("section", "chunk") or node.id in self._loaded or key == "root":
            return
        self._loaded.add(node.id)
        if kind == "chunk":
            first, _, section = key.partition(":")
            entries = self.session.entries(section)[int(first) : int(first) + CHUNK]
            self._add_posts(node, entries)
            return
        subsections = self.session.subsections(key)
        for sub in subsections:
            self._add_section(node, sub)
        entries = self.session.entries(key)
        if key == "unread" and self._kept_in_unread:
            unread = {e.id for e in entries} | self._kept_in_unread
            entries = [e for e in self.session.entries("all") if e.id in unread]
        if subsections:  # a year lists its months, not their posts a second time
            listed = {e.id for sub in subsections for e in self.session.entries(sub)}
            entries = [e for e in entries if e.id not in listed]
        if len(entries) <= CHUNK:
            self._add_posts(node, entries)
            return
        # A large section lists its posts a few hundred at a time, each batch loaded when
        # opened: the tree stays quick at 10,000 posts.
        for start in range(0, len(entries), CHUNK):
            end = min(start + CHUNK, len(entries))
            label = Text(f"Posts {start + 1}–{end}", style="italic")
            node.add(label, data=("chunk", f"{start}:{key}"), allow_expand=True)

    def _add_posts(self, node: TreeNode, entries: list[Entry]) -> None:
        for entry in entries:
            leaf = node.add_leaf(self._post_label(entry), data=("post", entry.id))
            if entry.note or entry.count:
                self._details[leaf.id] = (entry.note, entry.count)

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        kind, value = _data(event.node)
        if kind == "post":
            event.stop()
            self.choose(value)

    @property
    def chosen_id(self) -> str | None:
        node = self.cursor_node
        return _data(node)[1] if node is not None and _data(node)[0] == "post" else None

    def refresh_section(self, key: str) -> None:
        """One top-level section's count and, if it is open, its list (after an open)."""
        for node in self.root.children:
            if node.data == ("section", key):
                self._relabel_section(node)

    def refresh_state(self) -> None:
        """Counts and marks after a read or bookmark change; dynamic sections reloaded."""
        self._relabel(self.root)

    # Not `_refresh_node`: Tree has a private method of that name (it repaints a node's
    # lines, for the cursor and for set_label), and shadowing it left the cursor undrawn.
    def _relabel(self, node: TreeNode[NodeData]) -> None:
        for child in list(node.children):
            kind, value = _data(child)
            if kind == "post":
                article = self.session.corpus.find(value)
                if article is not None:
                    note, count = self._details.get(child.id, (None, 0))
                    child.set_label(
                        self._post_label(Entry(value, article.title, article, note, count))
                    )
                continue
            if kind == "chunk":
                self._relabel(child)
                continue
            if not self._relabel_section(child):
                self._relabel(child)

    def _relabel_section(self, node: TreeNode[NodeData]) -> bool:
        """A section's count; its list reloaded if it changes with reading (True if so)."""
        key = _data(node)[1]
        node.set_label(self._section_label(key))
        if key in DYNAMIC and node.id in self._loaded:
            self._reload(node)
            return True
        return False

    def on_tree_node_collapsed(self, event: Tree.NodeCollapsed) -> None:
        if _data(event.node) == ("section", "unread"):  # opened again: only the unread
            self._kept_in_unread.clear()
            self._loaded.discard(event.node.id)
            event.node.remove_children()

    def _reload(self, node: TreeNode[NodeData]) -> None:
        selected = self.cursor_node.data if self.cursor_node else None
        if _data(node) == ("section", "unread"):
            self._kept_in_unread |= {
                _data(child)[1] for child in self._walk(node) if _data(child)[0] == "post"
            }
        node.remove_children()
        self._loaded.discard(node.id)
        self._load(node)
        if selected is not None and self.cursor_node is None:
            self.select_data(selected)

    def rebuild(self) -> None:
        """Every section again, after the library changed (a sync, an import): the open
        sections stay open and the cursor stays on what it was on, where that still is."""
        selected = self.cursor_node.data if self.cursor_node else None
        opened = [
            node.data
            for node in self._walk(self.root)
            if node.is_expanded and node.data[0] == "section"
        ]
        self.clear()
        self._loaded.clear()
        self._counts.clear()
        for key in self.session.root_sections():
            self._add_section(self.root, key)
        self.root.expand()
        for data in opened:  # outermost first: a year is found once its archive is loaded
            node = self._find(self.root, data)
            if node is not None:
                node.expand()
                self._load(node)
        if selected is not None:
            node = self._find(self.root, selected)
            if node is not None:
                self.call_after_refresh(self._cursor_to, node)

    def _walk(self, node: TreeNode):
        for child in node.children:
            yield child
            yield from self._walk(child)

    def select_section(self, key: str) -> None:
        """Move the cursor to a section, opening its ancestors."""
        node = self._find(self.root, ("section", key))
        if node is None and key.startswith(("topic:", "year:", "month:")):
            parent_key = "topics" if key.startswith("topic:") else "archive"
            parent = self._find(self.root, ("section", parent_key))
            if parent is not None:
                parent.expand()
                self._load(parent)
                if key.startswith("month:"):
                    year = self._find(parent, ("section", f"year:{key[6:10]}"))
                    if year is not None:
                        year.expand()
                        self._load(year)
                node = self._find(self.root, ("section", key))
        if node is not None:
            node.expand()
            self._load(node)
            # Nodes just added have no line yet: move once the tree has laid them out.
            self.call_after_refresh(self._cursor_to, node)

    def _cursor_to(self, node: TreeNode[NodeData]) -> None:
        self.move_cursor(node)
        self.scroll_to_node(node, animate=False)

    def select_data(self, data: tuple[str, str]) -> None:
        node = self._find(self.root, data)
        if node is not None:
            self.move_cursor(node)

    def reveal_post(self, article_id: str) -> None:
        """Put the cursor on a post: in the section the cursor is in, if it lists the post,
        else in All posts (opened to it), which lists every post."""
        data = ("post", article_id)
        section = self.cursor_node
        while section is not None and _data(section)[0] == "post":
            section = section.parent
        node = self._find(section, data) if section is not None else None
        if node is None:
            everything = self._find(self.root, ("section", "all"))
            if everything is None:
                return
            everything.expand()
            self._load(everything)
            node = self._find(everything, data)
            if node is None:  # a large list: the post is in one of its batches
                position = self.session.corpus_position(article_id) or 0
                start = position // CHUNK * CHUNK
                chunk = self._find(everything, ("chunk", f"{start}:all"))
                if chunk is None:
                    return
                chunk.expand()
                self._load(chunk)
                node = self._find(chunk, data)
        if node is not None:
            self.call_after_refresh(self._cursor_to, node)

    def _find(self, node: TreeNode, data: tuple[str, str]) -> TreeNode | None:
        for child in node.children:
            if child.data == data:
                return child
            found = self._find(child, data)
            if found is not None:
                return found
        return None
