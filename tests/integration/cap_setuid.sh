#!/usr/bin/env bash
# capwork setuid needs exactly CAP_SETUID.
. "$(dirname "$0")/../caps.sh"
cap_case setuid "SETUID"
