#!/bin/sh
# demo.sh PORT - runs fairmatch on sample data: starts the private PostgreSQL
# cluster, applies the schema, loads the sample data once (about 10,000
# generated vacancies built from real ESCO data, plus the illustrative quota
# listings and recruiters when present), prints a token per role and example
# calls, and serves in the foreground until Ctrl-C.
set -eu
cd "$(dirname "$0")/.."
port=${1:-8080}
sh data/pgctl.sh start
db=$(sh data/pgctl.sh conninfo fairmatch)
export FAIRMATCH_DB="$db"
mkdir -p var/demo
./fairmatch migrate
count=$(sh data/pgctl.sh psql fairmatch -tAc "SELECT count(*) FROM vacancies WHERE org = 'sample-employer'")
if [ "$count" -eq 0 ]; then
	echo "demo: generating and importing 10,000 sample vacancies (once)" >&2
	./fairmatch sample vacancies --count 10000 --seed 1 >var/demo/vacancies.jsonl
	./fairmatch import vacancies var/demo/vacancies.jsonl --org sample-employer
else
	# Bring the index level in case it was removed or the last run stopped early.
	./fairmatch reindex >/dev/null 2>&1 || true
fi
# The taxonomy index is rebuilt only when missing or stale (another version
# of the code, other ESCO files): a second `make demo` starts in seconds.
if ! ./fairmatch taxonomy check >/dev/null 2>&1; then
	./fairmatch taxonomy load
fi
if [ -f data/sample_quotas.jsonl ] && ./fairmatch import --help 2>/dev/null | grep -q quotas; then
	n=$(sh data/pgctl.sh psql fairmatch -tAc "SELECT count(*) FROM quotas" 2>/dev/null || echo 0)
	[ "$n" = 0 ] && ./fairmatch import quotas data/sample_quotas.jsonl || true
fi
if [ -f data/sample_recruiters.csv ] && ./fairmatch import --help 2>/dev/null | grep -q recruiters; then
	n=$(sh data/pgctl.sh psql fairmatch -tAc "SELECT count(*) FROM recruiters" 2>/dev/null || echo 0)
	[ "$n" = 0 ] && ./fairmatch import recruiters data/sample_recruiters.csv || true
fi
# A real regulator's list (US DOL H-2 debarments, data/recruiters/SOURCES.md) and a few
# vacancies naming those firms, so recruiter verdicts show; loaded once.
n=$(sh data/pgctl.sh psql fairmatch -tAc "SELECT count(*) FROM recruiters WHERE created_org = 'cli'" 2>/dev/null || echo 1)
if [ "$n" = 0 ]; then
	./fairmatch import recruiters data/recruiters/us_dol_h2_register.csv --org us-dol-oflc || true
	./fairmatch import vacancies data/recruiters/demo_vacancies.jsonl --org sample-employer || true
fi
counsellor=$(./fairmatch keys create --role counsellor --org demo-centre)
employer=$(./fairmatch keys create --role employer --org sample-employer)
regulator=$(./fairmatch keys create --role regulator --org demo-regulator)
admin=$(./fairmatch keys create --role admin --org demo-admin)
base=http://127.0.0.1:$port/v1
cat <<MSG

fairmatch demo — tokens (shown once, stored only as hashes):
  counsellor  $counsellor
  employer    $employer      (organisation: sample-employer, owns the sample vacancies)
  regulator   $regulator
  admin       $admin

The web console: http://127.0.0.1:$port/  (paste a token above to sign in; the role is
detected from it; the token stays in that browser tab only)

Try:
  curl -s '$base/health'
  curl -s -H 'Authorization: Bearer $counsellor' '$base/vacancies?q=welder&country=ZA&limit=3'
  curl -s -H 'Authorization: Bearer $counsellor' '$base/recruiters/check?name=Global%20Horizons%20Manpower%20Inc'
  curl -s -H 'Authorization: Bearer $regulator' '$base/recruiters?flag=blacklist'
  curl -s -X POST -H 'Authorization: Bearer $employer' -H 'Content-Type: application/json' \\
    -d '{"title":"Welder (MIG/MAG)","occupation":"7212","skills":{"essential":["MIG welding"]},"languages":[{"code":"en","level":"B1"}],"country":"ZA","city":"Johannesburg","positions":12,"valid_until":"2027-03-31"}' \\
    '$base/vacancies'

  # a walk-in match (stores nothing), explained, with quota listings:
  curl -s -X POST -H 'Authorization: Bearer $counsellor' -H 'Content-Type: application/json' \\
    -d '{"profile":{"occupations":["7212"],"skills":["MIG welding"],"languages":[{"code":"en","level":"B2"}],"citizenship":"LS","desired_countries":["ZA"]},"limit":3}' \\
    '$base/match'
  # a stored profile (pseudonymous, with consent), then its match (P_ID: the id it answers):
  curl -s -X POST -H 'Authorization: Bearer $counsellor' -H 'Content-Type: application/json' \\
    -d '{"occupations":["7212"],"skills":["MIG welding"],"languages":[{"code":"st","level":"native"},{"code":"en","level":"B2"}],"citizenship":"LS","desired_countries":["ZA"],"consent":{"matching":true,"show_to_employers":true}}' \\
    '$base/profiles'
  curl -s -X POST -H 'Authorization: Bearer $counsellor' -H 'Content-Type: application/json' \\
    -d '{"profile_id":"P_ID"}' '$base/match'
  # a recruiter check (names compared after normalisation, fuzzily):
  curl -s -G -H 'Authorization: Bearer $regulator' --data-urlencode 'name=ACME Man-Power (Pty) Ltd' \\
    '$base/recruiters/check'
  # the OpenAPI description:
  curl -s '$base/openapi.json' | head -c 300

Serving on $base until Ctrl-C.
MSG
exec ./fairmatch serve --listen "127.0.0.1:$port"
