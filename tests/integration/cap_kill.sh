#!/usr/bin/env bash
# capwork kill needs exactly CAP_KILL.
. "$(dirname "$0")/../caps.sh"
cap_case kill "KILL"
