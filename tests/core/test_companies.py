"""Legal forms as companies write them after their name (core/companies.py)."""

from __future__ import annotations

import pytest

from netsbom.core.companies import is_legal_form


@pytest.mark.parametrize("word", ["Inc.", "inc", "GmbH,", "Ltd", "S.A.", "SA", "Co.", "S.p.A."])
def test_legal_forms(word: str) -> None:
    assert is_legal_form(word)


@pytest.mark.parametrize("word", ["Incline", "Networks", "OSA", "AB-1200", "Cisco", ""])
def test_not_legal_forms(word: str) -> None:
    assert not is_legal_form(word)
