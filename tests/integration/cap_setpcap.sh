#!/usr/bin/env bash
# capwork setpcap needs exactly CAP_SETPCAP.
. "$(dirname "$0")/../caps.sh"
cap_case setpcap "SETPCAP"
