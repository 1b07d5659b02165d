#!/usr/bin/env bash
# capwork sys_time needs exactly CAP_SYS_TIME.
. "$(dirname "$0")/../caps.sh"
cap_case sys_time "SYS_TIME"
