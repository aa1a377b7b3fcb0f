// SPDX-License-Identifier: GPL-2.0
/*
 * racerig_delay: race-window amplification.  Places a kprobe at a named
 * kernel symbol (or a kretprobe, to act when it returns) and busy-waits
 * there for delay_us microseconds, on the chosen CPUs, with probability
 * permille/1000.  A busy-wait at the right place holds one CPU inside a
 * race window while the others go on, so a window of nanoseconds that
 * production hits once a week is open for microseconds on every pass.
 *
 * arg2_symbol restricts a probe to calls whose second argument is that
 * function's address (x86-64: %rsi), for example the call_rcu() calls
 * that queue one module's callback and no others.
 *
 * rendezvous pairs CPUs instead of only holding one: the first CPU at
 * the point waits there up to delay_us for a second one, and the second
 * releases it at once, so the two go on together.  A window that needs
 * two CPUs in it at the same time is then hit whenever their arrivals
 * are within delay_us, with no wait after they meet.
 *
 * Loaded with no symbol or a zero delay it does nothing, so a scenario
 * can load it unconditionally.  /proc/racerig_delay shows the settings
 * and how often the delay was taken.
 */
#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/random.h>
#include <linux/seq_file.h>

static char *symbol = "";
module_param(symbol, charp, 0444);
MODULE_PARM_DESC(symbol, "kernel symbol to delay at (empty: do nothing)");

static unsigned int delay_us;
module_param(delay_us, uint, 0444);
MODULE_PARM_DESC(delay_us, "busy-wait in microseconds (0: do nothing), at most 5000000");

static unsigned int permille = 1000;
module_param(permille, uint, 0444);
MODULE_PARM_DESC(permille, "probability of delaying a hit, in 1/1000");

static char *cpus = "";
module_param(cpus, charp, 0444);
MODULE_PARM_DESC(cpus, "CPUs that delay, as a list like 0,2-3 (empty: all)");

static bool on_return;
module_param(on_return, bool, 0444);
MODULE_PARM_DESC(on_return, "delay when the symbol returns (kretprobe) instead of at entry");

static bool rendezvous;
module_param(rendezvous, bool, 0444);
MODULE_PARM_DESC(rendezvous, "wait at most delay_us for a second CPU at the point, and go on together");

static char *arg2_symbol = "";
module_param(arg2_symbol, charp, 0444);
MODULE_PARM_DESC(arg2_symbol, "only delay calls whose second argument is this function");

static struct cpumask rd_cpus;
static unsigned long rd_arg2;
static atomic64_t rd_hits = ATOMIC64_INIT(0);
static atomic64_t rd_delays = ATOMIC64_INIT(0);
static atomic64_t rd_meets = ATOMIC64_INIT(0);

/* Rendezvous: the waiting CPU, RD_NOBODY, or RD_RELEASED by a partner. */
#define RD_NOBODY	(-1)
#define RD_RELEASED	(-2)
static atomic_t rd_waiter = ATOMIC_INIT(RD_NOBODY);
static bool rd_armed;

static struct kprobe rd_kp;
static struct kretprobe rd_krp;

/* The modulo bias (about 2e-7 for n = 1000) does not matter here. */
static u32 rd_random_below(u32 n)
{
	return get_random_u32() % n;
}

/*
 * Wait up to delay_us for another CPU to arrive, or release the one that
 * waits.  One CPU waits at a time; a third that comes while a pair is
 * parting goes on without waiting.
 */
static void rd_rendezvous(void)
{
	int cpu = raw_smp_processor_id();
	int old = atomic_cmpxchg(&rd_waiter, RD_NOBODY, cpu);
	u64 end;

	if (old >= 0 && old != cpu) {
		if (atomic_cmpxchg(&rd_waiter, old, RD_RELEASED) == old)
			atomic64_inc(&rd_meets);
		return;
	}
	if (old != RD_NOBODY)
		return;
	end = ktime_get_mono_fast_ns() + (u64)delay_us * NSEC_PER_USEC;
	while (ktime_get_mono_fast_ns() < end) {
		if (atomic_read(&rd_waiter) == RD_RELEASED)
			break;
		cpu_relax();
	}
	/* withdraw, unless a partner released this CPU just now */
	if (atomic_cmpxchg(&rd_waiter, cpu, RD_NOBODY) != cpu)
		atomic_set(&rd_waiter, RD_NOBODY);
}

