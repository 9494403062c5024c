"""Agreement with the vendors' own statements over every interpretable CNA record (target 99 %)."""

from __future__ import annotations

from netsbom.vuln.feeds import Feeds

from .agreement import measure


def test_agreement_with_vendor_statements(feeds: Feeds) -> None:
    tally = measure(feeds)
    per_family = ", ".join(f"{f} {a}/{n}" for f, (n, a) in sorted(tally.per_family.items()))
    print(f"agreement {tally.agreed}/{tally.checked} = {tally.ratio:.4%} ({per_family})")
    assert tally.checked > 15_000
    assert len(tally.per_family) >= 10
    assert tally.ratio >= 0.99, tally.disagreements[:20]
