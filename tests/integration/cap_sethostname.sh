#!/usr/bin/env bash
# capwork sethostname needs exactly CAP_SYS_ADMIN.
. "$(dirname "$0")/../caps.sh"
cap_case sethostname "SYS_ADMIN"
