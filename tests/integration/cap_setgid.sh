#!/usr/bin/env bash
# capwork setgid needs exactly CAP_SETGID.
. "$(dirname "$0")/../caps.sh"
cap_case setgid "SETGID"
