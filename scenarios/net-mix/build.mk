NETMIX_DIR := $(BUILD)/scenarios/net-mix
SCENARIO_PROGS += $(NETMIX_DIR)/traffic
$(NETMIX_DIR)/traffic: LDLIBS = -lpthread
