#!/usr/bin/env bash
# capwork dac_read_search needs exactly CAP_DAC_READ_SEARCH.
. "$(dirname "$0")/../caps.sh"
cap_case dac_read_search "DAC_READ_SEARCH"