static void rd_maybe_delay(void)
{
	atomic64_inc(&rd_hits);
	if (!cpumask_test_cpu(raw_smp_processor_id(), &rd_cpus))
		return;
	if (permille < 1000 && rd_random_below(1000) >= permille)
		return;
	atomic64_inc(&rd_delays);
	if (rendezvous) {
		rd_rendezvous();
		return;
	}
	if (delay_us >= 1000)
		mdelay(delay_us / 1000);
	udelay(delay_us % 1000);
}

static int rd_pre(struct kprobe *p, struct pt_regs *regs)
{
	if (rd_arg2 != 0 && regs->si != rd_arg2)
		return 0;
	rd_maybe_delay();
	return 0;
}

/* Only calls that match arg2_symbol get their return probed (0: probe it). */
static int rd_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return rd_arg2 != 0 && regs->si != rd_arg2;
}

static int rd_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	rd_maybe_delay();
	return 0;
}

/* A symbol's address, found by probing it (kallsyms_lookup_name is not exported). */
static unsigned long rd_lookup(const char *name)
{
	struct kprobe kp = { .symbol_name = name };
	unsigned long addr;

	if (register_kprobe(&kp) != 0)
		return 0;
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	return addr;
}

static int rd_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "symbol %s\non_return %d\ndelay_us %u\npermille %u\n",
		   rd_armed ? symbol : "(none)", on_return, delay_us, permille);
	seq_printf(m, "cpus %*pbl\narg2_symbol %s\nrendezvous %d\n",
		   cpumask_pr_args(&rd_cpus), arg2_symbol, rendezvous);
	seq_printf(m, "hits %lld\ndelays %lld\nmeets %lld\n",
		   (long long)atomic64_read(&rd_hits),
		   (long long)atomic64_read(&rd_delays),
		   (long long)atomic64_read(&rd_meets));
	return 0;
}

static int __init rd_init(void)
{
	int ret;

	/*
	 * Up to 5 s of busy-waiting: far from the soft-lockup and RCU stall
	 * watchdogs (about 20 s each), long enough to hold a grace period
	 * open or to wait for a rare partner.
	 */
	if (delay_us > 5000000) {
		pr_err("racerig_delay: delay_us %u is over 5000000\n", delay_us);
		return -EINVAL;
	}
	if (permille > 1000) {
		pr_err("racerig_delay: permille %u is over 1000\n", permille);
		return -EINVAL;
	}
	if (!cpus[0]) {
		cpumask_copy(&rd_cpus, cpu_possible_mask);
	} else if (cpulist_parse(cpus, &rd_cpus) != 0) {
		pr_err("racerig_delay: bad CPU list '%s'\n", cpus);
		return -EINVAL;
	}
	if (arg2_symbol[0]) {
		rd_arg2 = rd_lookup(arg2_symbol);
		if (!rd_arg2) {
			pr_err("racerig_delay: no symbol '%s'\n", arg2_symbol);
			return -ENOENT;
		}
	}
	if (!proc_create_single("racerig_delay", 0444, NULL, rd_proc_show))
		return -ENOMEM;
	if (!symbol[0] || delay_us == 0)
		return 0;	/* loaded as a no-op */
	if (on_return) {
		rd_krp.kp.symbol_name = symbol;
		rd_krp.entry_handler = rd_entry;
		rd_krp.handler = rd_ret;
		rd_krp.maxactive = 4 * num_possible_cpus();
		ret = register_kretprobe(&rd_krp);
	} else {
		rd_kp.symbol_name = symbol;
		rd_kp.pre_handler = rd_pre;
		ret = register_kprobe(&rd_kp);
	}
	if (ret) {
		pr_err("racerig_delay: cannot probe '%s': %d\n", symbol, ret);
		remove_proc_entry("racerig_delay", NULL);
		return ret;
	}
	rd_armed = true;
	pr_info("racerig_delay: %u us%s at %s%s on CPUs %*pbl, %u/1000\n",
		delay_us, rendezvous ? " rendezvous" : "", symbol,
		on_return ? " return" : "",
		cpumask_pr_args(&rd_cpus), permille);
	return 0;
}

static void __exit rd_exit(void)
{
	if (rd_armed && on_return)
		unregister_kretprobe(&rd_krp);
	else if (rd_armed)
		unregister_kprobe(&rd_kp);
	remove_proc_entry("racerig_delay", NULL);
}

module_init(rd_init);
module_exit(rd_exit);

MODULE_DESCRIPTION("racerig: busy-wait at a kernel symbol to widen race windows");
MODULE_LICENSE("GPL");
