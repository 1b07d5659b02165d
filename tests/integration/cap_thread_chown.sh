#!/usr/bin/env bash
# capwork thread_chown needs exactly CAP_CHOWN.
. "$(dirname "$0")/../caps.sh"
cap_case thread_chown "CHOWN"
