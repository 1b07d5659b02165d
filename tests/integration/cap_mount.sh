#!/usr/bin/env bash
# capwork mount needs exactly CAP_SYS_ADMIN.
. "$(dirname "$0")/../caps.sh"
cap_case mount "SYS_ADMIN"
