#!/usr/bin/env bash
# OpenRLHF PPO/GRPO with Arbiter as the remote reward model. Start the server first, on a machine
# the trainer can reach (with Docker there too if the dataset has code problems):
#
#   arbiter reward-server --host 0.0.0.0 --port 8080 --shaping format_penalty=-0.5
#
# The dataset's label column holds the answer (math) or JSON tests (code). Older OpenRLHF versions
# that send no labels work too: start the server with --answers BENCHMARK to look answers up by problem.
# The server finds each response after its prompt ('prompts', sent since 2025-02) or after the chat
# template's assistant header (--apply_chat_template); a query with neither gets 400, never a reward
# for an answer its prompt holds (or 0, flagged, with --unseparated score-zero). See ../README.md and ../../docs/reward.md.
# Several replicas: REWARD_URL=http://a:8080/get_reward,http://b:8080/get_reward (OpenRLHF splits each batch across them).
set -euo pipefail
REWARD_URL="${REWARD_URL:-http://127.0.0.1:8080/get_reward}"

# OpenRLHF before 2026-04 takes --remote_rm_url; later versions spell it --reward.remote_url.
python -m openrlhf.cli.train_ppo_ray \
  --pretrain Qwen/Qwen2.5-7B-Instruct \
  --remote_rm_url "$REWARD_URL" \
  --prompt_data your/math-dataset \
  --input_key problem \
  --label_key answer \
  --apply_chat_template \
  --advantage_estimator group_norm \
  --n_samples_per_prompt 8 \
  --rollout_batch_size 128 \
  --micro_rollout_batch_size 16 \
  --train_batch_size 128 \
  --micro_train_batch_size 4 \
  --generate_max_len 4096 \
  --actor_learning_rate 5e-7 \
  --init_kl_coef 0.01 \
  --bf16 \
  --save_path ./checkpoints/arbiter-ppo \
  "$@"
