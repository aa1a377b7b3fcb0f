#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='logs as people paste them (syslog, journal, quoted, decoded, damaged) get the title and guilty frame of the kernel form'
. "$(dirname "$0")/lib-test.sh"

F="$TEST_ROOT/tests/data/field"
R="$TEST_ROOT/tests/data/reports"

# pasted FILE TITLE FRAME: FILE (tests/data/field, whose first line names
# where it was found) gets TITLE and guilty FRAME ("" for none).
pasted() {
	test_expect_success "$1: $2" "
		\"\$RACERIG\" classify \"$F/$1\" >out &&
		test \"\$(head -1 out)\" = \"$2\" &&
		test \"\$(sed -n 's/^frame: //p' out)\" = \"$3\"
	"
}

# Real logs, as found (see the first line of each).
pasted syslog-list-del-ru-5.13.log "BUG: corrupted list in __dentry_kill" __dentry_kill
pasted syslog-null-deref-kdbus-4.1.log \
	"BUG: unable to handle kernel NULL pointer dereference in kdbus_name_release_all" \
	kdbus_name_release_all
pasted syslog-gpf-rwsem-3.16.log "general protection fault in __rwsem_do_wake" __rwsem_do_wake
pasted busybox-syslog-gpf-6.6.log "general protection fault in __blk_rq_map_sg" __blk_rq_map_sg
pasted null-deref-iotrace-3.10.log \
	"BUG: unable to handle kernel NULL pointer dereference in octf_trace_push" octf_trace_push
pasted kasan-module-unreliable-frames-5.10.log \
	"KASAN: use-after-free Read in tfw_http_msg_process_generic" tfw_http_msg_process_generic
# every frame is a "? " guess, which syzkaller ignores: no frame is left
pasted hung-task-4.9-unreliable-frames.log "INFO: task hung in corrupted" ""
# both cut before the interrupted frame a stall is named after
pasted syslog-rcu-stall-4.x.log "INFO: rcu detected stall in corrupted" ""
pasted rcu-stall-inline-frames-4.3.log "INFO: rcu detected stall in corrupted" ""
# cut before the frame above the scheduler that names it
pasted email-quoted-panic-stack-end.log "kernel panic: corrupted stack end in corrupted" ""

test_expect_success 'a user-space general protection fault in syslog is no crash' '
	"$RACERIG" classify "$F/syslog-user-gpf-no-crash.log" >out && ! test -s out
'

# same FILE OTHER: OTHER classifies as FILE does (title, frame, frames).
same() {
	"$RACERIG" classify "$1" | sed -n '1p; /^frame/p' >want &&
	"$RACERIG" classify "$2" | sed -n '1p; /^frame/p' >got &&
	test -s want && diff want got
}

test_expect_success 'a quoted paste classifies as the log without quoting' '
	sed "1d; s/^> \{0,1\}//" "$F/email-quoted-panic-stack-end.log" >plain.log &&
	same plain.log "$F/email-quoted-panic-stack-end.log" &&
	sed "s/^/> > /" "$R/conntrack-clash-kasan-6.1.log" >quoted2.log &&
	same "$R/conntrack-clash-kasan-6.1.log" quoted2.log
'

# The forms below had no real sample in the stored pages; they are made
# from real logs by rewriting each line the way the tool would.
test_expect_success 'journalctl -o short-iso and short-monotonic prefixes are stripped' '
	sed "1d; s/^июл 27 \([0-9:]*\) laptop kernel: /2021-07-27T\1+0300 laptop kernel: /" \
		"$F/syslog-list-del-ru-5.13.log" >iso.log &&
	same "$F/syslog-list-del-ru-5.13.log" iso.log &&
	sed "s/^\(\[ *[0-9.]*\]\) /\1 vm1 kernel: /" "$R/rcu-double-queue-6.1.log" >mono.log &&
	same "$R/rcu-double-queue-6.1.log" mono.log
'

test_expect_success 'a host or timestamp prefix before the printk time is stripped' '
	sed "s/^/vm-3    | 2025-01-05 10:11:12.345 /" "$R/conntrack-clash-kasan-6.1.log" >host.log &&
	same "$R/conntrack-clash-kasan-6.1.log" host.log
'

test_expect_success 'CRLF, doubled CRs and tabs do not change the classification' '
	sed "s/\$/\r/; 5s/\$/\r/; s/^\(\[[^]]*\]\)  */\1\t/" "$R/rcu-double-queue-6.1.log" >crlf.log &&
	grep -q "$(printf "\r\r")" crlf.log &&
	same "$R/rcu-double-queue-6.1.log" crlf.log
'

# decode_stacktrace.sh replaces "f+0x1/0x2 [mod]" with "f (path/file.c:N) mod"
# and prints inlined callers after the inlined function on one line.
test_expect_success 'decode_stacktrace.sh output classifies as the raw report' '
	sed -e "s/ \([A-Za-z_][A-Za-z0-9_.]*\)+0x[0-9a-f]*\/0x[0-9a-f]*\( \[[a-z_]*\]\)\{0,1\}\$/ \1 (net\/netfilter\/x.c:12)/" \
		"$R/conntrack-clash-kasan-6.1.log" >decoded.log &&
	grep -q "^\[  212.005402\] BUG: KASAN: use-after-free in nf_ct_deliver_cached_events (net/netfilter/x.c:12)\$" decoded.log &&
	! grep -q "+0x" decoded.log &&
	same "$R/conntrack-clash-kasan-6.1.log" decoded.log
'

test_expect_success 'inlined frames on one line: the first that is not generic is guilty' '
	sed "s/^\(\[  212.009720\]\)  nf_ct_deliver_cached_events.*/\1  list_del (include\/linux\/list.h:218) nf_ct_deliver_cached_events (net\/netfilter\/nf_conntrack_ecache.c:90) __nf_conntrack_confirm (net\/netfilter\/nf_conntrack_core.c:1260)/" \
		"$R/conntrack-clash-kasan-6.1.log" >inline.log &&
	grep -q "list_del (include" inline.log &&
	"$RACERIG" classify inline.log >out &&
	test "$(sed -n "s/^frame: //p" out)" = nf_ct_deliver_cached_events
'

test_expect_success '2.6-era "[<addr>] ? f" and hidden-address "[] ? f" frames are skipped' '
	sed "s/^\(\[[^]]*\]\)  \(print_report\|kasan_report\)/\1  [<ffffffff81234567>] \2/;
	     s/^\(\[[^]]*\]\)  \(nf_ct_deliver_cached_events\)/\1  [] \2/;
	     /kasan_report/a [  212.009721]  [] ? nf_conntrack_find_get+0x10/0x20
	     /kasan_report/a [  212.009722]  [<ffffffff81234568>] ? ipv4_confirm+0x10/0x20" \
		"$R/conntrack-clash-kasan-6.1.log" >old.log &&
	grep -q "\[\] ? nf_conntrack_find_get" old.log &&
	same "$R/conntrack-clash-kasan-6.1.log" old.log
'

test_expect_success 'a raw console log that mentions "kernel: " keeps its title' '
	{ printf "[    1.000000] Booting the kernel: 6.1\n"; cat "$R/rcu-double-queue-6.1.log"; } >mention.log &&
	same "$R/rcu-double-queue-6.1.log" mention.log
'

test_done
