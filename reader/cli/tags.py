"""Commands on tags: tag an article; list, rename, merge and delete tags."""

from __future__ import annotations

import click

from reader.cli import _article, _library, main, needs_library, say
from reader.store import Library
from reader.tags import tidy_tag, typed_tag


def typed_tags(tags) -> list[str]:
    """Tags as typed (`#ngoại giao` is the tag "ngoại giao", as in the app's tag editor); blank ones refused.

    A tag given as nothing but blanks is a mistake to say, not a tag to drop without a word.
    """
    names = [typed_tag(tag) for tag in tags]
    if any(not tidy_tag(name) for name in names):
        raise click.ClickException("a tag name cannot be blank")
    return names


@needs_library
@main.command("tag")
@click.argument("article_id", type=int)
@click.argument("tags", nargs=-1, required=True)
@click.pass_context
def tag_command(ctx: click.Context, article_id: int, tags: tuple[str, ...]) -> None:
    """Add TAGS to an article."""
    library = _library(ctx)
    _article(library, article_id)
    stored = library.add_article_tags(article_id, typed_tags(tags))
    say(f"article {article_id}: " + ", ".join(stored))


@needs_library
@main.group("tags", invoke_without_command=True)
@click.pass_context
def tags_group(ctx: click.Context) -> None:
    """List tags with counts; rename, merge or delete them."""
    if ctx.invoked_subcommand is None:
        from reader.vietnamese import vi_sort_key

        tags = sorted(_library(ctx).tags(), key=lambda t: vi_sort_key(t.name))  # đ after d, as list --sort title
        if not tags:
            say("No tags yet.")
        for tag in tags:
            say(f"{tag.count:>5}  {tag.name}")


def _existing_tag(library: Library, typed: str) -> str:
    """The tag a typed name means, as search matches it ("kinh te" finds "Kinh tế"); ambiguous: refused."""
    from reader.tags import resolve_tag

    typed = typed_tag(typed)
    found = resolve_tag(typed, [t.name for t in library.tags()])
    if len(found) > 1:
        names = " or ".join(repr(n) for n in found[:4])
        raise click.ClickException(f"{typed!r} could be {names}; name one exactly (with its accents)")
    return found[0] if found else typed  # none: the store says there is no such tag


@needs_library
@tags_group.command("rename")
@click.argument("old")
@click.argument("new")
@click.pass_context
def tags_rename(ctx: click.Context, old: str, new: str) -> None:
    """Rename tag OLD to NEW (merging them if NEW exists)."""
    library = _library(ctx)
    old, [new] = _existing_tag(library, old), typed_tags([new])
    outcome = library.rename_tag(old, new)
    say(f"{outcome} {old!r} → {new!r}")


@needs_library
@tags_group.command("merge")
@click.argument("old")
@click.argument("into")
@click.pass_context
def tags_merge(ctx: click.Context, old: str, into: str) -> None:
    """Merge tag OLD into tag INTO."""
    library = _library(ctx)
    old, into = _existing_tag(library, old), _existing_tag(library, into)
    library.rename_tag(old, into)
    say(f"merged {old!r} into {into!r}")


@needs_library
@tags_group.command("delete")
@click.argument("name")
@click.pass_context
def tags_delete(ctx: click.Context, name: str) -> None:
    """Delete a tag from every article and highlight."""
    library = _library(ctx)
    name = _existing_tag(library, name)
    library.delete_tag(name)
    say(f"deleted {name!r}")
