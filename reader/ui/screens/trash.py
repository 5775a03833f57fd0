"""Deleting articles on the main screen: D moves the one under the cursor to the trash (after asking), u brings it back.

Kept apart from main.py as a mixin of MainScreen, which provides `jobs`, `article`, `session`,
`article_list`, `reading`, `notes`, `load_list`, `focus_pane` and `notify`.
"""

from __future__ import annotations

from functools import partial

from reader.store import Library
from reader.store.trash import Restored, TrashEntry
from reader.ui.jobs import Job
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.notes_pane import trim
from reader.wording import plural


class TrashMixin:
    """D and u in the article list."""

    def on_article_list_delete_requested(self, message: ArticleList.DeleteRequested) -> None:
        from reader.ui.screens.editors import ConfirmDialog

        summary = self.article_list.current
        if summary is None or summary.id != message.article_id:
            return
        title = trim(summary.title, 60)

        def answered(yes: bool | None) -> None:
            if yes:
                self.jobs.write(
                    Job(
                        partial(Library.trash_article, article_id=message.article_id),
                        done=self._trashed_one,
                        failed="Not deleted",
                    )
                )

        question = f"Move “{title}” to the trash, with its highlights and notes? (u brings it back)"
        self.app.push_screen(ConfirmDialog(question), answered)

    def _trashed_one(self, entry: TrashEntry) -> None:
        self.session.trashed.append(entry.id)
        if self.article is not None and self.article.id == entry.id:
            self.close_article()
        if self.searching:  # the results without it, the query still shown
            self.rerun_search()
        else:
            self.load_list()  # the cursor keeps its row: on the article that followed
        kept = f" with {plural(entry.highlights, 'highlight')}" if entry.highlights else ""
        self.notify(f"Moved “{trim(entry.title, 50)}”{kept} to the trash — press u to undo.")

    def on_article_list_undo_delete_requested(self, message: ArticleList.UndoDeleteRequested) -> None:
        trashed = self.session.trashed
        if not trashed:
            self.notify("Nothing to undo: no article was deleted in this session (see `reader trash`).")
            return
        article_id = trashed.pop()
        self.jobs.write(
            Job(
                partial(Library.restore_article, article_id=article_id),
                done=self._restored,
                failed="Not restored",
            )
        )

    def _restored(self, restored: Restored) -> None:
        if self.searching:
            self.rerun_search()
        else:
            self.load_list()
            self.cursor_to(restored.id)
        self.notify(f"Restored “{trim(restored.title, 50)}”.")
