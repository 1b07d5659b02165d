#!/usr/bin/env bash
# Leaving uid 0 and returning raises the effective set again: capprof must lower
# it, so the chown after the return still shows CHOWN (with SETUID for the first step).
. "$(dirname "$0")/../caps.sh"
cap_case uid_dance "CHOWN SETUID"
