SCENARIO_PROGS += $(BUILD)/scenarios/console-flood/flood
$(BUILD)/scenarios/console-flood/flood: LDLIBS = -static
