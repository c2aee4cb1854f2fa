package org.opsbot.commands.check;

import java.util.List;
import java.util.Optional;

/**
 * One kind of check ({@code http}, {@code disk}, …): its key in a runbook file, how it reads its
 * settings from there and how it measures. The runbook parser and the {@link CheckRunner} both
 * find kinds in {@link CheckKinds}, the one list to add a new kind to.
 *
 * @param <P> the kind's probe: a record of its settings, as read from the runbook
 */
public interface CheckKind<P extends Probe> {

    /** The key that names this kind in a runbook's check ({@code disk: {path: /}}). */
    String key();

    /** The settings its mapping may have; any other key is reported. The first is the one shown in examples. */
    List<String> settings();

    /** The probe record this kind reads and measures. */
    Class<P> probeType();

    /**
     * Reads the settings of one check of this kind. Every problem goes to
     * {@link KindSettings#problem} with its line; unknown keys are reported by the caller.
     *
     * @return the probe, or empty when a problem made one impossible
     */
    Optional<P> parse(KindSettings settings);

    /**
     * Measures once, stopping at {@link ProbeContext#timeout()}; whatever stops the work for real
     * (cancelling a call, killing a process) is registered on {@link ProbeContext#cancellation()}.
     *
     * @throws ProbeException with a message for people when the check cannot tell (ERROR)
     * @throws Exception      anything else also makes the check ERROR, described by {@link Errors}
     */
    Measurement measure(P probe, ProbeContext context) throws Exception;
}
