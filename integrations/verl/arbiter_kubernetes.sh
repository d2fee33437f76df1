#!/usr/bin/env bash
# verl PPO/GRPO scored by Arbiter's reward server in Kubernetes, through its Service
# (deploy/kubernetes/reward-server.yaml, or the Helm chart installed as release "arbiter" in namespace
# "arbiter"). The Service spreads the shim's requests, one HTTP request per batch with the batch reward
# manager, over the ready replicas. Run from the repository root on the Ray head node; every Ray worker
# must reach the Service's address (in the cluster, or at ARBITER_REWARD_URL when it is exposed outside).
#
#   bash integrations/verl/arbiter_kubernetes.sh data.train_files=... data.val_files=... actor_rollout_ref.model.path=...
#
# ARBITER_REWARD_TOKEN, when the server has one (the chart's rewardServer.token), must be in the Ray
# workers' environment too: export it before `ray start`, or add it to the job's runtime_env.
set -euo pipefail
ARBITER_REWARD_URL="${ARBITER_REWARD_URL:-http://arbiter-reward-server.arbiter.svc.cluster.local:8080}"

# For code rows, verl's own sandbox reward can instead use the same Service's SandboxFusion route:
#   reward_model.sandbox_fusion.url="$ARBITER_REWARD_URL/run_code" (without the custom_reward_function lines)
python3 -m verl.trainer.main_ppo \
  custom_reward_function.path=integrations/verl/arbiter_reward.py \
  custom_reward_function.name=compute_score \
  +custom_reward_function.reward_kwargs.url="$ARBITER_REWARD_URL" \
  reward_model.reward_manager=batch \
  "$@"
