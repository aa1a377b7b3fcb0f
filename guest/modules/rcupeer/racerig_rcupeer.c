// SPDX-License-Identifier: GPL-2.0
/*
 * racerig_rcupeer: a model of an out-of-tree link-tracking module whose
 * peer-update path queues a link's rcu_head with call_rcu() without
 * checking that it is already queued (racerig seed race 1).
 *
 * Links live in a hash table keyed by id, each with a 4-tuple and a peer
 * address.  A peer update unhooks the link and re-inserts it with the new
 * peer from an RCU callback.  Two updates of one link on two CPUs within
 * one grace period queue the same rcu_head on both CPUs' callback lists:
 * the lists merge, callbacks run twice or are lost, and the kmalloc-256
 * objects that background traffic frees through call_rcu() (like
 * dst_entry frees) are freed twice and reused.
 *
 * Updates come from softirq context (a UDP control message to ctl_port,
 * seen by a netfilter LOCAL_IN hook) and from process context (write()
 * of struct rcupeer_update to /dev/rcupeer).  fixed=1 guards the rcu_head
 * with a pending bit, which is the real fix.  Counters are in
 * /proc/rcupeer; "collisions" counts updates that found the rcu_head
 * already queued (the race being hit), in either mode.
 *
 * object=dst makes the objects real, as in the field: each link keeps an
 * IPv4 route to its peer (a dst_entry from ip_route_output_key()), which
 * a peer change replaces from the RCU callback, releasing the old one;
 * and the background traffic is route lookups released at once.  The
 * routes are looked up with a known next hop, which the kernel never
 * caches: every lookup is a fresh rtable on its CPU's uncached list,
 * and every release frees it through the kernel's own call_rcu()
 * (dst_destroy_rcu -> ipv4_dst_destroy).  Merged callback lists then run
 * dst_destroy_rcu twice on one rtable, and the freed rtables are the ones
 * the guest's own packets take next.  Peers map into 127.1.0.0/16, so
 * every lookup succeeds on loopback whatever the guest's network.  On 6.1
 * this rarely gets that far: rcu_do_batch() clears a callback's func
 * before calling it, so the double-queued head's second call is a call
 * of NULL, the first symptom in 20 of 20 runs (README).  3.10, the field
 * kernel, called head->func without clearing it: the link's callback ran
 * twice and the dst frees behind it on the merged lists did too.
 *
 * A double-queued rcu_head does not always crash: sometimes the merged
 * lists lose their tail and RCU callbacks quietly stop running on a CPU,
 * so the guest only leaks memory.  A watchdog notices that no callback of
 * this module has run for stall_s seconds while it kept queueing them,
 * and panics, so the bug is recorded (with a vmcore of the broken lists)
 * instead of passing as a clean run.
 */
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/hashtable.h>
#include <linux/ip.h>
#include <linux/kthread.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/proc_fs.h>
#include <linux/rculist.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include <net/ip.h>
#include <net/net_namespace.h>
#include <net/route.h>

static int fixed;
module_param(fixed, int, 0444);
MODULE_PARM_DESC(fixed, "1: guard the rcu_head with a pending bit (the fix)");

static int links = 16;
module_param(links, int, 0444);
MODULE_PARM_DESC(links, "number of links in the table");

static int bg_rate = 20000;
module_param(bg_rate, int, 0444);
MODULE_PARM_DESC(bg_rate, "kmalloc-256 objects freed through call_rcu() per second, all CPUs");

static int ctl_port = 7777;
module_param(ctl_port, int, 0444);
MODULE_PARM_DESC(ctl_port, "UDP port of peer-update control messages");

static int stall_s = 10;
module_param(stall_s, int, 0444);
MODULE_PARM_DESC(stall_s, "panic when no RCU callback ran for this long while more were queued (0: never)");

static char *object = "rcu_head";
module_param(object, charp, 0444);
MODULE_PARM_DESC(object, "rcu_head: links and background frees are plain kmalloc-256 objects; dst: links keep real IPv4 routes and the background frees routes");

#define RP_HASH_BITS	6
#define RP_PENDING	0

/* What userspace writes to /dev/rcupeer and sends to ctl_port. */
struct rcupeer_update {
	__u32	link;
	__u32	peer;
};

struct rp_link {
	struct hlist_node	node;
	u32			id;
	__be32			saddr, daddr;
	__be16			sport, dport;
	__be32			peer;
	__be32			new_peer;
	struct dst_entry	*dst;	/* object=dst: the route to peer */
	unsigned long		flags;
	struct rcu_head		rcu;
};

