SCENARIO_PROGS += $(BUILD)/scenarios/rcu-peer-update/driver
$(BUILD)/scenarios/rcu-peer-update/driver: LDLIBS = -static -pthread
