#!/usr/bin/env bash
# capwork net_admin needs exactly CAP_NET_ADMIN.
. "$(dirname "$0")/../caps.sh"
cap_case net_admin "NET_ADMIN"
