# Lists the tasks of a Linux kernel memory dump with drgn: one "PID COMM" line each. Usage: tasks.py CORE VMLINUX
import sys

import drgn
from drgn.helpers.linux.pid import for_each_task

prog = drgn.Program()
prog.set_core_dump(sys.argv[1])
try:
    prog.load_debug_info([sys.argv[2]])
except drgn.MissingDebugInfoError as e:
    # the guest's loaded modules have no debug info here; the kernel's own (vmlinux) is what is needed
    print("drgn: " + str(e).splitlines()[0], file=sys.stderr)
release = prog["init_uts_ns"].name.release.string_().decode()
print("release " + release)
for task in for_each_task(prog):
    print(task.pid.value_(), task.comm.string_().decode())
