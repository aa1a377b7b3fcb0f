#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
test_description='host/ calls only down its layers, in no circle (tests/layers.py over the objects)'
. "$(dirname "$0")/lib-test.sh"

test_expect_success 'no call runs up a layer and no files call in a circle' '
	python3 "$TEST_ROOT/tests/layers.py" "$TEST_ROOT/build/obj" >out 2>&1 ||
	{ cat out; false; }
'

test_expect_success 'the check sees a call up a layer' '
	mkdir -p fake/host fake/guest/agent &&
	cp "$TEST_ROOT"/build/obj/host/*.o fake/host/ &&
	cp "$TEST_ROOT"/build/obj/guest/agent/proto.o fake/guest/agent/ &&
	cat >up.c <<-\EOC &&
	int cmd_find(void);
	int report_calls_up(void) { return cmd_find(); }
	EOC
	cc -c -o fake/host/report-up.o up.c &&
	! python3 "$TEST_ROOT/tests/layers.py" fake >out &&
	grep -q "^up: host/report-up.c" out
'

test_done
