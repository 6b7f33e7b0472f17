#!/bin/bash
# Make a private copy of this machine's PostgreSQL directories (15 on Debian 12) under DIR, for
# development: PS_PGX=DIR bash test/run-all.sh then builds, installs and
# tests there without the machine-wide lock (Debian's install is
# relocatable: pg_config and the server find their files next to them).
#
#   bash test/private-pg.sh /tmp/pgx-mine
set -euo pipefail
dir=${1:?usage: private-pg.sh DIR}
source "$(dirname "$0")/common.sh"
PS_PGX= ps_install_deps
mkdir -p "$dir/usr/lib/postgresql" "$dir/usr/share/postgresql" "$dir/usr/include"
cp -a "/usr/lib/postgresql/$PS_PG_MAJOR" "$dir/usr/lib/postgresql/"
cp -a "/usr/share/postgresql/$PS_PG_MAJOR" "$dir/usr/share/postgresql/"
cp -a /usr/include/postgresql "$dir/usr/include/"
echo "$dir"
