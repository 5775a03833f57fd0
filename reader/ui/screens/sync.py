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

        try:
            report = syncing.sync(self.library, vault, options)
            syncing.remember_vault(vault, options)
        except (OSError, ValueError, syncing.SyncAborted) as error:
            self.notify(f"Sync not done: {error}", severity="error")
            return
        self._reload_annotations()
        if self.article is not None:
            self._article_changed(self.article.id)
        summary = (
            f"Synced {vault}: {len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.read_back)} edits read back"
        )
        trouble = report.conflicts + report.problems
        self.notify(
            summary + (f"; {len(trouble)} to look at (run reader sync for details)" if trouble else "."),
            severity="warning" if trouble else "information",
            timeout=10,
        )
