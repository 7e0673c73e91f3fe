#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in virtio_mmio virtio_blk; do insmod /lib/$m.ko || echo "insmod $m failed"; done
for i in 1 2 3 4 5 6 7 8 9 10; do [ -e /sys/block/vda/dev ] && break; sleep 1; done
echo "TORPOR-GUEST $(uname -r) $(uname -m) vda=$(cat /sys/block/vda/dev)"
if grep -q torpor.resume /proc/cmdline; then
  cat /sys/block/vda/dev > /sys/power/resume
  echo "RESUME-NOT-DONE"; poweroff -f
fi
mount -t tmpfs tmp /tmp
echo "TORPOR-ARCH-MARKER-$(cat /proc/sys/kernel/random/uuid)" > /tmp/marker
cat /tmp/marker
swapon /dev/vda || echo "swapon failed"
echo shutdown > /sys/power/disk
echo disk > /sys/power/state
echo "RESUMED: $(cat /tmp/marker)"
poweroff -f