/* A background object of dst_entry's size class (kmalloc-256). */
struct rp_dst {
	struct rcu_head		rcu;
	struct list_head	list;
	char			payload[200];
};

static DEFINE_HASHTABLE(rp_hash, RP_HASH_BITS);
static DEFINE_SPINLOCK(rp_lock);
static struct rp_link **rp_links;
static struct task_struct **rp_bg_threads;
static bool rp_dst_mode;	/* object=dst */

static atomic64_t rp_updates = ATOMIC64_INIT(0);
static atomic64_t rp_collisions = ATOMIC64_INIT(0);
static atomic64_t rp_callbacks = ATOMIC64_INIT(0);
static atomic64_t rp_bg_frees = ATOMIC64_INIT(0);
static atomic64_t rp_queued = ATOMIC64_INIT(0);	/* every call_rcu() we make */
static atomic64_t rp_routes = ATOMIC64_INIT(0);	/* object=dst: lookups */
static atomic64_t rp_route_errors = ATOMIC64_INIT(0);

/*
 * object=dst: a route to peer's loopback image, 127.1.x.y (y never 0 or
 * 255).  FLOWI_FLAG_KNOWN_NH on a route without a gateway is never cached
 * (__mkroute_output), so the caller owns a fresh rtable with one
 * reference, on this CPU's uncached list.  Callable from softirq.
 */
static struct dst_entry *rp_route(__be32 peer)
{
	u32 p = ntohl(peer);
	struct flowi4 fl4 = {
		.daddr = htonl(0x7f010000 | (((p >> 8) & 0xff) << 8) | (p % 254 + 1)),
		.flowi4_flags = FLOWI_FLAG_KNOWN_NH,
	};
	struct rtable *rt = ip_route_output_key(&init_net, &fl4);

	if (IS_ERR(rt)) {
		atomic64_inc(&rp_route_errors);
		return NULL;
	}
	atomic64_inc(&rp_routes);
	return &rt->dst;
}

/* RCU callback: put the link back into the table with its new peer. */
static void rp_reinsert_rcu(struct rcu_head *head)
{
	struct rp_link *l = container_of(head, struct rp_link, rcu);
	struct dst_entry *old = NULL, *dst = NULL;
	unsigned long irqflags;

	atomic64_inc(&rp_callbacks);
	if (rp_dst_mode)
		dst = rp_route(READ_ONCE(l->new_peer));
	spin_lock_irqsave(&rp_lock, irqflags);
	l->peer = l->new_peer;
	if (rp_dst_mode) {
		old = l->dst;
		l->dst = dst;
	}
	if (hlist_unhashed(&l->node))
		hash_add_rcu(rp_hash, &l->node, l->id);
	spin_unlock_irqrestore(&rp_lock, irqflags);
	clear_bit(RP_PENDING, &l->flags);
	/* the old route's last reference: freed through call_rcu() */
	dst_release(old);
}

/*
 * Change a link's peer: unhook it now, re-insert it once readers are
 * done.  The bug: nothing stops a second update from queueing the same
 * rcu_head while the first is still pending.
 */
static int rp_update_peer(u32 id, __be32 peer)
{
	struct rp_link *l;
	unsigned long irqflags;

	if (id >= links)
		return -EINVAL;
	l = rp_links[id];
	atomic64_inc(&rp_updates);

	spin_lock_irqsave(&rp_lock, irqflags);
	hash_del_rcu(&l->node);
	INIT_HLIST_NODE(&l->node);
	l->new_peer = peer;
	spin_unlock_irqrestore(&rp_lock, irqflags);

	if (test_and_set_bit(RP_PENDING, &l->flags)) {
		atomic64_inc(&rp_collisions);
		if (fixed)
			return 0;	/* the queued callback will see new_peer */
	}
	atomic64_inc(&rp_queued);
	call_rcu(&l->rcu, rp_reinsert_rcu);
	return 0;
}

/* Softirq path: UDP to ctl_port carrying a struct rcupeer_update. */
static unsigned int rp_nf_hook(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	struct rcupeer_update upd;
	struct udphdr _uh, *uh;
	struct iphdr *iph = ip_hdr(skb);

	if (iph->protocol != IPPROTO_UDP)
		return NF_ACCEPT;
	uh = skb_header_pointer(skb, ip_hdrlen(skb), sizeof(_uh), &_uh);
	if (!uh || ntohs(uh->dest) != ctl_port)
		return NF_ACCEPT;
	if (skb_copy_bits(skb, ip_hdrlen(skb) + sizeof(*uh), &upd,
			  sizeof(upd)) < 0)
		return NF_DROP;
	rp_update_peer(upd.link, (__force __be32)upd.peer);
	return NF_DROP;
}

