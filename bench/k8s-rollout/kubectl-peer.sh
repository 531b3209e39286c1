#!/usr/bin/env bash
# The peer: how a team releases an image without Wharf. For each workload ("namespace
# deployment" per line on stdin): `kubectl set image`, then `kubectl rollout status`,
# PARALLELISM workloads at a time (xargs -P). After each rollout status that succeeds, prints
# "<namespace> <epoch ms>" (when the script learnt the rollout was done).
# Usage: kubectl-peer.sh PARALLELISM CONTAINER IMAGE TIMEOUT_SECONDS < workloads
# Reads KUBECONFIG and KUBE_CACHE_DIR from the environment. Exits non-zero if any rollout fails.
set -euo pipefail
if [ "$#" -ne 4 ]; then
  echo "usage: $0 PARALLELISM CONTAINER IMAGE TIMEOUT_SECONDS < workloads" >&2
  exit 2
fi
export CONTAINER="$2" IMAGE="$3" TIMEOUT="$4"
: "${KUBECONFIG:?KUBECONFIG must name the cluster}" "${KUBE_CACHE_DIR:?KUBE_CACHE_DIR must be set}"

# shellcheck disable=SC2016 # expanded by the inner bash, once per workload
xargs -P "$1" -L 1 bash -c '
  set -euo pipefail
  ns="$0" name="$1"
  kubectl --cache-dir "$KUBE_CACHE_DIR" -n "$ns" set image "deployment/$name" "$CONTAINER=$IMAGE" >/dev/null
  kubectl --cache-dir "$KUBE_CACHE_DIR" -n "$ns" rollout status "deployment/$name" --timeout="${TIMEOUT}s" >/dev/null
  echo "$ns $(date +%s%3N)"
'
