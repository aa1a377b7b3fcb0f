SCENARIO_PROGS += $(BUILD)/scenarios/agent-garbage/garbage
$(BUILD)/scenarios/agent-garbage/garbage: guest/agent/proto.c
$(BUILD)/scenarios/agent-garbage/garbage: LDLIBS = guest/agent/proto.c -static
