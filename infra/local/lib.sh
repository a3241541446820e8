# Shared by up.sh, down.sh and status.sh: pinned versions, paths, and one set of functions per service.
# Every server listens on 127.0.0.1 only. Data lives under <repo>/.data (git-ignored); binaries and
# downloads live under the cache dir, outside the repo, so a fresh clone reuses them.
# shellcheck shell=bash

set -euo pipefail

# --- pinned versions ----------------------------------------------------------------------------
REDIS_MAJOR=7                 # Debian 12's redis-server (7.0.x)
PG_MAJOR=15                   # Debian 12's postgresql (15.x)
KAFKA_VERSION=3.9.1           # org.apache.kafka:kafka_2.13 from Maven Central; keep kafka/pom.xml in step
# The release tags of github.com/minio/minio answer 403 from the Go module proxy; this pseudo-version is
# what `@latest` resolved to (2026-02-12) and builds with a plain `go install`.
MINIO_MODULE=github.com/minio/minio
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c

# --- ports and credentials (the shared conventions; see .env.example) -------------------------
REDIS_PORT=6379
PG_PORT=5432
PG_DATABASES=(payments mlflow)
KAFKA_PORT=9092
KAFKA_CONTROLLER_PORT=9093
KAFKA_TOPICS=(payments.normalized payments.labels ml.predictions)
KAFKA_TOPIC_PARTITIONS=3
MINIO_PORT=9000
MINIO_CONSOLE_PORT=9001
MINIO_USER=minioadmin
MINIO_PASSWORD=minioadmin

HEALTH_TIMEOUT_S=${INFRA_HEALTH_TIMEOUT_S:-90}

# --- paths --------------------------------------------------------------------------------------
INFRA_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$INFRA_DIR/../.." && pwd)
DATA_DIR=$REPO_ROOT/.data
LOG_DIR=$DATA_DIR/logs
RUN_DIR=$DATA_DIR/run
CACHE_DIR=${PAYMENTS_MLOPS_CACHE:-$HOME/.cache/payments-mlops}
PG_BIN=/usr/lib/postgresql/$PG_MAJOR/bin
KAFKA_HOME=$CACHE_DIR/kafka-$KAFKA_VERSION
GO_ENV=(GOPATH="$CACHE_DIR/go" GOCACHE="$CACHE_DIR/go-build" GOFLAGS=-modcacherw)
MINIO_BIN=$CACHE_DIR/go/bin/minio

SERVICES=(redis postgres kafka minio)

log() { printf '[infra] %s\n' "$*" >&2; }
die() { printf '[infra] ERROR: %s\n' "$*" >&2; exit 1; }

# Serialises up/down across engineers sharing this machine: the ports are machine-wide, so the lock is too.
# The lock fd must not leak into the servers we start, or the lock would live as long as they do.
take_lock() {
  mkdir -p "$CACHE_DIR"
  exec 9>"$CACHE_DIR/infra.lock"
  if ! flock -n 9; then
    log "another infra command is running; waiting for it"
    flock -w 900 9 || die "timed out after 15 min waiting for $CACHE_DIR/infra.lock"
  fi
}

# --- process helpers ----------------------------------------------------------------------------
pid_file() { echo "$RUN_DIR/$1.pid"; }

# What each service's command line contains, so a pid file left by a crash is never taken for a
# server after the pid was reused by some other process.
service_command_marker() {
  case $1 in
    redis) echo redis-server ;;
    postgres) echo "$PG_BIN/postgres" ;;
    kafka) echo kafka.Kafka ;;
    minio) echo "$MINIO_BIN" ;;
  esac
}

