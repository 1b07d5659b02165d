#!/usr/bin/env bash
# capwork sys_resource needs exactly CAP_SYS_RESOURCE.
. "$(dirname "$0")/../caps.sh"
cap_case sys_resource "SYS_RESOURCE"
