package org.opsbot.commands.config;

/** The shipped example as tests that pair it with other files, or run it on the wall clock, need it. */
public final class ExampleText {
    private ExampleText() {
    }

    /**
     * The example without its maintenance windows' {@code then-run}: those name the shipped
     * runbooks, which a test's own runbooks folder does not hold, so validate, serve and reload
     * would report them.
     */
    public static String forOtherRunbooks() {
        return ConfigLoader.exampleText().replaceAll(",\\s*then-run: [a-z-]+", "");
    }

    /**
     * The example without its recurring maintenance windows, for a bot on the wall clock: the
     * seeds' windows (Sunday nights, Wednesday 02:00 UTC) would otherwise be announced in their
     * channels, and hold their teams' alerts, whenever such a test happens to run during one.
     */
    public static String withoutWindows() {
        return ConfigLoader.exampleText().replaceAll("(?m)^maintenance:\\n(?: {2}.*\\n)+", "");
    }

    /** {@link #withoutWindows()}, read. */
    public static OpsbotConfig onTheWallClock() {
        return ConfigParser.parse(withoutWindows(), "opsbot.example.yaml").require();
    }
}
