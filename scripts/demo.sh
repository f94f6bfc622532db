#!/usr/bin/env bash
# Placeholder: the demo of apify.platform against the emulator is not written yet.
echo "demo not yet available" >&2
exit 1
