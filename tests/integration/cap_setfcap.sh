#!/usr/bin/env bash
# capwork setfcap needs exactly CAP_SETFCAP.
. "$(dirname "$0")/../caps.sh"
cap_case setfcap "SETFCAP"
