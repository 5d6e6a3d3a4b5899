#!/usr/bin/env bash
# Developer entry point. `./ccp test` runs every test; `./ccp run` starts the server.
# See README.md. Needs Java 17+ and Node.js 18+ with npm (the JavaScript client, ccp-js, builds
# into the server's demo page); PostgreSQL, Redis and Chromium are started (or installed with the
# system package manager) when missing, because the tests use them for real.
set -euo pipefail
cd "$(dirname "$0")"

# The Maven wrapper pins Maven 3.9.11 (downloaded once into ~/.m2/wrapper).
MVN=(./mvnw -B -ntp)

log() { printf '\033[1m[ccp]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[ccp] %s\033[0m\n' "$*" >&2; exit 1; }

reachable() { # host port
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else return 1; fi
}

wait_for() { # name port
  for _ in $(seq 1 60); do reachable 127.0.0.1 "$2" && return 0; sleep 0.5; done
  return 1
}

apt_install() {
  command -v apt-get >/dev/null || return 1
  log "installing $* with apt-get"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1 \
    || { as_root apt-get update -q >/dev/null 2>&1 && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1; }
}

ensure_postgres() {
  reachable 127.0.0.1 5432 && return 0
  if ! command -v pg_ctlcluster >/dev/null && ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    apt_install postgresql || die "PostgreSQL is not installed and could not be installed (need root or sudo, and apt-get)"
  fi
  log "starting PostgreSQL"
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    for v in $(ls /etc/postgresql); do as_root pg_ctlcluster --skip-systemctl-redirect "$v" main start || true; done
  fi
  wait_for postgres 5432 || die "PostgreSQL does not answer on 127.0.0.1:5432"
  # Tests connect as 'postgres' with trust auth on 127.0.0.1 (the machine's default).
}

ensure_redis() {
  reachable 127.0.0.1 6379 && return 0
  command -v redis-server >/dev/null || apt_install redis-server || die "Redis is not installed and could not be installed (need root or sudo, and apt-get)"
  log "starting Redis"
  mkdir -p /tmp/ccp-redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --dir /tmp/ccp-redis \
    --logfile /tmp/ccp-redis/redis.log || die "redis-server failed to start"
  wait_for redis 6379 || die "Redis does not answer on 127.0.0.1:6379"
}

ensure_node() { # the JavaScript client (ccp-js) builds and tests with Node.js 18+ and npm
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    apt_install nodejs npm || die "Node.js and npm are needed for ccp-js and could not be installed (need root or sudo, and apt-get)"
  fi
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 18 ] || die "Node.js 18+ is needed for ccp-js (found $(node --version))"
}

ensure_chromium() { # the real-browser tests drive Debian's Chromium through its ChromeDriver
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    apt_install chromium chromium-driver || die "chromium and chromium-driver are needed for the browser tests and could not be installed (need root or sudo, and apt-get)"
  fi
}

ensure_tools() {
  command -v java >/dev/null || die "Java 17+ is required"
  command -v curl >/dev/null || command -v wget >/dev/null || apt_install curl || die "curl or wget is needed to fetch Maven"
  ensure_node
}

