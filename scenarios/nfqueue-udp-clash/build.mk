NFQ_DIR := $(BUILD)/scenarios/nfqueue-udp-clash
SCENARIO_PROGS += $(NFQ_DIR)/nfq-verdict $(NFQ_DIR)/udp-flows $(NFQ_DIR)/softirq-load
$(NFQ_DIR)/nfq-verdict: LDLIBS = -lnetfilter_queue -lnfnetlink -lnetfilter_conntrack -lmnl -lpthread -lm
$(NFQ_DIR)/udp-flows: LDLIBS = -Wl,-Bstatic -luring -Wl,-Bdynamic -lpthread
$(NFQ_DIR)/softirq-load: LDLIBS = -Wl,-Bstatic -luring -Wl,-Bdynamic -lpthread
