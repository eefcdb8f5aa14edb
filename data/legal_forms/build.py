#!/usr/bin/env python3
"""Build data/legal_forms/legal_forms.txt, the legal-form
and generic-word table engine/integrity/names.c drops from organisation names.

Reads the shared reference tables in place (env FAIRMATCH_SHARED, default
../shared relative to the repository root):
  name_matching/legal_forms/opensanctions_fingerprints_types.json (MIT)
  name_matching/legal_forms/dnb_legal_names.csv                   (MIT)
  name_matching/legal_forms/gleif_iso20275_elf_code_list.csv.gz   (GLEIF ELF, via MIT repo)
and adds the project's own generic phrases (recruitment agency, ...).
Entries are kept raw (UTF-8, any script): names.c normalises them at start-up
with the same pipeline as the names, so both sides always agree.
Run from the repository root:  python3 data/legal_forms/build.py
"""
import csv, gzip, io, json, os, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.environ.get("FAIRMATCH_SHARED", os.path.join(ROOT, "..", "shared"))
LF = os.path.join(SHARED, "data", "name_matching", "legal_forms")
OUT = os.path.join(ROOT, "data", "legal_forms")

# Main countries of origin and destination of labour migration the project
# serves (Southern Africa, West Africa, South and South-East Asia, the Gulf,
# East Asia, Europe, North America).
GLEIF_COUNTRIES = set("""ZA LS BW NA ZW MZ ML SN NG GH KE ET UG PH VN ID MY SG TH KH NP BD IN PK LK
AE SA QA KW OM BH JO LB EG JP KR TW CN HK US CA GB IE FR BE LU CH ES PT DE AT NL IT HR SI RS PL RO
BG CZ SK HU GR CY MT TR RU UA BY KZ""".split())

# Abbreviations or words that are also ordinary words, initials or
# meaningful parts of names: never dropped.
DENY = set("""as is os ok up uk na et ed ca ii im pe pr ps np sd ep ei lo jp cs dp rs rp gs ju yu tk qk ud
ry od sc sf pc gp lp jv eu se kb kd ik ay eg ev fa hf ky nl nk pp sem sep san tic tes ins exp imp
export import insaat lojistik tesisat sanayi ticaret firma enterprise ent ent. business trust
foundation fund ok district county city region province municipality uk od og oy ky kk gk yk ek ks ab ad ao ae ag cv pt dd kg mmc
sa na ii co ps bv nv son sons bros vat gar sic sal dat kor bt bt. rt. hb mb bl ba at pl ra lg ms oi
ss lc cn ug oe ee ec kt pa lv ij kf tü uü oü kü öe şb""".split())
# Multi-word entries that are not legal forms (or not worth dropping).
DENY |= {"pension fund", "state concern", "tactical missile company",
         "tactical missile corporation", "takticheskoe raketnoe vooruzhenie"}
# Short forms dropped although two letters: unambiguous legal forms.
# cc: South African close corporation; as: Norwegian/Danish AS, Czech/Slovak
# a.s., Turkish A.Ş. (both dropped only at the end of a name).
KEEP_SHORT = set("ab ad ao ae ag cv pt dd kg bv nv sa co oy cc as".split())