# Every @FuzzTest as Class#method, with its module: "module Class#method" per line.
fuzz_targets() {
  grep -rl --include='*FuzzTest.java' '@FuzzTest' -- */src/test/java 2>/dev/null | sort | while read -r file; do
    module=${file%%/*}
    class=$(basename "$file" .java)
    # The method name follows its @FuzzTest annotation: "void name(".
    awk '/@FuzzTest/ {armed = 1; next} armed && /void [A-Za-z0-9_]+\(/ {
           match($0, /void [A-Za-z0-9_]+\(/); print substr($0, RSTART + 5, RLENGTH - 6); armed = 0 }' "$file" \
      | while read -r method; do echo "$module $class#$method"; done
  done
}

# Coverage-guided fuzzing (docs/fuzzing.md): one target per JVM, as Jazzer requires.
fuzz() {
  local target=${1:-} seconds=${2:-300}
  if [ -z "$target" ]; then
    echo "usage: ./ccp fuzz TARGET|all [SECONDS]   (default 300 seconds per target)" >&2
    echo "targets:" >&2
    fuzz_targets | awk '{print "  " $2 "   (" $1 ")"}' >&2
    exit 2
  fi
  [[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -gt 0 ] || die "SECONDS must be a positive number, got '$seconds'"
  local lines
  if [ "$target" = all ]; then
    lines=$(fuzz_targets)
  else
    # TARGET is Class#method, Class (every method of it, one after the other) or a unique method name.
    lines=$(fuzz_targets | awk -v t="$target" '{split($2, cm, "#"); if ($2 == t || cm[1] == t || cm[2] == t) print}')
  fi
  [ -n "$lines" ] || die "no fuzz target matches '$target' (./ccp fuzz lists them)"
  local failed=0
  while read -r module test; do
    log "fuzzing $test in $module for ${seconds}s (crashes land in $module/src/test/resources/.../${test%%#*}Inputs/${test#*#}/)"
    # Regression corpus first, then mutation; -am builds the modules a target depends on
    # without installing them. Coverage counts in our classes and in the parsers they hand
    # peer bytes to (Jackson's JSON and TOML, Netty's query decoder). The run is one long
    # test: lift JUnit's per-test timeout and let surefire's fork outlive the run; Jazzer
    # turns the template timeout into libFuzzer's per-input one, so an input that takes
    # over 10 s is a finding too.
    if ! JAZZER_FUZZ=1 "${MVN[@]}" -q test -pl "$module" -am -Dtest="$test" \
        -Dsurefire.failIfNoSpecifiedTests=false -Djazzer.max_duration="${seconds}s" -Djazzer.hooks=true \
        -Djazzer.instrument='io.commucat.**,com.fasterxml.jackson.**,io.netty.handler.codec.http.**' \
        -Djunit.jupiter.execution.timeout.mode=disabled -Dsurefire.timeout=$((seconds + 900)) \
        -Djunit.jupiter.execution.timeout.testtemplate.method.default='10 s' </dev/null; then
      failed=1
      log "finding in $test: see the surefire report above and the new crash file"
    fi
  done <<< "$lines"
  exit $failed
}

# Builds the jars unless they are newer than every source and pom (client and admin commands
# run several times in a row in the quick start; each would otherwise rebuild).
build_jars() {
  local jar=ccp-cli/target/ccp-cli.jar
  if [ -f "$jar" ] && [ -f ccp-server/target/ccp-server.jar ] \
      && [ -z "$(find . \( -path './*/src/main/*' -o -name pom.xml -o -path ./docs/openapi.json \) -newer "$jar" -print -quit)" ]; then
    return 0
  fi
  "${MVN[@]}" -q install -DskipTests
}

case "${1:-}" in
  test)
    shift
    ensure_tools
    ensure_postgres
    ensure_redis
    ensure_chromium
    log "PostgreSQL 127.0.0.1:5432 and Redis 127.0.0.1:6379 are up, Chromium is installed; running all tests"
    exec "${MVN[@]}" verify "$@"
    ;;
  run)
    shift
    ensure_tools
    "${MVN[@]}" -q install -DskipTests
    # Embedded default: H2 file + in-process presence in ./ccp-data, https://localhost:8443.
    exec java -jar ccp-server/target/ccp-server.jar serve "$@"
    ;;
  bench)
    shift
    ensure_tools
    "${MVN[@]}" -q install -DskipTests
    exec java -jar ccp-bench/target/benchmarks.jar "$@"
    ;;
  load)
    shift
    ensure_tools
    "${MVN[@]}" -q install -DskipTests
    exec java -Xms1g -Xmx1g -cp ccp-bench/target/benchmarks.jar io.commucat.ccp.bench.load.HandshakeLoad "$@"
    ;;
  relay-load)
    shift
    ensure_tools
    "${MVN[@]}" -q install -DskipTests
    exec java -Xms1g -Xmx1g -cp ccp-bench/target/benchmarks.jar io.commucat.ccp.bench.load.RelayLoad "$@"
    ;;
  relay-latency)
    shift
    ensure_tools
    "${MVN[@]}" -q install -DskipTests
    exec java -Xmx1g -cp ccp-bench/target/benchmarks.jar io.commucat.ccp.bench.load.RelayLatency "$@"
    ;;
  soak)
    shift
    ensure_tools
    ensure_postgres
    # The soak runs a redis-server of its own (it kills and restarts it), never the shared one.
    command -v redis-server >/dev/null || apt_install redis-server || die "redis-server is needed and could not be installed"
    # Only the jars it runs: the server's classes are inside benchmarks.jar.
    "${MVN[@]}" -q package -pl ccp-bench -am -DskipTests
    exec java -Xms256m -Xmx512m -cp ccp-bench/target/benchmarks.jar io.commucat.ccp.bench.soak.Soak "$@"
    ;;
  fuzz)
    shift
    ensure_tools
    fuzz "$@"
    ;;
  client)
    shift
    ensure_tools
    build_jars
    exec java -jar ccp-cli/target/ccp-cli.jar "$@"
    ;;
  admin)
    shift
    ensure_tools
    build_jars
    exec java -jar ccp-server/target/ccp-server.jar admin "$@"
    ;;
  *)
    echo "usage: ./ccp test [maven args] | ./ccp run [serve options] | ./ccp bench [JMH args] | ./ccp load [options] | ./ccp relay-load [options] | ./ccp relay-latency [options] | ./ccp soak [--duration SECONDS] [options] | ./ccp fuzz [TARGET|all] [SECONDS] | ./ccp client COMMAND | ./ccp admin COMMAND" >&2
    exit 2
    ;;
esac
