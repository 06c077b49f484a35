"""The JSON-RPC stream on private copies of stdin and stdout.

llama-cpp-python silences a model load (verbose=False) by pointing file descriptor 1 at /dev/null for the whole
process, for as long as the load takes (seconds). Any answer pygls wrote to stdout meanwhile was lost: a request
sent right after didOpen (whose prefill loads the model) was never answered, and clients waited until their
timeout. The protocol therefore writes to its own duplicate of fd 1, and fd 1 itself points at stderr, so a stray
print() or C library write can neither swallow nor corrupt a message.
"""

from __future__ import annotations

import os
from typing import BinaryIO


def protocol_streams() -> tuple[BinaryIO, BinaryIO]:
    """(input, output) for pygls: private duplicates of fds 0 and 1. Afterwards fd 1 is stderr and fd 0 is
    /dev/null, so nothing else in the process (or a child that inherits them) reads or writes the protocol."""
    rpc_in = os.fdopen(os.dup(0), "rb")
    rpc_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    return rpc_in, rpc_out
