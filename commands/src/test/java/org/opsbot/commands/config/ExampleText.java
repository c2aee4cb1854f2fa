package org.opsbot.commands.config;

/** The shipped example as tests that pair it with other files need it. */
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
}
