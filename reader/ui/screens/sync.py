"""The main screen's "Sync vault": the vault used last, or a folder asked for, synced and summed up."""

from __future__ import annotations

from pathlib import Path


class VaultSyncMixin:
    """Sync vault, for MainScreen (which supplies library, notify, app and the reload methods)."""

    def sync_vault(self) -> None:
        """Sync the vault used last (`reader sync DIR` remembers it), or ask for its folder first."""
        from reader.services import vault as syncing

        remembered = syncing.remembered_vault()
        if remembered is not None:
            self._sync_vault(*remembered)
            return

        def chosen(value: str | None) -> None:
            if value and value.strip():
                self._sync_vault(Path(value.strip()).expanduser(), syncing.SyncOptions())

        from reader.ui.screens.editors import PromptDialog

        self.app.push_screen(PromptDialog("Sync notes into the vault folder:", ""), chosen)

    def _sync_vault(self, vault: Path, options) -> None:
        from reader.services import vault as syncing
        from reader.ui.jobs import Job

        def run(library):  # in a worker: a sync writes the library and many files
            report = syncing.sync(library, vault, options)
            syncing.remember_vault(vault, options)
            return report

        self.jobs.write(Job(run, done=lambda report: self._synced(vault, report), failed="Sync not done"))

    def _synced(self, vault: Path, report) -> None:
        if self.article is not None:
            self._reread_annotations()
            article = self.library.get_article(self.article.id)
            if article is not None:
                self._article_changed(article)
        summary = (
            f"Synced {vault}: {len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.read_back)} {'edit' if len(report.read_back) == 1 else 'edits'} read back"
        )
        trouble = report.conflicts + report.problems
        self.notify(
            summary + (f"; {len(trouble)} to look at (run reader sync for details)" if trouble else "."),
            severity="warning" if trouble else "information",
            timeout=10,
        )
