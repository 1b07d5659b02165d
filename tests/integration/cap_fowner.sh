#!/usr/bin/env bash
# capwork fowner needs exactly CAP_FOWNER.
. "$(dirname "$0")/../caps.sh"
cap_case fowner "FOWNER"
