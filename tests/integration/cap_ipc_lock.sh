#!/usr/bin/env bash
# capwork ipc_lock needs exactly CAP_IPC_LOCK.
. "$(dirname "$0")/../caps.sh"
cap_case ipc_lock "IPC_LOCK"
