"""`python -m netsbom` is the `netsbom` command."""

from netsbom.cli import main

main()
