#!/bin/bash
# Make a private copy of Debian's PostgreSQL 15 directories under DIR, for
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
cp -a /usr/lib/postgresql/15 "$dir/usr/lib/postgresql/"
cp -a /usr/share/postgresql/15 "$dir/usr/share/postgresql/"
cp -a /usr/include/postgresql "$dir/usr/include/"
echo "$dir"