# The project's own generic phrases (not from a source list). The French and
# Spanish ones (round 20) are the names these languages give the agencies of
# ILO Convention 181 (agence d'emploi privée, agencia de empleo privada),
# their usual kinds (placement/colocación, recrutement/reclutamiento), and the
# temporary-work firms of French and Spanish labour law (entreprise de travail
# temporaire, empresa de trabajo temporal): "employment agency" in the
# languages the engine serves.
PROJECT = """recruitment agency
joint stock
joint stock company
recruitment agencies
recruitment services
recruitment company
employment agency
employment services
employment bureau
placement agency
placement services
overseas employment agency
overseas employment promoter
overseas employment services
labour hire
labor contractor
farm labor contractor
agencia de empleo
agencia de empleo privada
agencia de colocacion
agencia de reclutamiento
empresa de trabajo temporal
mano de obra
agence d'emploi
agence d'emploi privee
agence de placement
agence de recrutement
cabinet de recrutement
bureau de placement
entreprise de travail temporaire
agence d'interim
main d'oeuvre
international
internacional
internationale
intl
services
service
svcs
company limited
cong ty
cong ty tnhh
cong ty co phan
cong ty cp
cong ty tnhh mot thanh vien
tnhh mtv
mot thanh vien
tnhh
mtv
co phan
chi nhanh
you xian gong si
you xian ze ren gong si
gu fen you xian gong si
gong si
ji tuan you xian gong si
pvt ltd
private limited
pvt
pte
sdn
llc
l.l.c.
inc
inc.
ltd
corp
corporation
company
limited
plc
llp
pty
(pty)
jsc
ooo
gmbh
sarl
sas
spa
s.p.a.
srl
ag
nv
bv
oy
ab
sa
co
cc
c.c.
soc ltd
as
a.s.
a.ş.
sac
s.a.c.
wll
w.l.l.
fzco
fz-llc
est
est.
zrt
""".strip().split("\n")


def norm_key(s):
    return " ".join(s.strip().lower().split())


def main():
    seen = {}
    def add(form, src):
        f = norm_key(form)
        if not f or len(f) > 80:
            return
        bare = f.replace(".", "").replace("(", "").replace(")", "")
        if f in DENY or bare in DENY:
            if bare not in KEEP_SHORT:
                return
        if len(bare) < 2:
            return
        # two-letter forms are too often initials: only the curated ones
        if len(bare) == 2 and src != "opensanctions" and bare not in KEEP_SHORT:
            return
        if f not in seen:
            seen[f] = src

    for f in PROJECT:
        add(f, "project")
    # The kind of a form: the main form of its OpenSanctions type ("limited"
    # and "ltd." are "ltd", "company" is "co"), whatever source listed it,
    # so that a legal form written out can be told from another one that
    # starts with the same letter (LLC from Ltd, Corporation from Co.).
    kind = {}
    with open(os.path.join(LF, "opensanctions_fingerprints_types.json"), encoding="utf-8") as fh:
        for t in json.load(fh)["types"]:
            for f in [t["main"]] + t["forms"]:
                add(f, "opensanctions")
                kind.setdefault(norm_key(f), norm_key(t["main"]))
    with open(os.path.join(LF, "dnb_legal_names.csv"), encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            add(row["abbreviation"], "dnb")
            add(row["full_name"], "dnb")
    with gzip.open(os.path.join(LF, "gleif_iso20275_elf_code_list.csv.gz")) as gz:
        for row in csv.DictReader(io.TextIOWrapper(gz, encoding="utf-8-sig")):
            if row["Country Code (ISO 3166-1)"] not in GLEIF_COUNTRIES:
                continue
            if row["ELF Status ACTV/INAC"] != "ACTV":
                continue
            src = "gleif:" + row["Country Code (ISO 3166-1)"]
            for col in ("Entity Legal Form name Local name",
                        "Entity Legal Form name Transliterated name (per ISO 01-140-10)"):
                v = row[col]
                # single-word full names are often generic ("Business", "Trust")
                if len(v.split()) >= 2 and "(" not in v and "/" not in v:
                    add(v, src)
            for col in ("Abbreviations Local language", "Abbreviations transliterated"):
                for a in row[col].split(";"):
                    add(a, src)

    forms = sorted(seen)
    with open(os.path.join(OUT, "legal_forms.txt"), "w", encoding="utf-8") as fh:
        fh.write("# form<TAB>source<TAB>kind   (generated by data/legal_forms/build.py)\n")
        for f in forms:
            fh.write(f"{f}\t{seen[f]}\t{kind.get(f, '')}\n")
    print(f"{len(forms)} forms", file=sys.stderr)


if __name__ == "__main__":
    main()
