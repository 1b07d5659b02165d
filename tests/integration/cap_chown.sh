#!/usr/bin/env bash
# capwork chown needs exactly CAP_CHOWN.
. "$(dirname "$0")/../caps.sh"
cap_case chown "CHOWN"