static const struct nf_hook_ops rp_nf_ops = {
	.hook		= rp_nf_hook,
	.pf		= NFPROTO_IPV4,
	.hooknum	= NF_INET_LOCAL_IN,
	.priority	= NF_IP_PRI_FIRST,
};

/* Process path: write() a struct rcupeer_update to /dev/rcupeer. */
static ssize_t rp_dev_write(struct file *file, const char __user *buf,
			    size_t len, loff_t *ppos)
{
	struct rcupeer_update upd;
	int err;

	if (len != sizeof(upd))
		return -EINVAL;
	if (copy_from_user(&upd, buf, sizeof(upd)))
		return -EFAULT;
	err = rp_update_peer(upd.link, (__force __be32)upd.peer);
	return err ? err : len;
}

static const struct file_operations rp_dev_fops = {
	.owner	= THIS_MODULE,
	.write	= rp_dev_write,
	.llseek	= noop_llseek,
};

static struct miscdevice rp_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "rcupeer",
	.fops	= &rp_dev_fops,
	.mode	= 0600,
};

static int rp_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "fixed %d\nupdates %lld\ncollisions %lld\n",
		   fixed, atomic64_read(&rp_updates),
		   atomic64_read(&rp_collisions));
	seq_printf(m, "callbacks %lld\nbg_frees %lld\nqueued %lld\n",
		   atomic64_read(&rp_callbacks), atomic64_read(&rp_bg_frees),
		   atomic64_read(&rp_queued));
	seq_printf(m, "object %s\nroutes %lld\nroute_errors %lld\n",
		   rp_dst_mode ? "dst" : "rcu_head",
		   atomic64_read(&rp_routes), atomic64_read(&rp_route_errors));
	return 0;
}

static void rp_dst_free_rcu(struct rcu_head *head)
{
	struct rp_dst *d = container_of(head, struct rp_dst, rcu);

	list_del(&d->list);
	kfree(d);
	atomic64_inc(&rp_bg_frees);
}

/*
 * Background RCU traffic on one CPU: every millisecond, allocate a batch
 * of kmalloc-256 objects on a private list and free them through
 * call_rcu(), as routing code frees dst entries.
 */
static int rp_bg_thread(void *arg)
{
	int per_ms = max(1, bg_rate / 1000 / (int)num_online_cpus());
	u32 seq = smp_processor_id() << 16;
	LIST_HEAD(objs);

	while (!kthread_should_stop()) {
		struct rp_dst *d, *tmp;
		int i;

		if (rp_dst_mode) {
			/*
			 * Routes instead: each lookup a fresh rtable, each
			 * release its free through call_rcu(), and bg_frees
			 * counts the releases (the callbacks are the kernel's).
			 */
			for (i = 0; i < per_ms; i++) {
				struct dst_entry *dst = rp_route(htonl(seq++));

				if (dst) {
					dst_release(dst);
					atomic64_inc(&rp_bg_frees);
				}
			}
			usleep_range(1000, 1100);
			continue;
		}

		for (i = 0; i < per_ms; i++) {
			d = kmalloc(sizeof(*d), GFP_KERNEL);
			if (!d)
				break;
			list_add(&d->list, &objs);
		}
		list_for_each_entry_safe(d, tmp, &objs, list) {
			/* each object is its own list, as a freed dst is */
			list_del_init(&d->list);
			atomic64_inc(&rp_queued);
			call_rcu(&d->rcu, rp_dst_free_rcu);
		}
		usleep_range(1000, 1100);
	}
	return 0;
}

/*
 * Once a second: has any of our callbacks run since last time?  A grace
 * period takes milliseconds even under TCG, and the kernel's own RCU CPU
 * stall warning (21 s) is no help here: grace periods go on, only the
 * corrupted callback list stops delivering.  The title carries no numbers
 * so that every stall shares one bucket; the counts go on the line above.
 */
static void rp_watchdog_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(rp_watchdog, rp_watchdog_fn);
static s64 rp_wd_done = -1, rp_wd_queued;
static int rp_wd_idle;

