"""Qt models over search results, the guide's outline and bookmarks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex

from patternkb.app.roles import DISPLAY, TOOL_TIP, Role
from patternkb.index.results import SearchHit, SearchResult, SubHit
from patternkb.kb.slugs import snippet_anchor

if TYPE_CHECKING:
    from patternkb.kb.models import KnowledgeBase

_Index = QModelIndex | QPersistentModelIndex


def opened_by(hit: SearchHit, sub: SubHit) -> SearchHit:
    """What a sub-hit row opens: its entry scrolled to the snippet or part, or the checklist
    item (an entry of its own)."""
    inside = sub.kind != "checklist"
    return SearchHit(id=sub.id, kind=sub.kind, title=sub.title, path=(*hit.path, sub.title), section=hit.section,
                     score=sub.score, fragment=sub.fragment, parent=hit.id if inside else None,
                     anchor=sub.anchor if inside else None)


class ResultsModel(QAbstractListModel):
    """The rows of one search: each result's entry, then its sub-hits (a snippet, a named part, a
    checklist item found inside it) one level in, so Up/Down walks both. A new search swaps the
    whole set."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._rows: list[tuple[SearchHit, str | None]] = []  # (what the row opens, a sub-hit's label)
        self.result: SearchResult | None = None

    def set_result(self, result: SearchResult | None) -> None:
        self.beginResetModel()
        self.result = result
        self._rows = []
        for hit in result.hits if result else ():
            self._rows.append((hit, None))
            self._rows += [(opened_by(hit, sub), sub.label) for sub in hit.sub_hits]
        self.endResetModel()

    def hit(self, row: int) -> SearchHit | None:
        """What the row opens: a result, or (a sub-hit's row) the place inside it."""
        return self._rows[row][0] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = DISPLAY):
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or index.column() != 0:
            return None
        hit, label = self._rows[index.row()]
        if role == DISPLAY:
            return hit.title if label is None else f"{label}: {hit.title}"
        if role == TOOL_TIP:
            return hit.breadcrumb
        return {
            Role.Id: hit.id, Role.Kind: hit.kind, Role.Path: hit.breadcrumb, Role.Fragment: hit.fragment,
            Role.Section: hit.section, Role.Parent: hit.parent, Role.Anchor: hit.anchor, Role.Score: hit.score,
            Role.Depth: 0 if label is None else 1,
        }.get(role)

    def roleNames(self):
        names = super().roleNames()
        names.update({int(r): r.name.lower().encode() for r in Role})
        return names


@dataclass(eq=False)
class OutlineNode:
    """One line of the Browse tab: a section, an entry, a snippet, a checklist group or item."""

    title: str
    kind: str  # section, pattern, snippet, group, checklist
    entry_id: str | None = None
    anchor: str | None = None
    parent: "OutlineNode | None" = None
    children: list["OutlineNode"] = field(default_factory=list)
    row: int = 0

    def add(self, child: "OutlineNode") -> "OutlineNode":
        child.parent, child.row = self, len(self.children)
        self.children.append(child)
        return child


def build_outline(kb: KnowledgeBase) -> OutlineNode:
    """The KB's outline (its root node). Plain Python, no Qt: the window builds it on the index
    job's thread (two seconds at 50,000 entries), then hands it to the model."""
    root = OutlineNode("", "root")
    sections = {}
    for section in kb.sections:
        label = f"{section.icon} {section.title}".strip()
        sections[section.id] = root.add(OutlineNode(label, "section"))
    groups: dict[tuple[str, str, str], OutlineNode] = {}
    for entry in kb.entries:
        parent_node = sections.get(entry.section)
        if parent_node is None:
            continue
        if entry.kind in ("pattern", "overview"):  # an overview: the section's own text, in its place
            node = parent_node.add(OutlineNode(entry.title, entry.kind, entry.id))
            for n, snippet in enumerate(entry.snippets):
                anchor = snippet_anchor(entry.id, n, snippet.title).split("#", 1)[1]
                node.add(OutlineNode(snippet.title, "snippet", entry.id, anchor))
        elif entry.kind == "checklist":
            key = (entry.section, entry.list, entry.group)
            if key not in groups:
                groups[key] = parent_node.add(OutlineNode(f"{entry.list} › {entry.group}", "group"))
            groups[key].add(OutlineNode(entry.title, "checklist", entry.id))
    return root


