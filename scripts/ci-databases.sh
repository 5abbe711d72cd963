# PostgreSQL and MariaDB on 127.0.0.1 for the storage contract suite; sourced by .ci/run.
#
# Uses a server already listening on the standard port (5432 / 3306, trust / passwordless root,
# as on a developer machine) and otherwise installs (apt) and starts a private one from an empty
# data directory on a free port, as on a fresh machine. Exports STREAMTIDE_TEST_PG_URL and
# STREAMTIDE_TEST_MYSQL_URL, and appends the stop commands to the CLEANUP array of the caller.
# CI_OWN_DATABASES=1 starts private servers even where shared ones listen (to test this path).
# Recipes: ../shared/docs/infra.md sections 1 and 2.

ci_free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ci_listening() { (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ci_wait_port() {
    for _ in $(seq 1 300); do ci_listening "$1" && return 0; sleep 0.1; done
    return 1
}
ci_as_root() { if [[ "$(id -u)" -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
ci_apt() {
    export DEBIAN_FRONTEND=noninteractive
    ci_as_root apt-get update -qq
    ci_as_root apt-get install -y -q --no-install-recommends "$@"
}
CI_DB_DIR="$(mktemp -d /tmp/streamtide-ci-db.XXXXXX)"
chmod 755 "$CI_DB_DIR"
# (The caller runs CLEANUP last-in first-out: servers stop before their data goes.)
CLEANUP+=("rm -rf '$CI_DB_DIR'")

# --- PostgreSQL
if [[ -n "${STREAMTIDE_TEST_PG_URL:-}" ]]; then
    echo "PostgreSQL given: (STREAMTIDE_TEST_PG_URL is set)"
elif [[ -z "${CI_OWN_DATABASES:-}" ]] && ci_listening 5432 && psql -h 127.0.0.1 -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1; then
    psql -h 127.0.0.1 -U postgres -d postgres -Atc "select 1 from pg_database where datname = 'test'" | grep -q 1 \
        || createdb -h 127.0.0.1 -U postgres test
    export STREAMTIDE_TEST_PG_URL="postgres://postgres@127.0.0.1:5432/test"
    echo "PostgreSQL already listening on 5432"
else
    ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || ci_apt postgresql
    PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
    PG_PORT="$(ci_free_port)"
    mkdir -p "$CI_DB_DIR/pg"
    if [[ "$(id -u)" -eq 0 ]]; then
        chown postgres:postgres "$CI_DB_DIR/pg"
        PG_AS=(runuser -u postgres --)
    else
        PG_AS=()
    fi
    "${PG_AS[@]}" "$PGBIN/initdb" -D "$CI_DB_DIR/pg/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    "${PG_AS[@]}" "$PGBIN/pg_ctl" -D "$CI_DB_DIR/pg/data" -l "$CI_DB_DIR/pg/server.log" -w \
        -o "-h 127.0.0.1 -p $PG_PORT -k $CI_DB_DIR/pg -c max_connections=300" start >/dev/null
    CLEANUP+=("${PG_AS[*]} '$PGBIN/pg_ctl' -D '$CI_DB_DIR/pg/data' -m immediate stop >/dev/null 2>&1")
    createdb -h 127.0.0.1 -p "$PG_PORT" -U postgres test
    export STREAMTIDE_TEST_PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/test"
    echo "PostgreSQL started on $PG_PORT"
fi

# --- MariaDB
if [[ -n "${STREAMTIDE_TEST_MYSQL_URL:-}" ]]; then
    echo "MariaDB given: (STREAMTIDE_TEST_MYSQL_URL is set)"
elif [[ -z "${CI_OWN_DATABASES:-}" ]] && ci_listening 3306 && mysql --protocol=tcp -h127.0.0.1 -P3306 -uroot -e 'select 1' >/dev/null 2>&1; then
    mysql --protocol=tcp -h127.0.0.1 -P3306 -uroot -e 'CREATE DATABASE IF NOT EXISTS test'
    export STREAMTIDE_TEST_MYSQL_URL="mysql://root@127.0.0.1:3306/test"
    echo "MariaDB already listening on 3306"
else
    command -v mariadbd >/dev/null || ci_apt mariadb-server mariadb-client
    MY_PORT="$(ci_free_port)"
    mkdir -p "$CI_DB_DIR/mariadb"
    chown mysql:mysql "$CI_DB_DIR/mariadb" 2>/dev/null || true
    mariadb-install-db --user=mysql --datadir="$CI_DB_DIR/mariadb/data" \
        --auth-root-authentication-method=normal --skip-test-db >/dev/null
    mariadbd --no-defaults --user=mysql --datadir="$CI_DB_DIR/mariadb/data" \
        --socket="$CI_DB_DIR/mariadb/mysqld.sock" --pid-file="$CI_DB_DIR/mariadb/mysqld.pid" \
        --port="$MY_PORT" --bind-address=127.0.0.1 --max-connections=500 \
        --log-error="$CI_DB_DIR/mariadb/error.log" &
    MY_PID=$!
    CLEANUP+=("kill $MY_PID 2>/dev/null")
    ci_wait_port "$MY_PORT" || { cat "$CI_DB_DIR/mariadb/error.log"; echo "MariaDB did not start" >&2; exit 1; }
    until mysql --protocol=tcp -h127.0.0.1 -P"$MY_PORT" -uroot -e 'select 1' >/dev/null 2>&1; do sleep 0.1; done
    mysql --protocol=tcp -h127.0.0.1 -P"$MY_PORT" -uroot -e 'CREATE DATABASE IF NOT EXISTS test'
    export STREAMTIDE_TEST_MYSQL_URL="mysql://root@127.0.0.1:$MY_PORT/test"
    echo "MariaDB started on $MY_PORT"
fi
