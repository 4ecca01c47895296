/**
 * The real-kernel lab in a VM: Debian's stock kernel (IPVS as modules) booted under qemu TCG with
 * no network device, a busybox initramfs with the host's iptables/ipset/ipvsadm/tcpdump/conntrack
 * and fnlab-probe. {@link io.fnlab.lab.vm.VmImage#ensure()} builds/caches the image,
 * {@link io.fnlab.lab.vm.VmBackend#run} runs one job script per boot,
 * {@link io.fnlab.lab.vm.VmBackend#runPlans} runs a batch of {@link io.fnlab.lab.netns.LabPlan}s.
 */
package io.fnlab.lab.vm;
