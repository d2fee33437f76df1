#!/usr/bin/env bash
# Prints the value for OpenRLHF's --remote_rm_url (later --reward.remote_url) that spreads the reward
# calls over Arbiter's reward-server replicas in Kubernetes: the Service (deploy/kubernetes/reward-server.yaml,
# or the Helm chart installed as release "arbiter" in namespace "arbiter") listed COPIES times, comma-separated.
#
#   REWARD_URL=$(bash integrations/openrlhf/reward_urls.sh 8) bash integrations/openrlhf/train_ppo_with_arbiter.sh
#
# Why the same URL several times: OpenRLHF versions from 2025-05 to 2026-01 cut each rollout batch into one
# slice per listed URL and post the slices at once, each on a new connection, and the Service sends each new
# connection to one of its ready pods. So COPIES at or above the replica count keeps every replica busy on
# every batch. Later versions post one sample per request, which the Service already spreads; a list does
# no harm there. Versions before 2025-05 send the WHOLE batch to every listed URL and combine the rewards:
# give those a single URL (COPIES=1). See docs/scale-out.md.
#
# Outside the cluster, set ARBITER_REWARD_SERVICE to the address the Service is exposed at
# (a LoadBalancer Service: rewardServer.service.type in the chart; or `kubectl port-forward`).
set -euo pipefail
copies="${1:-${ARBITER_REWARD_COPIES:-2}}"
service="${ARBITER_REWARD_SERVICE:-http://arbiter-reward-server.arbiter.svc.cluster.local:8080}"
if ! [[ "$copies" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: reward_urls.sh COPIES (a positive number; default \$ARBITER_REWARD_COPIES or 2)" >&2
  exit 2
fi
urls="$service/get_reward"
for ((i = 1; i < copies; i++)); do
  urls="$urls,$service/get_reward"
done
echo "$urls"