class OutlineModel(QAbstractItemModel):
    """The guide in its own order: sections → overviews and patterns → snippets; checklist groups → items.
    Empty until it has a KB (the window loads the KB after it first paints)."""

    def __init__(self, kb: KnowledgeBase | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._root = build_outline(kb) if kb is not None else OutlineNode("", "root")

    def set_kb(self, kb: KnowledgeBase) -> None:
        self.set_outline(build_outline(kb))

    def set_outline(self, root: OutlineNode) -> None:
        """Show an outline built already (build_outline)."""
        self.beginResetModel()
        self._root = root
        self.endResetModel()

    def _node(self, index: _Index) -> OutlineNode:
        return index.internalPointer() if index.isValid() else self._root

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:
        node = self._node(parent)
        if column != 0 or not 0 <= row < len(node.children):
            return QModelIndex()
        return self.createIndex(row, 0, node.children[row])

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        node = self._node(index).parent
        if node is None or node is self._root:
            return QModelIndex()
        return self.createIndex(node.row, 0, node)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 1

    def data(self, index: _Index, role: int = DISPLAY):
        if not index.isValid():
            return None
        node = self._node(index)
        if role == DISPLAY:
            return node.title
        if role == TOOL_TIP:
            return node.title
        if role == Role.Id:
            return node.entry_id
        if role == Role.Kind:
            return node.kind
        if role == Role.Anchor:
            return node.anchor
        return None

    def index_of(self, entry_id: str) -> QModelIndex:
        """The tree index of an entry (a pattern or checklist item), or an invalid index."""
        stack = list(self._root.children)
        while stack:
            node = stack.pop()
            if node.entry_id == entry_id and node.kind in ("pattern", "overview", "checklist"):
                return self.createIndex(node.row, 0, node)
            stack.extend(node.children)
        return QModelIndex()


class BookmarksModel(QAbstractListModel):
    """Starred entries, in the order they were starred. Until it has a KB, it keeps the ids it
    was given and shows them as they are."""

    def __init__(self, kb: KnowledgeBase | None, ids: list[str], parent: QObject | None = None):
        super().__init__(parent)
        self._titles: dict[str, str] | None = None
        self._ids = list(ids)
        if kb is not None:
            self._set_titles(kb)

    def set_kb(self, kb: KnowledgeBase) -> None:
        self.beginResetModel()
        self._set_titles(kb)
        self.endResetModel()

    def _set_titles(self, kb: KnowledgeBase) -> None:
        self._titles = kb.titles
        self._ids = [i for i in self._ids if i in self._titles]  # entries gone from the guide

    @property
    def ids(self) -> list[str]:
        return list(self._ids)

    def contains(self, entry_id: str) -> bool:
        return entry_id in self._ids

    def toggle(self, entry_id: str) -> bool:
        """Star or unstar; returns True when the entry is now bookmarked."""
        if entry_id in self._ids:
            row = self._ids.index(entry_id)
            self.beginRemoveRows(QModelIndex(), row, row)
            self._ids.pop(row)
            self.endRemoveRows()
            return False
        if self._titles is None or entry_id not in self._titles:
            return False
        self.beginInsertRows(QModelIndex(), len(self._ids), len(self._ids))
        self._ids.append(entry_id)
        self.endInsertRows()
        return True

    def remove(self, row: int) -> str | None:
        """Unstar the entry at `row`; returns its id (None: no such row)."""
        if not 0 <= row < len(self._ids):
            return None
        self.beginRemoveRows(QModelIndex(), row, row)
        entry_id = self._ids.pop(row)
        self.endRemoveRows()
        return entry_id

    def move(self, row: int, step: int) -> bool:
        """Move the bookmark at `row` by `step` rows (False: it cannot go there)."""
        target = row + step
        if not (0 <= row < len(self._ids) and 0 <= target < len(self._ids)) or step == 0:
            return False
        # Qt counts the destination before the move: one further when moving down.
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), target + 1 if step > 0 else target)
        self._ids.insert(target, self._ids.pop(row))
        self.endMoveRows()
        return True

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def data(self, index: _Index, role: int = DISPLAY):
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        entry_id = self._ids[index.row()]
        if role == DISPLAY:
            return f"★ {self._titles[entry_id] if self._titles else entry_id}"
        if role == Role.Id:
            return entry_id
        return None
