package org.opsbot.commands.check;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every check kind, in the order messages list them: the one place a kind is added. The
 * runbook parser looks kinds up here by key, the {@link CheckRunner} by probe type.
 */
public final class CheckKinds {

    private static final List<CheckKind<?>> ALL = List.of(
            new HttpKind(),
            new PrometheusKind(),
            new TcpKind(),
            new SqlKind(),
            new DiskKind(),
            new FileKind(),
            new LogKind(),
            new ExecKind());

    private static final Map<String, CheckKind<?>> BY_KEY = new LinkedHashMap<>();
    private static final Map<Class<?>, CheckKind<?>> BY_TYPE = new LinkedHashMap<>();

    static {
        for (CheckKind<?> kind : ALL) {
            if (BY_KEY.putIfAbsent(kind.key(), kind) != null) {
                throw new IllegalStateException("two check kinds have the key " + kind.key());
            }
            if (BY_TYPE.putIfAbsent(kind.probeType(), kind) != null) {
                throw new IllegalStateException("two check kinds measure " + kind.probeType().getName());
            }
            if (kind.settings().isEmpty() || new HashSet<>(kind.settings()).size() != kind.settings().size()) {
                throw new IllegalStateException("check kind " + kind.key() + " must list its settings once each");
            }
        }
    }

    private CheckKinds() {
    }

    public static List<CheckKind<?>> all() {
        return ALL;
    }

    /** The kinds' keys, as a runbook's check names them: {@code http}, {@code prometheus}, … */
    public static List<String> keys() {
        return List.copyOf(BY_KEY.keySet());
    }

    public static Optional<CheckKind<?>> find(String key) {
        return Optional.ofNullable(BY_KEY.get(key));
    }

    /** The kind that measures {@code probe}. */
    static CheckKind<?> of(Probe probe) {
        return forProbe(probe).orElseThrow(() -> new IllegalStateException(
                probe.getClass().getName() + " belongs to no check kind; add its kind to CheckKinds"));
    }

    static Optional<CheckKind<?>> forProbe(Probe probe) {
        return Optional.ofNullable(BY_TYPE.get(probe.getClass()));
    }
}
