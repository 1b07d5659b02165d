#!/usr/bin/env bash
# capwork linux_immutable needs exactly CAP_LINUX_IMMUTABLE.
. "$(dirname "$0")/../caps.sh"
cap_case linux_immutable "LINUX_IMMUTABLE"
