"""Where data lives: the library and exports ($READER_HOME), and the files shipped beside the code."""

import os
from pathlib import Path

DB_FILENAME = "library.db"

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The folder `name` ("styles" or "sample_data"): inside the installed package, else the checkout."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"{name}/ is missing from the installation")


def data_dir() -> Path:
    """Where the library lives: $READER_HOME, else the platform's user data directory."""
    home = os.environ.get("READER_HOME")
    if home:
        return Path(home).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("reader", appauthor=False))


def default_db_path() -> Path:
    """The default library file."""
    return data_dir() / DB_FILENAME


def export_dir() -> Path:
    """Where the TUI writes its exports: `exports/` in the data directory."""
    return data_dir() / "exports"
