"""The wheel ships every package of the source tree (a package missing from pyproject.toml breaks installs)."""

import tomllib

from tests.helpers import ROOT


def test_every_package_under_reader_is_listed_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    on_disk = {".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "reader").rglob("__init__.py")}
    assert on_disk <= listed, sorted(on_disk - listed)
    assert {"reader.styles", "reader.sample_data"} <= listed
