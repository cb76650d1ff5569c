#!/bin/sh
# Creates the topics named as arguments (the kafka-init service of docker-compose.yml passes
# lienthong/contracts/topics.py ALL_TOPICS) with PARTITIONS partitions, REPLICATION_FACTOR
# replicas and min.insync.replicas = MIN_INSYNC_REPLICAS, on the cluster at BOOTSTRAP_SERVERS.
# A topic that exists is left as it is (--if-not-exists): partitions are never added behind the
# services' back, since that would move a dossier's key to another partition mid-flight; the
# table printed at the end shows what each topic has.
#
# Runs in the apache/kafka image; KAFKA_BIN points elsewhere for a Kafka unpacked by hand:
#   BOOTSTRAP_SERVERS=broker:9092 REPLICATION_FACTOR=3 MIN_INSYNC_REPLICAS=2 \
#     KAFKA_BIN=~/kafka/bin sh docker/kafka/create-topics.sh lienthong.gateway.events ...
set -eu

bin=${KAFKA_BIN:-/opt/kafka/bin}
bootstrap=${BOOTSTRAP_SERVERS:?set BOOTSTRAP_SERVERS (host:port[,host:port...])}
partitions=${PARTITIONS:-3}
replication=${REPLICATION_FACTOR:-1}
min_isr=${MIN_INSYNC_REPLICAS:-1}

fail() {
    echo "kafka-init: $*" >&2
    exit 1
}

[ "$#" -gt 0 ] || fail "no topic named: usage: create-topics.sh TOPIC..."
for number in "$partitions" "$replication" "$min_isr"; do
    case $number in
        '' | *[!0-9]* | 0) fail "partitions, replication factor and min ISR are positive integers" ;;
    esac
done
[ "$min_isr" -le "$replication" ] ||
    fail "MIN_INSYNC_REPLICAS=$min_isr is above REPLICATION_FACTOR=$replication"

brokers=$("$bin/kafka-broker-api-versions.sh" --bootstrap-server "$bootstrap" | grep -c '(id: ' || true)
echo "kafka-init: $brokers broker(s) at $bootstrap; topics get $partitions partition(s)," \
    "replication factor $replication, min.insync.replicas $min_isr"
[ "$brokers" -ge 1 ] || fail "no broker answers at $bootstrap"
[ "$brokers" -ge "$replication" ] ||
    fail "REPLICATION_FACTOR=$replication needs as many brokers, $brokers answer at $bootstrap"
if [ "$brokers" -ge 3 ] && [ "$replication" -lt 3 ]; then
    fail "$brokers brokers answer but REPLICATION_FACTOR=$replication: the three-broker" \
        "cluster runs with docker/kafka-cluster.env (replication 3, min ISR 2)"
fi

for topic in "$@"; do
    "$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --create --if-not-exists \
        --topic "$topic" --partitions "$partitions" --replication-factor "$replication" \
        --config "min.insync.replicas=$min_isr"
done

# One describe for all of them: the topic option takes a regular expression.
pattern=
for topic in "$@"; do
    pattern="${pattern:+$pattern|}$(printf '%s' "$topic" | sed 's/[.]/\\./g')"
done
"$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --describe --topic "^($pattern)\$" |
    grep 'PartitionCount' || true
echo "kafka-init: $# topic(s) ready"
