#!/usr/bin/env bash
# capwork audit_write needs exactly CAP_AUDIT_WRITE (refused in the netlink ack, not the syscall).
. "$(dirname "$0")/../caps.sh"
"$WORKLOADS/capwork" audit_write | grep -q ': ok$' || skip "this kernel does not accept user audit messages (no CONFIG_AUDIT?)"
cap_case audit_write "AUDIT_WRITE"
