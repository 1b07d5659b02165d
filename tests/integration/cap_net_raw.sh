#!/usr/bin/env bash
# capwork net_raw needs exactly CAP_NET_RAW.
. "$(dirname "$0")/../caps.sh"
cap_case net_raw "NET_RAW"
