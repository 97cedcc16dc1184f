#!/usr/bin/env bash
# One-time setup of the compose cluster's Garage (docs/cluster.md). Run it from docker/:
#
#   ./garage-init.sh
#
# 1. writes docker/.env with GARAGE_RPC_SECRET and TERN_USERS_SERVER_SECRET when it has none;
# 2. starts the garage service and waits until `garage status` answers;
# 3. gives the node a role in the layout and applies it   (garage layout assign / apply);
# 4. creates the access key "tern" and the bucket "tern", and allows the key on the bucket
#    (garage key create / bucket create / bucket allow);
# 5. appends the key to docker/.env as TERN_STORAGE_ACCESS_KEY_ID / TERN_STORAGE_SECRET_ACCESS_KEY,
#    which compose.yaml hands to the Tern nodes.
#
# Every garage command runs inside the container with `docker compose exec garage /garage …`
# (the image has no shell, so this script runs on the host). Running it again skips what is done.
# Written without a Docker engine at hand: not run in this project's CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

env_file=.env
bucket=tern
key_name=tern

garage() {
  docker compose exec -T garage /garage "$@"
}

random_hex() {
  if command -v openssl >/dev/null; then
    openssl rand -hex 32
  else
    od -An -N32 -tx1 /dev/urandom | tr -d ' \n'
  fi
}

has_variable() {
  [[ -f $env_file ]] && grep -q "^$1=." "$env_file"
}

# --- 1. secrets --------------------------------------------------------------------------------
touch "$env_file"
chmod 600 "$env_file"
if ! has_variable GARAGE_RPC_SECRET; then
  echo "GARAGE_RPC_SECRET=$(random_hex)" >>"$env_file"
  echo "garage-init: generated GARAGE_RPC_SECRET in $env_file"
fi
if ! has_variable TERN_USERS_SERVER_SECRET; then
  # Mixed into every password-protected key (docs/configuration.md, [users] server_secret):
  # changing or losing it locks those users out. Keep docker/.env as carefully as the store.
  echo "TERN_USERS_SERVER_SECRET=$(random_hex)" >>"$env_file"
  echo "garage-init: generated TERN_USERS_SERVER_SECRET in $env_file"
fi

# --- 2. Garage up ------------------------------------------------------------------------------
docker compose up -d garage
for attempt in $(seq 1 30); do
  if garage status >/dev/null 2>&1; then
    break
  fi
  if [[ $attempt == 30 ]]; then
    echo "garage-init: Garage does not answer; see: docker compose logs garage" >&2
    exit 1
  fi
  sleep 1
done
garage status

# --- 3. layout ---------------------------------------------------------------------------------
# Outputs go through variables, not straight into grep -q: with pipefail, a grep that stops
# reading early could fail the pipeline.
status=$(garage status)
if [[ $status == *"NO ROLE ASSIGNED"* ]]; then
  node_id=$(garage node id -q)
  node_id=${node_id%%@*}
  garage layout assign -z dc1 -c 1G "$node_id"
  layout=$(garage layout show)
  current=$(sed -n 's/.*[Cc]urrent cluster layout version: *\([0-9][0-9]*\).*/\1/p' <<<"$layout")
  current=${current%%$'\n'*}
  garage layout apply --version $(( ${current:-0} + 1 ))
else
  echo "garage-init: the node already has a role in the layout"
fi

# --- 4. key and bucket -------------------------------------------------------------------------
if has_variable TERN_STORAGE_ACCESS_KEY_ID; then
  echo "garage-init: $env_file already has TERN_STORAGE_ACCESS_KEY_ID; not creating a key"
else
  key_output=$(garage key create "$key_name")
  key_id=$(printf '%s\n' "$key_output" | awk '/Key ID:/ { print $NF }')
  secret=$(printf '%s\n' "$key_output" | awk '/Secret key:/ { print $NF }')
  if [[ -z $key_id || -z $secret ]]; then
    echo "garage-init: cannot read the key from 'garage key create' output:" >&2
    printf '%s\n' "$key_output" >&2
    exit 1
  fi
  {
    echo "TERN_STORAGE_ACCESS_KEY_ID=$key_id"
    echo "TERN_STORAGE_SECRET_ACCESS_KEY=$secret"
  } >>"$env_file"
  echo "garage-init: created key $key_id, saved in $env_file"
fi
key_id=$(sed -n 's/^TERN_STORAGE_ACCESS_KEY_ID=//p' "$env_file" | tail -n1)

if garage bucket info "$bucket" >/dev/null 2>&1; then
  echo "garage-init: bucket $bucket exists"
else
  garage bucket create "$bucket"
fi
garage bucket allow --read --write --owner "$bucket" --key "$key_id"

echo
echo "garage-init: done. Next: add a user and start the nodes:"
echo "  docker compose run --rm tern-admin account add --login alice --address alice@example.tld"
echo "  docker compose up -d --build"
