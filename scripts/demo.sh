#!/usr/bin/env bash
# The demo: builds and installs jira_fdw into Postgres 15, starts the bundled fake Jira with
# generated data and a Postgres cluster, and runs a few real queries through the extension.
# Both servers keep running afterwards so you can try your own queries (see the end).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"

DEMO_DIR=${JIRA_FDW_DEMO_DIR:-/tmp/jira_fdw_demo}
PG_BIN=/usr/lib/postgresql/15/bin
PG_PORT=${JIRA_FDW_DEMO_PG_PORT:-5499}
FAKE_PORT=${JIRA_FDW_DEMO_FAKE_PORT:-8765}
DC_PORT=${JIRA_FDW_DEMO_DC_PORT:-8766}

FAKE=$(bash scripts/build-fake.sh | tail -n 1)
echo "==> cargo pgrx install --release"
cargo pgrx install --release --pg-config "$PG_BIN/pg_config" >/dev/null

mkdir -p "$DEMO_DIR"
chown postgres "$DEMO_DIR"

# The fake Jira: 500 issues, stopped first if an earlier demo left one running.
if [ -f "$DEMO_DIR/fake.pid" ]; then kill "$(cat "$DEMO_DIR/fake.pid")" 2>/dev/null || true; fi
"$FAKE" --port "$FAKE_PORT" --issues 500 --seed 42 --no-stdin-watch >"$DEMO_DIR/fake.log" 2>&1 &
echo $! >"$DEMO_DIR/fake.pid"
for _ in $(seq 1 50); do grep -q LISTENING "$DEMO_DIR/fake.log" && break; sleep 0.1; done
grep LISTENING "$DEMO_DIR/fake.log"
# A second fake playing Jira Data Center (v2 API only, users by name, wiki markup).
if [ -f "$DEMO_DIR/fake-dc.pid" ]; then kill "$(cat "$DEMO_DIR/fake-dc.pid")" 2>/dev/null || true; fi
"$FAKE" --port "$DC_PORT" --issues 300 --seed 7 --deployment server --no-stdin-watch >"$DEMO_DIR/fake-dc.log" 2>&1 &
echo $! >"$DEMO_DIR/fake-dc.pid"
for _ in $(seq 1 50); do grep -q LISTENING "$DEMO_DIR/fake-dc.log" && break; sleep 0.1; done
grep LISTENING "$DEMO_DIR/fake-dc.log"

# A Postgres cluster of its own, run by the postgres user.
if [ -f "$DEMO_DIR/pg/postmaster.pid" ]; then
  sudo -u postgres "$PG_BIN/pg_ctl" -D "$DEMO_DIR/pg" stop -m fast >/dev/null || true
fi
rm -rf "$DEMO_DIR/pg"
sudo -u postgres "$PG_BIN/initdb" -D "$DEMO_DIR/pg" -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
sudo -u postgres "$PG_BIN/pg_ctl" -D "$DEMO_DIR/pg" -l "$DEMO_DIR/pg.log" -w \
  -o "-p $PG_PORT -k $DEMO_DIR -c listen_addresses=''" start >/dev/null

PSQL=(sudo -u postgres psql -X -h "$DEMO_DIR" -p "$PG_PORT" -d postgres -v ON_ERROR_STOP=1)
"${PSQL[@]}" -q <<SQL
CREATE EXTENSION jira_fdw;
CREATE SERVER jira FOREIGN DATA WRAPPER jira_fdw
  OPTIONS (url 'http://127.0.0.1:$FAKE_PORT', auth_scheme 'APIToken');
CREATE USER MAPPING FOR CURRENT_USER SERVER jira
  OPTIONS (user 'tester@example.com', api_token 'tok-ABC123secret');
CREATE SCHEMA jira;
CREATE SERVER jira_dc FOREIGN DATA WRAPPER jira_fdw
  OPTIONS (url 'http://127.0.0.1:$DC_PORT', auth_scheme 'PAT');
CREATE USER MAPPING FOR CURRENT_USER SERVER jira_dc OPTIONS (pat 'pat-XYZ123secret');
CREATE SCHEMA jira_dc;
CREATE TABLE teams (account_id text PRIMARY KEY, team text);
SQL
# In a session of its own, as a user's first statement would be.
"${PSQL[@]}" -q -c "IMPORT FOREIGN SCHEMA jira FROM SERVER jira INTO jira OPTIONS (include_custom_fields 'true');"
"${PSQL[@]}" -q -c "INSERT INTO teams SELECT DISTINCT assignee_account_id, 'team ' || (row_number() OVER ())::text FROM (SELECT DISTINCT assignee_account_id FROM jira.issues WHERE assignee_account_id IS NOT NULL) a"

