#!/usr/bin/env python3
# make_register.py - derives us_dol_h2_register.csv (the import format of
# `fairmatch import recruiters`) from us_dol_h2_debarments_2010_2014.csv.
# Run from this folder; the output is committed, so the demo needs no Python.
#   python3 make_register.py > us_dol_h2_register.csv
# A "X DBA Y" / "X d/b/a Y" entity becomes name X with alias Y. A debarment
# without an end date (permanent) is `banned` (a blacklist flag); one with an
# end date is `suspended` (a warning flag: every such period has ended, the
# flag records a past debarment). Repeated names (one entity debarred in both
# programmes) are kept once, the later debarment winning.
import csv
import re
import sys

DBA = re.compile(r"\s*[,/]?\s*\b(?:d/b/a|dba)\b[,]?\s*", re.IGNORECASE)
rows = {}
with open("us_dol_h2_debarments_2010_2014.csv", newline="", encoding="utf-8") as f:
    for r in csv.DictReader(f):
        entity = r["Entity Debarred"].strip()
        parts = [p.strip(" ,") for p in DBA.split(entity, maxsplit=1)]
        name, alias = (parts[0], parts[1]) if len(parts) == 2 and parts[0] and parts[1] else (entity, "")
        end = r["End Date"].strip()
        period = "%s debarment from %s%s" % (r["Program"], r["Start Date"],
                                            " to " + end if end else ", permanent")
        where = ", ".join(x for x in (r["City"].strip(), r["State"].strip()) if x)
        evidence = "US DOL OFLC %s (%s); source: BuzzFeed News, MIT" % (period, where)
        rows[name.lower()] = {
            "name": name, "aliases": alias, "country": "US", "licence": "",
            "authority": "US DOL OFLC", "valid_until": "",
            "status": "suspended" if end else "banned", "evidence": evidence,
        }
w = csv.DictWriter(sys.stdout, fieldnames=["name", "aliases", "country", "licence", "authority",
                                           "valid_until", "status", "evidence"],
                   lineterminator="\n")
w.writeheader()
for row in rows.values():
    w.writerow(row)
