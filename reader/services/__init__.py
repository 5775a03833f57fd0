"""Whole user actions shared by the CLI and the TUI: import files, export notes, import annotations."""
