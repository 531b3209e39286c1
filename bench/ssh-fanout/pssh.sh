#!/usr/bin/env bash
# parallel-ssh peer of bench/ssh-fanout (Debian package `pssh`): `parallel-scp` copies the
# tarball to every host, then `parallel-ssh` runs the same release steps as floor.sh
# (unpack, npm ci, atomic switch, pm2 startOrReload, health loop with curl).
#
#   pssh.sh <parallelism> <pssh-hosts-file> <tarball> <version> <client-key> <known-hosts> <health-interval-s> <health-attempts>
#
# pssh-hosts-file: one "root@address:port" per line.
#
# pssh sends the same paths and script to every host. Real hosts would share one layout; the
# loopback hosts share one filesystem, so each finds its own directory from what its sshd
# sets (SetEnv, see packages/test-hosts): `$PM2_HOME/..` is the host's dir, `app/` in it the
# deploy root, `$BIND_ADDRESS:$PORT` its app. The upload therefore goes through scp's
# legacy protocol (-O), whose remote path the host's shell expands.
set -euo pipefail

[ $# -eq 8 ] || { echo "usage: $0 <parallelism> <hosts-file> <tarball> <version> <key> <known-hosts> <interval-s> <attempts>" >&2; exit 2; }
parallelism=$1 hosts_file=$2 tarball=$3 version=$4 key=$5 known_hosts=$6 interval=$7 attempts=$8
[[ $version =~ ^[A-Za-z0-9_][A-Za-z0-9._-]*$ ]] || { echo "bad version" >&2; exit 2; }
[[ $interval =~ ^[0-9]+$ && $attempts =~ ^[0-9]+$ && $parallelism =~ ^[0-9]+$ ]] || { echo "bad numbers" >&2; exit 2; }

opts=(-p "$parallelism" -t 0 -x "-i $key" -O BatchMode=yes -O StrictHostKeyChecking=yes
  -O "UserKnownHostsFile=$known_hosts" -O ConnectTimeout=15 -O LogLevel=ERROR)

# 1. copy (the version is checked above: no shell metacharacters in the remote path)
parallel-scp -h "$hosts_file" "${opts[@]}" -X -O "$tarball" "\$PM2_HOME/../app/.upload-$version.tar.gz"

# 2. release: the same script on every host, on stdin
parallel-ssh -h "$hosts_file" "${opts[@]}" -I 'sh -s' <<EOF
set -e
host_dir=\$(dirname "\$PM2_HOME")
base=\$host_dir/app
upload=\$base/.upload-$version.tar.gz
export WHARF_APP_NAME="sample-\$(basename "\$host_dir")" WHARF_BASE_DIR="\$base" WHARF_CURRENT_DIR="\$base/current"
export WHARF_RELEASE_DIR="\$base/releases/$version" WHARF_VERSION='$version' WHARF_DEPLOYMENT_ID='pssh-$version'
mkdir -p -- "\$WHARF_RELEASE_DIR"
tar -xzf "\$upload" -C "\$WHARF_RELEASE_DIR" --no-same-owner
rm -f -- "\$upload"
cd -- "\$WHARF_RELEASE_DIR" && npm ci --omit=dev --no-audit --no-fund >/dev/null
ln -sfn -- "\$WHARF_RELEASE_DIR" "\$base/.current-$version" && mv -T -- "\$base/.current-$version" "\$WHARF_CURRENT_DIR"
cd -- "\$WHARF_CURRENT_DIR" && pm2 startOrReload "\$WHARF_CURRENT_DIR/ecosystem.config.cjs" --update-env --no-color >/dev/null
i=1
until curl -fsS -o /dev/null --max-time 5 "http://\$BIND_ADDRESS:\$PORT/health"; do
  [ "\$i" -ge $attempts ] && { echo "health check failed on \$BIND_ADDRESS" >&2; exit 1; }
  i=\$((i + 1)); sleep $interval
done
EOF
