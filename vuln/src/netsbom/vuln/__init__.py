"""Firmware vulnerability assessment: which deployed firmware is affected by which CVE, and
what to fix first (KEV, EPSS, SSVC), with VEX entries for the CycloneDX export.

    feeds.load_feeds(dir)          nvd/, cve/, kev.json, epss.csv -> Feeds
    assess.assess(records, feeds)  -> Assessment per (device, CVE)
    versions/                      one grammar per vendor family (train + position)
    applicability                  vendor (CNA) > NVD configurations > CISA ADP
    ssvc                           CISA coordinator and CERT/CC deployer trees
    vex.vulnerabilities_for_cyclonedx(assessments, device_refs)
"""
