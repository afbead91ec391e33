"""The briefing's edition date: one definition for every place that shows it.

A reader takes the "edition date" of a briefing to be the day this version of it was published, not the
day its sources were read (the front page's dateline, 截至 …, says how current the data is; each citation's
access date is the reader's). We publish from the repository, so an edition is a commit: its date is the
day of the commit the site was built from, in UTC. That is what SOURCE_DATE_EPOCH carries (`make` and the
workflow set it to the last commit's time; MkDocs dates the sitemap by it), so the same commit always
gives the same date and two builds of it stay byte-identical. Without SOURCE_DATE_EPOCH the last commit's
time is asked of git; outside a git checkout, today's date (such a build is not reproducible).

Shown by: the PDF's running head and its creation date (outputs/pdf.py), the footer and printed pages
(overrides/partials/copyright.html and actions.html, through BRIEFING_EDITION_DATE, which site/site.py and
site/serve.py set), and the publication date of every "cite this page" citation and citation_* tag
(outputs/share.py). Share cards show the source's date, not the edition's.
"""

from __future__ import annotations

import os
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENV = "BRIEFING_EDITION_DATE"  # the variable the MkDocs configs read (extra.edition_date)


def edition_epoch(environ: dict[str, str] | None = None) -> int:
    """The edition's time in seconds since the epoch: SOURCE_DATE_EPOCH, else the last commit's, else now."""
    epoch = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return int(epoch)
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True,
                             timeout=10)
        if out.returncode == 0 and out.stdout.strip().isdigit():
            return int(out.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    return int(time.time())


def edition_date(environ: dict[str, str] | None = None) -> str:
    """The edition's date, YYYY-MM-DD (UTC): the day of the commit the briefing is built from."""
    return datetime.fromtimestamp(edition_epoch(environ), timezone.utc).strftime("%Y-%m-%d")


def site_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a site builder: the edition's date for the theme and SOURCE_DATE_EPOCH for MkDocs'
    own dates (sitemap), both from edition_epoch(). Quoted, as !ENV reads the value as YAML (a bare date would
    become a date, which Zensical's config refuses); the templates take the quotes off."""
    env = dict(os.environ if env is None else env)
    env["SOURCE_DATE_EPOCH"] = str(edition_epoch(env))
    env[ENV] = f"'{edition_date(env)}'"
    return env
