#!/usr/bin/env bash
# capwork sys_ptrace needs exactly CAP_SYS_PTRACE.
. "$(dirname "$0")/../caps.sh"
cap_case sys_ptrace "SYS_PTRACE"
