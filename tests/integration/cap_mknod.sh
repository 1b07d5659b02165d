#!/usr/bin/env bash
# capwork mknod needs exactly CAP_MKNOD.
. "$(dirname "$0")/../caps.sh"
cap_case mknod "MKNOD"
