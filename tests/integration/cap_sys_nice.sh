#!/usr/bin/env bash
# capwork sys_nice needs exactly CAP_SYS_NICE.
. "$(dirname "$0")/../caps.sh"
cap_case sys_nice "SYS_NICE"
