#!/bin/sh
# Creates one database per lienthong service (the names in LIENTHONG_DATABASES, set in
# docker-compose.yml), owned by POSTGRES_USER. The postgres image runs this from
# /docker-entrypoint-initdb.d once, when its data volume is empty (`docker compose down -v`
# starts over); an existing database is left as it is.
#
# The image executes the script when it is executable and sources it otherwise (a checkout
# that lost the mode bit): `set -e` is the only option it sets, and the image's entrypoint
# runs with it already, so a failed CREATE DATABASE stops the initialisation either way.
set -e

for lienthong_database in ${LIENTHONG_DATABASES:?set LIENTHONG_DATABASES to the service names}; do
    if [ "$(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$lienthong_database'")" = "1" ]; then
        echo "lienthong: database $lienthong_database exists"
    else
        psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
            -c "CREATE DATABASE \"$lienthong_database\" OWNER \"$POSTGRES_USER\""
        echo "lienthong: created database $lienthong_database"
    fi
done
