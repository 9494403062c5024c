"""The pure core: device records, identity, links, graph, fingerprint, diff."""