static void rp_watchdog_fn(struct work_struct *work)
{
	/* object=dst: bg_frees counts releases, not callbacks run */
	s64 done = atomic64_read(&rp_callbacks) +
		   (rp_dst_mode ? 0 : atomic64_read(&rp_bg_frees));
	s64 queued = atomic64_read(&rp_queued);
	bool waiting;

	/*
	 * Waiting: more was queued since the last look, or fewer callbacks
	 * ran than were queued (the lists may be stuck after the updates
	 * stopped).  A double-run callback makes "done" overshoot, so the
	 * first test is needed too.
	 */
	waiting = queued != rp_wd_queued || queued > done;
	if (done != rp_wd_done || !waiting) {
		/* progress, or nothing to run */
		rp_wd_done = done;
		rp_wd_idle = 0;
	} else if (++rp_wd_idle >= stall_s) {
		pr_err("racerig_rcupeer: %lld callbacks queued, %lld ran, none for %d s; %lld collisions\n",
		       queued, done, rp_wd_idle,
		       atomic64_read(&rp_collisions));
		panic("racerig_rcupeer: RCU callbacks stopped running");
	}
	rp_wd_queued = queued;
	schedule_delayed_work(&rp_watchdog, HZ);
}

static void rp_stop_threads(void)
{
	int cpu;

	if (!rp_bg_threads)
		return;
	for_each_possible_cpu(cpu) {
		if (rp_bg_threads[cpu])
			kthread_stop(rp_bg_threads[cpu]);
	}
	kfree(rp_bg_threads);
	rp_bg_threads = NULL;
}

static void rp_free_links(void)
{
	int i;

	if (!rp_links)
		return;
	for (i = 0; i < links; i++) {
		if (rp_links[i])
			dst_release(rp_links[i]->dst);
		kfree(rp_links[i]);
	}
	kfree(rp_links);
	rp_links = NULL;
}

static int __init rp_init(void)
{
	int i, cpu, err = -ENOMEM;

	if (links < 1 || links > 65536)
		return -EINVAL;
	if (!strcmp(object, "dst")) {
		rp_dst_mode = true;
	} else if (strcmp(object, "rcu_head")) {
		pr_err("racerig_rcupeer: object=%s: not rcu_head or dst\n",
		       object);
		return -EINVAL;
	}
	rp_links = kcalloc(links, sizeof(*rp_links), GFP_KERNEL);
	if (!rp_links)
		return -ENOMEM;
	for (i = 0; i < links; i++) {
		struct rp_link *l = kzalloc(sizeof(*l), GFP_KERNEL);

		if (!l)
			goto fail;
		l->id = i;
		l->saddr = htonl(0x0a000001);
		l->daddr = htonl(0x0a000100 + i);
		l->sport = htons(4500);
		l->dport = htons(4500 + i);
		l->peer = l->daddr;
		if (rp_dst_mode) {
			l->dst = rp_route(l->peer);
			if (!l->dst) {
				kfree(l);
				err = -EHOSTUNREACH;
				goto fail;
			}
		}
		hash_add(rp_hash, &l->node, l->id);
		rp_links[i] = l;
	}
	rp_bg_threads = kcalloc(nr_cpu_ids, sizeof(*rp_bg_threads),
				GFP_KERNEL);
	if (!rp_bg_threads)
		goto fail;
	if (bg_rate > 0) {
		for_each_online_cpu(cpu) {
			struct task_struct *t;

			t = kthread_create_on_cpu(rp_bg_thread, NULL, cpu,
						  "rcupeer_bg/%u");
			if (IS_ERR(t)) {
				err = PTR_ERR(t);
				goto fail;
			}
			rp_bg_threads[cpu] = t;
			wake_up_process(t);
		}
	}
	err = misc_register(&rp_misc);
	if (err)
		goto fail;
	err = nf_register_net_hook(&init_net, &rp_nf_ops);
	if (err)
		goto fail_misc;
	if (!proc_create_single("rcupeer", 0444, NULL, rp_proc_show)) {
		err = -ENOMEM;
		goto fail_hook;
	}
	if (stall_s > 0)
		schedule_delayed_work(&rp_watchdog, HZ);
	pr_info("racerig_rcupeer: %d links, object=%s, fixed=%d, bg_rate=%d, ctl_port=%d, stall_s=%d\n",
		links, object, fixed, bg_rate, ctl_port, stall_s);
	return 0;

fail_hook:
	nf_unregister_net_hook(&init_net, &rp_nf_ops);
fail_misc:
	misc_deregister(&rp_misc);
fail:
	rp_stop_threads();
	rcu_barrier();
	rp_free_links();
	return err;
}

static void __exit rp_exit(void)
{
	cancel_delayed_work_sync(&rp_watchdog);
	remove_proc_entry("rcupeer", NULL);
	nf_unregister_net_hook(&init_net, &rp_nf_ops);
	misc_deregister(&rp_misc);
	rp_stop_threads();
	rcu_barrier();
	rp_free_links();
}

module_init(rp_init);
module_exit(rp_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("racerig seed race 1: double call_rcu() from two CPUs");