# The pid this checkout started for a service, when that process is still alive.
our_pid() {
  local file pid
  file=$(pid_file "$1")
  [[ -f $file ]] || return 1
  pid=$(head -n1 "$file")
  [[ -n $pid && -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$(service_command_marker "$1")" || return 1
  echo "$pid"
}

# The pid listening on a TCP port, whoever started it.
port_pid() {
  { ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n1 | cut -d= -f2; } || true
}

port_in_use() { [[ -n $(ss -ltnH "sport = :$1" 2>/dev/null) ]]; }

# Starts a long-running server detached from this shell (and from the lock fd), logging to its log file.
spawn() {
  local name=$1; shift
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  setsid nohup "$@" >>"$LOG_DIR/$name.log" 2>&1 9>&- </dev/null &
  echo $! >"$(pid_file "$name")"
}

# Polls a health function until it succeeds; on timeout names the service and shows its log tail.
wait_healthy() {
  local name=$1 check=$2 pid=${3:-} deadline=$((SECONDS + HEALTH_TIMEOUT_S))
  until "$check" >/dev/null 2>&1; do
    if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
      fail_service "$name" "the process exited during start-up"
    fi
    ((SECONDS < deadline)) || fail_service "$name" "not healthy after ${HEALTH_TIMEOUT_S}s"
    sleep 0.5
  done
}

fail_service() {
  local name=$1 why=$2
  printf '[infra] ERROR: %s failed to start: %s\n' "$name" "$why" >&2
  if [[ -f $LOG_DIR/$name.log ]]; then
    printf '[infra] last lines of %s:\n' "$LOG_DIR/$name.log" >&2
    tail -n 30 "$LOG_DIR/$name.log" | sed 's/^/    /' >&2
  fi
  exit 1
}

# Sends SIGTERM, waits for the process to exit, then SIGKILL as a last resort.
terminate() {
  local name=$1 pid=$2 grace=${3:-30} deadline
  kill -TERM "$pid" 2>/dev/null || return 0
  deadline=$((SECONDS + grace))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log "$name (pid $pid) did not stop within ${grace}s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
}

# --- installation -------------------------------------------------------------------------------
APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found: install $* by hand"
  if ((APT_UPDATED == 0)); then
    log "apt-get update"
    apt-get update -qq >/dev/null
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Installs, in a single apt run, every system package whose command is missing.
install_system_packages() {
  local missing=()
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v redis-cli >/dev/null || missing+=(redis-tools)
  [[ -x $PG_BIN/postgres ]] || missing+=(postgresql-$PG_MAJOR)
  command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null || missing+=(maven)
  command -v curl >/dev/null || missing+=(curl)
  command -v ss >/dev/null || missing+=(iproute2)
  ((${#missing[@]} == 0)) && return 0
  apt_install "${missing[@]}"
  # Debian's package creates and may start its own "main" cluster on 5432; ours must own that port.
  if command -v pg_lsclusters >/dev/null; then
    pg_lsclusters --no-header 2>/dev/null | awk -v port="$PG_PORT" '$3 == port && $4 == "online" {print $1, $2}' |
      while read -r version cluster; do
        log "stopping Debian's PostgreSQL cluster $version/$cluster, which holds port $PG_PORT"
        pg_ctlcluster "$version" "$cluster" stop || true
      done
  fi
}

install_kafka() {
  local stamp=$KAFKA_HOME/.installed want
  want=$(sha256sum "$INFRA_DIR/kafka/pom.xml" | cut -d' ' -f1)
  [[ -f $stamp && $(cat "$stamp") == "$want" ]] && return 0
  log "fetching Kafka $KAFKA_VERSION from Maven Central into $KAFKA_HOME (about a minute the first time)"
  rm -rf "$KAFKA_HOME/libs"
  mvn -q -B -Dmaven.repo.local="$CACHE_DIR/m2" -f "$INFRA_DIR/kafka/pom.xml" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$KAFKA_HOME/libs" \
    || die "kafka: mvn could not fetch org.apache.kafka:kafka_2.13:$KAFKA_VERSION"
  echo "$want" >"$stamp"
}

# The module version a Go binary was built from (empty when it is missing or was built otherwise).
go_built_version() { # go_built_version BIN MODULE
  go version -m "$1" 2>/dev/null | awk -v mod="$2" '$1 == "mod" && $2 == mod {print $3}'
}

# Builds a pinned Go command once into the cache's GOPATH; a binary of the pinned version is reused.
go_install_pinned() { # go_install_pinned NAME MODULE PACKAGE VERSION  (PACKAGE: the module path of the command)
  local name=$1 module=$2 package=$3 version=$4 bin
  # go names the binary after the last path element, a major-version suffix (/v5) aside.
  bin=$CACHE_DIR/go/bin/$(basename "$(sed -E 's#/v[0-9]+$##' <<<"$package")")
  [[ -x $bin && $(go_built_version "$bin" "$module") == "$version" ]] && return 0
  command -v go >/dev/null || die "$name: the Go toolchain is needed to build it (go install); install Go first"
  log "building $name $version with go install (minutes the first time on 2 cores)"
  env "${GO_ENV[@]}" go install "$package@$version" >"$CACHE_DIR/$name-build.log" 2>&1 || {
    tail -n 30 "$CACHE_DIR/$name-build.log" >&2
    die "$name: go install $package@$version failed (log: $CACHE_DIR/$name-build.log)"
  }
}

install_minio() { go_install_pinned minio "$MINIO_MODULE" "$MINIO_MODULE" "$MINIO_VERSION"; }

# --- health checks (each one a real request to the server) -----------------------------------
redis_healthy() { [[ $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]; }

postgres_healthy() {
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres &&
    [[ $("$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -XtAc 'select 1' 2>/dev/null) == 1 ]]
}

# A Kafka Metadata request (v4, all topics) over /dev/tcp: healthy when the answer carries our
# correlation id and at least one broker. No JVM start per poll.
kafka_healthy() {
  local reply
  reply=$(timeout 3 bash -c '
    exec 3<>/dev/tcp/127.0.0.1/'"$KAFKA_PORT"'
    # size=20 | api_key=3 (Metadata) | version=4 | correlation_id=42 | client_id="infra" | topics=null | allow_auto_create=false
    printf "\x00\x00\x00\x14\x00\x03\x00\x04\x00\x00\x00\x2a\x00\x05infra\xff\xff\xff\xff\x00" >&3
    head -c 16 <&3 | od -An -tx1 -v' 2>/dev/null | tr -d ' \n')
  # bytes 4-7: correlation id; 8-11: throttle time; 12-15: broker count
  [[ ${reply:8:8} == 0000002a ]] && ((16#${reply:24:8} >= 1))
}

minio_healthy() { curl -fsS -m 3 -o /dev/null "http://127.0.0.1:$MINIO_PORT/minio/health/live"; }

# --- versions (for status) ----------------------------------------------------------------------
redis_version() { redis-server --version 2>/dev/null | grep -o 'v=[0-9.]*' | cut -d= -f2; }
postgres_version() { "$PG_BIN/postgres" --version 2>/dev/null | awk '{print $3}'; }
kafka_version() { [[ -f $KAFKA_HOME/libs/kafka_2.13-$KAFKA_VERSION.jar ]] && echo "$KAFKA_VERSION"; }
minio_version() { go_built_version "$MINIO_BIN" "$MINIO_MODULE"; }

service_port() {
  case $1 in
    redis) echo "$REDIS_PORT" ;;
    postgres) echo "$PG_PORT" ;;
    kafka) echo "$KAFKA_PORT" ;;
    minio) echo "$MINIO_PORT" ;;
  esac
}
