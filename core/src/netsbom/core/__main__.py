"""``python -m netsbom.core`` is the ``netsbom`` command."""

from netsbom.core.cli import main

main()
