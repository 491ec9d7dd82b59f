"""torchrun (torch.distributed.run's own main), for Debian's torch 1.13 under Python 3.11:
there its elastic launcher fails before starting a worker — Std.from_str looks values up by
iterating an IntFlag, which Python 3.11 no longer yields 0 and combined values from — so
this looks them up by value. Nothing else changes: `torchrun.py ARGS` is `torchrun ARGS`."""
import re
import sys

from torch.distributed.elastic.multiprocessing import api


def from_str(vm):
    if re.fullmatch(r"[0-7]", vm):
        return api.Std(int(vm))
    return {int(rank): api.Std(int(value)) for rank, value in (item.split(":") for item in vm.split(","))}


api.Std.from_str = staticmethod(from_str)

from torch.distributed.run import main  # noqa: E402

sys.exit(main())
