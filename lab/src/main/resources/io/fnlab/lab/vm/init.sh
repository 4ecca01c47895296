#!/bin/busybox sh
# fnlab guest /init: runs once as PID 1 inside the lab VM (see io.fnlab.lab.vm.VmBackend).
# It mounts the pseudo filesystems, loads the kernel modules listed at image-build time, runs the
# job (/job/job.sh, packed into a second cpio archive appended to the initrd), ships /out back as
# base64 tar on the second serial port (ttyS1) and powers off. The VM has no network device at all.
# applets go to their own directory, after the real tools on PATH (busybox would replace /usr/bin/ip)
mkdir -p /bbin && /bin/busybox --install -s /bbin
export PATH=/usr/sbin:/usr/bin:/bbin
export HOME=/root
mkdir -p /proc /sys /dev /run /tmp /out /root /var
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /run
ln -sf /run /var/run
echo 1 > /proc/sys/kernel/printk_ratelimit 2>/dev/null
echo "4 4 1 7" > /proc/sys/kernel/printk
KVER=$(uname -r)
failed=""
while read -r m; do
  [ -n "$m" ] || continue
  insmod "/lib/modules/$KVER/$m" 2>/dev/null || failed="$failed ${m##*/}"
done < /etc/fnlab/modules
[ -z "$failed" ] || echo "FNLAB-MODULES-FAILED$failed"
echo "FNLAB-READY kernel=$KVER"
rc=0
if [ -f /job/job.sh ]; then
  cd /job && /usr/bin/dash /job/job.sh < /dev/null
  rc=$?
  cd /
else
  echo "fnlab: no /job/job.sh in the initrd"
  rc=125
fi
echo "$rc" > /out/.exit-code
echo "FNLAB-EXIT $rc"
{
  echo "FNLAB-OUT-BEGIN"
  tar -C /out -cf - . | base64
  echo "FNLAB-OUT-END"
} > /dev/ttyS1
sync
poweroff -f
