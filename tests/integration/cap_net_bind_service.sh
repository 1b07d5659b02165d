#!/usr/bin/env bash
# capwork net_bind_service needs exactly CAP_NET_BIND_SERVICE.
. "$(dirname "$0")/../caps.sh"
cap_case net_bind_service "NET_BIND_SERVICE"
