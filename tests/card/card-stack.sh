#!/usr/bin/env bash
# The card stack of a practitioner's machine, private to one test: pcscd in the foreground on its
# own socket, vsmartcard's vpcd as its reader driver, and the virtual BELPIC card in that reader.
#
#   card-stack.sh start  DIR            pcscd + vpcd; prints the environment a PC/SC client needs
#   card-stack.sh insert DIR PKI [WHO]  puts WHO's card (default alice) in the reader
#   card-stack.sh pull   DIR            takes it out
#   card-stack.sh stop   DIR            takes it out and stops pcscd
#
# Everything lives in DIR: pcscd's socket (PCSCLITE_CSOCK_NAME), its reader.conf.d, the logs and
# the card's tries counter, which survives a pull as on a real card. Each call returns once the
# reader shows the change, so a test never races the stack.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"

command="${1:-}"
dir="${2:-}"
if [ -z "$command" ] || [ -z "$dir" ]; then
  sed -n '2,12p' "$0" >&2
  exit 2
fi
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
export PCSCLITE_CSOCK_NAME="$dir/pcscd.comm"

# A card is present when opensc-tool lists the first reader with "Yes" in its Card column.
card_present() { opensc-tool --list-readers 2>/dev/null | grep -qE '^[[:space:]]*0[[:space:]]+Yes'; }

wait_until() {
  for _ in $(seq 1 100); do
    if "$@"; then return 0; fi
    sleep 0.1
  done
  echo "card-stack: timed out waiting for: $*" >&2
  tail -n 30 "$dir/pcscd.log" >&2 || true
  exit 1
}

not() { ! "$@"; }

readers_listed() { opensc-tool --list-readers 2>/dev/null | grep -q 'Virtual PCD'; }

stop_pid_file() {
  local file="$1"
  [ -f "$file" ] || return 0
  local pid
  pid="$(head -n1 "$file")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$file"
}

# vpcd opens two readers, on PORT and PORT+1; both must be free.
free_port_pair() {
  python3 - <<'EOF'
import random, socket
for _ in range(200):
    port = random.randrange(20000, 60000)
    try:
        socks = []
        for p in (port, port + 1):
            s = socket.socket()
            s.bind(("127.0.0.1", p))
            socks.append(s)
        print(port)
        break
    except OSError:
        pass
    finally:
        for s in socks:
            s.close()
EOF
}

case "$command" in
  start)
    port="$(free_port_pair)"
    mkdir -p "$dir/reader.conf.d"
    cat > "$dir/reader.conf.d/vpcd" <<EOF
FRIENDLYNAME "Virtual PCD"
DEVICENAME   /dev/null:$port
LIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so
CHANNELID    $port
EOF
    echo "$port" > "$dir/vpcd.port"
    # pcscd takes its socket's path from PCSCLITE_CSOCK_NAME only as a client; as a daemon it
    # always binds /run/pcscd/pcscd.comm, unless it is handed a listening socket the way systemd
    # does. systemd-socket-activate does that, and execs pcscd (keeping its pid) on the first
    # connection.
    systemd-socket-activate --listen="$PCSCLITE_CSOCK_NAME" \
      pcscd --foreground --debug --config "$dir/reader.conf.d" > "$dir/pcscd.log" 2>&1 &
    echo $! > "$dir/pcscd.pid"
    wait_until readers_listed
    echo "PCSCLITE_CSOCK_NAME=$PCSCLITE_CSOCK_NAME"
    ;;
  insert)
    pki="${3:?card-stack insert: name the specimen pki folder}"
    who="${4:-alice}"
    rm -f "$dir/card.ready"
    "$here/belpic_card.py" --port "$(cat "$dir/vpcd.port")" --pki "$pki" --person "$who" \
      --state "$dir/card-state" --ready "$dir/card.ready" >> "$dir/card.log" 2>&1 &
    echo $! > "$dir/card.pid"
    wait_until test -s "$dir/card.ready"
    wait_until card_present
    ;;
  pull)
    stop_pid_file "$dir/card.pid"
    wait_until not card_present
    ;;
  stop)
    stop_pid_file "$dir/card.pid"
    stop_pid_file "$dir/pcscd.pid"
    ;;
  *)
    echo "card-stack: unknown command '$command'" >&2
    exit 2
    ;;
esac
