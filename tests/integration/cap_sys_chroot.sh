#!/usr/bin/env bash
# capwork sys_chroot needs exactly CAP_SYS_CHROOT.
. "$(dirname "$0")/../caps.sh"
cap_case sys_chroot "SYS_CHROOT"