run() { echo; echo "jira_demo=# $1"; "${PSQL[@]}" -c "$1"; }
run "SELECT key, status_name, left(summary, 40) AS summary, created FROM jira.issues WHERE project_key = 'ALPHA' ORDER BY created DESC LIMIT 5;"
run "SELECT status_category, count(*) FROM jira.issues GROUP BY 1 ORDER BY 2 DESC;"
run "SELECT key, project_name, labels, due_date FROM jira.issues WHERE key IN ('SET-1', 'BETA-2', 'NOPE-9');"
run "SELECT t.team, count(*) AS issues, round(sum(i.time_spent_seconds) / 3600.0, 1) AS hours FROM jira.issues i JOIN teams t ON t.account_id = i.assignee_account_id GROUP BY 1 ORDER BY 1;"
run "EXPLAIN (VERBOSE, COSTS OFF) SELECT key, summary FROM jira.issues WHERE project_key IN ('SET', 'OPS') AND status_name = 'Done';"
run "SELECT count(*) FROM jira.issues WHERE jql = 'project = OPS AND labels IS EMPTY';"
run "SELECT key, team, story_points, tags FROM jira.issues WHERE team IS NOT NULL ORDER BY updated DESC LIMIT 5;"
run "SELECT c.issue_key, c.author_display_name, left(c.body, 50) AS body FROM jira.comments c WHERE c.project_key = 'SET' ORDER BY c.created LIMIT 5;"
run "SELECT b.name AS board, s.name AS sprint, s.state, count(si.key) AS issues FROM jira.boards b JOIN jira.sprints s ON s.board_id = b.id LEFT JOIN jira.sprint_issues si ON si.sprint_id = s.id GROUP BY 1, 2, 3 ORDER BY 1, 2;"
run "SELECT value, context_name, disabled FROM jira.custom_field_options WHERE field_id = 'customfield_10011' ORDER BY context_id, id;"
run "SELECT issue_key, author_display_name, time_spent, updated FROM jira.worklogs WHERE updated >= '2025-06-01' ORDER BY updated DESC LIMIT 5;"
run "EXPLAIN (VERBOSE, COSTS OFF) SELECT issue_key, time_spent_seconds FROM jira.worklogs WHERE updated >= '2025-06-01';"
run "SELECT a.attname AS column, col_description(a.attrelid, a.attnum) AS comment FROM pg_attribute a WHERE a.attrelid = 'jira.issues'::regclass AND a.attname IN ('key', 'status_name', 'updated', 'story_points') ORDER BY a.attnum;"
run "SELECT count(*) AS tables FROM information_schema.foreign_tables WHERE foreign_table_schema = 'jira';"

echo; echo "==> writing back: each row is sent to Jira as Postgres processes it"
run "INSERT INTO jira.issues (project_key, issue_type_name, summary, labels) VALUES ('OPS', 'Bug', 'Printer on fire', ARRAY['hw']) RETURNING key, status_name, reporter_display_name, created IS NOT NULL AS has_created;"
run "UPDATE jira.issues SET status_name = 'Done', labels = ARRAY['hw', 'fixed'] WHERE summary = 'Printer on fire' RETURNING key, status_name, resolution_name, labels;"
run "DELETE FROM jira.issues WHERE summary = 'Printer on fire';"

echo; echo "==> the same extension against Jira Data Center (deployment 'auto' finds it)"
"${PSQL[@]}" -q -c "IMPORT FOREIGN SCHEMA jira FROM SERVER jira_dc INTO jira_dc;"
run "SELECT version, deployment_type FROM jira_dc.server_info;"
run "SELECT key, assignee_account_id, left(description, 40) AS description FROM jira_dc.issues WHERE status_category = 'Done' ORDER BY updated DESC LIMIT 3;"
run "EXPLAIN (VERBOSE, COSTS OFF) SELECT key FROM jira_dc.issues WHERE project_key = 'OPS' ORDER BY updated DESC;"
run "SELECT issue_key, count(*) AS comments FROM jira_dc.comments WHERE project_key = 'OPS' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 3;"

cat <<EOF2

The demo cluster and the fake Jira are still running:
  psql:  sudo -u postgres psql -h $DEMO_DIR -p $PG_PORT -d postgres
  stop:  sudo -u postgres $PG_BIN/pg_ctl -D $DEMO_DIR/pg stop; kill \$(cat $DEMO_DIR/fake.pid) \$(cat $DEMO_DIR/fake-dc.pid)
EOF2
