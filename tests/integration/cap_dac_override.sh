#!/usr/bin/env bash
# capwork dac_override needs exactly CAP_DAC_OVERRIDE.
. "$(dirname "$0")/../caps.sh"
cap_case dac_override "DAC_OVERRIDE"
