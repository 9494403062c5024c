"""Firmware vulnerability assessment: which deployed firmware is affected by which CVE, and
what to fix first (KEV, EPSS, SSVC), with VEX entries for the CycloneDX export.

    feeds.load_feeds(dir)          nvd/, cve/, kev.json, epss.csv -> Feeds
    assess.assess(records, feeds)  -> Assessment per (device, CVE); json_lines() for streaming
    applicability                  vendor (CNA) > NVD configurations > CISA ADP
    cna, nvd, ranges               the vendor's statement, NVD's configurations, version ranges
    hardware, products             hardware scope (platforms, product names, descriptions), names
    ssvc                           CISA coordinator and CERT/CC deployer trees
    report                         priority order: table, JSON rows for the console
    vex.vulnerabilities_for_cyclonedx(assessments, device_refs)

Version grammars live in netsbom.core.versions; exposure from the topology in
netsbom.topology.exposure (passed in, this package does not depend on the topology).
"""
