package io.fnlab.sim.net;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.fnlab.model.net.Ipv4;
import io.fnlab.model.net.Protocol;
import io.fnlab.sim.trace.Step;

/**
 * JSON for traces and flow results: records as objects, each Step with a "type" field holding
 * its record name ("HookRan", "Rewrite" ...), addresses dotted, protocols by name.
 */
public final class TraceJson {
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
    private interface StepMixin {}

    private static final ObjectMapper MAPPER = build();

    private static ObjectMapper build() {
        ObjectMapper m = new ObjectMapper();
        m.addMixIn(Step.class, StepMixin.class);
        for (Class<?> c : Step.class.getPermittedSubclasses()) m.registerSubtypes(new NamedType(c, c.getSimpleName()));
        SimpleModule mod = new SimpleModule("fnlab-trace");
        mod.addSerializer(Ipv4.class, ToStringSerializer.instance);
        mod.addSerializer(Protocol.class, ToStringSerializer.instance);
        m.registerModule(mod);
        m.enable(SerializationFeature.INDENT_OUTPUT);
        return m;
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String write(Object traceOrResult) {
        try {
            return MAPPER.writeValueAsString(traceOrResult);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("trace not serialisable: " + e.getMessage(), e);
        }
    }

    private TraceJson() {}
}
